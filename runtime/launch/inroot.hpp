// Path lookup beneath a root directory fd, the way the sandbox will see the path once that
// directory is its "/": symlinks are followed, but an absolute target restarts at the
// root and ".." stops there, so no symlink in an image or a bound tree can lead outside
// it. Missing components can be created on the way, each one with mkdirat/openat
// (O_EXCL|O_NOFOLLOW) relative to the directory fd that holds it, and only where the
// caller allows: nothing is ever created through a symlink or by a path string.
#pragma once

#include <functional>
#include <string>

#include "runtime/base/fd.hpp"

namespace burrow {

enum class Make { none, dir, file };  // what to create where a component is missing

struct InRoot {
    Fd dir;             // O_PATH: the real directory that holds the entry
    std::string name;   // the entry's name in `dir` ("" when the path is the root itself)
    std::string where;  // the entry's resolved path below the root, for messages
    Fd fd;              // O_PATH|O_NOFOLLOW on the entry; invalid when it is missing
};

// `may_create(dirfd, dir_path)` is asked before anything is created in a directory; it
// returns normally to allow it and throws (an Error naming why) to refuse. Throws Error
// for a non-directory on the way, a symlink loop (more than 40 links), or a failed create.
// With follow_last = false a symlink in the last component is returned, not followed.
// Missing directories on the way are made with `dir_mode` (less the umask).
InRoot open_in_root(int root, const std::string& path, Make make, bool follow_last,
                    const std::function<void(int dirfd, const std::string& dir_path)>& may_create,
                    unsigned dir_mode = 0755);

// Create `name` in directory `dir` as an empty 0444 file or a directory of `mode` (never
// through a symlink: O_EXCL|O_NOFOLLOW, mkdirat); one that is already there is fine.
void make_entry(int dir, const std::string& name, Make what, unsigned mode, const std::string& shown);

// The target of the symlink open as O_PATH|O_NOFOLLOW on `fd`, bounded by PATH_MAX.
std::string read_link_fd(int fd);

}  // namespace burrow
