// Profile + caller facts → Plan. Pure: no syscalls here.
#include "runtime/plan/plan.hpp"

#include <sys/capability.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <utility>

#include "runtime/base/cgroup_text.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/path.hpp"
#include "runtime/profile/namespaces.hpp"
#include "runtime/profile/profile_schema.hpp"

namespace burrow {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

struct RlimitName {
    const char* name;
    int resource;
};
constexpr std::array<RlimitName, 16> kRlimits{{
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};

int rlimit_resource(const std::string& name) {
    for (const auto& r : kRlimits)
        if (name == r.name) return r.resource;
    throw Error("unknown resource limit \"" + name + "\"");
}

int cap_value(const std::string& name, const std::string& where) {
    cap_value_t v;
    if (cap_from_name(name.c_str(), &v) != 0) throw Error(where + ": unknown capability \"" + name + "\"");
    return v;
}

std::string cap_name(int v) {
    char* n = cap_to_name(static_cast<cap_value_t>(v));
    std::string out = n ? n : std::to_string(v);
    cap_free(n);
    // libcap spells them "cap_net_raw"; profiles use "CAP_NET_RAW".
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

MountOp store_op(const StoreSpec& s) {
    MountOp op;
    op.kind = MountOp::Kind::store;
    op.source = s.source;
    op.destination = s.destination;
    op.readonly = true;
    if (!s.all_items) op.items = s.items;
    op.origin = s.origin.where;
    return op;
}

MountOp mount_op(const MountSpec& m) {
    MountOp op;
    op.source = m.source;
    op.destination = m.destination;
    op.target = m.target;
    op.content = m.content;
    op.fd = m.fd.value_or(-1);
    op.readonly = m.access == Access::ro;
    op.recursive = m.recursive;
    op.devices = m.devices;
    op.noexec = m.noexec;
    op.optional = m.optional;
    op.create = m.create;
    op.size = m.size;
    op.origin = m.origin.where;
    op.kind = m.type;
    if (const auto dflt = mount_kind(m.type).mode) op.mode = m.mode.value_or(*dflt);
    if (m.type == MountKind::chmod) op.mode = m.mode.value_or(0);
    if (m.type == MountKind::overlay) op.items = m.lower, op.upper = m.upper, op.work = m.work;
    return op;
}

const char* kind_name(MountOp::Kind k) { return mount_kind(k).name.data(); }

std::string octal(unsigned mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode);
    return buf;
}

// The last steps, in the program's process: shared by both engines. The order is chosen
// for security: cwd and environment, limits, then no_new_privs, capabilities, and seccomp
// last of all, right before execve.
void process_steps(std::vector<Step>& out, const Profile& p, const Plan& plan, bool direct) {
    const auto& pr = p.process;
    // After the root is built and before anything the program could notice: bwrap waits
    // on --block-fd once its privileged setup is done.
    if (pr.block_fd || (pr.sync_fd && !pr.as_pid_1))
        out.push_back(step::BlockFd{pr.block_fd.value_or(-1), pr.as_pid_1 ? -1 : pr.sync_fd.value_or(-1)});
    out.push_back(step::Chdir{plan.pack_entry && !plan.bwrap});
    out.push_back(step::Env{});
    step::Rlimits limits;
    for (const auto& r : pr.rlimits) {
        if (r.inherit) continue;
        limits.limits.push_back({rlimit_resource(r.name), r.name, r.soft, r.hard});
    }
    if (!limits.limits.empty()) out.push_back(std::move(limits));
    if (pr.umask) out.push_back(step::Umask{*pr.umask});
    if (pr.new_session) out.push_back(step::Setsid{});
    if (pr.die_with_parent) out.push_back(step::DieWithParent{true});
    if (!plan.program.empty() && plan.program.find('/') == std::string::npos) out.push_back(step::SearchPath{});
    if (p.security.no_new_privileges) out.push_back(step::NoNewPrivs{});
    step::DropCapabilities caps;
    for (const auto& c : p.security.caps_keep) caps.keep.push_back(cap_value(c, "/security/capabilities/keep"));
    for (const auto& c : p.security.caps_ambient)
        caps.ambient.push_back(cap_value(c, "/security/capabilities/ambient"));
    // Without no_new_privs a setuid or file-capability program could gain what the bounding
    // set holds: then it is cleared whatever the profile says.
    // bwrap in a user namespace empties it too; bwrap run by root leaves root's as it is.
    caps.clear_bounding_set =
        p.security.clear_bounding_set || !p.security.no_new_privileges || (plan.bwrap && p.namespaces.user);
    // Without a user namespace an ordinary user holds no capabilities to drop; root's are
    // dropped as in the namespace case.
    caps.only_as_root = direct;
    out.push_back(std::move(caps));
    if (pr.close_fds) {
        step::CloseFds close;
        close.keep = pr.keep_fds;
        std::sort(close.keep.begin(), close.keep.end());
        close.keep.erase(std::unique(close.keep.begin(), close.keep.end()), close.keep.end());
        out.push_back(std::move(close));
    }
    if (plan.seccomp.enabled) out.push_back(step::Seccomp{});  // last: nothing after it but execve
    if (!p.security.seccomp_fds.empty()) out.push_back(step::SeccompFds{});
    out.push_back(step::Exec{});
}

}  // namespace

namespace {
// Root keeping every capability (root_as_installed()): exec'd directly, it keeps them too.
bool keeps_all_as_root(const Profile& p, const HostFacts& host) {
    return host.uid == 0 && p.security.caps_keep == profile::capability_names();
}
}  // namespace

bool root_as_installed(Profile& p, const HostFacts& host) {
    if (!host.pack_entry || host.uid != 0 || !host.sys_admin || p.root.host != RootSpec::Host::all ||
        !p.namespaces.user || p.namespaces.user_fd || !p.uid.self || !p.gid.self || !p.security.caps_keep.empty())
        return false;
    p.namespaces.user = false;
    p.security.caps_keep = profile::capability_names();
    return true;
}

void hide_host(Profile& p, const std::string& cwd, const std::string& pack_root) {
    p.root = RootSpec{};  // an empty read-only tmpfs
    std::vector<MountSpec> kept;
    for (auto& m : p.mounts)
        if (m.type == MountKind::bind && !m.fd && path_within(m.source, pack_root)) kept.push_back(std::move(m));
    p.mounts = std::move(kept);
    auto add = [&](MountKind kind, const std::string& dest) {
        MountSpec m;
        m.type = kind;
        m.destination = dest;
        m.origin.where = "BURROW_HOST=none";
        p.mounts.push_back(std::move(m));
        return &p.mounts.back();
    };
    add(MountKind::dev, "/dev");
    add(MountKind::proc, "/proc");
    add(MountKind::tmpfs, "/tmp")->mode = 01777u;
    bool in_store = cwd == "/";
    for (const auto& s : p.stores) in_store = in_store || path_within(cwd, s.destination);
    if (!in_store) {
        MountSpec* here = add(MountKind::bind, cwd);
        here->source = cwd;
        here->access = Access::rw;
    }
}

Plan compile(const Profile& p, const HostFacts& host, const std::vector<std::string>& args) {
    Plan plan;
    // Without a user namespace every mount is made with the caller's own privileges:
    // only root has them (bwrap run by root does without one, too).
    if (!p.namespaces.user && !p.namespaces.user_fd && host.uid != 0)
        throw Error(
            "/namespaces/user: burrow is setuid-free and needs a user namespace unless it is run by root; "
            "remove \"user\": false");
    if (p.namespaces.user_fd && (!p.uid.self || !p.gid.self))
        throw Error(
            "/user: the ids inside a user namespace that is joined (--userns) are its own mapping; remove "
            "the uid/gid (--uid, --gid)");
    if (p.namespaces.user_block_fd) {
        const char* what =
            "/namespaces/userBlockFd: the caller writes the id maps of the user namespace burrow makes; ";
        if (!p.namespaces.user || p.namespaces.user_fd)
            throw Error(std::string(what) + "there is none to map (\"user\": false, or one joined with --userns)");
        if (!p.process.info_fd)
            throw Error(std::string(what) +
                        "it learns which process to write them for from process.infoFd; add --info-fd");
        if (!p.uid.self || !p.gid.self)
            throw Error(std::string(what) + "so it decides the ids inside; remove the uid/gid (--uid, --gid)");
        if (p.security.disable_userns)
            throw Error(std::string(what) + "it cannot be combined with security.disableUserns (--disable-userns)");
    }
    if (!p.namespaces.user && (!p.uid.self || !p.gid.self))
        throw Error(
            "/user: another uid or gid inside needs a user namespace; remove \"user\": false (or "
            "add --unshare-user)");
    // Without SELinux a label has nothing to apply to, and bwrap ignores it too.
    if (host.selinux && (p.security.exec_label || p.security.file_label))
        throw Error(
            "/security/execLabel: SELinux is enabled on this host, and burrow does not apply SELinux labels yet "
            "(--exec-label, --file-label); run without them");
    plan.uid_outside = host.uid;
    plan.gid_outside = host.gid;
    plan.uid_inside = p.uid.self ? host.uid : p.uid.id;
    plan.gid_inside = p.gid.self ? host.gid : p.gid.id;

    plan.host_root = p.root.host == RootSpec::Host::all;
    plan.host_access = p.root.access;
    plan.root_source = p.root.path;
    for (const auto& e : p.root.exclude) plan.host_exclude.push_back(e.substr(e.find_first_not_of('/')));
    plan.mounts.reserve(p.stores.size() + p.mounts.size());
    for (const auto& s : p.stores) plan.mounts.push_back(store_op(s));
    for (const auto& m : p.mounts) {
        plan.mounts.push_back(mount_op(m));
        // Without a pid namespace of its own a new procfs would be the host's pid
        // namespace's, which the kernel refuses to a user namespace: the host's /proc is
        // bound instead (as bwrap does), with the same knobs made read-only.
        if (m.type == MountSpec::Type::proc && !p.namespaces.pid) plan.mounts.back().source = "/proc";
    }

    // The program: process.exec (wrapper semantics: every argument passes through), or the
    // first positional argument.
    std::vector<std::string> rest;
    if (p.process.exec) {
        plan.program = *p.process.exec;
        rest = args;
    } else if (!args.empty()) {
        plan.program = args.front();
        rest.assign(args.begin() + 1, args.end());
    } else if (host.need_command) {
        throw Error(
            "no command given; write it after the options (burrow [OPTIONS] -- COMMAND "
            "[ARG...]) or set \"process.exec\" in the profile");
    }
    if (plan.program.empty() && (host.need_command || !args.empty())) throw Error("the command is an empty string");
    if (!plan.program.empty()) {
        std::string argv0 = plan.program;
        if (p.process.argv0)
            argv0 = *p.process.argv0;
        else if (host.pack_entry && !host.argv0.empty())
            argv0 = host.argv0;
        // `bwrap ... /proc/self/exe ...` runs this very program again (execve reads the
        // link in the process that calls it): under the name it has now, so that it is
        // bwrap again and not burrow.
        else if (host.bwrap && plan.program == "/proc/self/exe" && !host.argv0.empty())
            argv0 = host.argv0;
        plan.argv.push_back(argv0);
        plan.argv.insert(plan.argv.end(), p.process.args.begin(), p.process.args.end());
        plan.argv.insert(plan.argv.end(), rest.begin(), rest.end());
    }

    plan.cwd = p.process.cwd;
    plan.caller_cwd = host.cwd;
    plan.pack_entry = host.pack_entry;
    plan.bwrap = host.bwrap;
    plan.info_fd = p.process.info_fd.value_or(-1);
    plan.json_status_fd = p.process.json_status_fd.value_or(-1);
    plan.env = p.process.env;
    plan.seccomp = seccomp::compile(p.security.seccomp);

    // The steps, in the order apply() performs them. The parent-death signal is armed
    // before anything else, so a caller that died during setup stops the launch at once;
    // the hostname and lo are set up in burrow's process, before the fork of pid 1.
    Namespaces n = p.namespaces;
    if (n.user_fd) n.user = false;  // joined, not made
    const bool die = p.process.die_with_parent;
    auto& s = plan.steps;
    s.reserve(plan.mounts.size() + 32);  // one step per mount, and a few dozen others at most
    if (die) s.push_back(step::DieWithParent{false});
    if (!p.security.seccomp_fds.empty()) s.push_back(step::ReadSeccompFds{p.security.seccomp_fds});
    const LimitsSpec& lim = p.limits;
    if (lim.any()) s.push_back(step::Cgroup{lim.memory, lim.pids, lim.cpus, lim.where});
    if (n.user_fd || n.pid_fd) s.push_back(step::JoinNamespaces{n.user_fd.value_or(-1), n.pid_fd.value_or(-1)});
    s.push_back(step::Unshare{n});
    if (n.user_block_fd)
        s.push_back(step::AwaitIdMaps{*n.user_block_fd});
    else if (n.user)
        s.push_back(step::MapIds{});
    if (p.hostname) s.push_back(step::SetHostname{*p.hostname});
    if (n.net) s.push_back(step::LoopbackUp{});
    const step::Timeout timeout{p.process.timeout, p.process.kill_after};
    if (n.pid) s.push_back(step::ForkPid1{timeout});
    s.push_back(step::RootTmpfs{});
    if (plan.host_root) s.push_back(step::HostRoot{});
    for (std::size_t i = 0; i < plan.mounts.size(); ++i) s.push_back(step::Mount{i});
    s.push_back(step::RemountRootRo{});
    s.push_back(step::DetachOldRoot{});
    if (n.user2_fd) s.push_back(step::JoinUserns2{*n.user2_fd});
    if (p.security.disable_userns || p.security.assert_userns_disabled)
        s.push_back(step::DisableUserns{p.security.disable_userns});
    if (!p.process.lock_files.empty()) s.push_back(step::LockFiles{p.process.lock_files});
    if (n.pid)
        s.push_back(step::ForkProgram{die, p.process.as_pid_1});
    else if (timeout.seconds > 0 || lim.any() || p.process.info_fd || p.process.json_status_fd ||
             !p.process.lock_files.empty() || p.process.sync_fd ||
             n.pid_fd)                            // a joined pid namespace holds only processes forked after
        s.push_back(step::ForkTimeout{timeout});  // setsid works in its child; a process to report the status
    else if (p.process.new_session)
        s.push_back(step::ForkForSetsid{});
    process_steps(s, p, plan, false);

    // Direct exec is possible when the namespaces would only add the stores: the host
    // root read-write, nothing but stores mounted, no other namespace, our own ids.
    bool only_stores = true;
    for (const auto& m : plan.mounts)
        if (m.kind != MountOp::Kind::store) only_stores = false;
    const bool host_as_is = plan.host_root && plan.root_source == "/" && plan.host_access == Access::rw &&
                            plan.host_exclude.empty() && !n.pid && !n.net && !n.ipc && !n.uts && !n.cgroup &&
                            !p.hostname && plan.uid_inside == host.uid && plan.gid_inside == host.gid &&
                            (p.security.caps_keep.empty() || keeps_all_as_root(p, host)) &&
                            p.security.seccomp_fds.empty() && !p.process.sync_fd && !p.process.block_fd && !n.user_fd &&
                            !n.pid_fd && !lim.any();
    plan.direct_eligible = host_as_is && only_stores;
    // proot (launcher/engine.cpp) binds paths over that same host root: stores, and binds of
    // host paths (a pack's slices) that need none of a mount's own attributes.
    if (!host_as_is)
        plan.proot_obstacle =
            "it needs namespaces (more than the host's root read-write with stores and binds: another root, "
            "namespaces, ids, capabilities, limits or the status and sync fds)";
    for (const auto& m : plan.mounts) {
        if (!plan.proot_obstacle.empty()) break;
        if (m.kind == MountOp::Kind::store) continue;
        if (m.kind == MountOp::Kind::bind && m.fd < 0 && m.recursive && !m.noexec && !m.optional && !m.create) continue;
        plan.proot_obstacle = (m.origin.empty() ? std::string() : m.origin + ": ") + "its " + kind_name(m.kind) +
                              " mount at " + m.destination +
                              (m.kind == MountOp::Kind::bind ? " is not a plain bind" : " is not a bind or a store");
    }
    if (plan.direct_eligible) {
        if (timeout.seconds > 0)
            plan.direct_steps.push_back(step::ForkTimeout{timeout});
        else if (p.process.new_session)
            plan.direct_steps.push_back(step::ForkForSetsid{});
        process_steps(plan.direct_steps, p, plan, true);
    }
    return plan;
}

namespace {

using json = nlohmann::ordered_json;

json mount_json(const MountOp& m) {
    json j = json::object();
    // Room for every key first: growing an ordered object copies the values in it.
    j.get_ref<json::object_t&>().reserve(8);
    j["op"] = kind_name(m.kind);
    j["destination"] = m.destination;
    switch (m.kind) {
        case MountOp::Kind::bind:
            if (m.fd >= 0) j["fd"] = m.fd;
            j["source"] = m.source;
            j["access"] = m.readonly ? "ro" : "rw";
            j["recursive"] = m.recursive;
            if (m.devices) j["devices"] = true;
            if (m.noexec) j["noexec"] = true;
            if (m.optional) j["optional"] = true;
            if (m.create) j["create"] = true;
            break;
        case MountOp::Kind::store:
            j["source"] = m.source;
            j["items"] = m.items.empty() ? json("*") : json(m.items);
            break;
        case MountOp::Kind::tmpfs:
            j["mode"] = octal(m.mode);
            if (m.size) j["size"] = *m.size;
            break;
        case MountOp::Kind::proc:
            if (!m.source.empty()) j["source"] = m.source;
            break;
        case MountOp::Kind::dir: j["mode"] = octal(m.mode); break;
        case MountOp::Kind::symlink: j["target"] = m.target; break;
        case MountOp::Kind::file:
            j["mode"] = octal(m.mode);
            if (m.fd >= 0)
                j["fd"] = m.fd;
            else
                j["content"] = m.content;
            if (!m.readonly) j["access"] = "rw";
            break;
        case MountOp::Kind::chmod: j["mode"] = octal(m.mode); break;
        case MountOp::Kind::overlay:
            j["lower"] = m.items;
            if (!m.upper.empty()) j["upper"] = m.upper, j["work"] = m.work;
            j["access"] = m.readonly ? "ro" : "rw";
            break;
        default: break;
    }
    if (!m.origin.empty()) j["origin"] = m.origin;
    return j;
}

// One step as --print-plan shows it: {"op": step_op(...), and what the step does}.
struct StepJson {
    const Plan& plan;
    json j;

