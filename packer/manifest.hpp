// Reading a pack's .burrow/manifest.json and .burrow/files back, as hostile input: sizes
// are capped, the structure is checked key by key, and every path a manifest names must be
// a plain relative name inside the pack. Pure (the callers read the bytes).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "packer/tree.hpp"

namespace burrow::pack {

// The launcher reads manifests up to the same size (launcher/pack_entry.cpp).
inline constexpr std::uint64_t kManifestMaxBytes = std::uint64_t{64} << 20;
// About 4 million members.
inline constexpr std::uint64_t kFileListMaxBytes = std::uint64_t{512} << 20;

// Why PATH cannot be the name of a member of a pack ("" when it can): absolute, a ".."
// or "." component, an empty component, a NUL. Unpacking such a member writes outside
// the pack or somewhere the manifest cannot describe.
std::string member_name_problem(std::string_view path);

// The manifest's text → its JSON, checked: a JSON object of this format whose keys have
// the types and shapes make_manifest() writes (unknown keys are allowed). Throws
// Error(1) "WHERE: .burrow/manifest.json: /items/2/sha256: expected …, got …".
nlohmann::json parse_manifest(std::string_view text, const std::string& where);

// `burrow-pack info`'s summary for people, from a manifest parse_manifest() accepted: the
// pack's packer, date and runtime, its entries, its items largest first with their sizes
// and the total, slices with where they mount, links, and the arguments it was made with.
std::string manifest_summary(const nlohmann::json& m, const std::string& pack);

// Parses .burrow/files (written by file_list_text(), layout.hpp) back; throws Error(1)
// "WHERE: .burrow/files: record N: …" for anything file_list_text() does not write (bad
// type, unsafe path, bad hash, out of tree order or repeated, a truncated record).
std::vector<TreeRecord> parse_file_list(std::string_view text, const std::string& where);

}  // namespace burrow::pack
