// Mounts: the new root and everything in it.
//
// How: make every mount private, mount a tmpfs on a scratch directory and pivot_root into
// it with the old root kept at /.oldroot. Sources are then reached as /.oldroot/<path>,
// even the directory the tmpfs was mounted on (it is uncovered once the tmpfs becomes the
// root). At the end the old root is detached and the new root made read-only. Nothing is
// ever created on a host filesystem: a missing mountpoint is created only on a tmpfs of
// our own. Each bind costs a constant number of syscalls (read-only is applied with
// mount_setattr(AT_RECURSIVE), never by rereading the mount table), so cost is linear in
// the number of mounts.
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
#include <cstring>
#include <climits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "apply.hpp"
#include "fd.hpp"

namespace burrow::detail {
namespace {

constexpr const char* kOld = "/.oldroot";        // the host's root while we build
constexpr const char* kFiles = "/.burrow-files";  // staging for "file" mounts

std::string parent_of(const std::string& p) {
    auto slash = p.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

bool is_under(const std::string& path, const std::string& dir) {
    return path == dir || (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
                           (dir == "/" || path[dir.size()] == '/'));
}

int do_mount_setattr(const char* path, bool recursive, std::uint64_t set) {
#ifdef SYS_mount_setattr
    struct mount_attr attr{};
    attr.attr_set = set;
    unsigned flags = recursive ? AT_RECURSIVE : 0;
    return static_cast<int>(::syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &attr, sizeof attr));
#else
    errno = ENOSYS;
    return -1;
#endif
}

class RootBuilder {
public:
    RootBuilder(const Plan& plan, const ApplyOptions& opts) : plan_(plan), opts_(opts) {}

