// The program's environment, computed from the caller's by the profile's rules. Pure.
#pragma once

#include <string>
#include <vector>

#include "runtime/profile/profile.hpp"

namespace burrow {

// environ-style "NAME=VALUE" strings in, the program's environment out. Order of rules:
// clear (keep globs) → unset → set → prepend → append. A prepend/append to an empty or
// unset variable adds no ':' (an empty PATH element would mean the cwd).
std::vector<std::string> compute_env(const EnvSpec& spec, const std::vector<std::string>& caller);

// Shell-style glob with '*' and '?' only (env keep lists).
bool glob_match(const std::string& pattern, const std::string& text);

// Value of NAME in an environ-style list, or nullptr.
const std::string* env_lookup(const std::vector<std::string>& env, const std::string& name, std::string& scratch);

}  // namespace burrow
