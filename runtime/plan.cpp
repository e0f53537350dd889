// Profile + caller facts → Plan. Pure: no syscalls here.
#include "plan.hpp"

#include <sys/capability.h>
#include <sys/resource.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <utility>

#include "error.hpp"

namespace burrow {
namespace {

constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();

struct RlimitName {
    const char* name;
    int resource;
};
constexpr std::array<RlimitName, 16> kRlimits{{
    {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS}, {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
}};

int rlimit_resource(const std::string& name) {
    for (const auto& r : kRlimits)
        if (name == r.name) return r.resource;
    throw Error("unknown resource limit \"" + name + "\"");
}

int cap_value(const std::string& name, const std::string& where) {
    cap_value_t v;
    if (cap_from_name(name.c_str(), &v) != 0)
        throw Error(where + ": unknown capability \"" + name + "\"");
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
    op.readonly = m.access == Access::ro;
    op.recursive = m.recursive;
    op.devices = m.devices;
    op.noexec = m.noexec;
    op.optional = m.optional;
    op.size = m.size;
    op.origin = m.origin.where;
    using T = MountSpec::Type;
    using K = MountOp::Kind;
    switch (m.type) {
        case T::bind: op.kind = K::bind; break;
        case T::tmpfs: op.kind = K::tmpfs; op.mode = m.mode.value_or(0755); break;
        case T::proc: op.kind = K::proc; break;
        case T::dev: op.kind = K::dev; break;
        case T::dir: op.kind = K::dir; op.mode = m.mode.value_or(0755); break;
        case T::symlink: op.kind = K::symlink; break;
        case T::file: op.kind = K::file; op.mode = m.mode.value_or(0444); break;
        case T::mask: op.kind = K::mask; break;
    }
    return op;
}

const char* kind_name(MountOp::Kind k) {
    switch (k) {
        case MountOp::Kind::bind: return "bind";
        case MountOp::Kind::store: return "store";
        case MountOp::Kind::tmpfs: return "tmpfs";
        case MountOp::Kind::proc: return "proc";
        case MountOp::Kind::dev: return "dev";
        case MountOp::Kind::dir: return "dir";
        case MountOp::Kind::symlink: return "symlink";
        case MountOp::Kind::file: return "file";
        case MountOp::Kind::mask: return "mask";
    }
    return "?";
}

std::string octal(unsigned mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode);
    return buf;
}

}  // namespace

Plan compile(const Profile& p, const HostFacts& host, const std::vector<std::string>& args) {
    Plan plan;
    plan.ns = p.namespaces;
    plan.uid_outside = host.uid;
    plan.gid_outside = host.gid;
    plan.uid_inside = p.uid.self ? host.uid : p.uid.id;
    plan.gid_inside = p.gid.self ? host.gid : p.gid.id;
    plan.hostname = p.hostname;

    plan.host_root = p.root.host == RootSpec::Host::all;
    plan.host_access = p.root.access;
    plan.root_source = p.root.path;
    for (const auto& e : p.root.exclude)
        plan.host_exclude.push_back(e.substr(e.find_first_not_of('/')));
    for (const auto& s : p.stores) plan.mounts.push_back(store_op(s));
    for (const auto& m : p.mounts) plan.mounts.push_back(mount_op(m));

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
        throw Error("no command given; write it after the options (burrow [OPTIONS] -- COMMAND "
                    "[ARG...]) or set \"process.exec\" in the profile");
    }
    if (plan.program.empty() && (host.need_command || !args.empty()))
        throw Error("the command is an empty string");
    if (!plan.program.empty()) {
        std::string argv0 = plan.program;
        if (p.process.argv0) argv0 = *p.process.argv0;
        else if (host.pack_entry && !host.argv0.empty()) argv0 = host.argv0;
        plan.argv.push_back(argv0);
        plan.argv.insert(plan.argv.end(), p.process.args.begin(), p.process.args.end());
        plan.argv.insert(plan.argv.end(), rest.begin(), rest.end());
    }

    plan.cwd = p.process.cwd;
    plan.caller_cwd = host.cwd;
    plan.env = p.process.env;
    for (const auto& r : p.process.rlimits) {
        if (r.inherit) continue;
        plan.rlimits.push_back({rlimit_resource(r.name), r.name, r.soft, r.hard});
    }
    plan.umask = p.process.umask;
    plan.new_session = p.process.new_session;
    plan.die_with_parent = p.process.die_with_parent;
    plan.close_fds = p.process.close_fds;
    plan.keep_fds = p.process.keep_fds;
    std::sort(plan.keep_fds.begin(), plan.keep_fds.end());
    plan.keep_fds.erase(std::unique(plan.keep_fds.begin(), plan.keep_fds.end()), plan.keep_fds.end());
    plan.no_new_privileges = p.security.no_new_privileges;
    // Without no_new_privs a setuid or file-capability program could gain what the bounding
    // set holds: then it is cleared whatever the profile says.
    plan.clear_bounding_set = p.security.clear_bounding_set || !p.security.no_new_privileges;
    for (const auto& c : p.security.caps_keep)
        plan.caps_keep.push_back(cap_value(c, "/security/capabilities/keep"));
    for (const auto& c : p.security.caps_ambient)
        plan.caps_ambient.push_back(cap_value(c, "/security/capabilities/ambient"));
    plan.seccomp = seccomp::compile(p.security.seccomp);