    void build() {
        resolve_sources();
        make_private();
        enter_tmpfs_root();
        if (plan_.host_root) bind_host_root();
        for (const auto& op : plan_.mounts) apply_op(op);
        finish();
    }

private:
    const Plan& plan_;
    const ApplyOptions& opts_;
    std::set<dev_t> own_;          // filesystems we created: safe to create entries on
    int files_ = 0;                // staged "file" mounts
    bool have_setattr_ = true;
    // Host paths of bind and store sources, resolved while the host's root is still "/"
    // (so absolute symlinks on the way resolve on the host), or the errno that stopped it.
    std::map<const MountOp*, std::string> source_;
    std::map<const MountOp*, int> source_err_;
    std::string root_base_ = kOld;  // where the root's top-level entries come from

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
            root_base_ = std::string(kOld) + buf;
        }
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
            } else if (::realpath(dir.c_str(), buf)) {
                std::string d = buf;
                source_[&op] = (d == "/" ? "" : d) + "/" + base;
            } else {
                source_err_[&op] = errno;
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

    void enter_tmpfs_root() {
        // Any directory will do as a scratch mountpoint: once pivoted, it is uncovered
        // again under /.oldroot.
        const char* scratch = nullptr;
        for (const char* d : {"/tmp", "/mnt", "/run", "/var/tmp", "/dev", "/proc"}) {
            struct stat st{};
            if (::lstat(d, &st) == 0 && S_ISDIR(st.st_mode)) {
                scratch = d;
                break;
            }
        }
        if (!scratch) throw Error("no directory to mount the new root on (/tmp, /mnt, /run ...)");
        trace(opts_, std::string("tmpfs new root on ") + scratch + ", pivot_root into it");
        if (::mount("burrow-root", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
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
        remember_own("/");
    }

    void remember_own(const std::string& path) {
        struct stat st{};
        if (::stat(path.c_str(), &st) == 0) own_.insert(st.st_dev);
    }

    static std::string host(const std::string& path) {
        return std::string(kOld) + (path == "/" ? "" : path);
    }

    // ---- the host's root -----------------------------------------------------------

    // Paths we must synthesise rather than bind from the root's source: store
    // destinations (the host may have its own /gnu/store, or a /gnu we must not write
    // into), and destinations the source lacks that no other mount will hold (a file on
    // /etc/passwd of an image, a slice at /opt/x on a host with /opt): their ancestor
    // directories are recreated on our tmpfs, so nothing is ever created in the source.
    std::vector<std::string> synthetic() const {
        std::vector<std::string> out;
        for (const auto& m : plan_.mounts) {
            if (m.kind == MountOp::Kind::store) {
                out.push_back(m.destination);
                continue;
            }
            if (m.kind == MountOp::Kind::mask) continue;
            bool inside_other = false;
            for (const auto& o : plan_.mounts)
                if (&o != &m && o.kind != MountOp::Kind::mask && o.destination != m.destination &&
                    is_under(m.destination, o.destination))
                    inside_other = true;
            struct stat st{};
            if (!inside_other && ::lstat(from(m.destination).c_str(), &st) != 0)
                out.push_back(m.destination);
        }
        return out;
    }

    void bind_host_root() {
        trace(opts_, "bind the top-level entries of " + plan_.root_source + " (" +
                         (plan_.host_access == Access::ro ? "ro" : "rw") + ")");
        auto synth = synthetic();
        for (const auto& entry : list_dir(root_base_)) {
            if (std::find(plan_.host_exclude.begin(), plan_.host_exclude.end(), entry.name) !=
                plan_.host_exclude.end())
                continue;
            if ("/" + entry.name == kOld) continue;
            place_host("/" + entry.name, entry.type, synth);
        }
    }

    struct Entry {
        std::string name;
        unsigned char type;  // readdir's d_type: DT_UNKNOWN when the filesystem does not say
    };

    static std::vector<Entry> list_dir(const std::string& dir) {
        std::vector<Entry> out;
        DIR* d = ::opendir(dir.c_str());
        if (!d) throw Error("cannot list " + dir + ": " + errno_text(errno));
        while (auto* e = ::readdir(d)) {
            if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
            out.push_back({e->d_name, e->d_type});
        }
        ::closedir(d);
        std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
        return out;
    }

    // Put host path `path` into the new root: bind it whole, or — when a synthetic path
    // lies below it — recreate it as a directory and place its children one by one, so
    // the host stays visible everywhere except at the synthetic path.
    std::string from(const std::string& path) const { return root_base_ + path; }

    // `type` is the entry's d_type: with it, the common case (a directory or file bound
    // whole) needs no lstat. A split directory is lstat'ed anyway, for its mode.
    void place_host(const std::string& path, unsigned char type, const std::vector<std::string>& synth) {
        bool split = false, for_store = false;
        for (const auto& s : synth) {
            if (s == path) return;  // the op creates it
            if (is_under(s, path)) {
                split = true;
                for (const auto& m : plan_.mounts)
                    if (m.kind == MountOp::Kind::store && m.destination == s) for_store = true;
            }
        }
        struct stat st{};
        if (type == DT_DIR && !split) st.st_mode = S_IFDIR;
        else if (type == DT_REG && !split) st.st_mode = S_IFREG;
        else if (type == DT_LNK) st.st_mode = S_IFLNK;
        else if (::lstat(from(path).c_str(), &st) != 0) return;  // vanished meanwhile
        if (S_ISLNK(st.st_mode)) {
            if (for_store) {  // e.g. a host /gnu that is a symlink: shadow it with a directory
                mkdir_checked(path, 0755);
                return;
            }
            char target[4096];
            ssize_t n = ::readlink(from(path).c_str(), target, sizeof target - 1);
            if (n < 0) throw Error("cannot read the host symlink " + path + ": " + errno_text(errno));
            target[n] = '\0';
            if (::symlink(target, path.c_str()) != 0)
                throw Error("cannot recreate the host symlink " + path + ": " + errno_text(errno));
            return;
        }
        if (split && S_ISDIR(st.st_mode)) {
            mkdir_checked(path, st.st_mode & 07777);
            if (S_ISDIR(st.st_mode))
                for (const auto& child : list_dir(from(path)))
                    place_host(path + "/" + child.name, child.type, synth);
            return;
        }
        if (S_ISDIR(st.st_mode)) mkdir_checked(path, 0755);
        else create_file(path);
        if (!bind(from(path), path, true, nullptr, /*missing_ok=*/true)) {
            S_ISDIR(st.st_mode) ? ::rmdir(path.c_str()) : ::unlink(path.c_str());  // vanished meanwhile
            return;
        }
        if (plan_.host_access == Access::ro) set_attrs(path, true, MOUNT_ATTR_RDONLY, nullptr);
    }

    // ---- primitives ----------------------------------------------------------------

    void mkdir_checked(const std::string& path, mode_t mode) {
        if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
            throw Error("cannot create directory " + path + " in the new root: " + errno_text(errno));
    }

    void create_file(const std::string& path) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0444);
        if (fd < 0) throw Error("cannot create " + path + " in the new root: " + errno_text(errno));
        ::close(fd);
    }

    // With missing_ok, a source that does not exist (ENOENT) returns false instead of failing.
    bool bind(const std::string& from, const std::string& to, bool recursive, const MountOp* op,
              bool missing_ok = false) {
        unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);
        if (::mount(from.c_str(), to.c_str(), nullptr, flags, nullptr) == 0) return true;
        if (missing_ok && errno == ENOENT) return false;
        fail(op, "bind " + shown(from) + " → " + to + ": " + errno_text(errno));
    }

