// burrow-pack: generated profiles (checked with the real profile loader), the manifest
// and the archive's node list.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdlib.h>

#include "packer/layout.hpp"
#include "packer/sha256.hpp"
#include "runtime/base/error.hpp"
#include "runtime/profile/profile_load.hpp"

using namespace burrow::pack;
using T = TreeRecord::Type;

namespace {

class TmpDir {
  public:
    TmpDir() {
        std::string t = (std::filesystem::temp_directory_path() / "burrow-pack-test-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        path = t;
    }
    ~TmpDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        const std::string p = path + "/" + name;
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    std::string path;
};

ScannedItem item(const std::string& name, std::vector<TreeRecord> records, std::set<std::string> refs = {}) {
    ScannedItem it;
    it.name = name;
    it.host_path = "/src/" + name;
    it.records = std::move(records);
    it.digest = digest_records(it.records);
    it.references = std::move(refs);
    return it;
}

const std::string kA = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-app";
const std::string kB = "1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b-lib";

PackInputs inputs() {
    PackInputs in;
    in.store_destination = "/gnu/store";
    in.items[kA] = item(kA,
                        {{"", T::dir, "", 0},
                         {"bin", T::dir, "", 0},
                         {"bin/app", T::exec, sha256_hex("app"), 3},
                         {"share", T::dir, "", 0},
                         {"share/copy", T::file, sha256_hex("same"), 4}},
                        {kB});
    in.items[kB] = item(kB, {{"", T::dir, "", 0},
                             {"data", T::file, sha256_hex("same"), 4},
                             {"empty1", T::file, sha256_hex(""), 0},
                             {"empty2", T::file, sha256_hex(""), 0},
                             {"link", T::symlink, "data", 0}});
    in.entries.push_back(PackEntryPlan{"app", "/gnu/store/" + kA + "/bin/app", "{\"profile\": 1}\n"});
    in.runtime_host_path = "/build/burrow";
    in.runtime_sha256 = sha256_hex("runtime");
    in.runtime_size = 7;
    in.runtime_version = "0.1.0";
    in.created = 1;
    in.arguments = {"--store", "/src:/gnu/store", kA};
    in.packer_version = "0.1.0";
    return in;
}

const Node* find(const std::vector<Node>& nodes, const std::string& path) {
    for (const auto& n : nodes)
        if (n.path == path) return &n;
    return nullptr;
}

}  // namespace

TEST_CASE("pack layout: the generated profile loads with the profile loader") {
    PackSlice slice{item("2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c-py", {{"", T::dir, "", 0}}), "/opt/py"};
    const auto doc = generated_profile("app", "/gnu/store/" + kA + "/bin/app", "/gnu/store", {kA, kB}, {slice});
    CHECK(doc["extends"] == "builtin:pack");
    CHECK(doc["stores"][0]["source"] == "${PACK}/gnu/store");

    TmpDir dir;
    const std::string file = dir.write("app.json", json_text(doc));
    burrow::LoadContext ctx;
    ctx.vars = {{"ORIGIN", "/home/u/p/.burrow"},
                {"PACK", "/home/u/p"},
                {"HOME", "/home/u"},
                {"PWD", "/home/u"},
                {"UID", "1000"},
                {"GID", "1000"},
                {"USER", "u"},
                {"TMPDIR", "/tmp"},
                {"RUNTIME_DIR", "/run/user/1000"}};
    burrow::Profile p;
    try {
        p = burrow::load_profile(file, {}, ctx);
    } catch (const burrow::Error& e) {
        FAIL("the generated profile does not load: " << e.what());
    }
    REQUIRE(p.stores.size() == 1);
    CHECK(p.stores[0].source == "/home/u/p/gnu/store");
    CHECK(p.stores[0].destination == "/gnu/store");
    CHECK_FALSE(p.stores[0].all_items);
    CHECK(p.stores[0].items == std::vector<std::string>{kA, kB});
    REQUIRE(p.process.exec);
    CHECK(*p.process.exec == "/gnu/store/" + kA + "/bin/app");
    CHECK(p.root.host == burrow::RootSpec::Host::all);  // from builtin:pack
    bool slice_mount = false;
    for (const auto& m : p.mounts)
        if (m.destination == "/opt/py") {
            slice_mount = true;
            CHECK(m.type == burrow::MountSpec::Type::bind);
            CHECK(m.source == "/home/u/p/.burrow/slices/" + slice.item.name);
            CHECK(m.access == burrow::Access::ro);
        }
    CHECK(slice_mount);
}

TEST_CASE("pack layout: the manifest records provenance") {
    PackInputs in = inputs();
    in.links.push_back(PackLink{"etc", "gnu/store/" + kA + "/share", "gnu/store/" + kA + "/share"});
    const auto m = make_manifest(in);
    CHECK(m["format"] == 2);
    CHECK(m["runtime"]["sha256"] == sha256_hex("runtime"));
    CHECK(m["runtime"]["version"] == "0.1.0");
    CHECK(m["store"]["destination"] == "/gnu/store");
    CHECK(m["store"]["path"] == "gnu/store");
    REQUIRE(m["items"].size() == 2);
    CHECK(m["items"][0]["name"] == kA);
    CHECK(m["items"][0]["path"] == "gnu/store/" + kA);
    CHECK(m["items"][0]["sha256"] == in.items[kA].digest.sha256);
    CHECK(m["items"][0]["size"] == 7);
    CHECK(m["items"][0]["references"] == nlohmann::json::array({kB}));
    CHECK(m["entries"][0]["name"] == "app");
    CHECK(m["entries"][0]["program"] == "/gnu/store/" + kA + "/bin/app");
    CHECK(m["links"][0]["link"] == "etc");
    CHECK(m["created"] == 1);
    CHECK(m["arguments"][1] == "/src:/gnu/store");
    // Sorted keys, indented, one trailing newline.
    const std::string text = json_text(m);
    CHECK(text.find("\"arguments\"") < text.find("\"created\""));
    CHECK(text.back() == '\n');
}

TEST_CASE("pack layout: nodes in tree order, entries as relative links, duplicates as hard links") {
    const PackInputs in = inputs();
    const auto nodes = layout(in);
    for (std::size_t i = 1; i < nodes.size(); ++i) CHECK(tree_less(nodes[i - 1].path, nodes[i].path));
    CHECK(nodes.front().path == ".burrow");
    CHECK(find(nodes, "") == nullptr);  // no root entry: extracting must not touch the target dir

    const Node* bin = find(nodes, "bin/app");
    REQUIRE(bin);
    CHECK(bin->type == Node::Type::symlink);
    CHECK(bin->target == "../.burrow/burrow");
    const Node* rt = find(nodes, ".burrow/burrow");
    REQUIRE(rt);
    CHECK(rt->exec);
    CHECK(rt->host_path == "/build/burrow");
    CHECK(find(nodes, ".burrow/profiles/app.json")->data == "{\"profile\": 1}\n");
    CHECK(find(nodes, "gnu")->type == Node::Type::dir);
    CHECK(find(nodes, "gnu/store")->type == Node::Type::dir);

    // "same" appears twice: the first in tree order is the file, the other links to it.
    const Node* first = find(nodes, "gnu/store/" + kA + "/share/copy");
    const Node* second = find(nodes, "gnu/store/" + kB + "/data");
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->type == Node::Type::file);
    CHECK(first->host_path == "/src/" + kA + "/share/copy");
    CHECK(second->type == Node::Type::hardlink);
    CHECK(second->target == first->path);
    // Empty files stay files.
    CHECK(find(nodes, "gnu/store/" + kB + "/empty2")->type == Node::Type::file);
}

TEST_CASE("pack layout: -S links are checked against the pack") {
    PackInputs in = inputs();
    in.links.push_back(PackLink{"usr/bin", "../gnu/store/" + kA + "/bin", "gnu/store/" + kA + "/bin"});
    auto nodes = layout(in);
    CHECK(find(nodes, "usr")->type == Node::Type::dir);
    CHECK(find(nodes, "usr/bin")->target == "../gnu/store/" + kA + "/bin");

    in.links.push_back(PackLink{"etc", "gnu/store/" + kA + "/etc", "gnu/store/" + kA + "/etc"});
    CHECK_THROWS_WITH_AS(layout(in), doctest::Contains("is not in the pack"), burrow::Error);

    PackInputs clash = inputs();
    clash.links.push_back(PackLink{"gnu", "bin", "bin"});
    CHECK_THROWS_WITH_AS(layout(clash), doctest::Contains("claim the path gnu"), burrow::Error);
}
