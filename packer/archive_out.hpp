// Writing the pack's nodes: a reproducible tarball (libarchive, GNU tar format) or a
// directory tree (libarchive's disk writer, so both formats hold exactly the same files),
// and the temporary-name-then-rename discipline around them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "packer/layout.hpp"
#include "packer/options.hpp"

struct archive;

namespace burrow::pack {

class Progress;

// Adds the filter for `c` to a libarchive writer, set for reproducible output (gzip
// without time stamp or name, single-threaded xz). Returns the libarchive status.
int add_compression(archive* a, Compression c);

// Every entry: mtime `epoch`, uid/gid 0 named root, directories 0755, files 0644 or 0755,
// no atime/ctime, no "./" root entry. gzip without a time stamp or name in its header.
// Each file read from the host is hashed again and must match the node's sha256 (the
// store changed under us otherwise).
void write_tarball(const std::vector<Node>& nodes, Compression c, std::int64_t epoch, int fd,
                   const std::string& out_name, Progress* progress);

// Writes the file `src` compressed with `c` (no container format) to fd.
void compress_file(const std::string& src, Compression c, int fd, const std::string& out_name);

// Creates the nodes below `dir` (which exists and is empty); errors name the file as
// below `out_name` (the directory `dir` becomes).
void write_directory(const std::vector<Node>& nodes, const std::string& dir, const std::string& out_name,
                     std::int64_t epoch, Progress* progress);

// OUT is written under a temporary name (a file, or a directory for -f dir and -f oci) in its directory and renamed when complete; the
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
    bool is_dir_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace burrow::pack
