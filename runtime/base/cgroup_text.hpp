// The cgroup v2 files burrow reads, as text: pure, so the launch code that uses them
// (launch/cgroup.cpp) holds only syscalls.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace burrow::cgroup {

// The directory of the caller's cgroup v2 cgroup: the first cgroup2 mount in
// /proc/self/mountinfo (its mount point unescaped) joined with the "0::PATH" line of
// /proc/self/cgroup (made relative to the mount's own root). "" when either is missing:
// no cgroup v2 hierarchy is mounted, or the caller is not in one.
std::string own_directory(std::string_view mountinfo, std::string_view proc_self_cgroup);

// cpu.max for N CPUs' worth of time: "QUOTA 100000", QUOTA microseconds per 100 ms
// period (at least 1000, the kernel's minimum).
std::string cpu_max(double cpus);

// A space-separated list (cgroup.controllers, cgroup.subtree_control) as words.
std::vector<std::string> words(std::string_view text);

// The controllers a limit needs: "memory", "cpu", "pids", in that order, for those set.
std::vector<std::string> needed(bool memory, bool cpus, bool pids);

// Whether /proc/self/cgroup shows `controller` mounted as cgroup v1 ("4:memory:/x"),
// where cgroup v2 cannot have it (a hybrid host).
bool on_v1(std::string_view proc_self_cgroup, const std::string& controller);

}  // namespace burrow::cgroup
