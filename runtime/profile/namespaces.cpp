#include "runtime/profile/namespaces.hpp"

#include <sched.h>

#include "runtime/profile/profile.hpp"

namespace burrow {

const std::vector<NamespaceInfo>& namespace_kinds() {
    using N = Namespaces;
    static const std::vector<NamespaceInfo> rows = {
        {"user", CLONE_NEWUSER, &N::user, true, true, true},
        {"mount", CLONE_NEWNS, &N::mount, true, true, false},
        {"pid", CLONE_NEWPID, &N::pid, false, false, true},
        {"net", CLONE_NEWNET, &N::net, false, false, true},
        {"ipc", CLONE_NEWIPC, &N::ipc, false, false, true},
        {"uts", CLONE_NEWUTS, &N::uts, false, false, true},
        {"cgroup", CLONE_NEWCGROUP, &N::cgroup, false, false, true},
    };
    return rows;
}

const NamespaceInfo* namespace_kind(std::string_view key) {
    for (const NamespaceInfo& r : namespace_kinds())
        if (r.key == key) return &r;
    return nullptr;
}

std::vector<std::string> namespace_keys() {
    std::vector<std::string> out;
    for (const NamespaceInfo& r : namespace_kinds()) out.emplace_back(r.key);
    return out;
}

}  // namespace burrow
