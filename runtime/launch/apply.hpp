// apply: the one place that turns a Plan into namespace, mount and process syscalls.
//
// It performs the plan's steps (plan.hpp) in order, in one loop, each by its facility's
// code; --print-plan prints the same list. Exec in place by default; the fork steps
// (fork-pid1, fork-program, fork-for-setsid) leave a waiting process behind and go on
// with the next step in the child.
#pragma once

#include <sys/types.h>

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/plan/plan.hpp"

namespace burrow {

// Namespaces cannot be used on this host: creation refused, or refused right after it
// (AppArmor lets unshare succeed and denies the id maps or mounts). The message names the
// cause and the fix. Packs may try another engine on this error.
class NamespaceError : public Error {
  public:
    using Error::Error;
};

struct ApplyOptions {
    bool debug = false;                // BURROW_DEBUG: trace each step on stderr
    std::vector<std::string> environ;  // the caller's environment
    dev_t cwd_dev = 0;                 // identity of the caller's cwd, to check that
    ino_t cwd_ino = 0;                 //   "inherit" finds the same directory inside
    pid_t parent = 0;                  // caller's parent, for dieWithParent
    int trace_fd = -1;                 // BURROW_TRACE_STEPS=FD: each step's op, as it starts
    // BURROW_STORE_MERGE: how a store joins the host's own directory at its destination.
    enum class StoreMerge { automatic, overlay, binds } store_merge = StoreMerge::automatic;
};

// Perform plan.steps. Exec in place: does not return on success. With a pid namespace (or a
// new session that needs a fork) returns the program's wait status for the launcher to
// mirror. Throws Error (125), NamespaceError, or Error with 126/127 for exec failures.
int apply(const Plan& plan, const ApplyOptions& opts);

// Fast path: every store of the plan is already present at its destination.
bool stores_in_place(const Plan& plan);

// Perform plan.direct_steps: exec without any namespace (fast path, BURROW_ENGINE=direct).
// Does not return on success; returns a wait status as apply() does.
int apply_direct(const Plan& plan, const ApplyOptions& opts);

// Leave the way the program left: same exit code, or the same signal re-raised on
// ourselves (128+N only if that is impossible).
[[noreturn]] void exit_like(int wait_status);

// Why unshare(CLONE_NEWUSER) failed with errno `err`, and how to fix it. Reads sysctls.
std::string diagnose_userns(int err);

namespace detail {

class RootBuilder;  // mnt_root.hpp
struct RootBuilderDelete {
    void operator()(RootBuilder* b) const;
};

// What the cgroup step made, for the process that waits for the program to undo.
struct CgroupState {
    std::string parent;                // burrow's own cgroup v2 directory
    std::string dir;                   // parent/burrow-PID, where burrow moved itself
    std::vector<std::string> enabled;  // controllers it added to parent's cgroup.subtree_control
    bool parent_is_root = false;       // the hierarchy's root: nothing is disabled there again
};

// The launch in progress: what the steps pass on to later ones. A fork step copies it
// into the child with the rest of the process.
struct Run {
    Run(const Plan& p, const ApplyOptions& o);

