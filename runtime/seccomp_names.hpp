// Small name tables for the seccomp facility: errno names, socket address families,
// and the "did you mean" suggestion used by its messages. Pure.
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
std::vector<std::string> family_names();          // canonical names, by number

// The candidate closest to `word` if it is close enough to be what was meant: a small
// edit distance (case ignored), or one being a prefix of the other ("@debugging" →
// "@debug"). Ties go to the first candidate in byte order.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace burrow::seccomp
