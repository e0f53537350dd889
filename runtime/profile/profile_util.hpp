// Small pure helpers shared by the profile loader's stages: JSON pointers, describing
// values in messages, sizes and durations. The stages' "did you mean" is nearest()
// (runtime/base/suggest.hpp).
#pragma once

#include <cstdint>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/base/json_pointer.hpp"

#include "runtime/base/suggest.hpp"

namespace burrow::profile {

// Profiles are parsed into ordered JSON so that problems come out in document order.
using ojson = nlohmann::ordered_json;

// "/a/b" + key → "/a/b/key" (escaped).
std::string pointer_join(const std::string& base, std::string_view key);
std::string pointer_join(const std::string& base, std::size_t index);
// The pointer as printed: "/" for the whole document.
std::string pointer_text(const std::string& ptr);

// `"text"` as JSON would write it (control characters escaped, invalid UTF-8 replaced),
// shortened when very long.
std::string quote(std::string_view s);
// A value for "got ...": `string "yes"`, `integer 1`, `number 1.5`, `boolean true`,
// `null`, `array`, `object`.
std::string describe(const ojson& v);
// "boolean", "string", ... (the JSON type name used in "expected X, got Y").
std::string type_name(const ojson& v);

// "a, b, c" / "\"a\", \"b\"".
std::string join(const std::vector<std::string>& items, std::string_view sep);
std::string join_quoted(const std::vector<std::string>& items, std::string_view sep);

// File name without directory and without a final ".json". (The lexical path helpers the
// stages use are in runtime/base/path.hpp.)
std::string file_stem(std::string_view path);

// ^[A-Za-z_][A-Za-z0-9_]*$
bool is_env_name(std::string_view s);
// ^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$
bool is_profile_name(std::string_view s);

// "64m" → 67108864: digits with an optional k, m or g suffix (KiB, MiB, GiB; either case).
enum class SizeText { ok, bad, too_large };
SizeText parse_size(std::string_view s, std::uint64_t& out);

// "10", "1.5", "10s", "2m", "1h", "1d" → seconds (as timeout(1) reads DURATION). False for
// anything else, and beyond 100 years.
bool parse_duration(std::string_view s, double& seconds);

}  // namespace burrow::profile
