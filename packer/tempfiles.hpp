// Temporary files and directories next to an output OUT, and the removal of those that a
// killed run left behind.
//
// Names: .BASENAME.tmp-XXXXXX (OUT while it is written) and .BASENAME.layers-XXXXXX (the
// layer tars of an image), XXXXXX six of [A-Za-z0-9] as from mkstemp(3). A running
// burrow-pack holds an exclusive flock(2) on each one it made, as long as it exists: one
// whose lock can be taken was left by a run that has ended.
// Where the file system allows, files are made unnamed (O_TMPFILE) instead, and named
// only when complete: a killed run then leaves nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "packer/fsutil.hpp"

namespace burrow::pack {

enum class TempKind { tmp, layers };

// ".BASENAME.tmp-" or ".BASENAME.layers-".
std::string temp_prefix(std::string_view out_base, TempKind kind);
// Whether `entry`, a name in OUT's directory, is a temporary of ours for OUT (base name
// `out_base`): exactly a prefix above and six of [A-Za-z0-9].
bool is_temp_name_for(std::string_view entry, std::string_view out_base);

// An unnamed file (O_TMPFILE, read-write, mode 0600) in the directory dir_fd, locked; an
// invalid Fd when the file system cannot make one. Other errors throw, naming `dir`.
Fd open_unnamed(int dir_fd, const std::string& dir);
// Names the unnamed file `fd` `name` in dir_fd (linkat(2)); false with errno on failure.
bool link_unnamed(int fd, int dir_fd, const std::string& name);
// Names it with a fresh temporary name for OUT; returns the name. Throws on failure.
std::string link_unnamed_as_temp(int fd, int dir_fd, const std::string& dir, std::string_view out_base);

// Creates a temporary file (read-write, 0600) or directory (`dir_mode`, less the umask) of
// `kind` for OUT in dir_fd, locked; sets `name`. Throws naming `dir`.
Fd create_temp_file(int dir_fd, const std::string& dir, std::string_view out_base, TempKind kind, std::string& name);
Fd create_temp_dir(int dir_fd, const std::string& dir, std::string_view out_base, TempKind kind, unsigned dir_mode,
                   std::string& name);

// Whether `name` in dir_fd is still the file or directory open as `fd`.
bool still_named(int dir_fd, const std::string& name, int fd);

// Removes the temporaries for OUT that a run which has ended left in OUT's directory: those
// of our naming, owned by the effective uid, whose lock can be taken (a symlink of our
// naming is removed as a link). Never follows a symlink. One StaleTemp for each it
// removed (err 0) or began to remove (err: the first errno).
struct StaleTemp {
    std::string path;
    int err = 0;
};
std::vector<StaleTemp> remove_stale_temps(const std::string& out);

// Removes `name` in dir_fd and, if it is a directory, everything below it, by descriptor,
// never following a symlink. Best effort: returns 0 or the first errno.
int remove_tree_at(int dir_fd, const std::string& name);

}  // namespace burrow::pack
