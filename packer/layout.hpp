// What goes into a pack, decided from the scanned inputs: the generated profiles, the
// manifest and the list of archive nodes in tree order. Pure (the file contents are only
// referred to by host path and hash; archive_out.cpp reads them).
//
//   bin/NAME                  → ../.burrow/burrow (relative symlink, one per entry)
//   .burrow/burrow            the static runtime
//   .burrow/proot             with --proot
//   .burrow/manifest.json     provenance (make_manifest)
//   .burrow/files             every other member, hashed (manifest.hpp), for verify
//   .burrow/profiles/NAME.json
//   .burrow/slices/<item>/    --slice directories
//   <DEST without '/'>/<item>/ the store items (e.g. gnu/store/<item>)
//   <-S links>
#pragma once

#include <algorithm>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "packer/item_scan.hpp"
#include "packer/options.hpp"
#include "packer/tree.hpp"
#include "runtime/base/pack_layout.hpp"

namespace burrow::pack {

// The names of the pack's own files (kPackDir, kManifestPath, ...) are in
// runtime/base/pack_layout.hpp, shared with the launcher.
inline constexpr int kManifestFormat = 2;

struct PackSlice {
    ScannedItem item;
    std::string destination;           // where it is mounted inside
    std::vector<std::string> entries;  // the entries that mount it; empty: every entry

    bool mounted_by(const std::string& entry) const {
        return entries.empty() || std::find(entries.begin(), entries.end(), entry) != entries.end();
    }
};

struct PackEntryPlan {
    std::string name;
    std::optional<std::string> program;  // nullopt: a --profile without process.exec
    std::string profile_text;            // generated, or the --profile file verbatim
};

struct PackLink {
    std::string link;      // relative to the pack root
    std::string target;    // the symlink's text (relative)
    std::string resolved;  // what it points at, relative to the pack root
};

struct PackInputs {
    std::string store_destination;  // "" when the pack has no store
    std::map<std::string, ScannedItem> items;
    std::vector<PackSlice> slices;
    std::vector<PackEntryPlan> entries;  // sorted by name
    std::vector<PackLink> links;
    std::string runtime_host_path, runtime_sha256, runtime_version;
    std::uint64_t runtime_size = 0;
    std::optional<std::string> proot_host_path, proot_sha256;
    std::uint64_t proot_size = 0;
    std::int64_t created = 1;
    std::vector<std::string> arguments;
    std::string packer_version;
};

// "/gnu/store" → "gnu/store"
std::string store_dir_in_pack(const std::string& destination);

// {"version":1,"name":…,"extends":"builtin:pack","stores":[…],"mounts":[…],"process":{"exec":…}}
nlohmann::json generated_profile(const std::string& entry, const std::string& program,
                                 const std::string& store_destination, const std::vector<std::string>& items,
                                 const std::vector<PackSlice>& slices);

nlohmann::json make_manifest(const PackInputs& in);

// Text of a JSON document as the pack stores it: sorted keys, two-space indent, newline.
std::string json_text(const nlohmann::json& doc);

struct Node {
    enum class Type { dir, file, symlink, hardlink };
    std::string path;  // relative to the pack root, no "./"
    Type type = Type::dir;
    bool exec = false;
    std::uint64_t size = 0;
    std::string host_path;  // file: read from here…
    std::string data;       // …or, when host_path is empty, this content
    std::string sha256;     // file: expected hash of the contents (hex)
    std::string target;     // symlink: its text; hardlink: the earlier path
    unsigned mode = 0;      // permission bits; 0: the type's default (0755/0644)
};

// Collects nodes by path: parents are added as directories, two different things at one
// path are an error (Error 1). finish() gives them in tree order, identical non-empty
// files after the first turned into hard links to it.
class NodeBuilder {
  public:
    void dir(const std::string& path, unsigned mode = 0);
    void add(Node n);
    bool has(const std::string& path) const { return nodes_.count(path) != 0; }
    std::vector<Node> finish();

  private:
    void parents(const std::string& path);
    std::map<std::string, Node> nodes_;
};

// Adds an item's records below `base` (relative to the root).
void add_item_nodes(NodeBuilder& b, const ScannedItem& item, const std::string& base);

// A regular file whose content is `data` (manifests, profiles, image metadata).
Node inline_file(const std::string& path, const std::string& data);

// All nodes but the manifest and the file list, in tree order, parents before children;
// identical non-empty files (same contents and executable bit) after the first become
// hard links to it. Throws Error(1) when two things claim one path (e.g. -S gnu=… next to
// the store) or a -S target is not in the pack.
std::vector<Node> layout(const PackInputs& in);

// Records of every member of a pack but the manifest and the list itself, in tree order,
// paths relative to the pack root (no record for the root).
std::vector<TreeRecord> pack_records(const std::vector<Node>& nodes);

// .burrow/files: the canonical serialisation (tree.hpp) of pack_records(); read back by
// parse_file_list() (manifest.hpp).
std::string file_list_text(std::vector<TreeRecord> records);

// --prefix-dir: the same nodes below the directory `prefix` (a node of its own, first),
// hard links' targets too; symlinks are relative and stay as they are. The file list and
// the manifest name paths relative to the pack root, which is then PREFIX, so they do not
// change. An empty prefix returns the nodes as they are.
std::vector<Node> under_prefix(std::vector<Node> nodes, const std::string& prefix);

// layout() plus .burrow/files (the records of every other member) and the manifest,
// whose "files" names the list's hash and length.
std::vector<Node> pack_nodes(const PackInputs& in);

}  // namespace burrow::pack
