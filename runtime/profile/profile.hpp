// The typed profile: what a resolved (merged, expanded, validated) profile says.
//
// Produced by load_profile() (profile_load.hpp) from JSON files, built-in bases and
// command-line overrides; consumed by compile() (plan.hpp). Every path in here is already
// expanded and lexically normalised; every value has passed validation. Nothing in this
// header touches the system.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/profile/mount_kinds.hpp"

#include <nlohmann/json.hpp>

namespace burrow {

enum class Access { ro, rw };

// Where a value came from, for messages: "guile.json: /mounts/2" or
// "command line: --bind /a /b". Filled by the loader; empty for built-in defaults.
struct Origin {
    std::string where;
};

struct RootSpec {
    enum class Host { none, all };
    Host host = Host::none;
    Access access = Access::rw;        // of the host binds (host == all)
    std::vector<std::string> exclude;  // top-level host entries not bound ("/media")
    // With host == all: the directory whose top-level entries are bound ("/" = the
    // host's own root; else an image root such as an unpacked OCI rootfs).
    std::string path = "/";
};

struct StoreSpec {
    std::string source;  // host directory holding the items
    std::string destination = "/gnu/store";
    bool all_items = true;           // "items": "*"
    std::vector<std::string> items;  // one path component each
    Origin origin;
};

struct MountSpec {
    using Type = MountKind;  // never MountKind::store (that is Profile::stores)
    Type type = Type::bind;
    std::string source;                 // bind
    std::string destination;            // all (defaults filled by the loader)
    std::string target;                 // symlink
    std::string content;                // file
    std::optional<int> fd;              // file: the content is read from it; bind: the source
    Access access = Access::ro;         // bind
    bool optional = false;              // bind: skip if the source is absent
    bool create = false;                // bind: make the source directory (0700) if it is absent ("home")
    bool recursive = true;              // bind
    bool devices = false;               // bind: allow device nodes (--dev-bind)
    bool noexec = false;                // bind
    std::optional<std::uint64_t> size;  // tmpfs, bytes
    std::optional<unsigned> mode;       // tmpfs, dir, file (permission bits incl. sticky)
    std::vector<std::string> lower;     // overlay: host directories, lowest first
    std::string upper, work;            // overlay: host directories; "" = none
    Origin origin;
};

struct Namespaces {
    bool user = true, mount = true, pid = false, net = false, ipc = false, uts = false, cgroup = false;
    // Join the namespace open as this inherited fd (bwrap's --userns, --pidns) instead of
    // making a new one: the user namespace before anything else, the pid one for the program.
    std::optional<int> user_fd, pid_fd;
    // bwrap's --userns2: after the root is built, join this user namespace (a descendant of
    // the one the launch is in) for the program; --userns-block-fd: the caller writes the
    // id maps of the user namespace burrow makes, and this fd says when it is done.
    std::optional<int> user2_fd, user_block_fd;
};

// "self" or a fixed id inside the sandbox.
struct IdSpec {
    bool self = true;
    std::uint32_t id = 0;
};

struct RlimitSpec {
    std::string name;                  // "RLIMIT_NOFILE"
    bool inherit = false;              // "inherit": leave as is
    std::uint64_t soft = 0, hard = 0;  // UINT64_MAX means "unlimited"
};

struct EnvSpec {
    bool clear = false;
    std::vector<std::string> keep;  // globs (* and ?), only meaningful with clear
    std::vector<std::string> unset;
    std::vector<std::pair<std::string, std::string>> set;  // in document order
    // Search-path edits, joined with ':'; no separator is added next to an empty value.
    std::vector<std::pair<std::string, std::vector<std::string>>> prepend, append;
};

struct ProcessSpec {
    std::optional<std::string> exec;   // set: wrapper semantics (all CLI args pass through)
    std::vector<std::string> args;     // inserted between the program and the CLI args
    std::optional<std::string> argv0;  // nullopt = "inherit"
    std::optional<std::string> cwd;    // nullopt = "inherit" (physical getcwd())
    EnvSpec env;
    std::vector<RlimitSpec> rlimits;
    std::optional<unsigned> umask;
    bool new_session = false;
    bool die_with_parent = false;
    bool as_pid_1 = false;                       // the program is pid 1 of its pid namespace (no reaper)
    std::optional<int> info_fd, json_status_fd;  // bwrap's --info-fd, --json-status-fd
    std::vector<std::string> lock_files;         // read-locked while the sandbox runs
    std::optional<int> block_fd, sync_fd;        // bwrap's --block-fd, --sync-fd
    bool close_fds = false;                      // close inherited fds >= 3 at exec ...
    std::vector<int> keep_fds;                   // ... except these
    double timeout = 0;                          // seconds; 0: none. Then SIGTERM, and SIGKILL
    double kill_after = 5;                       // this long after it
};

struct SecuritySpec {
    bool no_new_privileges = true;
    bool disable_userns = false;                        // the program cannot make user namespaces
    bool assert_userns_disabled = false;                // refuse to run unless it cannot
    std::vector<int> seccomp_fds;                       // raw BPF programs from these fds, after "seccomp"
    std::optional<std::string> exec_label, file_label;  // SELinux (bwrap's --exec-label, --file-label)
    std::vector<std::string> caps_keep;                 // "CAP_NET_RAW", validated against libcap
    std::vector<std::string> caps_ambient;              // subset of caps_keep
    bool clear_bounding_set = false;                    // even when no_new_privileges makes it moot
    // The merged "security.seccomp" object, validated by seccomp::validate();
    // null when absent (= baseline "none").
    nlohmann::json seccomp;
};

// "limits": cgroup v2 limits on the whole sandbox (burrow's own process included), in a
// cgroup burrow makes below its own and removes when the program ends (launch/cgroup.cpp).
struct LimitsSpec {
    std::optional<std::uint64_t> memory;  // bytes: memory.max
    std::optional<double> cpus;           // CPUs' worth of time per period: cpu.max
    std::optional<std::uint64_t> pids;    // pids.max
    std::string where;                    // for messages: "x.json: /limits", "--memory 1g"
    bool any() const { return memory || cpus || pids; }
};

struct Profile {
    std::string name;    // informative
    std::string source;  // the file (or "builtin:NAME", or "command line")
    RootSpec root;
    std::vector<StoreSpec> stores;
    std::vector<MountSpec> mounts;
    Namespaces namespaces;
    IdSpec uid, gid;
    std::optional<std::string> hostname;
    ProcessSpec process;
    LimitsSpec limits;
    SecuritySpec security;
};

}  // namespace burrow
