// burrow-pack's temporaries next to OUT: their names, the lock a running pack holds on
// each, and the removal of those a killed run left.
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/fsutil.hpp"
#include "packer/tempfiles.hpp"

using namespace burrow;
using namespace burrow::pack;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        std::string t = (fs::temp_directory_path() / "burrow-pack-tf-XXXXXX").string();
        if (!::mkdtemp(t.data())) throw std::runtime_error("mkdtemp");
        path = t;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& rel) const { return path + "/" + rel; }
};

bool exists_nofollow(const std::string& p) {
    struct stat st;
    return ::lstat(p.c_str(), &st) == 0;
}

std::vector<std::string> removed(const std::vector<StaleTemp>& r) {
    std::vector<std::string> out;
    for (const auto& t : r) {
        CHECK(t.err == 0);
        out.push_back(basename_of(t.path));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("pack temporaries: exactly our names for OUT") {
    CHECK(temp_prefix("p.tar.gz", TempKind::tmp) == ".p.tar.gz.tmp-");
    CHECK(temp_prefix("img", TempKind::layers) == ".img.layers-");
    CHECK(is_temp_name_for(".p.tar.gz.tmp-AbC019", "p.tar.gz"));
    CHECK(is_temp_name_for(".p.tar.gz.layers-zzzzzz", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.tmp-AbC01", "p.tar.gz"));    // five
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.tmp-AbC0123", "p.tar.gz"));  // seven
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.tmp-AbC-12", "p.tar.gz"));   // not [A-Za-z0-9]
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.tmp-AbC/12", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for(".q.tar.gz.tmp-AbC012", "p.tar.gz"));  // another OUT
    CHECK_FALSE(is_temp_name_for(".p.tar.tmp-AbC012", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for("p.tar.gz.tmp-AbC012", "p.tar.gz"));  // no dot
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.TMP-AbC012", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for(".p.tar.gz.other-AbC012", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for("p.tar.gz", "p.tar.gz"));
    CHECK_FALSE(is_temp_name_for("..tmp-AbC012", ""));  // no OUT
    // A name that is itself a temporary's prefix matches only with its own suffix.
    CHECK(is_temp_name_for("..p.tmp-AAAAAA.tmp-BBBBBB", ".p.tmp-AAAAAA"));
    CHECK_FALSE(is_temp_name_for(".p.tmp-AAAAAA", ".p.tmp-AAAAAA"));
}

TEST_CASE("pack temporaries: created locked, with our names") {
    TempDir d;
    Fd dir(::open(d.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
    std::string file, sub;
    Fd f = create_temp_file(dir.get(), d.path, "out.tar", TempKind::tmp, file);
    Fd s = create_temp_dir(dir.get(), d.path, "out.tar", TempKind::layers, 0700, sub);
    CHECK(is_temp_name_for(file, "out.tar"));
    CHECK(file.rfind(".out.tar.tmp-", 0) == 0);
    CHECK(sub.rfind(".out.tar.layers-", 0) == 0);
    CHECK(still_named(dir.get(), file, f.get()));
    for (const auto& n : {file, sub}) {
        Fd other(::open((d / n).c_str(), O_RDONLY | O_CLOEXEC));
        REQUIRE(other);
        CHECK(::flock(other.get(), LOCK_EX | LOCK_NB) != 0);  // held by f and s
    }
    // A second run for the same OUT leaves them alone while they are locked...
    CHECK(remove_stale_temps(d / "out.tar").empty());
    CHECK(exists_nofollow(d / file));
    CHECK(exists_nofollow(d / sub));
    // ...and removes them once their owner is gone.
    f = Fd();
    s = Fd();
    CHECK(removed(remove_stale_temps(d / "out.tar")) == std::vector<std::string>{sub, file});  // sorted
    CHECK_FALSE(exists_nofollow(d / file));
    CHECK_FALSE(exists_nofollow(d / sub));
}

TEST_CASE("pack temporaries: an unnamed file is named only by linking it") {
    TempDir d;
    Fd dir(::open(d.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    Fd f = open_unnamed(dir.get(), d.path);
    if (!f) {
        MESSAGE("no O_TMPFILE in " << d.path);
        return;
    }
    write_all(f.get(), "abc", "test");
    CHECK(fs::is_empty(d.path));
    const std::string name = link_unnamed_as_temp(f.get(), dir.get(), d.path, "o");
    CHECK(is_temp_name_for(name, "o"));
    CHECK(fs::file_size(d / name) == 3);
    CHECK(remove_stale_temps(d / "o").empty());  // still locked through f
    CHECK_FALSE(link_unnamed(f.get(), dir.get(), name));
    CHECK(errno == EEXIST);
}

TEST_CASE("pack temporaries: stale ones are removed without following links") {
    TempDir d;
    fs::create_directories(d / "target/sub");
    std::ofstream(d / "target/sub/keep") << "keep";
    fs::create_directories(d / ".o.layers-AAAAAA/a/b");
    std::ofstream(d / ".o.layers-AAAAAA/a/b/f") << "x";
    fs::create_directory_symlink(d / "target", d / ".o.layers-AAAAAA/a/link");
    ::chmod((d / ".o.layers-AAAAAA/a/b").c_str(), 0555);  // as a store directory
    ::chmod((d / ".o.layers-AAAAAA/a").c_str(), 0);       // not even readable
    std::ofstream(d / ".o.tmp-BBBBBB") << "partial";
    fs::create_directory_symlink(d / "target", d / ".o.tmp-CCCCCC");
    fs::create_directory_symlink(d / "target", d / ".o.layers-DDDDDD");
    std::ofstream(d / ".o.tmp-keep-me") << "not ours";
    std::ofstream(d / ".p.tmp-EEEEEE") << "another OUT";
    std::ofstream(d / "o") << "the previous OUT";
    REQUIRE(::mkfifo((d / ".o.tmp-FFFFFF").c_str(), 0600) == 0);  // not opened, not removed
    CHECK(removed(remove_stale_temps(d / "o")) ==
          std::vector<std::string>{".o.layers-AAAAAA", ".o.layers-DDDDDD", ".o.tmp-BBBBBB", ".o.tmp-CCCCCC"});
    CHECK(std::ifstream(d / "target/sub/keep").good());
    for (const auto& n : {".o.tmp-keep-me", ".p.tmp-EEEEEE", "o", ".o.tmp-FFFFFF"}) CHECK(exists_nofollow(d / n));
    CHECK(remove_stale_temps(d / "o").empty());
}

TEST_CASE("pack temporaries: remove_tree_at removes a link, not its target") {
    TempDir d;
    fs::create_directories(d / "target");
    std::ofstream(d / "target/keep") << "keep";
    fs::create_directory_symlink(d / "target", d / "link");
    Fd dir(::open(d.path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    CHECK(remove_tree_at(dir.get(), "link") == 0);
    CHECK_FALSE(exists_nofollow(d / "link"));
    CHECK(std::ifstream(d / "target/keep").good());
    CHECK(remove_tree_at(dir.get(), "missing") == 0);
}
