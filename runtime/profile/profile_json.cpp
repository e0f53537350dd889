#include "runtime/profile/profile_json.hpp"

#include <cstdio>
#include <limits>

#include "runtime/profile/namespaces.hpp"

namespace burrow {

namespace {

using json = nlohmann::json;

std::string octal(unsigned mode) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04o", mode);
    return buf;
}

json limit(std::uint64_t v) {
    if (v == std::numeric_limits<std::uint64_t>::max()) return "unlimited";
    return v;
}

const char* access(Access a) { return a == Access::ro ? "ro" : "rw"; }

json id(const IdSpec& i) {
    if (i.self) return "self";
    return i.id;
}

json mount(const MountSpec& m) {
    json j = {{"type", std::string(mount_kind(m.type).name)}, {"destination", m.destination}};
    switch (m.type) {
        case MountSpec::Type::bind:
            j["source"] = m.source;
            j["access"] = access(m.access);
            j["optional"] = m.optional;
            j["recursive"] = m.recursive;
            j["devices"] = m.devices;
            j["noexec"] = m.noexec;
            break;
        case MountSpec::Type::tmpfs:
            if (m.size) j["size"] = *m.size;
            if (m.mode) j["mode"] = octal(*m.mode);
            break;
        case MountSpec::Type::dir:
            if (m.mode) j["mode"] = octal(*m.mode);
            break;
        case MountSpec::Type::file:
            j["content"] = m.content;
            if (m.mode) j["mode"] = octal(*m.mode);
            break;
        case MountSpec::Type::symlink: j["target"] = m.target; break;
        default: break;
    }
    return j;
}

json search_paths(const std::vector<std::pair<std::string, std::vector<std::string>>>& list) {
    json j = json::object();
    for (const auto& [name, entries] : list) j[name] = entries;
    return j;
}

}  // namespace

json profile_to_json(const Profile& p) {
    json root = {{"host", p.root.host == RootSpec::Host::all ? "all" : "none"}};
    if (p.root.host == RootSpec::Host::all) {
        root["access"] = access(p.root.access);
        root["exclude"] = p.root.exclude;
    }
    json stores = json::array();
    for (const auto& s : p.stores) {
        json items = s.all_items ? json("*") : json(s.items);
        stores.push_back({{"source", s.source}, {"destination", s.destination}, {"items", items}});
    }
    json mounts = json::array();
    for (const auto& m : p.mounts) mounts.push_back(mount(m));

    const EnvSpec& e = p.process.env;
    json set = json::object();
    for (const auto& [k, v] : e.set) set[k] = v;
    json env = {{"clear", e.clear},
                {"keep", e.keep},
                {"unset", e.unset},
                {"set", set},
                {"prepend", search_paths(e.prepend)},
                {"append", search_paths(e.append)}};
    json rlimits = json::object();
    for (const auto& r : p.process.rlimits)
        rlimits[r.name] = r.inherit ? json("inherit") : json{{"soft", limit(r.soft)}, {"hard", limit(r.hard)}};
    json process = {{"args", p.process.args},
                    {"argv0", p.process.argv0 ? json(*p.process.argv0) : json("inherit")},
                    {"cwd", p.process.cwd ? json(*p.process.cwd) : json("inherit")},
                    {"env", env},
                    {"rlimits", rlimits},
                    {"newSession", p.process.new_session},
                    {"dieWithParent", p.process.die_with_parent},
                    {"closeFds", p.process.close_fds},
                    {"keepFds", p.process.keep_fds}};
    if (p.process.exec) process["exec"] = *p.process.exec;
    if (p.process.as_pid_1) process["asPid1"] = true;
    if (!p.process.lock_files.empty()) process["lockFiles"] = p.process.lock_files;
    if (p.process.info_fd) process["infoFd"] = *p.process.info_fd;
    if (p.process.json_status_fd) process["jsonStatusFd"] = *p.process.json_status_fd;
    if (p.process.block_fd) process["blockFd"] = *p.process.block_fd;
    if (p.process.sync_fd) process["syncFd"] = *p.process.sync_fd;
    if (p.process.umask) process["umask"] = octal(*p.process.umask);

    json security = {{"noNewPrivileges", p.security.no_new_privileges},
                     {"capabilities",
                      {{"keep", p.security.caps_keep},
                       {"ambient", p.security.caps_ambient},
                       {"clearBoundingSet", p.security.clear_bounding_set}}}};
    if (!p.security.seccomp.is_null()) security["seccomp"] = p.security.seccomp;
    if (p.security.disable_userns) security["disableUserns"] = true;
    if (p.security.assert_userns_disabled) security["assertUsernsDisabled"] = true;
    if (!p.security.seccomp_fds.empty()) security["seccompFds"] = p.security.seccomp_fds;
    if (p.security.exec_label) security["execLabel"] = *p.security.exec_label;
    if (p.security.file_label) security["fileLabel"] = *p.security.file_label;

    json namespaces = json::object();
    for (const NamespaceInfo& row : namespace_kinds()) namespaces[std::string(row.key)] = p.namespaces.*row.member;
    if (p.namespaces.user_fd) namespaces["userFd"] = *p.namespaces.user_fd;
    if (p.namespaces.pid_fd) namespaces["pidFd"] = *p.namespaces.pid_fd;
    if (p.namespaces.user2_fd) namespaces["user2Fd"] = *p.namespaces.user2_fd;
    if (p.namespaces.user_block_fd) namespaces["userBlockFd"] = *p.namespaces.user_block_fd;
    json j = {{"version", 1},
              {"root", root},
              {"stores", stores},
              {"mounts", mounts},
              {"namespaces", namespaces},
              {"user", {{"uid", id(p.uid)}, {"gid", id(p.gid)}}},
              {"process", process},
              {"security", security}};
    if (!p.name.empty()) j["name"] = p.name;
    if (p.hostname) j["hostname"] = *p.hostname;
    if (p.limits.any()) {
        json l = json::object();
        if (p.limits.memory) l["memory"] = *p.limits.memory;
        if (p.limits.cpus) l["cpus"] = *p.limits.cpus;
        if (p.limits.pids) l["pids"] = *p.limits.pids;
        j["limits"] = l;
    }
    return j;
}

}  // namespace burrow
