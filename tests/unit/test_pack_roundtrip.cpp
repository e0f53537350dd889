// burrow-pack end to end on a small store in a temporary directory: closure, bytes that
// do not change between runs, verify, the directory format, and failures that leave
// nothing behind.
#include <doctest/doctest.h>

#include <algorithm>
#include <dirent.h>
#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/fsutil.hpp"
#include "packer/inputs.hpp"
#include "packer/layout.hpp"
#include "packer/options.hpp"
#include "packer/pack.hpp"
#include "packer/verify.hpp"
#include "runtime/base/error.hpp"

using namespace burrow::pack;
namespace fs = std::filesystem;

namespace {

const std::string kApp = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a-app-1.0";
const std::string kSh = "1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b-sh";
const std::string kData = "2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c2c-data";
const std::string kUnref = "3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d-unref";

struct Fixture {
    std::string root, store, runtime;

    Fixture() {
        std::string t = (fs::temp_directory_path() / "burrow-pack-rt-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        root = t;
        store = root + "/store";
        file(kApp + "/bin/app", "#!/gnu/store/" + kSh + "/bin/sh\ncat /gnu/store/" + kData + "/share/msg\n", 0755);
        file(kApp + "/share/same", "identical bytes", 0644);
        symlink("../bin/app", kApp + "/share/app-link");
        file(kSh + "/bin/sh", "not really a shell", 0755);
        file(kData + "/share/msg", "hello", 0644);
        file(kData + "/share/same", "identical bytes", 0644);
        file(kUnref + "/x", "nobody needs me", 0644);
        runtime = root + "/burrow";
        std::ofstream(runtime) << "#!/bin/sh\necho 'burrow 9.8.7'\n";
        ::chmod(runtime.c_str(), 0755);
    }
    ~Fixture() {
        std::error_code ec;
        fs::remove_all(root, ec);
    }
    void file(const std::string& rel, const std::string& text, mode_t mode) const {
        const std::string p = store + "/" + rel;
        fs::create_directories(fs::path(p).parent_path());
        std::ofstream(p, std::ios::binary) << text;
        ::chmod(p.c_str(), mode);
    }
    void symlink(const std::string& target, const std::string& rel) const {
        const std::string p = store + "/" + rel;
        fs::create_directories(fs::path(p).parent_path());
        fs::create_symlink(target, p);
    }
    PackOptions options(std::vector<std::string> extra) const {
        std::vector<std::string> args = {
            "--store", store + ":/gnu/store", kApp, "-e", "app=/gnu/store/" + kApp + "/bin/app", "--runtime", runtime};
        args.insert(args.end(), extra.begin(), extra.end());
        return parse_command_line(args).pack;
    }
};

std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> names_in(const std::string& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

struct Epoch {
    explicit Epoch(const char* v) { ::setenv("SOURCE_DATE_EPOCH", v, 1); }
    ~Epoch() { ::unsetenv("SOURCE_DATE_EPOCH"); }
};

}  // namespace

TEST_CASE("pack roundtrip: the closure is complete and minimal") {
    Fixture f;
    const PackInputs in = gather_inputs(f.options({"-o", f.root + "/p.tar"}), f.root, 1, nullptr);
    std::vector<std::string> names;
    for (const auto& [n, it] : in.items) names.push_back(n);
    CHECK(names == std::vector<std::string>{kApp, kSh, kData});
    CHECK(in.items.at(kApp).references == std::set<std::string>{kSh, kData});
    CHECK(in.runtime_version == "9.8.7");
    REQUIRE(in.entries.size() == 1);
    CHECK(in.entries[0].profile_text.find("\"builtin:pack\"") != std::string::npos);
}

TEST_CASE("pack roundtrip: --no-closure packs only the named items") {
    Fixture f;
    const PackInputs in = gather_inputs(f.options({"--no-closure", "-o", f.root + "/p.tar"}), f.root, 1, nullptr);
    CHECK(in.items.size() == 1);
    CHECK(in.items.count(kApp) == 1);
}

TEST_CASE("pack roundtrip: the same inputs give the same bytes; verify accepts them") {
    Fixture f;
    for (const char* c : {"gzip", "zstd", "xz", "none"}) {
        CAPTURE(c);
        const std::string a = f.root + "/a." + c, b = f.root + "/b." + c;
        run_pack(f.options({"-C", c, "-o", a}), f.root, nullptr);
        ::usleep(1100 * 1000 / 4);
        run_pack(f.options({"-C", c, "-o", b}), f.root, nullptr);
        CHECK(slurp(a) == slurp(b));
        CHECK_FALSE(slurp(a).empty());
        const VerifyResult r = verify_pack(a, nullptr);
        CHECK(r.problems.empty());
        CHECK(r.items == 3);
        CHECK(r.entries == 1);
    }
    {
        Epoch e("1700000000");
        run_pack(f.options({"-C", "none", "-o", f.root + "/c.none"}), f.root, nullptr);
    }
    CHECK(slurp(f.root + "/c.none") != slurp(f.root + "/a.none"));
    CHECK(slurp(f.root + "/c.none").size() == slurp(f.root + "/a.none").size());
    const std::string manifest = manifest_text_of(f.root + "/c.none");
    CHECK(manifest.find("\"created\": 1700000000") != std::string::npos);
    CHECK(manifest.find(f.root + "/c.none") == std::string::npos);  // -o is not recorded
}

TEST_CASE("pack roundtrip: the directory format holds the same files, and verify names a changed item") {
    Fixture f;
    const std::string d = f.root + "/pack dir";
    run_pack(f.options({"-f", "dir", "-o", d}), f.root, nullptr);
    CHECK(verify_pack(d, nullptr).problems.empty());
    struct stat st;
    REQUIRE(::lstat((d + "/bin/app").c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    REQUIRE(::stat((d + "/gnu/store/" + kApp + "/bin").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0755);
    REQUIRE(::stat((d + "/gnu/store/" + kApp + "/bin/app").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0755);
    CHECK(st.st_mtime == 1);
    struct stat st2;
    REQUIRE(::stat((d + "/gnu/store/" + kData + "/share/same").c_str(), &st2) == 0);
    REQUIRE(::stat((d + "/gnu/store/" + kApp + "/share/same").c_str(), &st) == 0);
    CHECK(st.st_ino == st2.st_ino);  // stored once
    CHECK(slurp(d + "/.burrow/burrow") == slurp(f.runtime));

    std::ofstream(d + "/gnu/store/" + kData + "/share/msg", std::ios::app) << "!";
    const VerifyResult r = verify_pack(d, nullptr);
    REQUIRE(r.problems.size() == 2);  // the file, then its item
    CHECK(r.problems[0].find("gnu/store/" + kData + "/share/msg: changed (sha256 ") == 0);
    CHECK(r.problems[1].find("item " + kData + ": content differs") == 0);

    ::chmod((d + "/gnu/store/" + kSh + "/bin/sh").c_str(), 0644);  // the executable bit counts
    const VerifyResult r2 = verify_pack(d, nullptr);
    REQUIRE(r2.problems.size() == 4);
    CHECK(std::count(r2.problems.begin(), r2.problems.end(), "gnu/store/" + kSh + "/bin/sh: lost its executable bit") ==
          1);

    // -f dir never replaces an existing directory.
    CHECK_THROWS_WITH_AS(run_pack(f.options({"-f", "dir", "-o", d}), f.root, nullptr),
                         doctest::Contains("already exists"), burrow::Error);
}

TEST_CASE("pack roundtrip: failures name the problem and leave an existing OUT alone") {
    Fixture f;
    const std::string out = f.root + "/out/p.tar.gz";
    fs::create_directories(f.root + "/out");
    std::ofstream(out) << "previous pack";

    // A named item that does not exist.
    PackOptions o = f.options({"-o", out});
    o.items.push_back("4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e-nope");
    CHECK_THROWS_WITH_AS(run_pack(o, f.root, nullptr),
                         doctest::Contains("no item 4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e-nope in the store"),
                         burrow::Error);

    // A referenced item missing from the store: both are named.
    fs::remove_all(f.store + "/" + kSh);
    try {
        run_pack(f.options({"-o", out}), f.root, nullptr);
        FAIL("packing with a missing reference succeeded");
    } catch (const burrow::Error& e) {
        const std::string m = e.what();
        CHECK(m.find("item " + kApp + " (file bin/app) references /gnu/store/" + kSh) != std::string::npos);
        CHECK(m.find("not in the store") != std::string::npos);
    }
    // ...but the entry's program and --no-closure still work without it.
    CHECK_NOTHROW(run_pack(f.options({"--no-closure", "-o", f.root + "/out/nc.tar"}), f.root, nullptr));

    CHECK(slurp(out) == "previous pack");
    CHECK(names_in(f.root + "/out") == std::vector<std::string>{"nc.tar", "p.tar.gz"});

    // An entry program that is not in the store, or not executable.
    PackOptions bad = f.options({"-o", out});
    bad.entries.push_back(EntryOption{"nope", "/gnu/store/" + kData + "/bin/nope"});
    CHECK_THROWS_WITH_AS(run_pack(bad, f.root, nullptr), doctest::Contains("is not in the pack"), burrow::Error);
    PackOptions noexec = f.options({"-o", out});
    noexec.entries.push_back(EntryOption{"msg", "/gnu/store/" + kData + "/share/msg"});
    CHECK_THROWS_WITH_AS(run_pack(noexec, f.root, nullptr), doctest::Contains("is not executable"), burrow::Error);
    CHECK(names_in(f.root + "/out") == std::vector<std::string>{"nc.tar", "p.tar.gz"});
}

TEST_CASE("pack roundtrip: a -S link may not change an item") {
    Fixture f;
    CHECK_THROWS_WITH_AS(gather_inputs(f.options({"-S", "gnu/store/" + kApp + "/extra=bin", "-o", f.root + "/p.tar"}),
                                       f.root, 1, nullptr),
                         doctest::Contains("inside the store directory"), burrow::Error);
}

TEST_CASE("pack roundtrip: entry programs reached through symlinks are followed into the store") {
    Fixture f;
    PackOptions o = f.options({"-o", f.root + "/p.tar"});
    o.entries.push_back(EntryOption{"app2", "/gnu/store/" + kApp + "/share/app-link"});
    const PackInputs in = gather_inputs(o, f.root, 1, nullptr);
    CHECK(in.entries.size() == 2);
}

TEST_CASE("pack roundtrip: SOURCE_DATE_EPOCH must be digits") {
    CHECK(source_date_epoch(nullptr) == 1);
    CHECK(source_date_epoch("0") == 0);
    CHECK(source_date_epoch("1700000000") == 1700000000);
    CHECK_THROWS_AS(source_date_epoch("-1"), burrow::Error);
    CHECK_THROWS_AS(source_date_epoch("1e9"), burrow::Error);
    CHECK_THROWS_AS(source_date_epoch(""), burrow::Error);
}

TEST_CASE("pack roundtrip: a slice is named by its contents, pulls in its references and verifies") {
    Fixture f;
    const std::string prefix = f.root + "/build/mydistro";
    fs::create_directories(prefix + "/bin");
    std::ofstream(prefix + "/bin/run") << "#!/gnu/store/" << kSh << "/bin/sh\n";
    ::chmod((prefix + "/bin/run").c_str(), 0755);

    const std::vector<std::string> args = {"--store",   f.store + ":/gnu/store",
                                           "--slice",   prefix + "=/mydistro",
                                           "-e",        "run=/mydistro/bin/run",
                                           "-S",        "run=/mydistro/bin/run",
                                           "--runtime", f.runtime,
                                           "-o",        f.root + "/s.tar"};
    const PackOptions o = parse_command_line(args).pack;
    const PackInputs in = gather_inputs(o, f.root, 1, nullptr);
    REQUIRE(in.slices.size() == 1);
    const std::string name = in.slices[0].item.name;
    CHECK(name.size() == 32 + 1 + std::string("mydistro").size());
    CHECK(name.substr(33) == "mydistro");
    CHECK(in.slices[0].destination == "/mydistro");
    CHECK(in.items.size() == 1);  // the slice's reference
    CHECK(in.items.count(kSh) == 1);
    REQUIRE(in.links.size() == 1);
    CHECK(in.links[0].target == ".burrow/slices/" + name + "/bin/run");
    CHECK(in.entries[0].profile_text.find("\"destination\": \"/mydistro\"") != std::string::npos);

    run_pack(o, f.root, nullptr);
    CHECK(verify_pack(f.root + "/s.tar", nullptr).problems.empty());
    const std::string m = manifest_text_of(f.root + "/s.tar");
    CHECK(m.find("\"mount\": \"/mydistro\"") != std::string::npos);
    CHECK(m.find("\"path\": \".burrow/slices/" + name + "\"") != std::string::npos);

    // Same contents → same name; other contents → another.
    CHECK(gather_inputs(o, f.root, 1, nullptr).slices[0].item.name == name);
    std::ofstream(prefix + "/bin/run", std::ios::app) << "# changed\n";
    CHECK(gather_inputs(o, f.root, 1, nullptr).slices[0].item.name != name);
}
