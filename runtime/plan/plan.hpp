// The plan: everything burrow will do, decided before it does anything.
//
// compile() turns a resolved Profile plus a few facts about the caller (HostFacts) into a
// Plan. It is pure: no syscalls, so it is unit-tested and printed by --print-plan.
// The plan is an ordered list of typed steps (`steps`; `direct_steps` for the direct
// engine). --print-plan prints exactly that list and apply() (apply.hpp) performs exactly
// that list, in order, in one loop: it is the only code that turns a Plan into namespace,
// mount and process syscalls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/profile/profile.hpp"
#include "runtime/seccomp/seccomp.hpp"

namespace burrow {

// Facts about the calling process that the plan depends on (gathered by the launcher).
struct HostFacts {
    std::uint32_t uid = 0, gid = 0;  // real ids of the caller
    std::string cwd;                 // physical getcwd()
    std::string argv0;               // how burrow (or the pack entry) was invoked
    bool pack_entry = false;         // running as <pack>/bin/NAME
    bool need_command = true;        // false for --check: no command is fine
    bool bwrap = false;              // run as `bwrap`: bubblewrap's semantics where they differ
    bool selinux = false;            // SELinux is enabled (selinuxfs mounted): labels would apply
    bool sys_admin = false;          // CAP_SYS_ADMIN is effective (root_as_installed() needs it)
};

// One filesystem operation, applied in order inside the new root.
struct MountOp {
    // bind: source (host path) → destination; store: read-only store, the whole source or
    // a directory of listed items; the others as in a profile (mount_kinds.hpp).
    using Kind = MountKind;
    Kind kind = Kind::bind;
    std::string source, destination, target, content;
    bool readonly = false, recursive = true, devices = false, noexec = false, optional = false;
    bool create = false;             // bind: the source directory is made (0700) if it is absent (a private home)
    std::vector<std::string> items;  // store: empty = the whole source directory; overlay: the lower directories
    std::string upper, work;         // overlay: where writes go ("": a tmpfs, or nowhere when readonly)
    int fd = -1;                     // file: read the content from this fd (--file FD); bind: the source (--bind-fd)
    unsigned mode = 0755;
    std::optional<std::uint64_t> size;
    std::string origin;  // for messages: "guile.json: /mounts/2"
};

struct Rlimit {
    int resource = 0;  // RLIMIT_*
    std::string name;
    std::uint64_t soft = 0, hard = 0;  // RLIM_INFINITY for unlimited
};

// The steps, one type per thing apply() does; --print-plan names each by its "op".
// The data a single step needs is in the step; what several read is in the Plan.
namespace step {
// PR_SET_PDEATHSIG: SIGKILL when burrow's parent dies; then, if the caller is already
// gone, nothing more runs. First of all (before anything is set up: an error saying so),
// and `again` in the program's process after the forks, which clear the signal (it exits
// 125 without a word: nobody is left to read it).
struct DieWithParent {
    bool again = false;
};
// "limits": make a cgroup below burrow's own, move burrow into it (so everything it starts
// is in it too), hand it the controllers and write the limits; with the caller's own
// credentials, before any namespace. The process left waiting for the program (fork-pid1,
// fork-timeout) moves back out and removes it.
struct Cgroup {
    std::optional<std::uint64_t> memory, pids;
    std::optional<double> cpus;
    std::string origin;  // for messages: "--memory 1g", "x.json: /limits/memory"
};
// unshare(2) in the calling process: user and mount, and the optional ones.
struct Unshare {
    Namespaces ns;
};
// setgroups "deny", then uid_map and gid_map: one id each (Plan::uid_*, gid_*).
struct MapIds {};
// namespaces.userFd, namespaces.pidFd: setns(2) into the caller's namespaces, the user one
// first (it gives the capabilities the rest needs); then Unshare makes no user namespace.
struct JoinNamespaces {
    int user_fd = -1, pid_fd = -1;
};
// namespaces.userBlockFd (bwrap's --userns-block-fd) instead of MapIds: say on the info fd
// which process to write the maps for (burrow's own), then wait until `fd` has data (or is
// closed): the caller writes the maps in the meantime.
struct AwaitIdMaps {
    int fd = -1;
};
// namespaces.user2Fd (bwrap's --userns2): setns(2) into this user namespace once the root
// is built; it must lie below the one the launch is in.
struct JoinUserns2 {
    int fd = -1;
};
struct SetHostname {
    std::string name;
};
struct LoopbackUp {};
// process.timeout: the supervising process sends SIGTERM after `seconds`, SIGKILL
// `kill_after` seconds later, and exits 124 (137 when SIGKILL was needed), as timeout(1).
struct Timeout {
    double seconds = 0;  // 0: none
    double kill_after = 5;
};
// Fork pid 1 of the new pid namespace. burrow waits for it, forwarding signals (and
// timing it), and mirrors the program's status; the following steps run in pid 1.
struct ForkPid1 {
    Timeout timeout;
};
// Without a pid namespace, a timeout needs a process that outlives the program: burrow
// forks, times and mirrors it; the following steps run in the child.
struct ForkTimeout {
    Timeout timeout;
};
// Make every mount private, pivot_root into a scratch tmpfs with the host's root below it,
// and mount the tmpfs that becomes the new root.
struct RootTmpfs {};
// The top-level entries of Plan::root_source ("bind-host-root" for "/", "bind-root-dir").
struct HostRoot {};
// Plan::mounts[index], named by its kind ("bind", "store", "tmpfs", ...).
struct Mount {
    std::size_t index = 0;
};
struct RemountRootRo {};
// pivot_root onto the new root and detach the scratch tmpfs with the host's root under it.
struct DetachOldRoot {};
// security.disableUserns: user.max_user_namespaces=1 in our user namespace, then a second
// one inside it (mapping the same ids), so the program can make no more and cannot undo
// the limit; security.assertUsernsDisabled (and disableUserns): check that unshare
// (CLONE_NEWUSER) now fails. After the root is built, through the host's /proc kept open
// for it and closed here.
struct DisableUserns {
    bool disable = false;
};
// process.lockFiles: open each (inside the new root) and take a read lock on it, in the
// process that then forks the program and waits for it, so the locks last as long as
// the sandbox (bwrap's --lock-file).
struct LockFiles {
    std::vector<std::string> paths;
};
// pid 1 forks the program, then forwards signals, reaps orphans and reports the
// program's status; the following steps run in the program's process.
struct ForkProgram {
    bool die_with_parent = false;  // re-armed in the child at once
    // process.asPid1 (bwrap's --as-pid-1): no fork and no reaper; pid 1 goes on to
    // become the program, and burrow mirrors pid 1's status.
    bool as_pid_1 = false;
};
// setsid(2) is refused to a process-group leader: when burrow is one, the program runs
// in a child and burrow waits for it; otherwise nothing happens.
struct ForkForSetsid {};
// chdir to Plan::cwd, or to the caller's directory (which must be the same one inside).
// A pack entry (`pack_entry`) also accepts the root's recreated copy of the caller's
// directory (the parent of a slice's destination, burrow-pack(1)): it shows the same
// entries and the slice, but cannot hold new files. Its messages suggest no option (an
// entry takes none).
struct Chdir {
    bool pack_entry = false;
};
// The program's environment from Plan::env and the caller's.
struct Env {};
struct Rlimits {
    std::vector<Rlimit> limits;
};
struct Umask {
    unsigned mask = 022;
};
struct Setsid {};
// A command name without "/": looked up in the PATH of the program's environment.
struct SearchPath {};
struct NoNewPrivs {};
struct DropCapabilities {
    std::vector<int> keep, ambient;  // CAP_* values
    bool clear_bounding_set = true;  // compile(): the profile asks, or no_new_privs is off
    bool only_as_root = false;       // direct engine: a user holds none to drop
};
// Inherited fds >= 3 get close-on-exec, except `keep` (sorted, unique).
struct CloseFds {
    std::vector<int> keep;
};
struct Seccomp {};  // Plan::seccomp; last before exec
// security.seccompFds (bwrap's --seccomp, --add-seccomp-fd): read the caller's raw BPF
// programs first of all (closeFds would close their fds), install them after Seccomp.
struct ReadSeccompFds {
    std::vector<int> fds;
};
struct SeccompFds {};
// process.blockFd: wait until FD has data (or is closed) before going on to exec;
// process.syncFd: the program does not get FD, so that it closes when the process that
// waits for the program (which holds it) ends.
struct BlockFd {
    int block_fd = -1, close_fd = -1;
};
struct Exec {};  // Plan::program (or the path found), Plan::argv
}  // namespace step

using Step = std::variant<step::DieWithParent, step::Cgroup, step::JoinNamespaces, step::Unshare, step::MapIds,
                          step::AwaitIdMaps, step::JoinUserns2, step::SetHostname, step::LoopbackUp, step::ForkPid1,
                          step::RootTmpfs, step::HostRoot, step::Mount, step::RemountRootRo, step::DetachOldRoot,
                          step::DisableUserns, step::LockFiles, step::ForkProgram, step::ForkForSetsid,
                          step::ForkTimeout, step::Chdir, step::Env, step::Rlimits, step::Umask, step::Setsid,
                          step::SearchPath, step::NoNewPrivs, step::ReadSeccompFds, step::SeccompFds, step::BlockFd,
                          step::DropCapabilities, step::CloseFds, step::Seccomp, step::Exec>;

struct Plan {
    // What runs: the steps, in order.
    std::vector<Step> steps;
    // Fast path: when every store is already present at its destination and nothing else
    // needs a namespace, the direct engine runs `direct_steps` instead (Guix machines,
    // nested pack programs). Empty unless direct_eligible.
    bool direct_eligible = false;
    std::vector<Step> direct_steps;
    // Why the proot engine cannot run this plan ("": it can): proot binds the stores and
    // the binds over the host's root as it is, and does nothing else.
    std::string proot_obstacle;

