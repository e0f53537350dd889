// The namespaces: one row each (profile key, CLONE_ flag, default, whether burrow always
// makes it), read by the schema check, the typed builder, the canonical JSON, the plan,
// the unshare step, --unshare-all and the seccomp filter that denies nested namespaces.
//
// Adding a namespace: a field in Namespaces (profile.hpp) and a row in namespaces.cpp,
// its key in profiles/schema.json (tests/unit/test_namespaces.cpp holds the schema to the
// table), an --unshare-KEY option in launcher/cli.cpp if it has one, and
// man/burrow-profile.5.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace burrow {

struct Namespaces;

struct NamespaceInfo {
    std::string_view key;      // the key in "namespaces", --print-plan's name
    int clone_flag;            // CLONE_NEW*
    bool Namespaces::*member;  // its field in the typed profile
    bool default_on;           // the value when no profile says
    bool always;               // burrow cannot run without it (user, mount)
    bool unshare_option;       // burrow has --unshare-KEY (and --unshare-all sets it)
};

// Every namespace, in the order profiles, the canonical JSON and --print-plan list them.
const std::vector<NamespaceInfo>& namespace_kinds();
// The row for a key of "namespaces"; nullptr for any other name.
const NamespaceInfo* namespace_kind(std::string_view key);
// The keys of "namespaces", in table order.
std::vector<std::string> namespace_keys();

}  // namespace burrow
