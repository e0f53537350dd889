// Mounts: the new root and everything in it. RootBuilder builds it; its functions are
// split by concern over mnt.cpp, mnt_lookup.cpp, mnt_host.cpp, mnt_bind.cpp, mnt_ops.cpp.
//
// How: make every mount private, mount a scratch tmpfs and pivot_root into it with the
// host's root kept at /.oldroot; the new root is a second tmpfs at /.newroot beside it, so
// nothing inside the new root (an image's symlink, a bound tree) can name the host's root
// or burrow's staging area. Sources are reached as /.oldroot/<path>. Every destination
// is looked up beneath the new root's fd as the sandbox will see it (inroot.hpp), every
// create is relative to a directory fd, and every mount targets an fd (through
// /proc/self/fd): no path string is ever resolved through a symlink someone else controls.
// Nothing is created on a host filesystem: missing mountpoints are created only on
// filesystems of our own. At the end the new root is made read-only and pivoted onto "/",
// and the scratch tmpfs with the old root under it is detached. Each bind costs a constant
// number of syscalls (attributes are applied with mount_setattr, never by rereading the
// mount table), so cost is linear in the number of mounts. With thousands of binds that
// constant is what counts: source directories are resolved once each, and a bind into a
// directory of our own that the launch has already looked up (the usual case: many
// mountpoints side by side in one tmpfs) makes its mountpoint there by name instead of
// walking the whole path again from the root (RootBuilder::dirs_).
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "runtime/launch/apply.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/base/path.hpp"
#include "runtime/launch/inroot.hpp"
#include "runtime/base/path_index.hpp"

namespace burrow::detail {

inline constexpr const char* kOld = "/.oldroot";   // the host's root while we build
inline constexpr const char* kNew = "/.newroot";   // the root being built
inline constexpr const char* kStage = "/.staged";  // "file" contents, overlay tmpfs: outside the new root

// The path through which mount(2) reaches exactly the file `fd` is open on.
inline std::string fd_path(int fd) { return std::string(kOld) + "/proc/self/fd/" + std::to_string(fd); }

// mount_setattr on the mount at `name` in directory `dir` (the last component is not
// followed; a mount on it is crossed into), or on `dir` itself when name is "".
inline int do_mount_setattr(int dir, const char* name, bool recursive, std::uint64_t set) {
#ifdef SYS_mount_setattr
    struct mount_attr attr {};
    attr.attr_set = set;
    unsigned flags = (*name ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH) | (recursive ? AT_RECURSIVE : 0);
    return static_cast<int>(::syscall(SYS_mount_setattr, dir, name, flags, &attr, sizeof attr));
#else
    errno = ENOSYS;
    return -1;
#endif
}

// The strings `path` is under (is_under), for index lookups: for_each_holder() lists
// them, and is_under() keeps exactly those it would accept.
template <class F>
inline void for_each_dir_holding(const std::string& path, F&& f) {
    for_each_holder(path, [&](std::string_view q) {
        if (is_under(path, q)) f(q);
    });
}

// The new root while it is built: one per launch, from the root-tmpfs step to
// detach-old-root.
class RootBuilder {
  public:
    RootBuilder(const Plan& plan, const ApplyOptions& opts) : plan_(plan), opts_(opts) {}

    // root-tmpfs. The sources are resolved first, while the host's root is still "/".
    void begin() {
        resolve_sources();
        make_private();
        enter_scratch_root();
    }

    // bind-host-root, bind-root-dir.
    void host_root() { bind_host_root(); }
    // Each mount step.
    void op(const MountOp& op) { apply_op(op); }
    // (mnt.cpp) Make the new root read-only (remount-root-ro), then move it onto "/" and
    // detach the scratch tmpfs with the host's root below it (detach-old-root); then check
    // that "/" really is the new root, so a mount stacked on the way can never leave the
    // host's root reachable.
    void remount_ro();
    void detach();
    // The host directories recreated on the new root (place_host), with their sources'
    // identities, and the new root's own tmpfs: for the chdir step.
    const std::map<std::string, std::pair<dev_t, ino_t>>& recreated() const { return recreated_; }
    dev_t root_dev() const { return root_dev_; }

  private:
    const Plan& plan_;
    const ApplyOptions& opts_;
    Fd root_;                   // O_PATH on the new root (/.newroot): the top mount there
    dev_t root_dev_ = 0;        // burrow's own tmpfs at /.newroot, under any mount on "/"
    struct stat host_root_ {};  // the host's "/", which must be unreachable at the end
    std::set<dev_t> own_;       // filesystems we created: safe to create entries on
    std::map<std::string, std::pair<dev_t, ino_t>> recreated_;  // recreated() above
    // Directories of the new root already looked up, by their path, for binds into them
    // (bind_by_name): only directories on our own filesystems, which nothing outside this
    // launch writes to, reached without following a symlink (so a lookup of the path
    // passes exactly through its prefixes). A mount at or above a path makes the lookup
    // stale: forget_within() drops it. Few are kept (each holds an fd).
    struct Dir {
        Fd fd;
        dev_t dev;
    };
    std::map<std::string, Dir> dirs_;
    static constexpr std::size_t kMaxDirs = 64;
    int files_ = 0;         // staged "file" mounts
    int tmp_overlays_ = 0;  // tmpfs upper directories of overlays ("access": "rw", no "upper")
    bool staged_ = false;   // kStage exists
    bool have_setattr_ = true;
    bool have_open_tree_ = true;  // open_tree + move_mount (5.2) usable, with mount_setattr
    // Host paths of bind and store sources, resolved while the host's root is still "/"
    // (so absolute symlinks on the way resolve on the host), or the errno that stopped it.
    std::map<const MountOp*, std::string> source_;
    std::map<const MountOp*, int> source_err_;
    // An overlay's directories (its lower ones, then upper and work), resolved as the bind
    // sources are, each to its host path or the errno that stopped it.
    struct OverlayDirs {
        std::vector<std::string> path;
        std::vector<int> err;
    };
    std::map<const MountOp*, OverlayDirs> overlay_;
    std::string root_base_ = kOld;  // where the root's top-level entries come from
    bool image_root_ = false;       // root_base_ is an image, not the host's "/"

