// The content of a store item as a list of records, its canonical serialisation and its
// content hash (man burrow-pack(1), "CONTENT HASH"). Pure: the records are gathered from
// a directory (item_walk.hpp) or from a tarball (verify.cpp) by the callers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace burrow::pack {

// Tree order: paths compared component by component as byte strings, i.e. bytewise with
// '/' sorting before every other byte. Parents come before their contents, and the
// children of a directory are sorted by name (as `tar --sort=name`).
bool tree_less(std::string_view a, std::string_view b);

struct TreeRecord {
    enum class Type : char { dir = 'd', file = 'f', exec = 'x', symlink = 'l' };
    std::string path;  // relative to the item; "" is the item itself
    Type type = Type::dir;
    std::string payload;     // file/exec: sha256 hex of the contents; symlink: the target
    std::uint64_t size = 0;  // file/exec: bytes
};

// "burrow-tree-1\n" then, for each record in tree order, TYPE NUL PATH NUL PAYLOAD NUL.
// Sorts `records` in place.
std::string canonical_serialisation(std::vector<TreeRecord>& records);

struct ItemDigest {
    std::string sha256;      // hex, of canonical_serialisation()
    std::string raw;         // the same digest as 32 bytes (slice names)
    std::uint64_t size = 0;  // sum of the regular files' sizes
};
ItemDigest digest_records(std::vector<TreeRecord>& records);

}  // namespace burrow::pack
