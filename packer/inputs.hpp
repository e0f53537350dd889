// Input gathering: the command's store, items, slices, entries, links and profiles, read
// from the host into PackInputs (layout.hpp), with the closure over the store
// (item_scan.hpp). Nothing is written here.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "packer/layout.hpp"
#include "packer/options.hpp"

namespace burrow::pack {

class Progress;

// Everything run_pack() reads from the host, before anything is written. Throws Error(1)
// naming the missing item, unreadable file, absent reference… `self_dir` is the
// directory of the burrow-pack executable (where the default runtime is).
// What a pack's manifest records as its "arguments": the options' meaning in one spelling,
// the named items sorted and each once, no host path ("…" in its place).
std::vector<std::string> normalised_arguments(const PackOptions& o, const std::set<std::string>& named,
                                              const std::string& store_dest);

PackInputs gather_inputs(const PackOptions& o, const std::string& self_dir, std::int64_t epoch, Progress* progress);

// Reads the version from `runtime --version` ("burrow 0.1.0" → "0.1.0"), or "unknown".
std::string runtime_version(const std::string& runtime);

// --warn-host's report: for each item and slice that names host paths (ScannedItem's
// host_refs), a line, then one per path with the file that names it (at most `per_item`).
std::vector<std::string> host_ref_lines(const PackInputs& in, std::size_t per_item = 20);

}  // namespace burrow::pack
