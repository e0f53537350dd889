// Reading small files without iostreams (which would double the static binary's size).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace burrow {

// The whole file, or its first `max` bytes; nullopt if it cannot be opened or read.
std::optional<std::string> read_file(const std::string& path, std::size_t max = 1 << 20);

// Its first line without the newline, or "" when absent or unreadable (for /proc/sys).
std::string first_line(const std::string& path);

}  // namespace burrow
