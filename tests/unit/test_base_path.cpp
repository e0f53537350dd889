// runtime/base/path.hpp: the edge cases that tell its functions apart.
#include <doctest/doctest.h>

#include <initializer_list>
#include <utility>

#include "runtime/base/path.hpp"

using namespace burrow;

namespace {

using Cases = std::initializer_list<std::pair<const char*, const char*>>;

// f(in) == out for each {in, out}.
template <class F>
void each(F f, Cases cases) {
    for (const auto& c : cases) {
        INFO("\"" << c.first << "\"");
        CHECK(f(c.first) == c.second);
    }
}

// is_under, path_within and has_dir_prefix for {path, dir}: which of them hold.
void holds(std::string_view path, std::string_view dir, bool under, bool within, bool prefix) {
    INFO("\"" << path << "\" in \"" << dir << "\"");
    CHECK(is_under(path, dir) == under);
    CHECK(path_within(path, dir) == within);
    CHECK(has_dir_prefix(path, dir) == prefix);
    CHECK(is_below(path, dir) == (under && path != dir));
}

}  // namespace

TEST_CASE("base path: dirname_of, dirname_trimmed and parent_of") {
    each(dirname_of, {{"a/b", "a"}, {"b", "."}, {"", "."}, {"/b", "/"}, {"/", "/"}, {"a/b/", "a/b"}, {"a//b", "a/"}});
    each(dirname_trimmed, {{"a/b/", "a"}, {"a/b//", "a"}, {"/b/", "/"}, {"/", "/"}, {"b/", "."}, {"a/b.json", "a"}});
    each(parent_of, {{"/a/b", "/a"}, {"/a", "/"}, {"/", "/"}, {"a", "/"}, {"", "/"}});
    each(basename_of, {{"a/b", "b"}, {"b", "b"}, {"/", ""}, {"a/", ""}, {"", ""}});
}

TEST_CASE("base path: join_path and join_display") {
    CHECK(join_path("a", "b") == "a/b");
    CHECK(join_path("a/", "b") == "a/b");
    CHECK(join_path("", "b") == "b");
    CHECK(join_path("a", "") == "a");
    CHECK(join_path("a", "/b") == "a//b");  // not normalised

    CHECK(join_display("a", "../b.json") == "b.json");
    CHECK(join_display(".", "../b.json") == "../b.json");
    CHECK(join_display("a", "/x//y/") == "/x/y");  // an absolute rel stands alone
}

TEST_CASE("base path: the three normalisers") {
    // Resolves "..", never above "/"; a relative path is read as absolute.
    each(normalise_absolute, {{"/a//b/./c/", "/a/b/c"},
                              {"/a/../b", "/b"},
                              {"/../..", "/"},
                              {"", "/"},
                              {"a/b", "/a/b"},
                              {"/a/..b", "/a/..b"}});
    // Keeps a relative path relative, with its leading "..".
    each(normalise_display, {{"", "."},
                             {"a/..", "."},
                             {"../a", "../a"},
                             {"../../a/../b", "../../b"},
                             {"a/./b/", "a/b"},
                             {"/a/../..", "/"}});
    // Refuses ".." and relative paths (empty result).
    each(normalise_absolute_strict, {{"/a//b/./c/", "/a/b/c"},
                                     {"/.", "/"},
                                     {"/a/../b", ""},
                                     {"/..", ""},
                                     {"a/b", ""},
                                     {"", ""},
                                     {"/a/..b", "/a/..b"}});
}

TEST_CASE("base path: is_under, path_within and has_dir_prefix differ only for '/'") {
    holds("/a/b", "/a", true, true, true);
    holds("/a", "/a", true, true, true);
    holds("/ab", "/a", false, false, false);
    holds("/a", "/a/b", false, false, false);
    holds("a/b", "a", true, true, true);
    holds("/", "/", true, true, true);
    holds("/a", "/", true, true, false);
    holds("a", "/", false, true, false);
    holds("", "/", false, true, false);
}
