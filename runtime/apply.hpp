// apply: the one place that turns a Plan into namespace, mount and process syscalls.
//
// Launch sequence (DESIGN.md): unshare in the calling process and map our ids → private
// mounts, a tmpfs new root, host entries, stores and mounts in order → detach the old
// root, make the new root read-only → cwd, env, rlimits, no_new_privs, capabilities,
// seccomp (last) → execve. Exec in place by default; with a pid namespace a small pid 1
// sits between burrow and the program.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "error.hpp"
#include "plan.hpp"

namespace burrow {

// Namespaces cannot be used on this host: creation refused, or refused right after it
// (AppArmor lets unshare succeed and denies the id maps or mounts). The message names the
// cause and the fix. Packs may try another engine on this error.
class NamespaceError : public Error {
public:
    using Error::Error;
};

struct ApplyOptions {
    bool debug = false;                    // BURROW_DEBUG: trace each step on stderr
    std::vector<std::string> environ;      // the caller's environment
    dev_t cwd_dev = 0;                     // identity of the caller's cwd, to check that
    ino_t cwd_ino = 0;                     //   "inherit" finds the same directory inside
    pid_t parent = 0;                      // caller's parent, for dieWithParent
    bool have_caps = true;                 // false: direct exec as a user, nothing to drop
    int trace_fd = -1;                     // BURROW_TRACE_STEPS=FD: each step's op, as it starts
};

// Run the plan. Exec in place: does not return on success. With a pid namespace (or a
// new session that needs a fork) returns the program's wait status for the launcher to
// mirror. Throws Error (125), NamespaceError, or Error with 126/127 for exec failures.
int apply(const Plan& plan, const ApplyOptions& opts);

// Fast path: every store of the plan is already present at its destination.
bool stores_in_place(const Plan& plan);

// Exec without any namespace (fast path, BURROW_ENGINE=direct). Does not return on success.
int apply_direct(const Plan& plan, const ApplyOptions& opts);

// Leave the way the program left: same exit code, or the same signal re-raised on
// ourselves (128+N only if that is impossible).
[[noreturn]] void exit_like(int wait_status);

// Why unshare(CLONE_NEWUSER) failed with errno `err`, and how to fix it. Reads sysctls.
std::string diagnose_userns(int err);

namespace detail {
// The facilities apply() sequences; each in its own file.
void enter_namespaces(const Plan& plan, const ApplyOptions& opts);      // userns.cpp
void build_root(const Plan& plan, const ApplyOptions& opts);            // mnt.cpp
void loopback_up();                                                     // net.cpp
void drop_capabilities(const Plan& plan);                               // caps.cpp
[[noreturn]] void finish_and_exec(const Plan& plan, const ApplyOptions& opts);  // process.cpp
int run_with_pid1(const Plan& plan, const ApplyOptions& opts);          // reaper.cpp
int run_in_new_session(const Plan& plan, const ApplyOptions& opts);     // reaper.cpp
void trace(const ApplyOptions& opts, const std::string& what);          // apply.cpp
// BURROW_TRACE_STEPS: `op` (a --print-plan step name) and a newline on opts.trace_fd.
void trace_step(const ApplyOptions& opts, const char* op);              // apply.cpp
}  // namespace detail

}  // namespace burrow
