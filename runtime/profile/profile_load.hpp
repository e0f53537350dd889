// Loading profiles: JSON text → validated, merged, expanded Profile.
//
// Stages (profile format v1, man/burrow-profile.5):
//   read file (size limit, optional "#!" first line, comments, duplicate keys)
//   → schema check of each document on its own (unknown keys, types, enums)
//   → extends (builtin:NAME, ./relative.json, NAME) and merge, left to right, then overlays
//   → variable expansion and path normalisation
//   → whole-profile semantic checks
//   → typed Profile.
// Every stage before host access is pure: no syscalls but reading the profile files.
// Problems are collected and thrown together as ProfileError, each line of the form
//   "<file>[ (via <parent> → …)]: <json-pointer>: <what is wrong>; <how to fix it>"
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/profile/profile.hpp"

namespace burrow {

// Values of the path variables and the host environment, gathered once by the launcher.
// Keeping them here (not read from the process inside the loader) keeps loading testable.
struct LoadContext {
    // ORIGIN, PACK (absent outside a pack), HOME, PWD, UID, GID, USER, TMPDIR, RUNTIME_DIR.
    std::map<std::string, std::string> vars;
    // The host environment, for ${env:NAME}.
    std::map<std::string, std::string> env;
    // Asked for what the maps lack (nullopt: undefined). The launcher answers HOME and USER
    // (they read /etc/passwd) and the environment this way, so a launch whose profiles do
    // not use them pays nothing for them.
    std::function<std::optional<std::string>(const std::string&)> more_vars;
    std::function<std::optional<std::string>(const std::string&)> more_env;

    std::optional<std::string> var(const std::string& name) const;
    std::optional<std::string> env_value(const std::string& name) const;
};

// A document applied on top of the profile chain: the command line's options become one.
// Same schema as a profile file minus "version"/"extends"; "$" in its strings is literal
// text (the command line writes "$$"). Entries of "mounts"/"stores" may carry
// "x-option": "--bind /a /b", which then names the origin in messages instead of a pointer.
struct Overlay {
    std::string label;  // "command line"
    nlohmann::json doc;
    // Which option wrote which value ("/hostname" → "--hostname box"): problems at that
    // pointer or below it are reported under the option's name (like "x-option").
    std::map<std::string, std::string> options;
};

// ref: a file path, or "builtin:NAME"; nullopt = no profile (defaults, root.host "none").
// The overlays are taken by value and consumed as they are read (move them in when they
// are large).
Profile load_profile(const std::optional<std::string>& ref, std::vector<Overlay> overlays, const LoadContext& ctx);

// Parse one profile file's text (exposed for tests and for burrow-pack).
// Throws ProfileError naming `file` and, for syntax errors, line:column.
nlohmann::json parse_profile_text(const std::string& text, const std::string& file);

// The JSON text of a built-in base ("pack", "sandbox"), or nullptr.
const char* builtin_profile_text(const std::string& name);

}  // namespace burrow
