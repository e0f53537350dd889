// Writing the pack's nodes: a reproducible tarball (libarchive, GNU tar format) or a
// directory tree (libarchive's disk writer, so both formats hold exactly the same files),
// and the temporary-name-then-rename discipline around them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "packer/fsutil.hpp"
#include "packer/layout.hpp"
#include "packer/options.hpp"

struct archive;

namespace burrow::pack {

class Progress;

// How many threads gzip and zstd compress with (see compression_threads() in pgzip.hpp);
// the bytes written do not depend on it. Set once, before any writer runs; default 1.
void set_compression_threads(unsigned n);

// Adds the filter for `c` to a libarchive writer, set for reproducible output (zstd in its
// multi-threaded mode, single-threaded xz). For gzip it adds none: the writers' sink
// compresses (pgzip.hpp). Returns the libarchive status.
int add_compression(archive* a, Compression c);

// Files that the writers read from an open descriptor (unnamed temporary files) instead
// of opening Node::host_path: host_path → fd, read with pread(2) from the start.
using OpenFiles = std::map<std::string, int>;

// Every entry: mtime `epoch`, uid/gid 0 named root, directories 0755, files 0644 or 0755,
// no atime/ctime, no "./" root entry. gzip without a time stamp or name in its header.
// Each file read from the host is hashed again and must match the node's sha256 (the
// store changed under us otherwise).
void write_tarball(const std::vector<Node>& nodes, Compression c, std::int64_t epoch, int fd,
                   const std::string& out_name, Progress* progress, const OpenFiles* open_files = nullptr);

// Writes the file open as `src_fd` (named `src` in errors) compressed with `c` (no
// container format) to fd.
void compress_file(int src_fd, const std::string& src, Compression c, int fd, const std::string& out_name);

// Creates the nodes below `dir` (which exists and is empty); errors name the file as
// below `out_name` (the directory `dir` becomes).
void write_directory(const std::vector<Node>& nodes, const std::string& dir, const std::string& out_name,
                     std::int64_t epoch, Progress* progress);

// Sets the mode and the time stamps (SOURCE_DATE_EPOCH) of `path`, named `shown` in errors:
// what a directory output's own entries get from the writer, for the ones it makes itself.
void settle(const std::string& path, mode_t mode, std::int64_t epoch, const std::string& shown);

// What OUT is: a file (a tarball, a docker archive, an OCI layout's tar) or a directory.
enum class OutputKind { file, directory };

// OUT is written under a temporary name in its directory and renamed when complete; the
// destructor removes the temporary unless commit() succeeded. A file is an unnamed file
// (O_TMPFILE) where the file system allows, named (.OUT.tmp-XXXXXX, locked) only by
// commit() just before the rename, so that even a killed run leaves nothing; elsewhere a
// locked .OUT.tmp-XXXXXX from the start. A directory (-f dir, -f oci) is a locked
// directory of that name, made by the first directory() call. The constructor first
// removes the temporaries for OUT that killed runs left (see tempfiles.hpp), one line each
// on stderr. `format` names the -f option in errors.
class TempOutput {
  public:
    TempOutput(const std::string& out, OutputKind kind, Format format);
    ~TempOutput();
    TempOutput(const TempOutput&) = delete;
    TempOutput& operator=(const TempOutput&) = delete;

    int fd() const { return fd_.get(); }  // a file
    const std::string& directory();       // -f dir, -f oci: made on the first call
    void commit();
    void executable() { mode_ = 0777; }  // -f run: the file is a program

  private:
    std::string out_, dir_, base_;
    std::string tmp_name_;  // in dir_; empty while unnamed or not made
    bool is_dir_;
    std::string tmp_path_;
    Fd dir_fd_;  // OUT's directory (O_PATH)
    Fd fd_;      // the tarball, or the temporary directory
    bool committed_ = false;
    mode_t mode_ = 0666;  // before the umask
};

}  // namespace burrow::pack
