// burrow-pack check PACK [-- ENTRY ARG...]: the pack tested as its users will get it. A
// tarball is unpacked into a private temporary directory (removed afterwards, also on an
// error or a signal); a directory pack is used where it is. Each entry (or ENTRY) then
// runs with BURROW_HOST=none, the host's root hidden, from an empty working directory,
// stdin /dev/null, with --version (or ARGs), and is killed after kCheckTimeoutSeconds.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace burrow::pack {

inline constexpr int kCheckTimeoutSeconds = 60;

// One line per entry on stdout; returns 0 when every entry exited 0, else 1. Throws
// Error(125) for what the user must fix first (no such PACK, an image, a single-file pack,
// not a pack, an unknown ENTRY).
int check_pack(const std::string& pack, const std::optional<std::string>& entry, const std::vector<std::string>& args);

// The last lines (at most `lines`, the non-empty ones) of `text`, trimmed, joined with
// " | ", control characters as '?', at most `max_bytes` bytes: what check shows of an
// entry's stderr.
std::string output_tail(const std::string& text, std::size_t lines = 3, std::size_t max_bytes = 400);

}  // namespace burrow::pack
