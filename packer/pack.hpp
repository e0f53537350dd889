// burrow-pack's main operation: options → the format's writer opened → inputs gathered
// (inputs.hpp) → the pack written (writer.hpp) and given its name.
#pragma once

#include <cstdint>
#include <string>

#include "packer/options.hpp"

namespace burrow::pack {

class Progress;

// SOURCE_DATE_EPOCH's value (nullptr: unset → 1). Throws Error(125) when it is not a
// non-negative integer of at most 11 octal digits' worth (what a tar header holds).
std::int64_t source_date_epoch(const char* value);

// The whole "burrow-pack … -o OUT": writes OUT (or stdout) and returns a one-line summary.
std::string run_pack(const PackOptions& o, const std::string& self_dir, Progress* progress);

}  // namespace burrow::pack
