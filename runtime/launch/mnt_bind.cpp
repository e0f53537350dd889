// Mounts (mnt_root.hpp): binds and stores.
#include "runtime/launch/mnt_root.hpp"

namespace burrow::detail {

// bind_by_name() for a directory source with the mount API of Linux 5.2: open_tree
// clones the source (the clone mount(2) would make of it, from the same resolved host
// path, a symlink not followed), mount_setattr sets its attributes while it is still
// detached, and move_mount attaches it by name in the remembered parent. Six syscalls
// instead of eight. False, with nothing attached, whenever the classic way must do it
// or say why it cannot: no such kernel (or a filter refusing the calls), a source that
// is missing or not a directory, a symlink at the destination.
bool RootBuilder::bind_tree_by_name(const MountOp& op) {
#if defined(SYS_open_tree) && defined(SYS_move_mount) && defined(SYS_mount_setattr)
    if (!have_open_tree_ || !have_setattr_) return false;
    const std::string& path = op.destination;
    std::string name;
    const int parent = remembered_parent(path, name);
    if (parent < 0) return false;
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW | (op.recursive ? AT_RECURSIVE : 0);
    Fd tree(static_cast<int>(::syscall(SYS_open_tree, AT_FDCWD, host(source_[&op]).c_str(), flags)));
    if (!tree) {
        if (errno == ENOSYS || errno == EPERM) have_open_tree_ = false;
        return false;
    }
    struct stat st {};
    if (::fstat(tree.get(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
    if (do_mount_setattr(tree.get(), "", op.recursive, bind_attrs(op)) != 0) {
        if (errno == ENOSYS || errno == EPERM) {
            have_open_tree_ = false;
            return false;
        }
        fail(&op, "cannot set mount attributes on " + path + ": " + errno_text(errno));
    }
    // As in bind_by_name(): the parent is ours, a fresh directory needs no check.
    if (::mkdirat(parent, name.c_str(), 0755) != 0) {
        if (errno != EEXIST) fail(&op, "cannot create directory " + path + " in the new root: " + errno_text(errno));
        if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode)) return false;
        if (!S_ISDIR(st.st_mode))
            fail(&op, "cannot mount a directory on " + path + ": it is not a directory inside the sandbox");
    }
    // The last component is not followed (no MOVE_MOUNT_T_SYMLINKS); a mount already on
    // it is crossed into, as a lookup by name does.
    if (::syscall(SYS_move_mount, tree.get(), "", parent, name.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) {
        if (errno == ENOSYS || errno == EPERM) {
            have_open_tree_ = false;
            return false;  // the directory made stays: the classic way mounts on it
        }
        fail(&op, "bind " + op.source + " → " + path + ": " + errno_text(errno));
    }
    forget_within(path);
    return true;
#else
    (void)op;
    return false;
#endif
}

// A bind whose destination's parent is remembered: the mountpoint is made (or found)
// there by name and mounted on, with the syscalls of the last component only. The
// messages are those of the full lookup (mountpoint(), bind_onto()). False, with
// nothing done but perhaps the mountpoint made, when the full lookup must decide: the
// parent not remembered, or a symlink (to be followed) at the destination.
bool RootBuilder::bind_by_name(const MountOp& op, int src, bool dir) {
    const std::string& path = op.destination;
    std::string name;
    const int parent = remembered_parent(path, name);
    if (parent < 0) return false;
    // The parent is one of our directories (dirs_ holds no other): creating in it is
    // allowed, as may_create() would say. Make first, then open: a fresh directory
    // needs no fstat to be known as one.
    bool made = false;
    if (dir) {
        made = ::mkdirat(parent, name.c_str(), 0755) == 0;
        if (!made && errno != EEXIST)
            fail(&op, "cannot create directory " + path + " in the new root: " + errno_text(errno));
    } else {
        try {
            make_entry(parent, name, Make::file, 0444, path);  // an existing entry is fine
        } catch (const Error& e) {
            fail(&op, e.what());  // named by its origin, as lookup() names it
        }
    }
    Fd at(::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC | (made ? O_DIRECTORY : 0)));
    if (!at) return false;
    if (!made) {
        struct stat st {};
        if (::fstat(at.get(), &st) != 0) fail(&op, "fstat " + path + ": " + errno_text(errno));
        if (S_ISLNK(st.st_mode)) return false;
        if (dir && !S_ISDIR(st.st_mode))
            fail(&op, "cannot mount a directory on " + path + ": it is not a directory inside the sandbox");
        if (!dir && S_ISDIR(st.st_mode))
            fail(&op, "cannot mount a file on " + path + ": it is a directory inside the sandbox");
    }
    unsigned long flags = MS_BIND | (op.recursive ? MS_REC : 0);
    if (::mount(fd_path(src).c_str(), fd_path(at.get()).c_str(), nullptr, flags, nullptr) != 0)
        fail(&op, "bind " + op.source + " → " + path + ": " + errno_text(errno));
    forget_within(path);
    set_attrs_at(parent, name, path, op.recursive, bind_attrs(op), &op);
    return true;
}

std::uint64_t RootBuilder::bind_attrs(const MountOp& op) {
    std::uint64_t attrs = MOUNT_ATTR_NOSUID;
    if (op.readonly) attrs |= MOUNT_ATTR_RDONLY;
    if (!op.devices) attrs |= MOUNT_ATTR_NODEV;
    if (op.noexec) attrs |= MOUNT_ATTR_NOEXEC;
    return attrs;
}

void RootBuilder::do_bind(const MountOp& op) {
    if (opts_.debug)  // not even the message is made otherwise: there may be thousands
        trace(opts_, "bind " + op.source + " → " + op.destination + (op.readonly ? " (ro)" : " (rw)"));
    struct stat st {};
    int err = source_err_.count(&op) ? source_err_[&op] : 0;
    if (!err && op.fd < 0 && bind_tree_by_name(op)) return;
    Fd src;
    if (!err) {
        src.reset(::open(host(source_[&op]).c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!src || ::fstat(src.get(), &st) != 0) err = errno;
    }
    if (!err && op.fd >= 0) {
        // What is bound (src, opened once and mounted through its fd) must be the file
        // that the fd is open on: the path may have been replaced since.
        struct stat want {};
        if (::fstat(op.fd, &want) != 0) fail(&op, "fd " + std::to_string(op.fd) + ": " + errno_text(errno));
        if (want.st_dev != st.st_dev || want.st_ino != st.st_ino)
            fail(&op, "fd " + std::to_string(op.fd) + " is no longer open on what " + source_[&op] +
                          " names (it was replaced); nothing was mounted");
    }
    if (err) {
        if (op.optional && err == ENOENT) return;
        if (plan_.bwrap) fail(&op, "Can't find source path " + op.source + ": " + errno_text(err));
        fail(&op, "bind source " + op.source + ": " + errno_text(err) +
                      (err == ENOENT ? "; create it, fix the path, or mark the mount optional "
                                       "(--bind-try, \"optional\": true)"
                                     : ""));
    }
    if (S_ISLNK(st.st_mode)) return bind_symlink(op, src.get());
    if (bind_by_name(op, src.get(), S_ISDIR(st.st_mode))) return;
    InRoot at = mountpoint(op.destination, S_ISDIR(st.st_mode), &op);
    Fd top = bind_onto(fd_path(src.get()), op.source, at, op.recursive, &op);
    set_attrs(top.get(), op.destination, op.recursive, bind_attrs(op), &op);
    remember_parent(op.destination);
}

// A bind source that is a symlink is recreated as the same symlink: inside, it resolves
// within the sandbox's own tree, never to what it names on the host.
void RootBuilder::bind_symlink(const MountOp& op, int src) {
    std::string target;
    try {
        target = read_link_fd(src);
    } catch (const Error& e) {
        fail(&op, "bind source " + op.source + ": " + e.what());
    }
    trace(opts_, "bind source " + op.source + " is a symlink: recreated as one (→ " + target + ")");
    MountOp link = op;
    link.kind = MountOp::Kind::symlink;
    link.target = target;
    do_symlink(link);
}

namespace {
constexpr std::uint64_t kStoreAttrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
}  // namespace

void RootBuilder::do_store(const MountOp& op) {
    std::string src = source_.count(&op) ? host(source_[&op]) : host(op.source);
    struct stat st {};
    if (source_err_.count(&op)) errno = source_err_[&op];
    if (source_err_.count(&op) || ::stat(src.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail(&op, "store directory " + op.source + ": " +
                      (S_ISDIR(st.st_mode) || errno ? errno_text(errno) : std::string("not a directory")));
    InRoot at = mountpoint(op.destination, true, &op);
    if (auto h = host_stores_.find(op.destination); h != host_stores_.end()) {
        merge_store(op, src, at, h->second.get());
        return;
    }
    if (op.items.empty()) {
        trace(opts_, "store " + op.source + " → " + op.destination + " (ro)");
        Fd top = bind_onto(src, op.source, at, true, &op);
        set_attrs(top.get(), op.destination, true, kStoreAttrs, &op);
        return;
    }
    // Only the listed items: a small tmpfs of our own holds their mountpoints, and one
    // recursive read-only at the end covers it and every item.
    trace(opts_,
          "store " + op.source + " → " + op.destination + " (" + std::to_string(op.items.size()) + " items, ro)");
    Fd dir = mount_tmpfs(at, 0755, std::nullopt, MS_NOSUID | MS_NODEV, &op);
    Fd sdir(::open(src.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!sdir) fail(&op, "store directory " + op.source + ": " + errno_text(errno));
    bind_store_items(op, sdir.get(), dir.get(), op.items);
    set_attrs(dir.get(), op.destination, true, kStoreAttrs, &op);
}

// Each of `items` of store directory `sdir` into directory `dir` of the new root: bound
// whole, or recreated when it is a symlink.
void RootBuilder::bind_store_items(const MountOp& op, int sdir, int dir, const std::vector<std::string>& items) {
    for (const auto& item : items) {
        if (item.empty() || item == "." || item == ".." || item.find('/') != std::string::npos)
            fail(&op, "store item \"" + item + "\" is not a plain name");
        Fd from(::openat(sdir, item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        struct stat ist {};
        if (!from || ::fstat(from.get(), &ist) != 0)
            fail(&op, "store item \"" + item + "\" not found in " + op.source +
                          " (incomplete pack or store?): " + errno_text(errno));
        std::string shown = op.destination + "/" + item;
        if (S_ISLNK(ist.st_mode)) {
            std::string target = read_link_fd(from.get());
            if (::symlinkat(target.c_str(), dir, item.c_str()) != 0)
                fail(&op, "cannot recreate store symlink " + item + ": " + errno_text(errno));
            continue;
        }
        if (S_ISDIR(ist.st_mode))
            make_entry(dir, item, Make::dir, 0755, shown);
        else
            make_entry(dir, item, Make::file, 0444, shown);
        InRoot to{Fd(), item, shown, Fd(::openat(dir, item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC))};
        if (!to.fd) fail(&op, "cannot open " + shown + ": " + errno_text(errno));
        if (::mount(fd_path(from.get()).c_str(), fd_path(to.fd.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
            fail(&op, "bind store item " + item + " → " + shown + ": " + errno_text(errno));
        forget_within(shown);
    }
}

// The host has a store of its own at the destination (a Guix or Nix host): both are seen
// there, and the store's items win over the host's of the same name. One read-only
// overlay (the store's directory over the host's) costs one mount whatever the sizes, so
// it comes first; the whole store's directory is the upper layer, so with "items" the
// store's other items show as well. Where the kernel refuses the overlay (before 5.11 in
// a user namespace, or a filesystem overlayfs cannot stack), a tmpfs takes every host
// entry, bound one by one, then the store's items: correct, and slower for a big store.
void RootBuilder::merge_store(const MountOp& op, const std::string& src, const InRoot& at, int host_dir) {
    Fd sdir(::open(src.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!sdir) fail(&op, "store directory " + op.source + ": " + errno_text(errno));
    const std::string data = "lowerdir=" + fd_path(sdir.get()) + ":" + fd_path(host_dir) + ",userxattr";
    using Merge = ApplyOptions::StoreMerge;
    errno = EPERM;
    if (opts_.store_merge != Merge::binds && ::mount("overlay", fd_path(at.fd.get()).c_str(), "overlay",
                                                     MS_RDONLY | MS_NOSUID | MS_NODEV, data.c_str()) == 0) {
        forget_within(at.where);
        Fd top = reopen(at, op.destination, &op);
        // overlayfs merges two directories of one name: an item the host has too is bound
        // over the merged one, so it holds the store's files only.
        std::vector<std::string> both;
        for (const auto& e : list_dir(sdir.get(), op.source)) {
            struct stat hs {
            }, ss{};
            if (::fstatat(host_dir, e.name.c_str(), &hs, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(hs.st_mode) &&
                ::fstatat(sdir.get(), e.name.c_str(), &ss, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(ss.st_mode))
                both.push_back(e.name);
        }
        trace(opts_, "store " + op.source + " → " + op.destination + " (ro), over the host's own " + op.destination +
                         " (overlay; items the host has too, bound over it: " + std::to_string(both.size()) + ")");
        for (const auto& item : both) {
            Fd from(::openat(sdir.get(), item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            Fd to(::openat(top.get(), item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            if (!from || !to ||
                ::mount(fd_path(from.get()).c_str(), fd_path(to.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) !=
                    0)
                fail(&op, "bind store item " + item + " over the host's " + op.destination + "/" + item + ": " +
                              errno_text(errno));
        }
        if (!both.empty()) set_attrs(top.get(), op.destination, true, kStoreAttrs, &op);
        return;
    }
    const int err = errno;
    if (opts_.store_merge == Merge::overlay)
        fail(&op, "cannot mount the store " + op.source + " over the host's own " + op.destination +
                      " as an overlay (BURROW_STORE_MERGE=overlay): " + errno_text(err) +
                      "; unset BURROW_STORE_MERGE to bind the host's entries one by one instead");
    std::vector<std::string> items = op.items;
    if (items.empty())
        for (const auto& e : list_dir(sdir.get(), op.source)) items.push_back(e.name);
    trace(opts_, "store " + op.source + " → " + op.destination + " (" + std::to_string(items.size()) +
                     " items, ro), with each entry of the host's own " + op.destination + " bound beside them (" +
                     (opts_.store_merge == Merge::binds ? std::string("BURROW_STORE_MERGE=binds")
                                                        : "an overlay was refused: " + errno_text(err)) +
                     ")");
    Fd dir = mount_tmpfs(at, 0755, std::nullopt, MS_NOSUID | MS_NODEV, &op);
    const std::unordered_set<std::string> ours(items.begin(), items.end());
    const Synthetic none;
    for (const auto& e : list_dir(host_dir, op.destination))
        if (!ours.count(e.name)) place_host(host_dir, dir.get(), e.name, op.destination + "/" + e.name, e.type, none);
    bind_store_items(op, sdir.get(), dir.get(), items);
    set_attrs(dir.get(), op.destination, true, kStoreAttrs, &op);
}

}  // namespace burrow::detail
