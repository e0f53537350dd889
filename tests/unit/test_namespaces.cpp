// The namespace table against the other places that spell namespaces: the published JSON
// schema (profiles/schema.json), the --unshare-KEY options, and the typed profile.
#include <nlohmann/json.hpp>

#include <set>

#include "launcher/cli.hpp"
#include "runtime/profile/namespaces.hpp"
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

TEST_CASE("namespaces: every key and every CLONE_ flag is distinct") {
    std::set<std::string_view> keys;
    int flags = 0;
    for (const NamespaceInfo& row : namespace_kinds()) {
        CHECK(keys.insert(row.key).second);
        CHECK((flags & row.clone_flag) == 0);
        flags |= row.clone_flag;
        CHECK(namespace_kind(row.key) == &row);
        if (row.always) CHECK(row.default_on);
    }
    CHECK(namespace_kind("mnt") == nullptr);
    CHECK(Namespaces{}.*namespace_kind("user")->member);
    CHECK_FALSE(Namespaces{}.*namespace_kind("net")->member);
}

TEST_CASE("namespaces: profiles/schema.json lists the table's keys as booleans, and the fds to join") {
    nlohmann::json s = published_schema();
    const nlohmann::json& props = s["properties"]["namespaces"]["properties"];
    std::vector<std::string> listed;
    for (const auto& item : props.items()) {
        const std::string key = item.key();  // INFO captures it: not a structured binding
        INFO("key ", key);
        if (key == "userFd" || key == "pidFd" || key == "user2Fd" || key == "userBlockFd") {
            CHECK(item.value()["$ref"] == "#/$defs/fd");
            continue;
        }
        CHECK(item.value()["type"] == "boolean");
        listed.push_back(key);
    }
    std::vector<std::string> keys = namespace_keys();
    CHECK(std::set<std::string>(listed.begin(), listed.end()) == std::set<std::string>(keys.begin(), keys.end()));
    CHECK(s["properties"]["namespaces"]["additionalProperties"] == false);
}

TEST_CASE("namespaces: --unshare-KEY and --unshare-all set exactly the rows that say so") {
    nlohmann::json all = parse_cli({"--unshare-all", "x"}, "/").overlay["namespaces"];
    for (const NamespaceInfo& row : namespace_kinds()) {
        std::string key(row.key);
        INFO("namespace ", key);
        CHECK(all.contains(key) == row.unshare_option);
        if (row.unshare_option) CHECK(parse_cli({"--unshare-" + key, "x"}, "/").overlay["namespaces"][key] == true);
    }
}

TEST_CASE("namespaces: a key not in the table is an error with a suggestion") {
    TempDir dir;
    std::string m = error_of(dir, "\"namespaces\": {\"cgroups\": true}");
    CHECK(m.find("/namespaces/cgroups") != std::string::npos);
    CHECK(m.find("did you mean \"cgroup\"?") != std::string::npos);
}
