// burrow-pack info / verify: reading a pack back (a tarball, in any compression libarchive
// reads, or an unpacked directory) and checking it against its manifest.
#pragma once

#include <string>
#include <vector>

namespace burrow::pack {

class Progress;

struct VerifyResult {
    std::vector<std::string> problems;   // one line each, naming the item or file
    std::size_t items = 0, entries = 0;
};

// The bytes of PACK's .burrow/manifest.json. Throws Error(1) when PACK is not a pack.
std::string manifest_text_of(const std::string& pack);

// Recomputes every item's content hash (and the runtime's, the entries' links and
// profiles, the -S links) and lists every difference; items present in the pack's store
// but absent from the manifest are differences too.
VerifyResult verify_pack(const std::string& pack, Progress* progress);

}  // namespace burrow::pack
