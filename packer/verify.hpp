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

}  // namespace burrow::pack
