// The plan: everything burrow will do, decided before it does anything.
//
// compile() turns a resolved Profile plus a few facts about the caller (HostFacts) into a
// Plan. It is pure: no syscalls, so it is unit-tested and printed by --print-plan.
// apply() (apply.hpp) is the only code that turns a Plan into namespace/mount syscalls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "profile.hpp"
#include "seccomp.hpp"

namespace burrow {

// Facts about the calling process that the plan depends on (gathered by the launcher).
struct HostFacts {
    std::uint32_t uid = 0, gid = 0;       // real ids of the caller
    std::string cwd;                      // physical getcwd()
    std::string argv0;                    // how burrow (or the pack entry) was invoked
    bool pack_entry = false;              // running as <pack>/bin/NAME
    bool need_command = true;             // false for --check: no command is fine
};

// One filesystem operation, applied in order inside the new root.
struct MountOp {
    enum class Kind {
        bind,       // source (host path) → destination
        store,      // read-only store: whole source, or a directory of listed items
        tmpfs, proc, dev, dir, symlink, file, mask,
    };
    Kind kind = Kind::bind;
    std::string source, destination, target, content;
    bool readonly = false, recursive = true, devices = false, noexec = false, optional = false;
    std::vector<std::string> items;       // store: empty = the whole source directory
    unsigned mode = 0755;
    std::optional<std::uint64_t> size;
    std::string origin;                   // for messages: "guile.json: /mounts/2"
};

struct Rlimit {
    int resource = 0;                     // RLIMIT_*
    std::string name;
    std::uint64_t soft = 0, hard = 0;     // RLIM_INFINITY for unlimited
};

struct Plan {
    // Namespaces to create. user and mount are always on (the loader enforces it).
    Namespaces ns;
    std::uint32_t uid_inside = 0, gid_inside = 0, uid_outside = 0, gid_outside = 0;
    std::optional<std::string> hostname;

    // Filesystem.
    bool host_root = false;               // bind every top-level entry of root_source
    std::string root_source = "/";        // "/" (the host's root) or an image root directory
    Access host_access = Access::rw;
    std::vector<std::string> host_exclude;  // top-level names ("media")
    std::vector<MountOp> mounts;          // stores first, then the profile's mounts

    // Process.
    std::string program;                  // path or bare name (looked up in the final PATH)
    std::vector<std::string> argv;        // argv[0] included
    std::optional<std::string> cwd;       // nullopt: keep the caller's (must be visible)
    std::string caller_cwd;               // for "inherit" and for messages
    EnvSpec env;
    std::vector<Rlimit> rlimits;
    std::optional<unsigned> umask;
    bool new_session = false, die_with_parent = false;
    bool close_fds = false;               // inherited fds >= 3 do not survive execve ...
    std::vector<int> keep_fds;            // ... except these (sorted, unique)
    bool no_new_privileges = true;
    std::vector<int> caps_keep, caps_ambient;      // CAP_* values
    bool clear_bounding_set = true;   // compile(): the profile asks, or no_new_privs is off
    seccomp::Filter seccomp;

    // Fast path: when every store is already present at its destination and nothing else
    // needs a namespace, exec directly (Guix machines, nested pack programs).
    bool direct_eligible = false;
};

// Throws burrow::Error (125) for what only shows when the profile meets the caller, e.g.
// no command given.
// `args`: the positional command-line arguments (after options / all of them for packs).
Plan compile(const Profile& profile, const HostFacts& host, const std::vector<std::string>& args);

// --print-plan: a stable JSON rendering of the ordered steps.
nlohmann::ordered_json plan_to_json(const Plan& plan);

}  // namespace burrow
