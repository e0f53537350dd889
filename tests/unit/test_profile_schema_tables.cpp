// The schema check's tables (runtime/profile/profile_schema_tables.cpp) against the published
// JSON schema (profiles/schema.json) and the mount kinds (runtime/profile/mount_kinds.cpp).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "runtime/profile/mount_kinds.hpp"
#include "runtime/profile/profile_schema_check.hpp"
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::profile::schema;

namespace {

// What the table says of a property: its JSON type, its $ref as "$defs/NAME", or the
// keyword that says what it is ("enum", "const", "oneOf").
std::string kind_of(const nlohmann::json& p) {
    if (p.contains("type")) return p["type"];
    if (p.contains("$ref")) return p["$ref"].get<std::string>().substr(2);
    for (const char* k : {"enum", "const", "oneOf"})
        if (p.contains(k)) return k;
    return "?";
}

void same(const Section& s, const nlohmann::json& object) {
    std::map<std::string, std::string> listed, table;
    for (const auto& [k, v] : object["properties"].items()) listed[k] = kind_of(v);
    for (const KeyRule& r : s.rules) table[r.key] = std::string(r.schema);
    CHECK(listed == table);
    CHECK(object["additionalProperties"] == false);
}

}  // namespace

TEST_CASE("schema tables: profiles/schema.json has each section's keys, with the same types") {
    nlohmann::json s = burrow::test::published_schema();
    const nlohmann::json& top = s["properties"];
    {
        INFO("top level");
        same(top_section(), s);
    }
    for (const Section* sec :
         {&root_section(), &namespaces_section(), &user_section(), &process_section(), &security_section()}) {
        INFO("section ", sec->dotted);
        same(*sec, top[sec->dotted]);
    }
    {
        INFO("stores");
        same(store_section(), top["stores"]["items"]);
    }
    {
        INFO("process.env");
        same(env_section(), top["process"]["properties"]["env"]);
    }
    {
        INFO("security.capabilities");
        same(capabilities_section(), top["security"]["properties"]["capabilities"]);
    }
    {
        INFO("security.seccomp, but for \"oci\" (read by seccomp::validate(), not published)");
        std::vector<KeyRule> rules;
        for (const KeyRule& r : seccomp_section().rules)
            if (r.key != "oci") rules.push_back(r);
        same(Section("security.seccomp", "", "", rules), top["security"]["properties"]["seccomp"]);
    }
}

TEST_CASE("schema tables: the merge rule of each kind of key path") {
    using burrow::profile::Merge;
    using burrow::profile::merge_rule;
    for (const char* p : {"mounts", "stores"}) CHECK(merge_rule(p) == Merge::keyed);
    for (const char* p :
         {"root.exclude", "process.env.keep", "process.keepFds", "process.env.unset", "security.capabilities.keep",
          "security.capabilities.ambient", "security.seccomp.deny", "security.seccomp.allow",
          "security.seccomp.architectures", "security.seccomp.socketFamilies"})
        CHECK(merge_rule(p) == Merge::union_);
    for (const char* p : {"process.env.prepend.PATH", "process.env.append.MANPATH"})
        CHECK(merge_rule(p) == Merge::concat);
    for (const char* p : {"root", "process", "process.env.prepend", "process.env.set.PATH", "process.args",
                          "security.seccomp", "process.rlimits.RLIMIT_NOFILE.soft", "x-y"})
        CHECK(merge_rule(p) == Merge::by_value);
}

TEST_CASE("schema tables: the mount keys are the mount kinds' keys, in the kinds' order") {
    std::vector<std::string> keys;
    for (const MountKindInfo& k : mount_kinds())
        for (const std::string& key : k.keys)
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    CHECK(mount_section().keys == keys);
    for (const MountKindInfo& k : mount_kinds())
        for (const std::string& key : k.required) CHECK(std::find(k.keys.begin(), k.keys.end(), key) != k.keys.end());
}

TEST_CASE("schema tables: an overlay has the top level's keys but version and extends") {
    std::vector<std::string> want;
    for (const std::string& k : top_section().keys)
        if (k != "version" && k != "extends") want.push_back(k);
    CHECK(overlay_section().keys == want);
}

TEST_CASE("schema tables: override paths are the merged keys and the keys of their sections") {
    const std::vector<std::string>& paths = burrow::profile::override_paths();
    for (const char* p : {"mounts", "hostname", "root.exclude", "namespaces.net", "process.env.set",
                          "security.capabilities.keep", "security.seccomp.deny"})
        CHECK(std::find(paths.begin(), paths.end(), p) != paths.end());
    for (const char* p : {"name", "version", "extends", "override", "process.rlimits.RLIMIT_NOFILE"})
        CHECK(std::find(paths.begin(), paths.end(), p) == paths.end());
}
