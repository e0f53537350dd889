// Writing the pack's nodes: a reproducible tarball (libarchive, GNU tar format) or a
// directory tree (libarchive's disk writer, so both formats hold exactly the same files),
// and the temporary-name-then-rename discipline around them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "packer/layout.hpp"
#include "packer/options.hpp"

namespace burrow::pack {

class Progress;

// Every entry: mtime `epoch`, uid/gid 0 named root, directories 0755, files 0644 or 0755,
// no atime/ctime, no "./" root entry. gzip without a time stamp or name in its header.
// Each file read from the host is hashed again and must match the node's sha256 (the
// store changed under us otherwise).
void write_tarball(const std::vector<Node>& nodes, Compression c, std::int64_t epoch, int fd,
                   const std::string& out_name, Progress* progress);

// Creates the nodes below `dir` (which exists and is empty).
void write_directory(const std::vector<Node>& nodes, const std::string& dir, std::int64_t epoch,
                     Progress* progress);

// OUT is written under a temporary name in its directory and renamed when complete; the
// destructor removes the temporary (file or tree) unless commit() succeeded.
class TempOutput {
public:
    TempOutput(const std::string& out, Format format);
    ~TempOutput();
    TempOutput(const TempOutput&) = delete;
    TempOutput& operator=(const TempOutput&) = delete;

    int fd() const { return fd_; }                  // tarball
    const std::string& path() const { return tmp_; }
    void commit();

private:
    std::string out_, tmp_;
    Format format_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace burrow::pack
