// runtime/base/suggest.hpp: the distances and the edge cases of each suggestion rule.
#include <doctest/doctest.h>

#include "base/suggest.hpp"

using namespace burrow;
using V = std::vector<std::string>;

TEST_CASE("base suggest: edit_distance ignores case and counts a transposition once") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("Mount", "mount") == 0);
    CHECK(edit_distance("ptrcae", "ptrace") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("ca", "abc") == 3);   // OSA: no edit of a transposed pair
}

TEST_CASE("base suggest: levenshtein_distance counts case and has no transpositions") {
    CHECK(levenshtein_distance("", "") == 0);
    CHECK(levenshtein_distance("Mount", "mount") == 1);
    CHECK(levenshtein_distance("--vresion", "--version") == 2);
    CHECK(levenshtein_distance("kitten", "sitting") == 3);
    CHECK(levenshtein_distance("", "ab") == 2);
}

TEST_CASE("base suggest: nearest") {
    CHECK(nearest("mount", V{"mounts", "mount"}) == "mounts");   // the word itself is skipped
    CHECK(nearest("Mounts", V{"mounts"}) == "mounts");           // case only: distance 0
    CHECK(nearest("envv", V{"env", "envs"}) == "env");           // ties: the first listed
    CHECK(nearest("ab", V{"b"}) == "b");
    CHECK_FALSE(nearest("a", V{"b"}));                           // not closer than its length
    CHECK_FALSE(nearest("xy", V{"ab"}));
    CHECK_FALSE(nearest("abcdef", V{"abcxyz"}));                 // beyond 2
    CHECK_FALSE(nearest("x", V{}));
}

TEST_CASE("base suggest: nearest_or_prefix") {
    CHECK(nearest_or_prefix("ptrce", V{"ptrace", "prctl"}) == "ptrace");
    CHECK(nearest_or_prefix("PTRACE", V{"ptrace"}) == "ptrace");
    CHECK(nearest_or_prefix("@debugging", V{"@debug", "@mount"}) == "@debug");
    CHECK(nearest_or_prefix("@deb", V{"@debug"}) == "@debug");    // a prefix of 4
    CHECK_FALSE(nearest_or_prefix("@de", V{"@debug"}));           // too short for a prefix
    CHECK(nearest_or_prefix("abx", V{"abc"}) == "abc");           // 3 characters: 1 edit
    CHECK_FALSE(nearest_or_prefix("axx", V{"abc"}));
    CHECK(nearest_or_prefix("open", V{"openat", "opel"}) == "opel");   // a typo before a prefix
    CHECK(nearest_or_prefix("read", V{"ready", "bead"}) == "bead");    // ties: byte order
    CHECK(nearest_or_prefix("mount", V{"mount"}) == "mount");          // the word itself counts
}
