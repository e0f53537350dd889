// runtime/base/suggest.hpp: the distances and the edge cases of each suggestion rule.
#include <doctest/doctest.h>

#include "runtime/base/suggest.hpp"

using namespace burrow;
using V = std::vector<std::string>;

TEST_CASE("base suggest: the two distances") {
    struct Case {
        const char* a;
        const char* b;
        std::size_t osa, lev;
    };
    // edit_distance ignores case and counts a transposition once; levenshtein_distance
    // counts case and has no transpositions.
    for (const Case& c :
         {Case{"", "", 0, 0}, Case{"", "abc", 3, 3}, Case{"abc", "", 3, 3}, Case{"Mount", "mount", 0, 1},
          Case{"ptrcae", "ptrace", 1, 2}, Case{"kitten", "sitting", 3, 3}, Case{"ca", "abc", 3, 3}}) {
        INFO(c.a << " ~ " << c.b);
        CHECK(edit_distance(c.a, c.b) == c.osa);
        CHECK(levenshtein_distance(c.a, c.b) == c.lev);
    }
}

TEST_CASE("base suggest: nearest") {
    CHECK(nearest("mount", V{"mounts", "mount"}) == "mounts");  // the word itself is skipped
    CHECK(nearest("Mounts", V{"mounts"}) == "mounts");          // case only: distance 0
    CHECK(nearest("envv", V{"env", "envs"}) == "env");          // ties: the first listed
    CHECK(nearest("ab", V{"b"}) == "b");
    CHECK_FALSE(nearest("a", V{"b"}));            // not closer than its length
    CHECK_FALSE(nearest("abcdef", V{"abcxyz"}));  // beyond 2
}

TEST_CASE("base suggest: nearest_or_prefix") {
    CHECK(nearest_or_prefix("ptrce", V{"ptrace", "prctl"}) == "ptrace");
    CHECK(nearest_or_prefix("@deb", V{"@debug"}) == "@debug");  // a prefix of 4
    CHECK_FALSE(nearest_or_prefix("@de", V{"@debug"}));         // too short for a prefix
    CHECK(nearest_or_prefix("abx", V{"abc"}) == "abc");         // 3 characters: 1 edit
    CHECK_FALSE(nearest_or_prefix("axx", V{"abc"}));
    CHECK(nearest_or_prefix("open", V{"openat", "opel"}) == "opel");  // a typo before a prefix
    CHECK(nearest_or_prefix("read", V{"ready", "bead"}) == "bead");   // ties: byte order
    CHECK(nearest_or_prefix("mount", V{"mount"}) == "mount");         // the word itself counts
}
