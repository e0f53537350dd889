// Pack entry detection (launcher/pack_entry.cpp) on a pack-shaped directory tree.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdlib.h>

#include "launcher/pack_entry.hpp"
#include "runtime/base/error.hpp"

namespace fs = std::filesystem;
using burrow::detect_pack_entry_from;

namespace {

struct FakePack {
    std::string tmp, root, exe;
    FakePack() {
        std::string t = (fs::temp_directory_path() / "burrow-entry-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        tmp = t;
        root = tmp + "/my pack";
        fs::create_directories(root + "/.burrow/profiles");
        fs::create_directories(root + "/bin");
        exe = root + "/.burrow/burrow";
        std::ofstream(exe) << "runtime";
        fs::permissions(exe, fs::perms::owner_all);
        std::ofstream(root + "/.burrow/manifest.json")
            << R"({"format":1,"entries":[{"name":"guile","program":"/gnu/store/x/bin/guile"},{"name":"sh","program":"/x"}]})";
        for (const char* n : {"guile", "sh", "stray"}) {
            fs::create_symlink("../.burrow/burrow", root + "/bin/" + n);
            std::ofstream(root + "/.burrow/profiles/" + std::string(n) + ".json") << "{}";
        }
    }
    ~FakePack() {
        std::error_code ec;
        fs::remove_all(tmp, ec);
    }
};

std::string name_of(const FakePack& p, const char* execfn, const char* argv0, const char* path = nullptr) {
    const auto e = detect_pack_entry_from(p.exe, execfn, argv0, path);
    REQUIRE(e);
    CHECK(e->root == p.root);
    CHECK(e->profile == p.root + "/.burrow/profiles/" + e->name + ".json");
    return e->name;
}

std::string error_of(const FakePack& p, const char* execfn, const char* argv0) {
    try {
        detect_pack_entry_from(p.exe, execfn, argv0, nullptr);
    } catch (const burrow::Error& e) {
        CHECK(e.status() == 125);
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("pack entry: not a pack when the binary is not <root>/.burrow/burrow with a manifest") {
    FakePack p;
    CHECK_FALSE(detect_pack_entry_from("/usr/bin/burrow", "/usr/bin/burrow", "burrow", nullptr));
    fs::remove(p.root + "/.burrow/manifest.json");
    CHECK_FALSE(detect_pack_entry_from(p.exe, (p.root + "/bin/guile").c_str(), "guile", nullptr));
}

TEST_CASE("pack entry: the name comes from the path that was executed") {
    FakePack p;
    const std::string guile = p.root + "/bin/guile";
    CHECK(name_of(p, guile.c_str(), guile.c_str()) == "guile");
    // exec -a: argv[0] is anything, AT_EXECFN is the path.
    CHECK(name_of(p, guile.c_str(), "something-else") == "guile");
    // A user's own chain of symlinks, relative and absolute.
    fs::create_directories(p.tmp + "/home/bin");
    fs::create_symlink("../../my pack/bin/sh", p.tmp + "/home/bin/mysh");
    fs::create_symlink(p.tmp + "/home/bin/mysh", p.tmp + "/home/link2");
    CHECK(name_of(p, (p.tmp + "/home/link2").c_str(), "link2") == "sh");
}

TEST_CASE("pack entry: a #! script gives the entry in argv[0]; PATH lookup of argv[0]") {
    FakePack p;
    const std::string script = p.tmp + "/script";
    std::ofstream(script) << "#!" << p.root << "/bin/guile\n";
    const std::string guile = p.root + "/bin/guile";
    CHECK(name_of(p, script.c_str(), guile.c_str()) == "guile");
    // No AT_EXECFN: argv[0] "sh" is looked up in PATH.
    const std::string path = "/nonexistent:" + p.root + "/bin";
    CHECK(name_of(p, nullptr, "sh", path.c_str()) == "sh");
}

TEST_CASE("pack entry: the base name of argv[0] as the last resort, and clear errors") {
    FakePack p;
    // Neither path leads through bin/, but argv[0]'s base name has a profile.
    CHECK(name_of(p, p.exe.c_str(), "/elsewhere/guile") == "guile");
    const std::string m = error_of(p, p.exe.c_str(), "/elsewhere/whatever");
    CHECK(m.find("cannot tell which entry of the pack at " + p.root + " to run") == 0);
    CHECK(m.find("invoked as /elsewhere/whatever") != std::string::npos);
    CHECK(m.find("(entries: guile, sh)") != std::string::npos);
    // bin/stray exists but the manifest does not list it.
    const std::string stray = p.root + "/bin/stray";
    CHECK(error_of(p, stray.c_str(), stray.c_str()).find("has no entry 'stray'") != std::string::npos);
    // Listed, linked, but its profile is gone.
    fs::remove(p.root + "/.burrow/profiles/sh.json");
    const std::string sh = p.root + "/bin/sh";
    CHECK(error_of(p, sh.c_str(), sh.c_str()).find("lacks the profile of entry 'sh'") != std::string::npos);
    // A damaged manifest.
    std::ofstream(p.root + "/.burrow/manifest.json") << "{";
    CHECK(error_of(p, sh.c_str(), sh.c_str()).find("damaged manifest") != std::string::npos);
}

TEST_CASE("pack entry: bin/NAME as a copy of the runtime (links dereferenced by an unpacker)") {
    FakePack p;
    fs::remove(p.root + "/bin/sh");
    fs::copy_file(p.exe, p.root + "/bin/sh");
    const auto e = detect_pack_entry_from(p.root + "/bin/sh", "/whatever/x", "x", nullptr);
    REQUIRE(e);
    CHECK(e->name == "sh");
    CHECK(e->root == p.root);
    // A binary in some other bin/ without a pack next to it is just burrow.
    CHECK_FALSE(detect_pack_entry_from("/usr/bin/burrow", "/usr/bin/burrow", "burrow", nullptr));
}

TEST_CASE("pack entry: the manifest is read only up to its entries") {
    FakePack p;
    // Entries are listed before the items (sorted keys); damage after them does not matter,
    // damage before them does.
    std::ofstream(p.root + "/.burrow/manifest.json")
        << R"({"arguments":["-e","x"],"created":1,"entries":[{"name":"guile","profile":".burrow/profiles/guile.json","program":"/p"}],"format":1,"items":[{"name": BROKEN)";
    const std::string guile = p.root + "/bin/guile";
    CHECK(name_of(p, guile.c_str(), guile.c_str()) == "guile");
    std::ofstream(p.root + "/.burrow/manifest.json") << R"({"arguments":[BROKEN],"entries":[{"name":"guile"}]})";
    CHECK(error_of(p, guile.c_str(), guile.c_str()).find("damaged manifest") != std::string::npos);
}

TEST_CASE("self_exe is the canonical path of the running binary, from one readlink") {
    const auto& exe = burrow::self_exe();
    REQUIRE(exe.has_value());
    CHECK(*exe == fs::canonical("/proc/self/exe").string());
    CHECK(&burrow::self_exe() == &exe);  // computed once
}
