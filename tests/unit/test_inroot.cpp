// open_in_root: lookups beneath a directory fd the way the sandbox will see them.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "runtime/base/error.hpp"
#include "runtime/launch/inroot.hpp"
#include "test_profile_support.hpp"

using burrow::Make;
using burrow::open_in_root;
using burrow::test::TempDir;

namespace {

struct Tree {
    TempDir tmp;
    std::string root = tmp.path() + "/root", outside = tmp.path() + "/outside";
    burrow::Fd fd;
    Tree() {
        std::filesystem::create_directories(root + "/etc");
        std::filesystem::create_directories(outside);
        tmp.write("root/etc/inside", "in");
        tmp.write("outside/secret", "out");
        fd.reset(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    }
    void link(const std::string& target, const std::string& at) const {
        REQUIRE(::symlink(target.c_str(), (root + at).c_str()) == 0);
    }
};

auto allow_all = [](int, const std::string&) {};

std::string resolved(const Tree& t, const std::string& path, Make make = Make::none) {
    auto at = open_in_root(t.fd.get(), path, make, true, allow_all);
    return at.fd ? at.where : "<missing " + at.where + ">";
}

}  // namespace

TEST_CASE("inroot: plain paths, the root itself, . and ..") {
    Tree t;
    CHECK(resolved(t, "/etc/inside") == "/etc/inside");
    CHECK(resolved(t, "/") == "/");
    CHECK(resolved(t, "/./etc/../etc/inside") == "/etc/inside");
    CHECK(resolved(t, "/../../../etc/inside") == "/etc/inside");  // .. stops at the root
}

TEST_CASE("inroot: an absolute symlink restarts at the root, never at the host's /") {
    Tree t;
    t.link(t.outside + "/secret", "/abs");  // names a real file outside the root
    CHECK(resolved(t, "/abs") == "<missing " + t.outside + "/secret>");
    t.link("/etc", "/etc-link");
    CHECK(resolved(t, "/etc-link/inside") == "/etc/inside");
}

TEST_CASE("inroot: relative symlinks with .. are clamped to the root") {
    Tree t;
    t.link("../../../../outside/secret", "/etc/up");
    CHECK(resolved(t, "/etc/up") == "<missing /outside/secret>");
}

TEST_CASE("inroot: follow_last = false returns the symlink itself") {
    Tree t;
    t.link("/nowhere", "/dangling");
    auto at = open_in_root(t.fd.get(), "/dangling", Make::none, false, allow_all);
    REQUIRE(at.fd);
    struct stat st {};
    REQUIRE(::fstat(at.fd.get(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));
    CHECK(burrow::read_link_fd(at.fd.get()) == "/nowhere");
}

TEST_CASE("inroot: creating through a dangling symlink creates its target inside the root") {
    Tree t;
    t.link(t.outside + "/planted", "/etc/resolv.conf");
    auto at = open_in_root(t.fd.get(), "/etc/resolv.conf", Make::file, true, allow_all);
    REQUIRE(at.fd);
    CHECK(at.where == t.outside + "/planted");
    CHECK(std::filesystem::exists(t.root + t.outside + "/planted"));
    CHECK_FALSE(std::filesystem::exists(t.outside + "/planted"));
}

TEST_CASE("inroot: may_create is asked for every directory something is created in, and can refuse") {
    Tree t;
    std::vector<std::string> asked;
    auto at =
        open_in_root(t.fd.get(), "/a/b/c", Make::dir, true, [&](int, const std::string& dir) { asked.push_back(dir); });
    CHECK(at.fd);
    CHECK(asked == std::vector<std::string>{"/", "/a", "/a/b"});
    auto refuse = [](int, const std::string& dir) { throw burrow::Error("no creating in " + dir); };
    CHECK_THROWS_WITH_AS(open_in_root(t.fd.get(), "/etc/new/file", Make::file, true, refuse), "no creating in /etc",
                         burrow::Error);
    CHECK_FALSE(std::filesystem::exists(t.root + "/etc/new"));
}

TEST_CASE("inroot: loops and non-directories are errors") {
    Tree t;
    t.link("/loop", "/loop");
    CHECK_THROWS_WITH_AS(open_in_root(t.fd.get(), "/loop/x", Make::none, true, allow_all),
                         "/loop/x: too many levels of symbolic links", burrow::Error);
    CHECK_THROWS_WITH_AS(open_in_root(t.fd.get(), "/etc/inside/x", Make::dir, true, allow_all),
                         "/etc/inside/x: /etc/inside is not a directory inside the sandbox", burrow::Error);
}

TEST_CASE("inroot: a missing entry without Make is reported, nothing created") {
    Tree t;
    CHECK(resolved(t, "/etc/nope") == "<missing /etc/nope>");
    auto at = open_in_root(t.fd.get(), "/no/such/dir", Make::none, true, allow_all);
    CHECK_FALSE(at.fd);
    CHECK_FALSE(std::filesystem::exists(t.root + "/no"));
}
