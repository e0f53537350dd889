// burrow-pack: tree order, the canonical serialisation of an item and its content hash.
#include <doctest/doctest.h>

#include <algorithm>

#include "packer/sha256.hpp"
#include "packer/tree.hpp"

using namespace burrow::pack;
using T = TreeRecord::Type;

TEST_CASE("pack tree: tree order puts parents first and sorts children by name") {
    std::vector<std::string> v = {"a/b", "a-c", "a", "", "a/b/c", "B", "a.d"};
    std::sort(v.begin(), v.end(), [](auto& x, auto& y) { return tree_less(x, y); });
    CHECK(v == std::vector<std::string>{"", "B", "a", "a/b", "a/b/c", "a-c", "a.d"});
    CHECK_FALSE(tree_less("a", "a"));
}

TEST_CASE("pack tree: the serialisation is exactly as documented") {
    std::vector<TreeRecord> r = {
        {"bin/hello", T::exec, std::string(64, 'a'), 5},
        {"", T::dir, "", 0},
        {"bin", T::dir, "", 0},
        {"lib", T::symlink, "/gnu/store/x", 0},
    };
    const std::string s = canonical_serialisation(r);
    const std::string want = std::string("burrow-tree-1\n") + std::string("d\0\0\0", 4) + std::string("d\0bin\0\0", 7) +
                             "x" + std::string("\0bin/hello\0", 11) + std::string(64, 'a') + std::string("\0", 1) +
                             "l" + std::string("\0lib\0/gnu/store/x\0", 18);
    CHECK(s == want);
}

TEST_CASE("pack tree: the digest sees contents, names, the executable bit and link targets") {
    auto base = [] {
        return std::vector<TreeRecord>{
            {"", T::dir, "", 0}, {"f", T::file, sha256_hex("one"), 3}, {"l", T::symlink, "f", 0}};
    };
    auto r0 = base();
    const ItemDigest d0 = digest_records(r0);
    CHECK(d0.size == 3);
    CHECK(d0.sha256.size() == 64);
    CHECK(d0.raw.size() == 32);

    auto r1 = base();
    std::reverse(r1.begin(), r1.end());  // order of discovery does not matter
    CHECK(digest_records(r1).sha256 == d0.sha256);

    auto r2 = base();
    r2[1].type = T::exec;
    CHECK(digest_records(r2).sha256 != d0.sha256);

    auto r3 = base();
    r3[1].payload = sha256_hex("two");
    CHECK(digest_records(r3).sha256 != d0.sha256);

    auto r4 = base();
    r4[2].payload = "g";
    CHECK(digest_records(r4).sha256 != d0.sha256);

    auto r5 = base();
    r5[1].path = "g";
    CHECK(digest_records(r5).sha256 != d0.sha256);
}
