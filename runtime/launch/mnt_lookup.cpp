// Mounts (mnt_root.hpp): lookups in the new root, the bind primitive, the remembered
// directories, mount attributes.
#include "runtime/launch/mnt_root.hpp"

namespace burrow::detail {

// Creating is allowed only on filesystems of ours; a path that would have to be
// created on a host (or image) filesystem is an error, never a silent write there.
void RootBuilder::may_create(int dirfd, const std::string& dir, const std::string& path, const MountOp* op) const {
    struct stat st {};
    if (::fstat(dirfd, &st) != 0) fail(op, "fstat " + dir + ": " + errno_text(errno));
    if (own_.count(st.st_dev) == 0 && !plan_.bwrap)
        fail(op, path +
                     " does not exist, and burrow never creates files or mountpoints "
                     "on the host's filesystems (" +
                     dir +
                     " comes from the host or the image); "
                     "create it there first, mount a parent directory instead, or put a tmpfs "
                     "there first");
}

InRoot RootBuilder::lookup(const std::string& path, Make make, const MountOp* op, bool follow_last, unsigned dir_mode) {
    try {
        return open_in_root(
            root_.get(), path, make, follow_last,
            [&](int dirfd, const std::string& dir) { may_create(dirfd, dir, path, op); }, dir_mode);
    } catch (const Error& e) {
        if (op && !op->origin.empty() && std::string(e.what()).find(op->origin) == std::string::npos)
            fail(op, e.what());
        throw;
    }
}

// Make sure `path` exists as a directory (dir) or file (!dir) to mount on and return it.
InRoot RootBuilder::mountpoint(const std::string& path, bool dir, const MountOp* op) {
    InRoot at = lookup(path, dir ? Make::dir : Make::file, op);
    struct stat st {};
    if (::fstat(at.fd.get(), &st) != 0) fail(op, "fstat " + path + ": " + errno_text(errno));
    if (dir && !S_ISDIR(st.st_mode))
        fail(op, "cannot mount a directory on " + path + ": it is not a directory inside the sandbox");
    if (!dir && S_ISDIR(st.st_mode))
        fail(op, "cannot mount a file on " + path + ": it is a directory inside the sandbox");
    return at;
}

// The parent directory of `path` (created if missing, on our filesystems only) and the
// last component, which is not followed.
InRoot RootBuilder::parent_and_name(const std::string& path, const MountOp* op, unsigned dir_mode) {
    std::string name = path.substr(path.rfind('/') + 1);
    if (name.empty() || name == "." || name == "..") fail(op, path + ": the last component must be a name");
    InRoot parent = lookup(parent_of(path), Make::dir, op, true, dir_mode);
    struct stat st {};
    if (::fstat(parent.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail(op, parent_of(path) + " is not a directory inside the sandbox");
    return InRoot{std::move(parent.fd), name, path, Fd()};
}

// The mount now on top of `at` (a lookup by name crosses into it).
Fd RootBuilder::reopen(const InRoot& at, const std::string& shown_path, const MountOp* op) {
    // A mount on the root itself (--bind / /) covers it: every lookup from now on starts
    // from the new mount.
    if (at.name.empty()) reopen_root(op);
    Fd fd(at.name.empty() ? ::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0)
                          : ::openat(at.dir.get(), at.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) fail(op, "cannot open " + shown_path + " after mounting on it: " + errno_text(errno));
    return fd;
}

void RootBuilder::reopen_root(const MountOp* op) {
    root_.reset(::open(kNew, O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root_) fail(op, std::string("cannot open the new root after mounting on it: ") + errno_text(errno));
    dirs_.clear();
}

// Bind `src` (an fd or a path of ours) onto the mountpoint `at`, then return the new mount.
Fd RootBuilder::bind_onto(const std::string& src, const std::string& shown_src, const InRoot& at, bool recursive,
                          const MountOp* op) {
    unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
    if (::mount(src.c_str(), fd_path(at.fd.get()).c_str(), nullptr, flags, nullptr) != 0)
        fail(op, "bind " + shown_src + " → " + at.where + ": " + errno_text(errno));
    forget_within(at.where);
    return reopen(at, at.where, op);
}

// A mount now covers `where` (a path below the root, as resolved): every remembered
// directory at or below it may be hidden.
void RootBuilder::forget_within(const std::string& where) {
    if (dirs_.empty()) return;
    if (where == "/" || where.empty()) {
        dirs_.clear();
        return;
    }
    dirs_.erase(where);
    // The paths below `where` sort together, from where + "/" up to where + "0".
    dirs_.erase(dirs_.lower_bound(where + "/"), dirs_.lower_bound(where + "0"));
}

// The fd of `path`'s parent when it is remembered (dirs_), with `name` set to the last
// component; -1 when it is not, or the last component is not a plain name.
int RootBuilder::remembered_parent(const std::string& path, std::string& name) const {
    auto it = dirs_.find(parent_of(path));
    if (it == dirs_.end()) return -1;
    name = path.substr(path.rfind('/') + 1);
    if (name.empty() || name == "." || name == "..") return -1;
    return it->second.fd.get();
}

// After a mount at `path` made the slow way: remember its parent directory for the
// binds that follow, if it may be (see dirs_).
void RootBuilder::remember_parent(const std::string& path) {
    const std::string parent = parent_of(path);
    if (dirs_.count(parent) || path.find('/') == std::string::npos) return;
    InRoot at;
    try {
        at = open_in_root(root_.get(), parent, Make::none, true, [](int, const std::string&) {});
    } catch (const Error&) {
        return;  // only an optimisation: the next bind looks the path up in full
    }
    struct stat st {};
    if (!at.fd || at.where != parent || ::fstat(at.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode) ||
        !own_.count(st.st_dev))
        return;
    if (dirs_.size() >= kMaxDirs) dirs_.clear();
    dirs_.emplace(parent, Dir{std::move(at.fd), st.st_dev});
}

// Apply mount attributes to a mount (and all below it). Only the named attributes
// change, so flags the kernel locked on a bind from a more privileged namespace
// (nosuid, nodev, noexec, atime) are never cleared — clearing them is EPERM.
void RootBuilder::set_attrs(int fd, const std::string& path, bool recursive, std::uint64_t attrs, const MountOp* op) {
    if (have_setattr_) {
        if (do_mount_setattr(fd, "", recursive, attrs) == 0) return;
        if (errno != ENOSYS) fail(op, "cannot set mount attributes on " + path + ": " + errno_text(errno));
        have_setattr_ = false;  // kernel before 5.12
    }
    remount_fallback(fd, path, attrs, op);
}

// The same for the mount at `name` in directory `dir`, reached by name: no fd of the
// new mount is needed (one openat and one close fewer per bind).
void RootBuilder::set_attrs_at(int dir, const std::string& name, const std::string& path, bool recursive,
                               std::uint64_t attrs, const MountOp* op) {
    if (have_setattr_) {
        if (do_mount_setattr(dir, name.c_str(), recursive, attrs) == 0) return;
        if (errno != ENOSYS) fail(op, "cannot set mount attributes on " + path + ": " + errno_text(errno));
        have_setattr_ = false;  // kernel before 5.12
    }
    Fd top(::openat(dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!top) fail(op, "cannot open " + path + " after mounting on it: " + errno_text(errno));
    remount_fallback(top.get(), path, attrs, op);
}

// Pre-5.12 kernels: MS_REMOUNT|MS_BIND, restating the flags already on the mount
// (fstatvfs), on the top mount only.
void RootBuilder::remount_fallback(int fd, const std::string& path, std::uint64_t attrs, const MountOp* op) {
    struct statvfs sv {};
    if (::fstatvfs(fd, &sv) != 0) fail(op, "statvfs " + path + ": " + errno_text(errno));
    unsigned long flags = MS_REMOUNT | MS_BIND;
    if (sv.f_flag & ST_RDONLY) flags |= MS_RDONLY;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    if (attrs & MOUNT_ATTR_RDONLY) flags |= MS_RDONLY;
    if (attrs & MOUNT_ATTR_NOSUID) flags |= MS_NOSUID;
    if (attrs & MOUNT_ATTR_NODEV) flags |= MS_NODEV;
    if (attrs & MOUNT_ATTR_NOEXEC) flags |= MS_NOEXEC;
    if (::mount(nullptr, fd_path(fd).c_str(), nullptr, flags, nullptr) != 0)
        fail(op, "cannot remount " + path + ": " + errno_text(errno));
}

}  // namespace burrow::detail