    const Plan& plan;
    const ApplyOptions& opts;
    pid_t parent;                                          // the process whose death ends ours (0: none to check)
    bool forked = false;                                   // in the child of a fork step: an error ends this process
    std::unique_ptr<RootBuilder, RootBuilderDelete> root;  // root-tmpfs .. detach-old-root
    // detach-old-root → chdir: the host directories the root recreated (a directory of
    // our own holding the source's entries, for a destination missing below them), by
    // path, with their source's identity; and the new root's own tmpfs they are on.
    std::map<std::string, std::pair<dev_t, ino_t>> recreated;
    dev_t root_dev = 0;
    std::vector<std::string> env;   // env: the program's environment ...
    std::vector<char*> envp, argv;  // ... and execve's arrays, made before seccomp
    std::string path;               // the program; search-path replaces a bare name
    // fork-pid1 → fork-program, in pid 1.
    Fd status_w;                     // where pid 1 reports the program's wait status
    sigset_t waitset{}, old_mask{};  // signals pid 1 forwards; the mask before they were blocked
    // --json-status-fd: written to (one byte) when setup or execve fails, so that the
    // waiting process reports no exit code for a program that never ran.
    Fd exec_failed_w;
    Fd host_proc;                  // detach-old-root → disable-userns only: the host's /proc
    std::vector<Fd> locks;         // lock-files: held by the process that waits for the program
    std::vector<std::string> bpf;  // read-seccomp-fds → seccomp-fds: the caller's BPF programs
    CgroupState cgroup;            // cgroup → the end of the process that waits for the program
};

// Each step's syscalls, in its facility's file. The fork steps return the wait status to
// mirror in the parent and nullopt in the child, which goes on with the next step.
void trace(const ApplyOptions& opts, const std::string& what);  // apply.cpp
// BURROW_TRACE_STEPS: `op` (a --print-plan step name) and a newline on opts.trace_fd.
void trace_step(const ApplyOptions& opts, const char* op);                      // apply.cpp
void unshare_namespaces(const Namespaces& ns, const ApplyOptions& opts);        // userns.cpp
void map_ids(const Plan& plan);                                                 // userns.cpp
void join_namespaces(const step::JoinNamespaces& s, const ApplyOptions& opts);  // userns.cpp
void join_userns2(const step::JoinUserns2& s, const ApplyOptions& opts);        // userns.cpp
void await_id_maps(const Plan& plan, const step::AwaitIdMaps& s);               // status_fds.cpp
void wait_and_close(int fd);                                     // caller_fds.cpp: until fd has data or is closed
void disable_userns(Run& run, const step::DisableUserns& s);     // userns.cpp
void lock_files(Run& run, const step::LockFiles& s);             // process.cpp
void read_seccomp_fds(Run& run, const step::ReadSeccompFds& s);  // caller_fds.cpp
void install_seccomp_fds(Run& run);                              // caller_fds.cpp
void block_fd(const step::BlockFd& s);                           // caller_fds.cpp
void loopback_up();                                              // net.cpp
void enter_cgroup(Run& run, const step::Cgroup& s);              // cgroup.cpp
void leave_cgroup(Run& run);                                     // cgroup.cpp: at the end, best effort
// The work of the two above, on a given cgroup directory (unit-tested on a plain one).
CgroupState make_cgroup(const std::string& parent, bool parent_is_root, const step::Cgroup& s, pid_t self,
                        const std::string& proc_self_cgroup);
void remove_cgroup(const CgroupState& st, pid_t self);
std::optional<int> fork_pid1(Run& run, const step::Timeout& t);             // reaper.cpp
void fork_program(Run& run, const step::ForkProgram& s);                    // reaper.cpp
std::optional<int> fork_for_setsid(Run& run);                               // reaper.cpp
std::optional<int> fork_timeout(Run& run, const step::Timeout& t);          // reaper.cpp
void root_tmpfs(Run& run);                                                  // mnt.cpp
void host_root(Run& run);                                                   // mnt.cpp
void apply_mount(Run& run, const MountOp& op);                              // mnt.cpp
void remount_root_ro(Run& run);                                             // mnt.cpp
void detach_old_root(Run& run);                                             // mnt.cpp
void die_with_parent(Run& run, const step::DieWithParent& s);               // process.cpp
void enter_cwd(Run& run, const step::Chdir& s);                             // process.cpp
void make_env(Run& run);                                                    // process.cpp
void set_rlimits(const step::Rlimits& s);                                   // process.cpp
void new_session();                                                         // process.cpp
void search_path(Run& run);                                                 // process.cpp
void no_new_privs();                                                        // process.cpp
void drop_capabilities(const Plan& plan, const step::DropCapabilities& s);  // caps.cpp
void close_inherited_fds(const std::vector<int>& keep);                     // process.cpp
[[noreturn]] void exec(Run& run);                                           // process.cpp
// --info-fd, --json-status-fd (status_fds.cpp), in the process that waits for the program.
bool wants_status(const Plan& plan);
Fd exec_failure_pipe(Run& run);  // before the fork; the read end, or none
using NamespaceIds = std::vector<std::pair<const char*, unsigned long>>;
Fd namespaces_dir(const Plan& plan);  // before the fork: /proc/self/ns, or none without status fds
void report_started(const Plan& plan, pid_t child, const Fd& ns_dir);
void report_exited(const Plan& plan, const Fd& exec_failed_r, int wait_status);
}  // namespace detail

}  // namespace burrow
