// Reading a profile file and parsing its text: size limit, "#!" first line, comments,
// duplicate keys, syntax errors with line:column.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "runtime/profile/profile_doc.hpp"

namespace burrow::profile {

inline constexpr std::size_t kMaxProfileBytes = 1 << 20;

// Parses `text` for `doc` (whose file/via name the problems). Returns the top-level object,
// or nullopt after adding the problems to `out`.
std::optional<ojson> parse_text(std::string text, const Doc& doc, Problems& out);

struct FileText {
    enum class Status { ok, cannot_open, rejected } status = Status::ok;
    int err = 0;  // cannot_open: errno, for the caller to phrase
    std::string text;
    dev_t dev = 0;  // identity, for extends cycles and diamonds
    ino_t ino = 0;
};

// Reads a profile file (a regular file, symlinks followed, at most 1 MiB). Problems with
// the file itself (not regular, too big, read error) are added to `out` naming `doc`.
FileText read_file(const std::string& path, const Doc& doc, Problems& out);

}  // namespace burrow::profile