    void operator()(const step::DieWithParent& s) {
        if (s.again) j["again"] = true;
    }
    void operator()(const step::Unshare& s) {
        json flags = json::array();
        for (const NamespaceInfo& row : namespace_kinds())
            if (s.ns.*row.member) flags.push_back(std::string(row.key));
        j["namespaces"] = flags;
    }
    void operator()(const step::MapIds&) {
        j["uid"] = {{"inside", plan.uid_inside}, {"outside", plan.uid_outside}};
        j["gid"] = {{"inside", plan.gid_inside}, {"outside", plan.gid_outside}};
        j["setgroups"] = "deny";
    }
    void operator()(const step::SetHostname& s) { j["name"] = s.name; }
    void operator()(const step::HostRoot&) {
        json ex = json::array();
        for (const auto& e : plan.host_exclude) ex.push_back("/" + e);
        j["access"] = plan.host_access == Access::ro ? "ro" : "rw";
        j["exclude"] = ex;
        if (plan.root_source != "/") j["source"] = plan.root_source;
    }
    void operator()(const step::Mount& s) { j = mount_json(plan.mounts.at(s.index)); }
    void operator()(const step::Chdir& s) {
        j["path"] = plan.cwd ? *plan.cwd : plan.caller_cwd;
        j["inherit"] = !plan.cwd.has_value();
        if (s.pack_entry && !plan.cwd) j["recreatedCopyAccepted"] = true;
    }
    void operator()(const step::Env&) {
        const auto& e = plan.env;
        json set = json::object(), pre = json::object(), app = json::object();
        for (const auto& kv : e.set) set[kv.first] = kv.second;
        for (const auto& kv : e.prepend) pre[kv.first] = kv.second;
        for (const auto& kv : e.append) app[kv.first] = kv.second;
        j["clear"] = e.clear;
        j["keep"] = e.keep;
        j["unset"] = e.unset;
        j["set"] = set;
        j["prepend"] = pre;
        j["append"] = app;
    }
    void operator()(const step::Rlimits& s) {
        json r = json::object();
        for (const auto& l : s.limits) {
            auto v = [](std::uint64_t x) { return x == kUnlimited ? json("unlimited") : json(x); };
            r[l.name] = {{"soft", v(l.soft)}, {"hard", v(l.hard)}};
        }
        j["limits"] = r;
    }
    void operator()(const step::Umask& s) { j["mask"] = octal(s.mask); }
    void operator()(const step::SearchPath&) { j["program"] = plan.program; }
    void operator()(const step::DropCapabilities& s) {
        json keep = json::array(), amb = json::array();
        for (int c : s.keep) keep.push_back(cap_name(c));
        for (int c : s.ambient) amb.push_back(cap_name(c));
        j["keep"] = keep;
        j["ambient"] = amb;
        j["clearBoundingSet"] = s.clear_bounding_set;
        if (s.only_as_root) j["onlyAsRoot"] = true;
    }
    void operator()(const step::CloseFds& s) { j["keep"] = s.keep; }
    void operator()(const step::Seccomp&) { j["filter"] = json(seccomp::to_json(plan.seccomp)); }
    void operator()(const step::ReadSeccompFds& s) { j["fds"] = s.fds; }
    void operator()(const step::AwaitIdMaps& s) { j["fd"] = s.fd; }
    void operator()(const step::Cgroup& s) {
        if (s.memory) j["memory"] = *s.memory;
        if (s.cpus) j["cpuMax"] = cgroup::cpu_max(*s.cpus);
        if (s.pids) j["pids"] = *s.pids;
    }
    void operator()(const step::JoinUserns2& s) { j["fd"] = s.fd; }
    void operator()(const step::JoinNamespaces& s) {
        if (s.user_fd >= 0) j["userFd"] = s.user_fd;
        if (s.pid_fd >= 0) j["pidFd"] = s.pid_fd;
    }
    void operator()(const step::SeccompFds&) {}
    void operator()(const step::BlockFd& s) {
        if (s.block_fd >= 0) j["blockFd"] = s.block_fd;
        if (s.close_fd >= 0) j["closeSyncFd"] = s.close_fd;
    }
    void operator()(const step::Exec&) {
        j["program"] = plan.program;
        j["argv"] = plan.argv;
    }
    void operator()(const step::ForkProgram& s) {
        if (s.die_with_parent) j["dieWithParent"] = true;
        if (s.as_pid_1) j["asPid1"] = true;
    }
    // Steps that are their op alone.
    void operator()(const step::LoopbackUp&) {}
    void operator()(const step::ForkPid1& s) { timeout(s.timeout); }
    void operator()(const step::ForkTimeout& s) { timeout(s.timeout); }
    void timeout(const step::Timeout& t) {
        if (t.seconds > 0) j["timeout"] = {{"seconds", t.seconds}, {"killAfter", t.kill_after}};
    }
    void operator()(const step::RootTmpfs&) {}
    void operator()(const step::RemountRootRo&) {}
    void operator()(const step::DetachOldRoot&) {}
    void operator()(const step::DisableUserns& s) { j["disable"] = s.disable; }
    void operator()(const step::LockFiles& s) { j["paths"] = s.paths; }
    void operator()(const step::ForkForSetsid&) {}
    void operator()(const step::Setsid&) {}
    void operator()(const step::NoNewPrivs&) {}
};

json step_json(const Plan& plan, const Step& s) {
    StepJson r{plan, {{"op", step_op(plan, s)}}};
    std::visit(r, s);
    return std::move(r.j);
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

// `steps` as the value of a member of the top-level object: each step dumped on its own and
// indented two levels (JSON strings hold no raw newline, so every newline of a dump starts
// a line of its structure).
void append_steps(std::string& out, const Plan& plan, const std::vector<Step>& steps) {
    if (steps.empty()) {
        out += "[]";
        return;
    }
    out += "[\n";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        out += "    ";
        for (char c : dump(step_json(plan, steps[i]))) {
            out += c;
            if (c == '\n') out += "    ";
        }
        out += i + 1 < steps.size() ? ",\n" : "\n";
    }
    out += "  ]";
}

// The op of each step type (mounts and the host root depend on the plan).
struct StepOp {
    const Plan& plan;
    const char* operator()(const step::DieWithParent&) const { return "die-with-parent"; }
    const char* operator()(const step::Cgroup&) const { return "cgroup"; }
    const char* operator()(const step::Unshare&) const { return "unshare"; }
    const char* operator()(const step::MapIds&) const { return "map-ids"; }
    const char* operator()(const step::AwaitIdMaps&) const { return "await-id-maps"; }
    const char* operator()(const step::JoinUserns2&) const { return "join-userns2"; }
    const char* operator()(const step::SetHostname&) const { return "sethostname"; }
    const char* operator()(const step::LoopbackUp&) const { return "loopback-up"; }
    const char* operator()(const step::ForkPid1&) const { return "fork-pid1"; }
    const char* operator()(const step::RootTmpfs&) const { return "root-tmpfs"; }
    const char* operator()(const step::HostRoot&) const {
        return plan.root_source == "/" ? "bind-host-root" : "bind-root-dir";
    }
    const char* operator()(const step::Mount& s) const { return kind_name(plan.mounts.at(s.index).kind); }
    const char* operator()(const step::RemountRootRo&) const { return "remount-root-ro"; }
    const char* operator()(const step::DetachOldRoot&) const { return "detach-old-root"; }
    const char* operator()(const step::DisableUserns&) const { return "disable-userns"; }
    const char* operator()(const step::LockFiles&) const { return "lock-files"; }
    const char* operator()(const step::ForkProgram&) const { return "fork-program"; }
    const char* operator()(const step::ForkForSetsid&) const { return "fork-for-setsid"; }
    const char* operator()(const step::ForkTimeout&) const { return "fork-timeout"; }
    const char* operator()(const step::Chdir&) const { return "chdir"; }
    const char* operator()(const step::Env&) const { return "env"; }
    const char* operator()(const step::Rlimits&) const { return "rlimits"; }
    const char* operator()(const step::Umask&) const { return "umask"; }
    const char* operator()(const step::Setsid&) const { return "setsid"; }
    const char* operator()(const step::SearchPath&) const { return "search-path"; }
    const char* operator()(const step::NoNewPrivs&) const { return "no-new-privs"; }
    const char* operator()(const step::DropCapabilities&) const { return "drop-capabilities"; }
    const char* operator()(const step::CloseFds&) const { return "close-fds"; }
    const char* operator()(const step::Seccomp&) const { return "seccomp"; }
    const char* operator()(const step::ReadSeccompFds&) const { return "read-seccomp-fds"; }
    const char* operator()(const step::JoinNamespaces&) const { return "join-namespaces"; }
    const char* operator()(const step::SeccompFds&) const { return "seccomp-fds"; }
    const char* operator()(const step::BlockFd&) const { return "block-fd"; }
    const char* operator()(const step::Exec&) const { return "exec"; }
};

}  // namespace

const char* step_op(const Plan& plan, const Step& step) { return std::visit(StepOp{plan}, step); }

std::string plan_text(const Plan& plan) {
    std::string out = "{\n  \"version\": 2,\n  \"directEligible\": ";
    out += plan.direct_eligible ? "true" : "false";
    out += ",\n  \"steps\": ";
    append_steps(out, plan, plan.steps);
    if (plan.direct_eligible) {
        out += ",\n  \"directSteps\": ";
        append_steps(out, plan, plan.direct_steps);
    }
    out += "\n}";
    return out;
}

nlohmann::ordered_json plan_to_json(const Plan& plan) { return json::parse(plan_text(plan)); }

}  // namespace burrow