    // Paths we must synthesise rather than bind from the root's source: store
    // destinations (the host may have its own /gnu/store, or a /gnu we must not write
    // into), and destinations the source lacks that no other mount will hold (a file on
    // /etc/passwd of an image, a slice at /opt/x on a host with /opt): their ancestor
    // directories are recreated on our tmpfs, so nothing is ever created in the source.
    //
    // Kept as sets of paths, so that placing each host entry asks them by lookup rather than
    // comparing with every mount (thousands of binds below /tmp made that quadratic).
    struct Synthetic {
        std::unordered_set<std::string> at;           // the synthetic paths
        std::unordered_set<std::string> above;        // directories holding one of them
        std::unordered_set<std::string> above_store;  // directories holding a store destination
        std::unordered_set<std::string> at_store;     // the store destinations
    };
    // The host's own directory at a store's destination (a Guix or Nix host's store), seen
    // while placing the host's entries: the store's items are added to it, not put in its
    // place (do_store), so the host's programs stay reachable.
    std::map<std::string, Fd> host_stores_;

    struct Entry {
        std::string name;
        unsigned char type;  // readdir's d_type: DT_UNKNOWN when the filesystem does not say
    };

    std::string from(const std::string& path) const { return root_base_ + path; }

    // "ORIGIN: what"; bwrap's messages start with what went wrong (scripts match them), so
    // in its voice the origin follows in parentheses.
    [[noreturn]] void fail(const MountOp* op, const std::string& what) const {
        if (!op || op->origin.empty()) throw Error(what);
        if (plan_.bwrap) throw Error(what + " (" + op->origin + ")");
        throw Error(op->origin + ": " + what);
    }

    static std::string host(const std::string& path) { return std::string(kOld) + (path == "/" ? "" : path); }

    // mnt.cpp: the scratch root and the sources resolved before entering it
    void resolve_sources();
    void make_private();
    static std::string diagnose_after_userns();
    void enter_scratch_root();
    dev_t remember_own(int fd);

    // mnt_lookup.cpp: lookups in the new root, the bind primitive, remembered directories,
    // mount attributes
    void may_create(int dirfd, const std::string& dir, const std::string& path, const MountOp* op) const;
    InRoot lookup(const std::string& path, Make make, const MountOp* op, bool follow_last = true,
                  unsigned dir_mode = 0755);
    InRoot mountpoint(const std::string& path, bool dir, const MountOp* op);
    InRoot parent_and_name(const std::string& path, const MountOp* op, unsigned dir_mode = 0755);
    Fd reopen(const InRoot& at, const std::string& shown_path, const MountOp* op);
    void reopen_root(const MountOp* op);
    Fd bind_onto(const std::string& src, const std::string& shown_src, const InRoot& at, bool recursive,
                 const MountOp* op);
    void forget_within(const std::string& where);
    int remembered_parent(const std::string& path, std::string& name) const;
    void remember_parent(const std::string& path);
    void set_attrs(int fd, const std::string& path, bool recursive, std::uint64_t attrs, const MountOp* op);
    void set_attrs_at(int dir, const std::string& name, const std::string& path, bool recursive, std::uint64_t attrs,
                      const MountOp* op);
    void remount_fallback(int fd, const std::string& path, std::uint64_t attrs, const MountOp* op);

    // mnt_host.cpp: the root's top-level entries from the host or an image
    Synthetic synthetic() const;
    void bind_host_root();
    static std::vector<Entry> list_dir(int dirfd, const std::string& shown_path);
    void place_host(int sdir, int ddir, const std::string& name, const std::string& path, unsigned char type,
                    const Synthetic& synth);

    // mnt_bind.cpp: binds and stores
    bool bind_tree_by_name(const MountOp& op);
    bool bind_by_name(const MountOp& op, int src, bool dir);
    static std::uint64_t bind_attrs(const MountOp& op);
    void do_bind(const MountOp& op);
    void bind_symlink(const MountOp& op, int src);
    void do_store(const MountOp& op);
    void merge_store(const MountOp& op, const std::string& src, const InRoot& at, int host_dir);
    void bind_store_items(const MountOp& op, int sdir, int dir, const std::vector<std::string>& items);

    // mnt_ops.cpp: each mount step's dispatch, and the kinds that make something new
    void apply_op(const MountOp& op);
    Fd mount_tmpfs(const InRoot& at, unsigned mode, const std::optional<std::uint64_t>& size, unsigned long flags,
                   const MountOp* op);
    void do_tmpfs(const MountOp& op);
    void do_proc(const MountOp& op);
    void do_dev(const MountOp& op);
    void do_dir(const MountOp& op);
    void do_symlink(const MountOp& op);
    void do_file(const MountOp& op);
    void do_mask(const MountOp& op);
    void do_chmod(const MountOp& op);
    void do_remount(const MountOp& op);
    void do_mqueue(const MountOp& op);
    void make_stage(const MountOp& op);
    void do_overlay(const MountOp& op);
};

}  // namespace burrow::detail
