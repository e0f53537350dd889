// The mount-kind table against the two other places that spell mount kinds: the published
// JSON schema (profiles/schema.json) and the loader's answer to a name not in the table.
#include <nlohmann/json.hpp>

#include <set>

#include "runtime/profile/mount_kinds.hpp"
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

TEST_CASE("mount kinds: the table is in MountKind order and every name is distinct") {
    std::set<std::string_view> names;
    for (size_t i = 0; i < mount_kinds().size(); ++i) {
        CHECK(static_cast<size_t>(mount_kinds()[i].kind) == i);
        CHECK(names.insert(mount_kinds()[i].name).second);
    }
    CHECK(mount_kind(MountKind::mask).name == "mask");
    CHECK(profile_mount_kind("store") == nullptr);  // the plan's kind, not a profile type
    CHECK(profile_mount_kind("nosuch") == nullptr);
    CHECK(profile_mount_kind("bind")->kind == MountKind::bind);
}

TEST_CASE("mount kinds: profiles/schema.json lists the same types with the same keys") {
    nlohmann::json s = published_schema();
    const nlohmann::json& mount = s["$defs"]["mount"];
    std::vector<std::string> listed = mount["properties"]["type"]["enum"];
    CHECK(listed == profile_mount_types());

    // Each "if type is X then $ref D": D's properties are the table's keys for X.
    std::set<std::string> covered;
    for (const nlohmann::json& rule : mount["allOf"]) {
        const nlohmann::json& t = rule["if"]["properties"]["type"];
        std::vector<std::string> types =
            t.contains("const") ? std::vector<std::string>{t["const"]} : t["enum"].get<std::vector<std::string>>();
        std::string ref = rule["then"]["$ref"];
        const nlohmann::json& def = s["$defs"][ref.substr(ref.rfind('/') + 1)];
        std::set<std::string> keys;
        for (const auto& [k, v] : def["properties"].items()) keys.insert(k);
        for (const std::string& type : types) {
            INFO("type ", type);
            const MountKindInfo* row = profile_mount_kind(type);
            REQUIRE(row != nullptr);
            CHECK(std::set<std::string>(row->keys.begin(), row->keys.end()) == keys);
            covered.insert(type);
        }
    }
    CHECK(std::vector<std::string>(covered.begin(), covered.end()).size() == listed.size());
}

TEST_CASE("mount kinds: an unknown type is an error naming the types, never a mask") {
    TempDir dir;
    std::string m = error_of(dir, "\"mounts\": [{\"type\": \"nosuch\", \"destination\": \"/x\"}]");
    CHECK(m.find("/mounts/0/type") != std::string::npos);
    for (const std::string& t : profile_mount_types()) CHECK(m.find(t) != std::string::npos);
}