    // Direct exec is possible when the namespaces would only add the stores: the host
    // root read-write, nothing but stores mounted, no other namespace, our own ids.
    bool only_stores = true;
    for (const auto& m : plan.mounts)
        if (m.kind != MountOp::Kind::store) only_stores = false;
    const auto& n = plan.ns;
    plan.direct_eligible = plan.host_root && plan.root_source == "/" && plan.host_access == Access::rw &&
                           plan.host_exclude.empty() && only_stores && !n.pid && !n.net &&
                           !n.ipc && !n.uts && !n.cgroup && !plan.hostname &&
                           plan.uid_inside == host.uid && plan.gid_inside == host.gid &&
                           plan.caps_keep.empty();
    return plan;
}

nlohmann::ordered_json plan_to_json(const Plan& plan) {
    using json = nlohmann::ordered_json;
    json steps = json::array();
    json flags = json::array({"user", "mount"});
    const auto& n = plan.ns;
    if (n.pid) flags.push_back("pid");
    if (n.net) flags.push_back("net");
    if (n.ipc) flags.push_back("ipc");
    if (n.uts) flags.push_back("uts");
    if (n.cgroup) flags.push_back("cgroup");
    steps.push_back({{"op", "unshare"}, {"namespaces", flags}});
    steps.push_back({{"op", "map-ids"},
                     {"uid", {{"inside", plan.uid_inside}, {"outside", plan.uid_outside}}},
                     {"gid", {{"inside", plan.gid_inside}, {"outside", plan.gid_outside}}},
                     {"setgroups", "deny"}});
    if (n.pid) steps.push_back({{"op", "fork-pid1"}});
    if (n.net) steps.push_back({{"op", "loopback-up"}});
    if (plan.hostname) steps.push_back({{"op", "sethostname"}, {"name", *plan.hostname}});
    steps.push_back({{"op", "root-tmpfs"}});
    if (plan.host_root) {
        json ex = json::array();
        for (const auto& e : plan.host_exclude) ex.push_back("/" + e);
        json step = {{"op", "bind-host-root"},
                     {"access", plan.host_access == Access::ro ? "ro" : "rw"},
                     {"exclude", ex}};
        if (plan.root_source != "/") step["op"] = "bind-root-dir", step["source"] = plan.root_source;
        steps.push_back(step);
    }
    for (const auto& m : plan.mounts) {
        json j = {{"op", kind_name(m.kind)}, {"destination", m.destination}};
        switch (m.kind) {
            case MountOp::Kind::bind:
                j["source"] = m.source;
                j["access"] = m.readonly ? "ro" : "rw";
                j["recursive"] = m.recursive;
                if (m.devices) j["devices"] = true;
                if (m.noexec) j["noexec"] = true;
                if (m.optional) j["optional"] = true;
                break;
            case MountOp::Kind::store:
                j["source"] = m.source;
                j["items"] = m.items.empty() ? json("*") : json(m.items);
                break;
            case MountOp::Kind::tmpfs:
                j["mode"] = octal(m.mode);
                if (m.size) j["size"] = *m.size;
                break;
            case MountOp::Kind::dir: j["mode"] = octal(m.mode); break;
            case MountOp::Kind::symlink: j["target"] = m.target; break;
            case MountOp::Kind::file:
                j["mode"] = octal(m.mode);
                j["content"] = m.content;
                break;
            default: break;
        }
        if (!m.origin.empty()) j["origin"] = m.origin;
        steps.push_back(j);
    }
    steps.push_back({{"op", "detach-old-root"}});
    steps.push_back({{"op", "remount-root-ro"}});
    steps.push_back({{"op", "chdir"},
                     {"path", plan.cwd ? *plan.cwd : plan.caller_cwd},
                     {"inherit", !plan.cwd.has_value()}});
    {
        const auto& e = plan.env;
        json set = json::object(), pre = json::object(), app = json::object();
        for (const auto& [k, v] : e.set) set[k] = v;
        for (const auto& [k, v] : e.prepend) pre[k] = v;
        for (const auto& [k, v] : e.append) app[k] = v;
        steps.push_back({{"op", "env"}, {"clear", e.clear}, {"keep", e.keep}, {"unset", e.unset},
                         {"set", set}, {"prepend", pre}, {"append", app}});
    }
    if (!plan.rlimits.empty()) {
        json r = json::object();
        for (const auto& l : plan.rlimits) {
            auto v = [](std::uint64_t x) { return x == kUnlimited ? json("unlimited") : json(x); };
            r[l.name] = {{"soft", v(l.soft)}, {"hard", v(l.hard)}};
        }
        steps.push_back({{"op", "rlimits"}, {"limits", r}});
    }
    if (plan.umask) steps.push_back({{"op", "umask"}, {"mask", octal(*plan.umask)}});
    if (plan.new_session) steps.push_back({{"op", "setsid"}});
    if (plan.die_with_parent) steps.push_back({{"op", "die-with-parent"}});
    if (plan.close_fds) steps.push_back({{"op", "close-fds"}, {"keep", plan.keep_fds}});
    if (plan.no_new_privileges) steps.push_back({{"op", "no-new-privs"}});
    {
        json keep = json::array(), amb = json::array();
        for (int c : plan.caps_keep) keep.push_back(cap_name(c));
        for (int c : plan.caps_ambient) amb.push_back(cap_name(c));
        steps.push_back({{"op", "drop-capabilities"}, {"keep", keep}, {"ambient", amb},
                         {"clearBoundingSet", plan.clear_bounding_set}});
    }
    if (plan.seccomp.enabled) steps.push_back({{"op", "seccomp"}, {"filter", json(seccomp::to_json(plan.seccomp))}});
    steps.push_back({{"op", "exec"}, {"program", plan.program}, {"argv", plan.argv}});
    return {{"version", 1}, {"directEligible", plan.direct_eligible}, {"steps", steps}};
}

}  // namespace burrow