    // Facts several steps read.
    std::uint32_t uid_inside = 0, gid_inside = 0, uid_outside = 0, gid_outside = 0;

    // Filesystem.
    bool host_root = false;         // bind every top-level entry of root_source
    std::string root_source = "/";  // "/" (the host's root) or an image root directory
    Access host_access = Access::rw;
    std::vector<std::string> host_exclude;  // top-level names ("media")
    std::vector<MountOp> mounts;            // stores first, then the profile's mounts
    // The bwrap personality (burrow(1), BWRAP COMPATIBILITY), where bubblewrap differs from
    // burrow under its own name: a missing mountpoint is created wherever it is missing, on
    // the host's filesystems too; a bind source that is a symlink is followed; an invisible
    // working directory falls back to $HOME, then /; the bounding set is always cleared.
    bool bwrap = false;

    // Process.
    std::string program;                    // path or bare name (looked up in the final PATH)
    std::vector<std::string> argv;          // argv[0] included
    std::optional<std::string> cwd;         // nullopt: keep the caller's (must be visible)
    int info_fd = -1, json_status_fd = -1;  // process.infoFd, process.jsonStatusFd (bwrap's)
    std::string caller_cwd;                 // for "inherit" and for messages
    bool pack_entry = false;                // run as <pack>/bin/NAME (HostFacts::pack_entry)
    EnvSpec env;
    seccomp::Filter seccomp;  // in both lists: one copy here
};

// The first step of type T in `steps`, or null.
template <class T>
const T* find_step(const std::vector<Step>& steps) {
    for (const auto& s : steps)
        if (const T* t = std::get_if<T>(&s)) return t;
    return nullptr;
}

// The step's "op" in --print-plan and in the BURROW_TRACE_STEPS trace.
const char* step_op(const Plan& plan, const Step& step);

// Root (uid 0 holding CAP_SYS_ADMIN, in the initial user namespace or one of its own)
// running a pack entry whose profile shows the whole host (root.host "all"): the
// program runs as if installed, in a mount namespace alone with root's capabilities,
// rather than in a user namespace that maps only uid 0 (where chown fails and every other
// owner shows as nobody). Changes `p` and says so; false (and `p` as it was) otherwise:
// not root, not a pack entry, a sandbox-style root, or ids or a user namespace of its own.
bool root_as_installed(Profile& p, const HostFacts& host);

// BURROW_HOST=none for a pack entry: the host's root hidden, to test that a pack holds all
// its program needs. What is left: the stores, the profile's mounts of the pack's own
// directories (slices), a minimal /dev, /proc, a private /tmp and the caller's working
// directory (read-write, unless it is / or inside a store); a file the program takes from
// the host then fails to open, by its own name.
void hide_host(Profile& p, const std::string& cwd, const std::string& pack_root);

// Throws burrow::Error (125) for what only shows when the profile meets the caller, e.g.
// no command given.
// `args`: the positional command-line arguments (after options / all of them for packs).
Plan compile(const Profile& profile, const HostFacts& host, const std::vector<std::string>& args);

// What --print-plan prints: a stable JSON rendering of `steps` (and `direct_steps`), one
// object per step, in order, laid out as nlohmann's dump(2) (invalid UTF-8 replaced). Made
// one step at a time, so that a plan of thousands of mounts is never a JSON tree in memory
// all at once.
std::string plan_text(const Plan& plan);

// plan_text() parsed back, for the tests to look into; dump(2) of it is plan_text() again.
nlohmann::ordered_json plan_to_json(const Plan& plan);

}  // namespace burrow
