// Mounts (mnt_root.hpp): the scratch root, the sources resolved before entering it, and
// the pivot onto the new root at the end; the steps that call RootBuilder.
#include "runtime/launch/mnt_root.hpp"

namespace burrow::detail {

// Binds: every directory on the way is followed, the last component is not (a symlink
// there is recreated as a symlink, so it cannot lead outside what was granted).
// Stores: followed entirely (the store directory itself may be a link).
void RootBuilder::resolve_sources() {
    if (plan_.host_root && plan_.root_source != "/") {
        char buf[PATH_MAX];
        struct stat st {};
        if (!::realpath(plan_.root_source.c_str(), buf) || ::stat(buf, &st) != 0)
            throw Error("/root/path: root directory " + plan_.root_source + ": " + errno_text(errno) +
                        "; unpack the image there first (e.g. umoci unpack --rootless)");
        if (!S_ISDIR(st.st_mode))
            throw Error("/root/path: " + plan_.root_source +
                        " is not a directory; a root is a directory "
                        "tree such as an unpacked image's rootfs");
        if (std::string(buf) != "/") root_base_ = std::string(kOld) + buf, image_root_ = true;
    }
    // Binds often share a source directory, and realpath() reads every component of
    // it (a readlink each): each directory is resolved once, to its path or errno.
    std::unordered_map<std::string, std::pair<std::string, int>> real_dirs;
    for (const auto& op : plan_.mounts) {
        char buf[PATH_MAX];
        if (op.kind == MountOp::Kind::overlay) {
            OverlayDirs& d = overlay_[&op];
            std::vector<const std::string*> dirs;
            for (const auto& l : op.items) dirs.push_back(&l);
            if (!op.upper.empty()) dirs.push_back(&op.upper), dirs.push_back(&op.work);
            for (const std::string* p : dirs) {
                const bool ok = ::realpath(p->c_str(), buf) != nullptr;
                d.path.emplace_back(ok ? buf : "");
                d.err.push_back(ok ? 0 : errno);
            }
            continue;
        }
        if (op.kind != MountOp::Kind::bind && op.kind != MountOp::Kind::store) continue;
        // A private home (--home DIR) is made on first use; its parent must exist.
        if (op.create && ::mkdir(op.source.c_str(), 0700) != 0 && errno != EEXIST)
            throw Error(op.origin + ": cannot create the home directory " + op.source + ": " + errno_text(errno));
        if (op.fd >= 0) {
            // --bind-fd: the kernel refuses a bind from the caller's mount namespace, so
            // the fd's path is bound, once checked to be the same file (do_bind()).
            ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(op.fd)).c_str(), buf, sizeof buf - 1);
            if (n > 0 && buf[0] == '/')
                source_[&op] = std::string(buf, static_cast<size_t>(n));
            else
                source_err_[&op] = n > 0 ? ENOTDIR : errno;
            continue;
        }
        std::string path = op.source;
        if (op.kind == MountOp::Kind::store) {
            if (::realpath(path.c_str(), buf))
                source_[&op] = buf;
            else
                source_err_[&op] = errno;
            continue;
        }
        if (plan_.bwrap) {  // bwrap follows a symlink source to what it names
            if (::realpath(path.c_str(), buf))
                source_[&op] = buf;
            else
                source_err_[&op] = errno;
            continue;
        }
        std::string dir = parent_of(path), base = path.substr(path.rfind('/') + 1);
        if (path == "/") {
            source_[&op] = "/";
            continue;
        }
        auto [real, fresh] = real_dirs.try_emplace(dir);
        if (fresh)
            real->second = ::realpath(dir.c_str(), buf) ? std::pair<std::string, int>(buf, 0)
                                                        : std::pair<std::string, int>("", errno);
        if (real->second.second == 0) {
            const std::string& d = real->second.first;
            source_[&op] = (d == "/" ? "" : d) + "/" + base;
        } else {
            source_err_[&op] = real->second.second;
        }
    }
}

void RootBuilder::make_private() {
    trace(opts_, "make all mounts private");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        throw NamespaceError("cannot make the mounts private in the new mount namespace: " + errno_text(errno) +
                             diagnose_after_userns());
}

// After unshare succeeded, a refusal here is a security module (AppArmor) or a
// container: say so, so packs can move on to another engine.
std::string RootBuilder::diagnose_after_userns() {
    return "; the kernel let burrow create a user namespace but forbids mounting in it "
           "(AppArmor's kernel.apparmor_restrict_unprivileged_userns, or a container's "
           "policy); see burrow(1), DIAGNOSTICS, for how to allow it, or use BURROW_ENGINE=proot";
}

