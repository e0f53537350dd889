// burrow-pack's main operation: options → scanned inputs → layout → written pack.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "packer/layout.hpp"
#include "packer/options.hpp"

namespace burrow::pack {

class Progress;

// SOURCE_DATE_EPOCH's value (nullptr: unset → 1). Throws Error(125) when it is not a
// non-negative integer of at most 11 octal digits' worth (what a tar header holds).
std::int64_t source_date_epoch(const char* value);

// Everything run_pack() reads from the host, before anything is written. Throws Error(1)
// naming the missing item, unreadable file, absent reference… `self_dir` is the
// directory of the burrow-pack executable (where the default runtime is).
PackInputs gather_inputs(const PackOptions& o, const std::string& self_dir, std::int64_t epoch,
                         Progress* progress);

// Reads the version from `runtime --version` ("burrow 0.1.0" → "0.1.0"), or "unknown".
std::string runtime_version(const std::string& runtime);

// The whole "burrow-pack … -o OUT": writes OUT (or stdout) and returns a one-line summary.
std::string run_pack(const PackOptions& o, const std::string& self_dir, Progress* progress);

}  // namespace burrow::pack