    static std::string shown(const std::string& p) {
        return p.rfind(kOld, 0) == 0 ? (p.size() == std::strlen(kOld) ? "/" : p.substr(std::strlen(kOld))) : p;
    }

    // Apply mount attributes to a mount (and all below it). Only the named attributes
    // change, so flags the kernel locked on a bind from a more privileged namespace
    // (nosuid, nodev, noexec, atime) are never cleared — clearing them is EPERM.
    void set_attrs(const std::string& path, bool recursive, std::uint64_t attrs, const MountOp* op) {
        if (have_setattr_) {
            if (do_mount_setattr(path.c_str(), recursive, attrs) == 0) return;
            if (errno != ENOSYS) fail(op, "cannot set mount attributes on " + path + ": " + errno_text(errno));
            have_setattr_ = false;  // kernel before 5.12
        }
        remount_fallback(path, attrs, op);
    }

    // Pre-5.12 kernels: MS_REMOUNT|MS_BIND, restating the flags already on the mount
    // (statvfs), on the top mount only.
    void remount_fallback(const std::string& path, std::uint64_t attrs, const MountOp* op) {
        struct statvfs sv{};
        if (::statvfs(path.c_str(), &sv) != 0) fail(op, "statvfs " + path + ": " + errno_text(errno));
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
        if (::mount(nullptr, path.c_str(), nullptr, flags, nullptr) != 0)
            fail(op, "cannot remount " + path + ": " + errno_text(errno));
    }

    // Make sure `path` exists as a directory (dir) or file (!dir) to mount on. Only ever
    // creates on our own tmpfs filesystems; a path that would have to be created on a host
    // filesystem is an error, never a silent write to the host.
    void ensure_mountpoint(const std::string& path, bool dir, const MountOp* op) {
        struct stat st{};
        if (::stat(path.c_str(), &st) == 0) {
            if (dir && !S_ISDIR(st.st_mode))
                fail(op, "cannot mount a directory on " + path + ": it is not a directory inside the sandbox");
            if (!dir && S_ISDIR(st.st_mode))
                fail(op, "cannot mount a file on " + path + ": it is a directory inside the sandbox");
            return;
        }
        ensure_parent_dirs(path, op);
        if (dir) mkdir_checked(path, 0755);
        else create_file(path);
    }

    void ensure_parent_dirs(const std::string& path, const MountOp* op) {
        // Walk up to the nearest existing ancestor; it must be on a filesystem of ours.
        std::vector<std::string> missing;
        std::string p = parent_of(path);
        struct stat st{};
        while (::stat(p.c_str(), &st) != 0) {
            if (errno != ENOENT) fail(op, "cannot look up " + p + ": " + errno_text(errno));
            missing.push_back(p);
            p = parent_of(p);
        }
        if (!S_ISDIR(st.st_mode)) fail(op, p + " is not a directory inside the sandbox");
        // The last component is created on the filesystem of `p` too.
        if (own_.count(st.st_dev) == 0)
            fail(op, path + " does not exist, and burrow never creates files or mountpoints "
                         "on the host's filesystems (" + p + " comes from the host); create it "
                         "on the host first, mount a parent directory instead, or put a tmpfs "
                         "there first");
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) mkdir_checked(*it, 0755);
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

    void do_bind(const MountOp& op) {
        trace(opts_, "bind " + op.source + " → " + op.destination + (op.readonly ? " (ro)" : " (rw)"));
        struct stat st{};
        std::string src = source_.count(&op) ? host(source_[&op]) : "";
        int err = source_err_.count(&op) ? source_err_[&op] : 0;
        if (!err && ::lstat(src.c_str(), &st) != 0) err = errno;
        if (!err && S_ISLNK(st.st_mode)) return bind_symlink(op, src);
        if (err) {
            if (op.optional && err == ENOENT) return;
            fail(&op, "bind source " + op.source + ": " + errno_text(err) +
                          (err == ENOENT ? "; create it, fix the path, or mark the mount optional "
                                           "(--bind-try, \"optional\": true)"
                                         : ""));
        }
        ensure_mountpoint(op.destination, S_ISDIR(st.st_mode), &op);
        bind(src, op.destination, op.recursive, &op);
        std::uint64_t attrs = MOUNT_ATTR_NOSUID;
        if (op.readonly) attrs |= MOUNT_ATTR_RDONLY;
        if (!op.devices) attrs |= MOUNT_ATTR_NODEV;
        if (op.noexec) attrs |= MOUNT_ATTR_NOEXEC;
        set_attrs(op.destination, op.recursive, attrs, &op);
    }

