// runtime/base/path.hpp: the edge cases that tell its functions apart.
#include <doctest/doctest.h>

#include "base/path.hpp"

using namespace burrow;

TEST_CASE("base path: dirname_of, dirname_trimmed and parent_of") {
    CHECK(dirname_of("a/b") == "a");
    CHECK(dirname_of("b") == ".");
    CHECK(dirname_of("") == ".");
    CHECK(dirname_of("/b") == "/");
    CHECK(dirname_of("/") == "/");
    CHECK(dirname_of("a/b/") == "a/b");
    CHECK(dirname_of("a//b") == "a/");

    CHECK(dirname_trimmed("a/b/") == "a");
    CHECK(dirname_trimmed("a/b//") == "a");
    CHECK(dirname_trimmed("/b/") == "/");
    CHECK(dirname_trimmed("/") == "/");
    CHECK(dirname_trimmed("b/") == ".");
    CHECK(dirname_trimmed("a/b.json") == "a");

    CHECK(parent_of("/a/b") == "/a");
    CHECK(parent_of("/a") == "/");
    CHECK(parent_of("/") == "/");
    CHECK(parent_of("a") == "/");
    CHECK(parent_of("") == "/");
}

TEST_CASE("base path: basename_of") {
    CHECK(basename_of("a/b") == "b");
    CHECK(basename_of("b") == "b");
    CHECK(basename_of("/") == "");
    CHECK(basename_of("a/") == "");
    CHECK(basename_of("") == "");
}

TEST_CASE("base path: join_path and join_display") {
    CHECK(join_path("a", "b") == "a/b");
    CHECK(join_path("a/", "b") == "a/b");
    CHECK(join_path("", "b") == "b");
    CHECK(join_path("a", "") == "a");
    CHECK(join_path("/", "b") == "/b");
    CHECK(join_path("a", "/b") == "a//b");   // not normalised

    CHECK(join_display("a", "b.json") == "a/b.json");
    CHECK(join_display("a", "../b.json") == "b.json");
    CHECK(join_display(".", "../b.json") == "../b.json");
    CHECK(join_display("a", "/x//y/") == "/x/y");
    CHECK(join_display("/p", "./q") == "/p/q");
}

TEST_CASE("base path: normalise_absolute resolves '..', never above '/'") {
    CHECK(normalise_absolute("/a//b/./c/") == "/a/b/c");
    CHECK(normalise_absolute("/a/../b") == "/b");
    CHECK(normalise_absolute("/../..") == "/");
    CHECK(normalise_absolute("/") == "/");
    CHECK(normalise_absolute("") == "/");
    CHECK(normalise_absolute("a/b") == "/a/b");
    CHECK(normalise_absolute("/a/..b/c") == "/a/..b/c");
}

TEST_CASE("base path: normalise_display keeps a relative path relative") {
    CHECK(normalise_display("") == ".");
    CHECK(normalise_display(".") == ".");
    CHECK(normalise_display("a/..") == ".");
    CHECK(normalise_display("../a") == "../a");
    CHECK(normalise_display("../../a/../b") == "../../b");
    CHECK(normalise_display("a/./b/") == "a/b");
    CHECK(normalise_display("/a/../..") == "/");
}

TEST_CASE("base path: normalise_absolute_strict refuses '..' and relative paths") {
    CHECK(normalise_absolute_strict("/a//b/./c/") == "/a/b/c");
    CHECK(normalise_absolute_strict("/") == "/");
    CHECK(normalise_absolute_strict("/.") == "/");
    CHECK(normalise_absolute_strict("/a/../b") == "");
    CHECK(normalise_absolute_strict("/..") == "");
    CHECK(normalise_absolute_strict("a/b") == "");
    CHECK(normalise_absolute_strict("") == "");
    CHECK(normalise_absolute_strict("/a/..b") == "/a/..b");
}

TEST_CASE("base path: is_under, path_within and has_dir_prefix agree but for '/'") {
    for (auto f : {is_under, path_within, has_dir_prefix}) {
        CHECK(f("/a", "/a"));
        CHECK(f("/a/b", "/a"));
        CHECK_FALSE(f("/ab", "/a"));
        CHECK_FALSE(f("/a", "/a/b"));
        CHECK(f("a/b", "a"));
        CHECK(f("/", "/"));
    }
    CHECK(is_under("/a", "/"));
    CHECK_FALSE(is_under("a", "/"));
    CHECK_FALSE(is_under("", "/"));

    CHECK(path_within("/a", "/"));
    CHECK(path_within("a", "/"));
    CHECK(path_within("", "/"));

    CHECK_FALSE(has_dir_prefix("/a", "/"));
    CHECK_FALSE(has_dir_prefix("a", "/"));
}
