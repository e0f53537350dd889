// Named syscall groups (@mount, @debug, …): names follow systemd's, contents are burrow's
// own, defined in seccomp_groups.cpp from runtime/seccomp/syscalls.tbl and documented in
// burrow-profile(5). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace burrow::seccomp {

struct Group {
    std::string name;                  // "@debug"
    std::string purpose;               // one line
    std::vector<std::string> members;  // syscall names and other @groups, sorted
};

// Every group, sorted by name.
const std::vector<Group>& groups();
const Group* find_group(std::string_view name);

// A syscall name → {name}; an @group → every syscall it contains, recursively. Sorted,
// unique. Names not in the table (and unknown groups) give an empty list.
std::vector<std::string> expand(std::string_view item);

// The errno a denied call always gets, whichever list or group denies it: calls that
// callers probe and fall back from (the fd-based mount API, clone3) get ENOSYS.
std::optional<int> fixed_errno(std::string_view syscall);

}  // namespace burrow::seccomp