    // A bind source that is a symlink is recreated as the same symlink: inside, it resolves
    // within the sandbox's own tree, never to what it names on the host.
    void bind_symlink(const MountOp& op, const std::string& src) {
        char target[PATH_MAX];
        ssize_t n = ::readlink(src.c_str(), target, sizeof target - 1);
        if (n < 0) fail(&op, "cannot read the symlink " + op.source + ": " + errno_text(errno));
        target[n] = '\0';
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
        if (op.items.empty()) {
            trace(opts_, "store " + op.source + " → " + op.destination + " (ro)");
            ensure_mountpoint(op.destination, true, &op);
            bind(src, op.destination, true, &op);
            set_attrs(op.destination, true, kStoreAttrs, &op);
            return;
        }
        // Only the listed items: a small tmpfs of our own holds their mountpoints, and one
        // recursive read-only at the end covers it and every item.
        trace(opts_, "store " + op.source + " → " + op.destination + " (" +
                         std::to_string(op.items.size()) + " items, ro)");
        ensure_mountpoint(op.destination, true, &op);
        if (::mount("burrow-store", op.destination.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
            fail(&op, "cannot mount a tmpfs on " + op.destination + ": " + errno_text(errno));
        for (const auto& item : op.items) {
            std::string from = src + "/" + item, to = op.destination + "/" + item;
            struct stat ist{};
            if (::lstat(from.c_str(), &ist) != 0)
                fail(&op, "store item \"" + item + "\" not found in " + op.source +
                              " (incomplete pack or store?): " + errno_text(errno));
            if (S_ISLNK(ist.st_mode)) {
                char target[4096];
                ssize_t n = ::readlink(from.c_str(), target, sizeof target - 1);
                if (n < 0 || (target[n] = '\0', ::symlink(target, to.c_str()) != 0))
                    fail(&op, "cannot recreate store symlink " + item + ": " + errno_text(errno));
                continue;
            }
            if (S_ISDIR(ist.st_mode)) mkdir_checked(to, 0755);
            else create_file(to);
            bind(from, to, true, &op);
        }
        set_attrs(op.destination, true, kStoreAttrs, &op);
    }

    void mount_tmpfs(const std::string& dest, unsigned mode, const std::optional<std::uint64_t>& size,
                     unsigned long flags, const MountOp* op) {
        char data[64];
        if (size) std::snprintf(data, sizeof data, "mode=%04o,size=%llu", mode, static_cast<unsigned long long>(*size));
        else std::snprintf(data, sizeof data, "mode=%04o", mode);
        if (::mount("tmpfs", dest.c_str(), "tmpfs", flags, data) != 0)
            fail(op, "cannot mount a tmpfs on " + dest + ": " + errno_text(errno));
        remember_own(dest);
    }

    void do_tmpfs(const MountOp& op) {
        trace(opts_, "tmpfs " + op.destination);
        ensure_mountpoint(op.destination, true, &op);
        mount_tmpfs(op.destination, op.mode, op.size, MS_NOSUID | MS_NODEV, &op);
    }

    void do_proc(const MountOp& op) {
        trace(opts_, "proc " + op.destination);
        ensure_mountpoint(op.destination, true, &op);
        if (::mount("proc", op.destination.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
            fail(&op, "cannot mount a new /proc on " + op.destination + ": " + errno_text(errno) +
                          "; the kernel allows it only in a pid namespace of ours (--unshare-pid) "
                          "and when the host's /proc is not partly hidden (as in some containers); "
                          "otherwise bind the host's: --ro-bind /proc " + op.destination);
        // As root inside (uid 0 mapped to the host's root) the kernel's knobs under /proc
        // would be writable: make them read-only, as bubblewrap does.
        for (const char* knob : {"sys", "sysrq-trigger", "irq", "bus"}) {
            std::string path = op.destination + "/" + knob;
            struct stat st{};
            if (::lstat(path.c_str(), &st) != 0) continue;
            bind(path, path, true, &op);
            set_attrs(path, true, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &op);
        }
    }

    void do_dev(const MountOp& op) {
        trace(opts_, "minimal /dev on " + op.destination);
        const std::string& d = op.destination;
        ensure_mountpoint(d, true, &op);
        mount_tmpfs(d, 0755, std::nullopt, MS_NOSUID | MS_NOEXEC, &op);
        for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
            std::string from = host(std::string("/dev/") + node), to = d + "/" + node;
            struct stat st{};
            if (::stat(from.c_str(), &st) != 0) continue;  // e.g. no /dev/tty in some containers
            create_file(to);
            bind(from, to, false, &op);
        }
        mkdir_checked(d + "/shm", 01777);
        mount_tmpfs(d + "/shm", 01777, std::nullopt, MS_NOSUID | MS_NODEV, &op);
        mkdir_checked(d + "/pts", 0755);
        if (::mount("devpts", (d + "/pts").c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
                    "newinstance,ptmxmode=0666,mode=620") != 0) {
            // Some kernels refuse devpts in a user namespace: use the host's.
            bind(host("/dev/pts"), d + "/pts", true, &op);
        }
        struct Link { const char* name; const char* target; };
        for (Link l : {Link{"ptmx", "pts/ptmx"}, Link{"fd", "/proc/self/fd"},
                       Link{"stdin", "/proc/self/fd/0"}, Link{"stdout", "/proc/self/fd/1"},
                       Link{"stderr", "/proc/self/fd/2"}, Link{"core", "/proc/kcore"}})
            if (::symlink(l.target, (d + "/" + l.name).c_str()) != 0)
                fail(&op, "cannot create " + d + "/" + l.name + ": " + errno_text(errno));
    }

    void do_dir(const MountOp& op) {
        struct stat st{};
        if (::stat(op.destination.c_str(), &st) == 0) {
            if (!S_ISDIR(st.st_mode)) fail(&op, op.destination + " exists and is not a directory");
            return;
        }
        trace(opts_, "dir " + op.destination);
        ensure_parent_dirs(op.destination, &op);
        mkdir_checked(op.destination, 0700);
        if (::chmod(op.destination.c_str(), op.mode) != 0)
            fail(&op, "chmod " + op.destination + ": " + errno_text(errno));
    }

    void do_symlink(const MountOp& op) {
        trace(opts_, "symlink " + op.destination + " → " + op.target);
        struct stat st{};
        if (::lstat(op.destination.c_str(), &st) == 0) {
            char have[4096];
            ssize_t n = ::readlink(op.destination.c_str(), have, sizeof have - 1);
            if (n >= 0 && std::string(have, static_cast<size_t>(n)) == op.target) return;
            fail(&op, "cannot create the symlink " + op.destination + ": something else is already there");
        }
        ensure_parent_dirs(op.destination, &op);
        if (::symlink(op.target.c_str(), op.destination.c_str()) != 0)
            fail(&op, "cannot create the symlink " + op.destination + ": " + errno_text(errno));
    }

    // The content goes into a file staged on the root tmpfs and bound read-only on the
    // destination, which works whether the destination is ours or a host file.
    void do_file(const MountOp& op) {
        trace(opts_, "file " + op.destination);
        if (files_ == 0) mkdir_checked(kFiles, 0700);
        std::string staged = std::string(kFiles) + "/" + std::to_string(files_++);
        {
            Fd fd(::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
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
        ensure_mountpoint(op.destination, false, &op);
        bind(staged, op.destination, false, &op);
        set_attrs(op.destination, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
    }

    void do_mask(const MountOp& op) {
        struct stat st{};
        if (::stat(op.destination.c_str(), &st) != 0) return;  // nothing to hide
        trace(opts_, "mask " + op.destination);
        if (S_ISDIR(st.st_mode)) {
            mount_tmpfs(op.destination, 0555, std::nullopt,
                        MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, &op);
            return;
        }
        bind(host("/dev/null"), op.destination, false, &op);
        set_attrs(op.destination, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
    }

    void finish() {
        trace(opts_, "detach the old root, make the new root read-only");
        if (::umount2(kOld, MNT_DETACH) != 0)
            throw Error(std::string("cannot detach the old root: ") + errno_text(errno));
        ::rmdir(kOld);
        if (files_ > 0) {
            for (int i = 0; i < files_; ++i)
                ::unlink((std::string(kFiles) + "/" + std::to_string(i)).c_str());
            ::rmdir(kFiles);
        }
        if (::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
            throw Error(std::string("cannot make the new root read-only: ") + errno_text(errno));
    }
};

}  // namespace

void build_root(const Plan& plan, const ApplyOptions& opts) {
    RootBuilder(plan, opts).build();
}

}  // namespace burrow::detail
