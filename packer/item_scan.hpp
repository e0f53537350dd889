// Reading a store item (or a --slice directory) from the host: its records and content
// hash, and the other items it references. Also the closure over a store.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "packer/hostrefs.hpp"
#include "packer/refscan.hpp"
#include "packer/tree.hpp"

namespace burrow::pack {

class Progress;

struct MissingRef {
    std::string text;  // "/gnu/store/<hash>-name" as found
    std::string file;  // the file of the item that mentions it (relative to the item)
};

struct ScannedItem {
    std::string name;
    std::string host_path;            // where its contents are read from
    std::vector<TreeRecord> records;  // tree order
    ItemDigest digest;
    std::set<std::string> references;              // other items of the store (itself excluded)
    std::map<std::string, MissingRef> missing;     // by hash: items the store lacks
    std::map<std::string, std::string> host_refs;  // --warn-host: host path → first file naming it
};

// Walks host_path (a directory, a file or a symlink), hashing every file and, with an
// index, scanning contents and symlink targets for references. Sockets, fifos and device
// nodes are errors naming the file. Checks for SIGINT/SIGTERM between chunks. With
// `host_inside` (--warn-host), also lists the host paths the item names (hostrefs.hpp),
// but those below the places it lists (the pack's own destinations).
ScannedItem scan_item(const std::string& name, const std::string& host_path, const RefIndex* index, Progress* progress,
                      const std::vector<std::string>* host_inside = nullptr);

// Transitive closure from `roots` over `scan(name)` (each item scanned once), in sorted
// order. Stops at the references when `follow` is false.
std::map<std::string, ScannedItem> closure(const std::set<std::string>& roots,
                                           const std::function<ScannedItem(const std::string&)>& scan, bool follow);

}  // namespace burrow::pack
