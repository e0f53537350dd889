// Small name tables for the seccomp facility: errno names and socket address families.
// Pure. Its messages' "did you mean" is nearest_or_prefix() (runtime/base/suggest.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace burrow::seccomp {

// "EPERM" → 1. Aliases (EWOULDBLOCK, EDEADLOCK, ENOTSUP) are accepted.
std::optional<int> errno_from_name(std::string_view name);
// 1 → "EPERM" (the canonical name), or "errno N" for a value without a name.
std::string errno_name(int value);
std::vector<std::string> errno_names();

// "inet6" → AF_INET6 ("local" and "route" are accepted as aliases of unix and netlink).
std::optional<int> family_from_name(std::string_view name);
std::vector<std::string> family_names();  // canonical names, by number

}  // namespace burrow::seccomp
