// burrow-pack: reading a manifest and a file list back as hostile input (manifest.hpp),
// and the file list pack_nodes() writes.
#include <doctest/doctest.h>

#include <string>

#include "packer/layout.hpp"
#include "packer/manifest.hpp"
#include "packer/sha256.hpp"
#include "packer/store_names.hpp"
#include "runtime/base/error.hpp"

using namespace burrow;
using namespace burrow::pack;
using nlohmann::json;
using T = TreeRecord::Type;

namespace {

const std::string kItem = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-app";
const std::string kHex = sha256_hex("x");

json good() {
    return {{"format", kManifestFormat},
            {"packer", {{"version", "0.1.0"}}},
            {"runtime", {{"path", ".burrow/burrow"}, {"version", "0.1.0"}, {"sha256", kHex}}},
            {"store", {{"destination", "/gnu/store"}, {"path", "gnu/store"}}},
            {"items", json::array({{{"name", kItem},
                                    {"path", "gnu/store/" + kItem},
                                    {"sha256", kHex},
                                    {"size", 3},
                                    {"references", json::array()}}})},
            {"entries", json::array({{{"name", "app"},
                                      {"profile", ".burrow/profiles/app.json"},
                                      {"program", "/gnu/store/" + kItem + "/bin/app"}}})},
            {"links", json::array({{{"link", "etc"}, {"target", "gnu/store/" + kItem + "/etc"}}})},
            {"files", {{"path", ".burrow/files"}, {"sha256", kHex}, {"count", 4}}},
            {"created", 1},
            {"arguments", json::array({"--store", "/s"})}};
}

// The message parse_manifest() gives for a changed copy of good().
std::string error_for(const json& m) {
    try {
        parse_manifest(m.dump(), "p.tar");
    } catch (const burrow::Error& e) {
        CHECK(e.status() == 1);
        return e.what();
    }
    return "(accepted)";
}

std::string list_error(const std::string& text) {
    try {
        parse_file_list(text, "p.tar");
    } catch (const burrow::Error& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string rec(char type, const std::string& path, const std::string& payload) {
    return std::string(1, type) + '\0' + path + '\0' + payload + '\0';
}

}  // namespace

TEST_CASE("manifest: member names must stay inside the pack") {
    CHECK(member_name_problem("gnu/store/x").empty());
    CHECK(member_name_problem(".burrow/files").empty());
    CHECK(member_name_problem("a b/..c").empty());
    CHECK(member_name_problem("") == "an empty name");
    CHECK(member_name_problem("/etc/passwd") == "an absolute name");
    CHECK(member_name_problem("..") == "a '..' component");
    CHECK(member_name_problem("a/../../x") == "a '..' component");
    CHECK(member_name_problem("a/./b") == "a '.' component");
    CHECK(member_name_problem("a//b").find("empty component") != std::string::npos);
    CHECK(member_name_problem("a/").find("empty component") != std::string::npos);
    CHECK(member_name_problem(std::string("a\0b", 3)) == "a NUL in its name");
}

TEST_CASE("manifest: a manifest burrow-pack writes is accepted; every key is checked") {
    CHECK(error_for(good()) == "(accepted)");
    json images = good();
    images.erase("files");  // images' manifests list no files
    images["runtime"] = nullptr;
    CHECK(error_for(images) == "(accepted)");

    json m = good();
    m["items"][0]["sha256"] = "ABC";
    CHECK(error_for(m) ==
          "p.tar: .burrow/manifest.json: /items/0/sha256: expected a SHA-256 (64 lowercase hex "
          "digits), got string \"ABC\"; the pack is damaged or was not made by burrow-pack "
          "(unpack or make it again)");
    m = good();
    m["items"][0]["path"] = "../../etc";
    CHECK(error_for(m).find("/items/0/path: string \"../../etc\" is not a path inside the pack (a '..' component)") !=
          std::string::npos);
    m = good();
    m["runtime"]["path"] = "/usr/bin/burrow";
    CHECK(error_for(m).find(
              "/runtime/path: string \"/usr/bin/burrow\" is not a path inside the pack (an absolute name)") !=
          std::string::npos);
    m = good();
    m["entries"][0]["profile"] = "/etc/shadow";
    CHECK(error_for(m).find("/entries/0/profile:") != std::string::npos);
    m = good();
    m["entries"][0]["name"] = "a\nb";
    CHECK(
        error_for(m).find("/entries/0/name: string \"a\\nb\" is not a valid name (it contains a control character)") !=
        std::string::npos);
    m = good();
    m["links"][0]["link"] = "/bin/sudo";
    CHECK(error_for(m).find("/links/0/link:") != std::string::npos);
    m = good();
    m["items"][0]["size"] = -1;
    CHECK(error_for(m).find("/items/0/size: expected an unsigned integer, got integer -1") != std::string::npos);
    m = good();
    m["items"] = json::object();
    CHECK(error_for(m).find("/items: expected an array, got an object") != std::string::npos);
    m = good();
    m.erase("entries");
    CHECK(error_for(m).find(": /: the key \"entries\" is missing") != std::string::npos);
    m = good();
    m["files"]["path"] = "elsewhere";
    CHECK(error_for(m).find("/files/path: expected \".burrow/files\", got string \"elsewhere\"") != std::string::npos);
    m = good();
    m["format"] = 1;
    CHECK(error_for(m).find("/format: format 1 comes from an older burrow-pack") != std::string::npos);
    m = good();
    m["format"] = 99;
    CHECK(error_for(m).find("/format: format 99 is not the format this burrow-pack reads (2)") != std::string::npos);
    CHECK(error_for(json::array()).find(": /: expected an object, got an array") != std::string::npos);
}

TEST_CASE("manifest: text that is not a manifest gets our own words") {
    auto err = [](const std::string& text) {
        try {
            parse_manifest(text, "p");
        } catch (const burrow::Error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK(err("{\n  \"format\": 2,\n  oops\n}") ==
          "p: .burrow/manifest.json: not valid JSON (a syntax error at line 3, column 3); the pack is damaged "
          "(unpack or make it again)");
    CHECK(err("#!/bin/sh\necho hi\n").find("not valid JSON (a syntax error at line 1, column 1)") != std::string::npos);
    CHECK(err("").find("is empty") != std::string::npos);
    CHECK(err("  \n").find("is empty") != std::string::npos);
    CHECK(err(std::string(100000, '[') + std::string(100000, ']')).find("nested more than 16 levels deep") !=
          std::string::npos);
    CHECK(err(std::string(kManifestMaxBytes + 1, ' ')).find("larger than 64 MiB") != std::string::npos);
    CHECK(err("{\"format\": 2, \"s\": \"\xff\"}").find("not valid JSON") != std::string::npos);
}

// Found by tests/fuzz/fuzz_manifest: a number too large for a double is not a syntax
// error to nlohmann::json but an out_of_range exception, which parse_manifest() let through
// (burrow-pack info/verify then said "internal error" instead of naming the manifest).
TEST_CASE("manifest: a number out of range is reported like a syntax error") {
    try {
        parse_manifest("{\"format\": 2, \"created\": 1e400}", "p");
        FAIL("accepted");
    } catch (const burrow::Error& e) {
        CHECK(std::string(e.what()) ==
              "p: .burrow/manifest.json: not valid JSON (number overflow parsing '1e400'); the pack is damaged "
              "(unpack or make it again)");
        CHECK(e.status() == 1);
    }
}

TEST_CASE("manifest: the file list round-trips and rejects what burrow-pack does not write") {
    const std::vector<TreeRecord> records = {
        {".burrow", T::dir, "", 0}, {".burrow/burrow", T::exec, kHex, 1},
        {"bin", T::dir, "", 0},     {"bin/app", T::symlink, "../.burrow/burrow", 0},
        {"gnu", T::dir, "", 0},     {"gnu/a b", T::file, kHex, 1}};
    const std::string text = file_list_text(records);
    const auto back = parse_file_list(text, "p");
    REQUIRE(back.size() == records.size());
    for (std::size_t i = 0; i < back.size(); ++i) {
        CHECK(back[i].path == records[i].path);
        CHECK(back[i].type == records[i].type);
        CHECK(back[i].payload == records[i].payload);
    }
    const std::string h = "burrow-tree-1\n";
    CHECK(list_error(h) == "(accepted)");
    CHECK(list_error("burrow-tree-2\n").find("does not start with \"burrow-tree-1\"") != std::string::npos);
    CHECK(list_error(h + rec('d', "a", "") + "x") ==
          "p.tar: .burrow/files: record 2: truncated; the pack is damaged "
          "(unpack or make it again)");
    CHECK(list_error(h + rec('c', "dev", "")).find("record 1: its type is not d, f, x or l") != std::string::npos);
    CHECK(list_error(h + rec('f', "../x", kHex)).find("record 1: \"../x\" has a '..' component") != std::string::npos);
    CHECK(list_error(h + rec('f', "/etc/x", kHex)).find("has an absolute name") != std::string::npos);
    CHECK(list_error(h + rec('f', "a", "nothex")).find("a: its content hash is not") != std::string::npos);
    CHECK(list_error(h + rec('l', "a", "")).find("a symlink without a target") != std::string::npos);
    CHECK(
        list_error(h + rec('d', "b", "") + rec('d', "a", "")).find("record 2: a: out of tree order or listed twice") !=
        std::string::npos);
    CHECK(list_error(h + rec('d', "a", "") + rec('d', "a", "")).find("listed twice") != std::string::npos);
}

TEST_CASE("manifest: pack_nodes lists every member but the manifest and the list, and the manifest hashes the list") {
    PackInputs in;
    in.store_destination = "/gnu/store";
    ScannedItem it;
    it.name = kItem;
    it.host_path = "/src/" + kItem;
    it.records = {{"", T::dir, "", 0}, {"f", T::file, sha256_hex("same"), 4}, {"g", T::file, sha256_hex("same"), 4}};
    it.digest = digest_records(it.records);
    in.items[kItem] = it;
    in.entries.push_back(PackEntryPlan{"app", "/gnu/store/" + kItem + "/f", "{}\n"});
    in.runtime_host_path = "/build/burrow";
    in.runtime_sha256 = kHex;
    in.runtime_version = "0.1.0";
    in.packer_version = "0.1.0";
    const std::vector<Node> nodes = pack_nodes(in);
    for (std::size_t i = 1; i < nodes.size(); ++i) CHECK(tree_less(nodes[i - 1].path, nodes[i].path));

    const Node* list = nullptr;
    const Node* manifest = nullptr;
    for (const auto& n : nodes) {
        if (n.path == kFileListPath) list = &n;
        if (n.path == kManifestPath) manifest = &n;
    }
    REQUIRE(list);
    REQUIRE(manifest);
    const json m = parse_manifest(manifest->data, "p");
    CHECK(m["files"]["sha256"] == list->sha256);
    const auto records = parse_file_list(list->data, "p");
    CHECK(m["files"]["count"] == records.size());
    CHECK(records.size() == nodes.size() - 2);
    bool hardlink_listed = false;
    for (const auto& r : records) {
        CHECK(r.path != kManifestPath);
        CHECK(r.path != kFileListPath);
        // The second copy is a hard link in the tarball, listed with the content it shares.
        if (r.path == "gnu/store/" + kItem + "/g")
            hardlink_listed = r.type == T::file && r.payload == sha256_hex("same");
    }
    CHECK(hardlink_listed);
}

TEST_CASE("names in messages cannot forge lines") {
    CHECK(shown_name("gnu/store/x-1.0") == "gnu/store/x-1.0");
    CHECK(shown_name("a\nb") == "\"a\\nb\"");
    CHECK(shown_name("a b") == "\"a b\"");
    CHECK(shown_name("") == "\"\"");
    CHECK(shown_name("\xff") == "\"\\ufffd\"");
}

TEST_CASE("manifest: info's summary: items largest first, slices, links, no runtime for an image") {
    const json m = {{"packer", {{"version", "0.1.0"}}},
                    {"created", 1700000000},
                    {"entries", json::array({{{"name", "hi"}, {"program", "/gnu/store/a-hi/bin/hi"}}})},
                    {"items", json::array({{{"name", "a-hi"}, {"size", 10}},
                                           {{"name", "b-lib"}, {"size", 3 << 20}},
                                           {{"name", "c-tool"}, {"size", 2048}, {"mount", "/opt/tool"}}})},
                    {"links", json::array({{{"link", "etc"}, {"target", "gnu/store/a-hi/etc"}}})},
                    {"store", {{"destination", "/gnu/store"}, {"path", "gnu/store"}}},
                    {"arguments", json::array({"-f", "docker", "--", "a-hi"})}};
    const std::string s = burrow::pack::manifest_summary(m, "x.tar");
    CHECK(s.rfind("x.tar: a burrow pack, made by burrow-pack 0.1.0, created 2023-11-14T22:13:20Z\n", 0) == 0);
    CHECK(s.find("runtime: none (an image: its programs run directly)\n") != std::string::npos);
    CHECK(s.find("store: /gnu/store (gnu/store in the pack)\n") != std::string::npos);
    CHECK(s.find("  bin/hi  /gnu/store/a-hi/bin/hi\n") != std::string::npos);
    const auto lib = s.find("b-lib"), tool = s.find("c-tool"), hi = s.find("  a-hi");
    CHECK(lib < tool);
    CHECK(tool < hi);
    CHECK(s.find("c-tool  (slice at /opt/tool)") != std::string::npos);
    CHECK(s.find("links:\n  etc -> gnu/store/a-hi/etc\n") != std::string::npos);
    CHECK(s.find("made with: burrow-pack -f docker -- a-hi\n") != std::string::npos);
}
