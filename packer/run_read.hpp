// Reading a single-file pack (burrow-pack -f run) back: its trailer
// (runtime/base/run_trailer.hpp) says where the pack's tarball lies inside the file, and
// this feeds libarchive exactly those bytes, hashing them as they go, so that info and
// verify read a .run file as they read the tarball it carries.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "packer/sha256.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/base/run_trailer.hpp"

struct archive;

namespace burrow::pack {

class RunPayload {
  public:
    // The payload of PATH when it is a -f run file; nothing when it is not one (no trailer
    // magic at its end, or not a regular file). Throws Error(1) when its last bytes carry
    // the magic but not a trailer that fits the file: the file is damaged or cut short.
    static std::unique_ptr<RunPayload> open(const std::string& path);

    // archive_read_open on `a` with this object as its source; it must outlive `a`.
    int open_archive(archive* a);
    // The SHA-256 (raw) of the whole payload, reading whatever libarchive left unread.
    std::string finish();
    const RunTrailer& trailer() const { return trailer_; }

  private:
    RunPayload(Fd fd, std::string path, RunTrailer t);
    long fill();

    Fd fd_;
    std::string path_;
    RunTrailer trailer_;
    std::uint64_t pos_, end_;
    std::vector<char> buf_;
    Sha256 sha_;
};

// For `burrow-pack info`: one line saying where the pack lies in PATH and which cache
// directory it unpacks into; empty when PATH is not a -f run file.
std::string run_file_summary(const std::string& path);

}  // namespace burrow::pack
