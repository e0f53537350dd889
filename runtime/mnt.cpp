// Mounts: the new root and everything in it.
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

#include "apply.hpp"
#include "base/fd.hpp"
#include "base/path.hpp"
#include "inroot.hpp"
#include "path_index.hpp"

namespace burrow::detail {
namespace {

constexpr const char* kOld = "/.oldroot";    // the host's root while we build
constexpr const char* kNew = "/.newroot";    // the root being built
constexpr const char* kStage = "/.staged";   // "file" mount contents, outside the new root

// The path through which mount(2) reaches exactly the file `fd` is open on.
std::string fd_path(int fd) { return std::string(kOld) + "/proc/self/fd/" + std::to_string(fd); }

// mount_setattr on the mount at `name` in directory `dir` (the last component is not
// followed; a mount on it is crossed into), or on `dir` itself when name is "".
int do_mount_setattr(int dir, const char* name, bool recursive, std::uint64_t set) {
#ifdef SYS_mount_setattr
    struct mount_attr attr{};
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
void for_each_dir_holding(const std::string& path, F&& f) {
    for_each_holder(path, [&](std::string_view q) {
        if (is_under(path, q)) f(q);
    });
}

}  // namespace

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

    // Make the new root read-only (remount-root-ro), then move it onto "/" and detach the
    // scratch tmpfs with the host's root below it (detach-old-root); then check that "/"
    // really is the new root, so a mount stacked on the way can never leave the host's
    // root reachable.
    void remount_ro() {
        trace(opts_, "make the new root read-only");
        if (::mount(nullptr, kNew, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
            throw Error(std::string("cannot make the new root read-only: ") + errno_text(errno));
    }

    void detach() {
        trace(opts_, "detach the old root");
        if (::fchdir(root_.get()) != 0) throw Error(std::string("chdir to the new root: ") + errno_text(errno));
        // pivot_root(".", "."): the new root becomes "/" with the scratch root stacked on it,
        // which the detach then removes with everything below it (the host's root).
        if (::syscall(SYS_pivot_root, ".", ".") != 0)
            throw Error(std::string("pivot_root onto the new root failed: ") + errno_text(errno));
        if (::umount2(".", MNT_DETACH) != 0)
            throw Error(std::string("cannot detach the old root: ") + errno_text(errno));
        if (::chdir("/") != 0) throw Error(std::string("chdir /: ") + errno_text(errno));
        struct stat st{}, old{};
        bool old_visible = ::stat(kOld, &old) == 0 && old.st_dev == host_root_.st_dev && old.st_ino == host_root_.st_ino;
        if (::stat("/", &st) != 0 || st.st_dev != root_dev_ || old_visible)
            throw Error("the old root is still reachable after detaching it; refusing to run the program");
    }

private:
    const Plan& plan_;
    const ApplyOptions& opts_;
    Fd root_;                      // O_PATH on the new root (/.newroot)
    dev_t root_dev_ = 0;
    struct stat host_root_{};      // the host's "/", which must be unreachable at the end
    std::set<dev_t> own_;          // filesystems we created: safe to create entries on
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
    int files_ = 0;                // staged "file" mounts
    bool have_setattr_ = true;
    bool have_open_tree_ = true;   // open_tree + move_mount (5.2) usable, with mount_setattr
    // Host paths of bind and store sources, resolved while the host's root is still "/"
    // (so absolute symlinks on the way resolve on the host), or the errno that stopped it.
    std::map<const MountOp*, std::string> source_;
    std::map<const MountOp*, int> source_err_;
    std::string root_base_ = kOld;  // where the root's top-level entries come from
    bool image_root_ = false;       // root_base_ is an image, not the host's "/"

    // Binds: every directory on the way is followed, the last component is not (a symlink
    // there is recreated as a symlink, so it cannot lead outside what was granted).
    // Stores: followed entirely (the store directory itself may be a link).
    void resolve_sources() {
        if (plan_.host_root && plan_.root_source != "/") {
            char buf[PATH_MAX];
            struct stat st{};
            if (!::realpath(plan_.root_source.c_str(), buf) || ::stat(buf, &st) != 0)
                throw Error("/root/path: root directory " + plan_.root_source + ": " + errno_text(errno) +
                            "; unpack the image there first (e.g. umoci unpack --rootless)");
            if (!S_ISDIR(st.st_mode))
                throw Error("/root/path: " + plan_.root_source + " is not a directory; a root is a directory "
                            "tree such as an unpacked image's rootfs");
            if (std::string(buf) != "/") root_base_ = std::string(kOld) + buf, image_root_ = true;
        }
        // Binds often share a source directory, and realpath() reads every component of
        // it (a readlink each): each directory is resolved once, to its path or errno.
        std::unordered_map<std::string, std::pair<std::string, int>> real_dirs;
        for (const auto& op : plan_.mounts) {
            if (op.kind != MountOp::Kind::bind && op.kind != MountOp::Kind::store) continue;
            char buf[PATH_MAX];
            std::string path = op.source;
            if (op.kind == MountOp::Kind::store) {
                if (::realpath(path.c_str(), buf)) source_[&op] = buf;
                else source_err_[&op] = errno;
                continue;
            }
            std::string dir = parent_of(path), base = path.substr(path.rfind('/') + 1);
            if (path == "/") {
                source_[&op] = "/";
                continue;
            }
            auto [real, fresh] = real_dirs.try_emplace(dir);
            if (fresh) real->second = ::realpath(dir.c_str(), buf) ? std::pair<std::string, int>(buf, 0)
                                                                   : std::pair<std::string, int>("", errno);
            if (real->second.second == 0) {
                const std::string& d = real->second.first;
                source_[&op] = (d == "/" ? "" : d) + "/" + base;
            } else {
                source_err_[&op] = real->second.second;
            }
        }
    }

    [[noreturn]] void fail(const MountOp* op, const std::string& what) const {
        std::string where = op && !op->origin.empty() ? op->origin + ": " : "";
        throw Error(where + what);
    }

    void make_private() {
        trace(opts_, "make all mounts private");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
            throw NamespaceError("cannot make the mounts private in the new mount namespace: " +
                                 errno_text(errno) + diagnose_after_userns());
    }

    // After unshare succeeded, a refusal here is a security module (AppArmor) or a
    // container: say so, so packs can move on to another engine.
    static std::string diagnose_after_userns() {
        return "; the kernel let burrow create a user namespace but forbids mounting in it "
               "(AppArmor's kernel.apparmor_restrict_unprivileged_userns, or a container's "
               "policy); see burrow(1), DIAGNOSTICS, for how to allow it, or use BURROW_ENGINE=proot";
    }

    void enter_scratch_root() {
        // Any directory will do as a mountpoint for the scratch tmpfs: once pivoted, it is
        // uncovered again under /.oldroot.
        const char* scratch = nullptr;
        for (const char* d : {"/tmp", "/mnt", "/run", "/var/tmp", "/dev", "/proc"}) {
            struct stat st{};
            if (::lstat(d, &st) == 0 && S_ISDIR(st.st_mode)) {
                scratch = d;
                break;
            }
        }
        if (!scratch) throw Error("no directory to mount the new root on (/tmp, /mnt, /run ...)");
        if (::stat("/", &host_root_) != 0) throw Error(std::string("stat /: ") + errno_text(errno));
        trace(opts_, std::string("tmpfs new root on ") + scratch + ", pivot_root into it");
        if (::mount("burrow-scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0)
            throw NamespaceError(std::string("cannot mount a tmpfs for the new root on ") +
                                 scratch + ": " + errno_text(errno) + diagnose_after_userns());
        std::string old = std::string(scratch) + kOld;
        if (::mkdir(old.c_str(), 0700) != 0)
            throw Error("cannot create " + old + " on the new root: " + errno_text(errno));
        if (::syscall(SYS_pivot_root, scratch, old.c_str()) != 0) {
            int err = errno;
            throw Error("pivot_root into the new root failed: " + errno_text(err) +
                        (err == EINVAL ? "; the host's root is probably an initramfs (rootfs), "
                                         "which cannot be pivoted away from: boot with a real root "
                                         "filesystem, or run burrow after switch_root"
                                       : ""));
        }
        if (::chdir("/") != 0) throw Error("chdir / in the new root: " + errno_text(errno));
        if (::mkdir(kNew, 0755) != 0 ||
            ::mount("burrow-root", kNew, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
            throw Error(std::string("cannot mount a tmpfs for the new root: ") + errno_text(errno));
        root_.reset(::open(kNew, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!root_) throw Error(std::string("cannot open the new root: ") + errno_text(errno));
        root_dev_ = remember_own(root_.get());
    }

    dev_t remember_own(int fd) {
        struct stat st{};
        if (::fstat(fd, &st) != 0) throw Error("fstat: " + errno_text(errno));
        own_.insert(st.st_dev);
        return st.st_dev;
    }

    static std::string host(const std::string& path) {
        return std::string(kOld) + (path == "/" ? "" : path);
    }

    // ---- lookups in the new root ------------------------------------------------------

    // Creating is allowed only on filesystems of ours; a path that would have to be
    // created on a host (or image) filesystem is an error, never a silent write there.
    void may_create(int dirfd, const std::string& dir, const std::string& path, const MountOp* op) const {
        struct stat st{};
        if (::fstat(dirfd, &st) != 0) fail(op, "fstat " + dir + ": " + errno_text(errno));
        if (own_.count(st.st_dev) == 0)
            fail(op, path + " does not exist, and burrow never creates files or mountpoints "
                         "on the host's filesystems (" + dir + " comes from the host or the image); "
                         "create it there first, mount a parent directory instead, or put a tmpfs "
                         "there first");
    }

    InRoot lookup(const std::string& path, Make make, const MountOp* op, bool follow_last = true) {
        try {
            return open_in_root(root_.get(), path, make, follow_last,
                                [&](int dirfd, const std::string& dir) { may_create(dirfd, dir, path, op); });
        } catch (const Error& e) {
            if (op && !op->origin.empty() && std::string(e.what()).rfind(op->origin, 0) != 0)
                fail(op, e.what());
            throw;
        }
    }

    // Make sure `path` exists as a directory (dir) or file (!dir) to mount on and return it.
    InRoot mountpoint(const std::string& path, bool dir, const MountOp* op) {
        InRoot at = lookup(path, dir ? Make::dir : Make::file, op);
        struct stat st{};
        if (::fstat(at.fd.get(), &st) != 0) fail(op, "fstat " + path + ": " + errno_text(errno));
        if (dir && !S_ISDIR(st.st_mode))
            fail(op, "cannot mount a directory on " + path + ": it is not a directory inside the sandbox");
        if (!dir && S_ISDIR(st.st_mode))
            fail(op, "cannot mount a file on " + path + ": it is a directory inside the sandbox");
        return at;
    }

    // The parent directory of `path` (created if missing, on our filesystems only) and the
    // last component, which is not followed.
    InRoot parent_and_name(const std::string& path, const MountOp* op) {
        std::string name = path.substr(path.rfind('/') + 1);
        if (name.empty() || name == "." || name == "..")
            fail(op, path + ": the last component must be a name");
        InRoot parent = lookup(parent_of(path), Make::dir, op);
        struct stat st{};
        if (::fstat(parent.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode))
            fail(op, parent_of(path) + " is not a directory inside the sandbox");
        return InRoot{std::move(parent.fd), name, path, Fd()};
    }

    // The mount now on top of `at` (a lookup by name crosses into it).
    Fd reopen(const InRoot& at, const std::string& shown_path, const MountOp* op) {
        Fd fd(at.name.empty() ? ::fcntl(at.dir.get(), F_DUPFD_CLOEXEC, 0)
                              : ::openat(at.dir.get(), at.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) fail(op, "cannot open " + shown_path + " after mounting on it: " + errno_text(errno));
        return fd;
    }

    // ---- the host's root -----------------------------------------------------------

    // Paths we must synthesise rather than bind from the root's source: store
    // destinations (the host may have its own /gnu/store, or a /gnu we must not write
    // into), and destinations the source lacks that no other mount will hold (a file on
    // /etc/passwd of an image, a slice at /opt/x on a host with /opt): their ancestor
    // directories are recreated on our tmpfs, so nothing is ever created in the source.
    //
    // Kept as sets of paths, so that placing each host entry asks them by lookup rather than
    // comparing with every mount (thousands of binds below /tmp made that quadratic).
    struct Synthetic {
        std::unordered_set<std::string> at;            // the synthetic paths
        std::unordered_set<std::string> above;         // directories holding one of them
        std::unordered_set<std::string> above_store;   // directories holding a store destination
    };

    Synthetic synthetic() const {
        Synthetic out;
        auto add = [&](const std::string& path, bool store) {
            out.at.insert(path);
            for_each_dir_holding(path, [&](std::string_view q) {
                out.above.emplace(q);
                if (store) out.above_store.emplace(q);
            });
        };
        // Destinations of the mounts that are not masks: a mount below one of them is
        // "inside another" (held by a different destination).
        std::unordered_set<std::string_view> dests;
        for (const auto& m : plan_.mounts)
            if (m.kind != MountOp::Kind::mask) dests.insert(m.destination);
        for (const auto& m : plan_.mounts) {
            if (m.kind == MountOp::Kind::store) {
                add(m.destination, true);
                continue;
            }
            if (m.kind == MountOp::Kind::mask) continue;
            bool inside_other = false;
            for_each_dir_holding(m.destination, [&](std::string_view q) {
                if (q != m.destination && dests.count(q)) inside_other = true;
            });
            struct stat st{};
            // Only asks whether the source has the entry: nothing is opened or created.
            if (!inside_other && ::lstat(from(m.destination).c_str(), &st) != 0) add(m.destination, false);
        }
        return out;
    }

    void bind_host_root() {
        trace(opts_, "bind the top-level entries of " + plan_.root_source + " (" +
                         (plan_.host_access == Access::ro ? "ro" : "rw") + ")");
        auto synth = synthetic();
        Fd src(::open(root_base_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!src) throw Error("cannot open " + plan_.root_source + ": " + errno_text(errno));
        for (const auto& entry : list_dir(src.get(), plan_.root_source)) {
            if (std::find(plan_.host_exclude.begin(), plan_.host_exclude.end(), entry.name) !=
                plan_.host_exclude.end())
                continue;
            place_host(src.get(), root_.get(), entry.name, "/" + entry.name, entry.type, synth);
        }
    }

    struct Entry {
        std::string name;
        unsigned char type;  // readdir's d_type: DT_UNKNOWN when the filesystem does not say
    };

    static std::vector<Entry> list_dir(int dirfd, const std::string& shown_path) {
        std::vector<Entry> out;
        int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
        if (!d) {
            int err = errno;
            if (fd >= 0) ::close(fd);
            throw Error("cannot list " + shown_path + ": " + errno_text(err));
        }
        while (auto* e = ::readdir(d)) {
            if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
            out.push_back({e->d_name, e->d_type});
        }
        ::closedir(d);
        std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
        return out;
    }

    std::string from(const std::string& path) const { return root_base_ + path; }

    // Put entry `name` of source directory `sdir` into directory `ddir` of the new root
    // (sandbox path `path`): bind it whole, or — when a synthetic path lies below it —
    // recreate it as a directory and place its children one by one, so the source stays
    // visible everywhere except at the synthetic path. Symlinks are recreated, never
    // followed.
    void place_host(int sdir, int ddir, const std::string& name, const std::string& path, unsigned char type,
                    const Synthetic& synth) {
        if (synth.at.count(path)) return;  // the op creates it
        const bool split = synth.above.count(path) != 0;          // a synthetic path below it
        const bool for_store = synth.above_store.count(path) != 0;  // ... that is a store's
        Fd src(::openat(sdir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!src) return;  // vanished meanwhile
        struct stat st{};
        if (type == DT_DIR && !split) st.st_mode = S_IFDIR;
        else if (type == DT_REG && !split) st.st_mode = S_IFREG;
        else if (type == DT_LNK) st.st_mode = S_IFLNK;
        else if (::fstat(src.get(), &st) != 0) return;
        if (S_ISLNK(st.st_mode)) {
            if (for_store) {  // e.g. a host /gnu that is a symlink: shadow it with a directory
                make_entry(ddir, name, Make::dir, 0755, path);
                return;
            }
            std::string target = read_link_fd(src.get());
            if (::symlinkat(target.c_str(), ddir, name.c_str()) != 0)
                throw Error("cannot recreate the symlink " + path + ": " + errno_text(errno));
            return;
        }
        if (split && S_ISDIR(st.st_mode)) {
            make_entry(ddir, name, Make::dir, st.st_mode & 07777, path);
            Fd child(::openat(ddir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!child) throw Error("cannot open " + path + " in the new root: " + errno_text(errno));
            for (const auto& e : list_dir(src.get(), path))
                place_host(src.get(), child.get(), e.name, path + "/" + e.name, e.type, synth);
            return;
        }
        bool dir = S_ISDIR(st.st_mode);
        if (dir) make_entry(ddir, name, Make::dir, 0755, path);
        else make_entry(ddir, name, Make::file, 0444, path);
        Fd dst(::openat(ddir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!dst) throw Error("cannot open " + path + " in the new root: " + errno_text(errno));
        if (::mount(fd_path(src.get()).c_str(), fd_path(dst.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
            int err = errno;
            if (err == ENOENT) {  // vanished meanwhile
                ::unlinkat(ddir, name.c_str(), dir ? AT_REMOVEDIR : 0);
                return;
            }
            throw Error("bind " + plan_.root_source + (path == "/" ? "" : path) + " → " + path + ": " + errno_text(err));
        }
        forget_within(path);
        // What comes from an image is never trusted with set-id programs or device nodes.
        std::uint64_t attrs = image_root_ ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV : 0;
        if (plan_.host_access == Access::ro) attrs |= MOUNT_ATTR_RDONLY;
        if (attrs) {
            Fd top(::openat(ddir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            if (!top) throw Error("cannot open " + path + " after mounting on it: " + errno_text(errno));
            set_attrs(top.get(), path, true, attrs, nullptr);
        }
    }

    // bind_by_name() for a directory source with the mount API of Linux 5.2: open_tree
    // clones the source (the clone mount(2) would make of it, from the same resolved host
    // path, a symlink not followed), mount_setattr sets its attributes while it is still
    // detached, and move_mount attaches it by name in the remembered parent. Six syscalls
    // instead of eight. False, with nothing attached, whenever the classic way must do it
    // or say why it cannot: no such kernel (or a filter refusing the calls), a source that
    // is missing or not a directory, a symlink at the destination.
    bool bind_tree_by_name(const MountOp& op) {
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
        struct stat st{};
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

    // ---- primitives ----------------------------------------------------------------

    // Bind `src` (an fd or a path of ours) onto the mountpoint `at`, then return the new mount.
    Fd bind_onto(const std::string& src, const std::string& shown_src, const InRoot& at, bool recursive,
                 const MountOp* op) {
        unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
        if (::mount(src.c_str(), fd_path(at.fd.get()).c_str(), nullptr, flags, nullptr) != 0)
            fail(op, "bind " + shown_src + " → " + at.where + ": " + errno_text(errno));
        forget_within(at.where);
        return reopen(at, at.where, op);
    }

    // ---- directories remembered for binds into them (dirs_) ---------------------------

    // A mount now covers `where` (a path below the root, as resolved): every remembered
    // directory at or below it may be hidden.
    void forget_within(const std::string& where) {
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
    int remembered_parent(const std::string& path, std::string& name) const {
        auto it = dirs_.find(parent_of(path));
        if (it == dirs_.end()) return -1;
        name = path.substr(path.rfind('/') + 1);
        if (name.empty() || name == "." || name == "..") return -1;
        return it->second.fd.get();
    }

    // After a mount at `path` made the slow way: remember its parent directory for the
    // binds that follow, if it may be (see dirs_).
    void remember_parent(const std::string& path) {
        const std::string parent = parent_of(path);
        if (dirs_.count(parent) || path.find('/') == std::string::npos) return;
        InRoot at;
        try {
            at = open_in_root(root_.get(), parent, Make::none, true, [](int, const std::string&) {});
        } catch (const Error&) {
            return;  // only an optimisation: the next bind looks the path up in full
        }
        struct stat st{};
        if (!at.fd || at.where != parent || ::fstat(at.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode) ||
            !own_.count(st.st_dev))
            return;
        if (dirs_.size() >= kMaxDirs) dirs_.clear();
        dirs_.emplace(parent, Dir{std::move(at.fd), st.st_dev});
    }

    // A bind whose destination's parent is remembered: the mountpoint is made (or found)
    // there by name and mounted on, with the syscalls of the last component only. The
    // messages are those of the full lookup (mountpoint(), bind_onto()). False, with
    // nothing done but perhaps the mountpoint made, when the full lookup must decide: the
    // parent not remembered, or a symlink (to be followed) at the destination.
    bool bind_by_name(const MountOp& op, int src, bool dir) {
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
            struct stat st{};
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

    // Apply mount attributes to a mount (and all below it). Only the named attributes
    // change, so flags the kernel locked on a bind from a more privileged namespace
    // (nosuid, nodev, noexec, atime) are never cleared — clearing them is EPERM.
    void set_attrs(int fd, const std::string& path, bool recursive, std::uint64_t attrs, const MountOp* op) {
        if (have_setattr_) {
            if (do_mount_setattr(fd, "", recursive, attrs) == 0) return;
            if (errno != ENOSYS) fail(op, "cannot set mount attributes on " + path + ": " + errno_text(errno));
            have_setattr_ = false;  // kernel before 5.12
        }
        remount_fallback(fd, path, attrs, op);
    }

    // The same for the mount at `name` in directory `dir`, reached by name: no fd of the
    // new mount is needed (one openat and one close fewer per bind).
    void set_attrs_at(int dir, const std::string& name, const std::string& path, bool recursive,
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
    void remount_fallback(int fd, const std::string& path, std::uint64_t attrs, const MountOp* op) {
        struct statvfs sv{};
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

    // ---- operations ------------------------------------------------------------------

    void apply_op(const MountOp& op) {
        switch (op.kind) {
            case MountOp::Kind::bind: return do_bind(op);
            case MountOp::Kind::store: return do_store(op);
            case MountOp::Kind::tmpfs: return do_tmpfs(op);
            case MountOp::Kind::proc: return do_proc(op);
            case MountOp::Kind::dev: return do_dev(op);
            case MountOp::Kind::dir: return do_dir(op);
            case MountOp::Kind::symlink: return do_symlink(op);
            case MountOp::Kind::file: return do_file(op);
            case MountOp::Kind::mask: return do_mask(op);
        }
    }

    static std::uint64_t bind_attrs(const MountOp& op) {
        std::uint64_t attrs = MOUNT_ATTR_NOSUID;
        if (op.readonly) attrs |= MOUNT_ATTR_RDONLY;
        if (!op.devices) attrs |= MOUNT_ATTR_NODEV;
        if (op.noexec) attrs |= MOUNT_ATTR_NOEXEC;
        return attrs;
    }

    void do_bind(const MountOp& op) {
        if (opts_.debug)  // not even the message is made otherwise: there may be thousands
            trace(opts_, "bind " + op.source + " → " + op.destination + (op.readonly ? " (ro)" : " (rw)"));
        struct stat st{};
        int err = source_err_.count(&op) ? source_err_[&op] : 0;
        if (!err && bind_tree_by_name(op)) return;
        Fd src;
        if (!err) {
            src.reset(::open(host(source_[&op]).c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            if (!src || ::fstat(src.get(), &st) != 0) err = errno;
        }
        if (err) {
            if (op.optional && err == ENOENT) return;
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
    void bind_symlink(const MountOp& op, int src) {
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

    void do_store(const MountOp& op) {
        constexpr std::uint64_t kStoreAttrs = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
        std::string src = source_.count(&op) ? host(source_[&op]) : host(op.source);
        struct stat st{};
        if (source_err_.count(&op)) errno = source_err_[&op];
        if (source_err_.count(&op) || ::stat(src.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            fail(&op, "store directory " + op.source + ": " +
                          (S_ISDIR(st.st_mode) || errno ? errno_text(errno) : std::string("not a directory")));
        InRoot at = mountpoint(op.destination, true, &op);
        if (op.items.empty()) {
            trace(opts_, "store " + op.source + " → " + op.destination + " (ro)");
            Fd top = bind_onto(src, op.source, at, true, &op);
            set_attrs(top.get(), op.destination, true, kStoreAttrs, &op);
            return;
        }
        // Only the listed items: a small tmpfs of our own holds their mountpoints, and one
        // recursive read-only at the end covers it and every item.
        trace(opts_, "store " + op.source + " → " + op.destination + " (" +
                         std::to_string(op.items.size()) + " items, ro)");
        Fd dir = mount_tmpfs(at, 0755, std::nullopt, MS_NOSUID | MS_NODEV, &op);
        Fd sdir(::open(src.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!sdir) fail(&op, "store directory " + op.source + ": " + errno_text(errno));
        for (const auto& item : op.items) {
            if (item.empty() || item == "." || item == ".." || item.find('/') != std::string::npos)
                fail(&op, "store item \"" + item + "\" is not a plain name");
            Fd from(::openat(sdir.get(), item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
            struct stat ist{};
            if (!from || ::fstat(from.get(), &ist) != 0)
                fail(&op, "store item \"" + item + "\" not found in " + op.source +
                              " (incomplete pack or store?): " + errno_text(errno));
            std::string shown = op.destination + "/" + item;
            if (S_ISLNK(ist.st_mode)) {
                std::string target = read_link_fd(from.get());
                if (::symlinkat(target.c_str(), dir.get(), item.c_str()) != 0)
                    fail(&op, "cannot recreate store symlink " + item + ": " + errno_text(errno));
                continue;
            }
            if (S_ISDIR(ist.st_mode)) make_entry(dir.get(), item, Make::dir, 0755, shown);
            else make_entry(dir.get(), item, Make::file, 0444, shown);
            InRoot to{Fd(), item, shown, Fd(::openat(dir.get(), item.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC))};
            if (!to.fd) fail(&op, "cannot open " + shown + ": " + errno_text(errno));
            if (::mount(fd_path(from.get()).c_str(), fd_path(to.fd.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
                fail(&op, "bind store item " + item + " → " + shown + ": " + errno_text(errno));
            forget_within(shown);
        }
        set_attrs(dir.get(), op.destination, true, kStoreAttrs, &op);
    }

    // Mount a tmpfs on `at` and return the new mount, remembered as ours.
    Fd mount_tmpfs(const InRoot& at, unsigned mode, const std::optional<std::uint64_t>& size,
                   unsigned long flags, const MountOp* op) {
        char data[64];
        if (size) std::snprintf(data, sizeof data, "mode=%04o,size=%llu", mode, static_cast<unsigned long long>(*size));
        else std::snprintf(data, sizeof data, "mode=%04o", mode);
        if (::mount("tmpfs", fd_path(at.fd.get()).c_str(), "tmpfs", flags, data) != 0)
            fail(op, "cannot mount a tmpfs on " + at.where + ": " + errno_text(errno));
        forget_within(at.where);
        Fd top = reopen(at, at.where, op);
        remember_own(top.get());
        return top;
    }

    void do_tmpfs(const MountOp& op) {
        trace(opts_, "tmpfs " + op.destination);
        InRoot at = mountpoint(op.destination, true, &op);
        mount_tmpfs(at, op.mode, op.size, MS_NOSUID | MS_NODEV, &op);
    }

    void do_proc(const MountOp& op) {
        trace(opts_, "proc " + op.destination);
        InRoot at = mountpoint(op.destination, true, &op);
        if (::mount("proc", fd_path(at.fd.get()).c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
            fail(&op, "cannot mount a new /proc on " + op.destination + ": " + errno_text(errno) +
                          "; the kernel allows it only in a pid namespace of ours (--unshare-pid) "
                          "and when the host's /proc is not partly hidden (as in some containers); "
                          "otherwise bind the host's: --ro-bind /proc " + op.destination);
        forget_within(at.where);
        Fd proc = reopen(at, op.destination, &op);
        // As root inside (uid 0 mapped to the host's root) the kernel's knobs under /proc
        // would be writable: make them read-only, as bubblewrap does.
        for (const char* knob : {"sys", "sysrq-trigger", "irq", "bus"}) {
            InRoot k{Fd(::fcntl(proc.get(), F_DUPFD_CLOEXEC, 0)), knob, op.destination + "/" + knob,
                     Fd(::openat(proc.get(), knob, O_PATH | O_NOFOLLOW | O_CLOEXEC))};
            if (!k.fd) continue;
            Fd top = bind_onto(fd_path(k.fd.get()), k.where, k, true, &op);
            set_attrs(top.get(), k.where, true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &op);
        }
    }

    void do_dev(const MountOp& op) {
        trace(opts_, "minimal /dev on " + op.destination);
        const std::string& d = op.destination;
        InRoot at = mountpoint(d, true, &op);
        Fd dev = mount_tmpfs(at, 0755, std::nullopt, MS_NOSUID | MS_NOEXEC, &op);
        auto in_dev = [&](const char* name) {
            return InRoot{Fd(::fcntl(dev.get(), F_DUPFD_CLOEXEC, 0)), name, d + "/" + name,
                          Fd(::openat(dev.get(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC))};
        };
        for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
            std::string from = host(std::string("/dev/") + node);
            struct stat st{};
            if (::stat(from.c_str(), &st) != 0) continue;  // e.g. no /dev/tty in some containers
            make_entry(dev.get(), node, Make::file, 0444, d + "/" + node);
            bind_onto(from, std::string("/dev/") + node, in_dev(node), false, &op);
        }
        make_entry(dev.get(), "shm", Make::dir, 01777, d + "/shm");
        mount_tmpfs(in_dev("shm"), 01777, std::nullopt, MS_NOSUID | MS_NODEV, &op);
        make_entry(dev.get(), "pts", Make::dir, 0755, d + "/pts");
        InRoot pts = in_dev("pts");
        if (::mount("devpts", fd_path(pts.fd.get()).c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
                    "newinstance,ptmxmode=0666,mode=620") != 0) {
            // Some kernels refuse devpts in a user namespace: use the host's.
            bind_onto(host("/dev/pts"), "/dev/pts", pts, true, &op);
        }
        struct Link { const char* name; const char* target; };
        for (Link l : {Link{"ptmx", "pts/ptmx"}, Link{"fd", "/proc/self/fd"},
                       Link{"stdin", "/proc/self/fd/0"}, Link{"stdout", "/proc/self/fd/1"},
                       Link{"stderr", "/proc/self/fd/2"}, Link{"core", "/proc/kcore"}})
            if (::symlinkat(l.target, dev.get(), l.name) != 0)
                fail(&op, "cannot create " + d + "/" + l.name + ": " + errno_text(errno));
    }

    void do_dir(const MountOp& op) {
        InRoot at = lookup(op.destination, Make::none, &op);
        if (at.fd) {
            struct stat st{};
            if (::fstat(at.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode))
                fail(&op, op.destination + " exists and is not a directory");
            return;
        }
        trace(opts_, "dir " + op.destination);
        InRoot parent = parent_and_name(op.destination, &op);
        may_create(parent.dir.get(), parent_of(op.destination), op.destination, &op);
        if (::mkdirat(parent.dir.get(), parent.name.c_str(), 0700) != 0)
            fail(&op, "cannot create directory " + op.destination + " in the new root: " + errno_text(errno));
        // Just made by us on our own filesystem: nothing else can have replaced it.
        if (::fchmodat(parent.dir.get(), parent.name.c_str(), op.mode, 0) != 0)
            fail(&op, "chmod " + op.destination + ": " + errno_text(errno));
    }

    void do_symlink(const MountOp& op) {
        trace(opts_, "symlink " + op.destination + " → " + op.target);
        InRoot at = parent_and_name(op.destination, &op);
        Fd have(::openat(at.dir.get(), at.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (have) {
            struct stat st{};
            if (::fstat(have.get(), &st) == 0 && S_ISLNK(st.st_mode) && read_link_fd(have.get()) == op.target)
                return;
            fail(&op, "cannot create the symlink " + op.destination + ": something else is already there");
        }
        may_create(at.dir.get(), parent_of(op.destination), op.destination, &op);
        if (::symlinkat(op.target.c_str(), at.dir.get(), at.name.c_str()) != 0)
            fail(&op, "cannot create the symlink " + op.destination + ": " + errno_text(errno));
    }

    // The content goes into a file staged on the scratch tmpfs, outside the new root where
    // no name from an image reaches, and is bound read-only on the destination, which works
    // whether the destination is ours or a host file. The staged name is removed at once:
    // the bind keeps the content alive.
    void do_file(const MountOp& op) {
        trace(opts_, "file " + op.destination);
        if (files_ == 0 && ::mkdir(kStage, 0700) != 0)
            fail(&op, std::string("cannot create the staging directory: ") + errno_text(errno));
        std::string staged = std::string(kStage) + "/" + std::to_string(files_++);
        {
            Fd fd(::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
            if (!fd) fail(&op, "cannot stage the content of " + op.destination + ": " + errno_text(errno));
            const char* p = op.content.data();
            size_t left = op.content.size();
            while (left > 0) {
                ssize_t n = ::write(fd.get(), p, left);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    fail(&op, "cannot write the content of " + op.destination + ": " + errno_text(errno));
                }
                p += n;
                left -= static_cast<size_t>(n);
            }
            if (::fchmod(fd.get(), op.mode) != 0)
                fail(&op, "chmod " + op.destination + ": " + errno_text(errno));
        }
        InRoot at = mountpoint(op.destination, false, &op);
        Fd top = bind_onto(staged, op.destination, at, false, &op);
        ::unlink(staged.c_str());
        set_attrs(top.get(), op.destination, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
    }

    void do_mask(const MountOp& op) {
        InRoot at = lookup(op.destination, Make::none, &op);
        struct stat st{};
        if (!at.fd || ::fstat(at.fd.get(), &st) != 0) return;  // nothing to hide
        trace(opts_, "mask " + op.destination);
        if (S_ISDIR(st.st_mode)) {
            mount_tmpfs(at, 0555, std::nullopt, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, &op);
            return;
        }
        Fd top = bind_onto(host("/dev/null"), "/dev/null", at, false, &op);
        set_attrs(top.get(), op.destination, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
    }
};

void RootBuilderDelete::operator()(RootBuilder* b) const { delete b; }

void root_tmpfs(Run& run) {
    run.root.reset(new RootBuilder(run.plan, run.opts));
    run.root->begin();
}

void host_root(Run& run) { run.root->host_root(); }

void apply_mount(Run& run, const MountOp& op) { run.root->op(op); }

void remount_root_ro(Run& run) { run.root->remount_ro(); }

void detach_old_root(Run& run) {
    run.root->detach();
    run.root.reset();  // the new root is "/": nothing more to build
}

}  // namespace burrow::detail