void RootBuilder::enter_scratch_root() {
    // Any directory will do as a mountpoint for the scratch tmpfs: once pivoted, it is
    // uncovered again under /.oldroot.
    const char* scratch = nullptr;
    for (const char* d : {"/tmp", "/mnt", "/run", "/var/tmp", "/dev", "/proc"}) {
        struct stat st {};
        if (::lstat(d, &st) == 0 && S_ISDIR(st.st_mode)) {
            scratch = d;
            break;
        }
    }
    if (!scratch) throw Error("no directory to mount the new root on (/tmp, /mnt, /run ...)");
    if (::stat("/", &host_root_) != 0) throw Error(std::string("stat /: ") + errno_text(errno));
    trace(opts_, std::string("tmpfs new root on ") + scratch + ", pivot_root into it");
    if (::mount("burrow-scratch", scratch, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") != 0)
        throw NamespaceError(std::string("cannot mount a tmpfs for the new root on ") + scratch + ": " +
                             errno_text(errno) + diagnose_after_userns());
    std::string old = std::string(scratch) + kOld;
    if (::mkdir(old.c_str(), 0700) != 0) throw Error("cannot create " + old + " on the new root: " + errno_text(errno));
    if (::syscall(SYS_pivot_root, scratch, old.c_str()) != 0) {
        int err = errno;
        throw Error("pivot_root into the new root failed: " + errno_text(err) +
                    (err == EINVAL ? "; the host's root is probably an initramfs (rootfs), "
                                     "which cannot be pivoted away from: boot with a real root "
                                     "filesystem, or run burrow after switch_root"
                                   : ""));
    }
    if (::chdir("/") != 0) throw Error("chdir / in the new root: " + errno_text(errno));
    if (::mkdir(kNew, 0755) != 0 || ::mount("burrow-root", kNew, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
        throw Error(std::string("cannot mount a tmpfs for the new root: ") + errno_text(errno));
    root_.reset(::open(kNew, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root_) throw Error(std::string("cannot open the new root: ") + errno_text(errno));
    root_dev_ = remember_own(root_.get());
}

dev_t RootBuilder::remember_own(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw Error("fstat: " + errno_text(errno));
    own_.insert(st.st_dev);
    return st.st_dev;
}

void RootBuilder::remount_ro() {
    // A mount on "/" (--bind / /, --tmpfs /) has its own attributes: keep them.
    struct stat st {};
    if (::fstat(root_.get(), &st) != 0 || st.st_dev != root_dev_) return;
    trace(opts_, "make the new root read-only");
    if (::mount(nullptr, kNew, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
        throw Error(std::string("cannot make the new root read-only: ") + errno_text(errno));
}

void RootBuilder::detach() {
    trace(opts_, "detach the old root");
    if (::fchdir(root_.get()) != 0) throw Error(std::string("chdir to the new root: ") + errno_text(errno));
    // pivot_root(".", "."): the new root becomes "/" with the scratch root stacked on it,
    // which the detach then removes with everything below it (the host's root).
    if (::syscall(SYS_pivot_root, ".", ".") != 0)
        throw Error(std::string("pivot_root onto the new root failed: ") + errno_text(errno));
    if (::umount2(".", MNT_DETACH) != 0) throw Error(std::string("cannot detach the old root: ") + errno_text(errno));
    if (::chdir("/") != 0) throw Error(std::string("chdir /: ") + errno_text(errno));
    // "/" must be the root that was built (which may be a bind of the host's root:
    // --bind / /), and the host's root must not be reachable at /.oldroot.
    struct stat st {
    }, old{}, built{};
    bool old_visible = ::stat(kOld, &old) == 0 && old.st_dev == host_root_.st_dev && old.st_ino == host_root_.st_ino;
    if (::fstat(root_.get(), &built) != 0 || ::stat("/", &st) != 0 || st.st_dev != built.st_dev ||
        st.st_ino != built.st_ino || old_visible)
        throw Error("the old root is still reachable after detaching it; refusing to run the program");
}

void RootBuilderDelete::operator()(RootBuilder* b) const { delete b; }

void root_tmpfs(Run& run) {
    run.root.reset(new RootBuilder(run.plan, run.opts));
    run.root->begin();
}

void host_root(Run& run) { run.root->host_root(); }

void apply_mount(Run& run, const MountOp& op) { run.root->op(op); }

void remount_root_ro(Run& run) { run.root->remount_ro(); }

void detach_old_root(Run& run) {
    // disable-userns needs the sysctls and id maps of /proc after the host's root is gone.
    if (find_step<step::DisableUserns>(run.plan.steps)) {
        run.host_proc.reset(::open((std::string(kOld) + "/proc").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!run.host_proc) throw Error("cannot open the host's /proc: " + errno_text(errno));
    }
    run.root->detach();
    run.recreated = run.root->recreated();
    run.root_dev = run.root->root_dev();
    run.root.reset();  // the new root is "/": nothing more to build
}

}  // namespace burrow::detail
