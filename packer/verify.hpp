// burrow-pack info / verify: reading a pack back (a tarball, in any compression libarchive
// reads, or an unpacked directory) and checking it against its manifest.
#pragma once

#include <string>
#include <vector>

namespace burrow::pack {

class Progress;

struct VerifyResult {
    std::vector<std::string> problems;  // one line each, naming the item or file
    std::size_t items = 0, entries = 0, files = 0;
    std::size_t layers = 0;  // an image's (docker archive, OCI layout)
};

// The bytes of PACK's .burrow/manifest.json, after checking them (manifest.hpp). Throws
// Error(1) when PACK is not a pack or its manifest is not one burrow-pack wrote: too
// large, not a regular file, not JSON, not of this format or shape.
std::string manifest_text_of(const std::string& pack);

// Reads every member of PACK and lists every difference from its manifest: members the
// file list (.burrow/files, hashed by the manifest) lacks, misses or lists otherwise;
// names that are absolute or have "..", devices, fifos, set-id bits and repeated members;
// every item's content hash, the runtime's, the entries' links and profiles, the -S
// links. Throws Error(1) when PACK is not a pack or its manifest is damaged.
VerifyResult verify_pack(const std::string& pack, Progress* progress);

// What a PACK given to `check` is. Throws Error(1) when it cannot be read.
enum class PackKind { tarball, directory, image, single_file, not_pack };
PackKind pack_kind(const std::string& pack);

// Unpacks the tarball pack PACK into `dir` (an existing empty directory, given by its real
// path): only directories, regular files, symlinks and hard links to earlier files, with
// safe names (no "..", not absolute), never written through a symlink of the pack, without
// set-id bits, each file at most its header's size. Returns the pack's root below `dir`:
// `dir`, or `dir`/PREFIX for a tarball made with --prefix-dir. Throws Error(1) naming the
// first member it refuses.
std::string unpack_tarball_pack(const std::string& pack, const std::string& dir);

}  // namespace burrow::pack
