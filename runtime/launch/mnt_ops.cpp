// Mounts (mnt_root.hpp): each mount step's dispatch, and the kinds that make something
// new (tmpfs, proc, dev, dir, symlink, file, mask).
#include "runtime/launch/mnt_root.hpp"

namespace burrow::detail {

void RootBuilder::apply_op(const MountOp& op) {
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
        case MountOp::Kind::chmod: return do_chmod(op);
        case MountOp::Kind::remount: return do_remount(op);
        case MountOp::Kind::mqueue: return do_mqueue(op);
        case MountOp::Kind::overlay: return do_overlay(op);
    }
}

// Mount a tmpfs on `at` and return the new mount, remembered as ours.
Fd RootBuilder::mount_tmpfs(const InRoot& at, unsigned mode, const std::optional<std::uint64_t>& size,
                            unsigned long flags, const MountOp* op) {
    char data[64];
    if (size)
        std::snprintf(data, sizeof data, "mode=%04o,size=%llu", mode, static_cast<unsigned long long>(*size));
    else
        std::snprintf(data, sizeof data, "mode=%04o", mode);
    if (::mount("tmpfs", fd_path(at.fd.get()).c_str(), "tmpfs", flags, data) != 0)
        fail(op, "cannot mount a tmpfs on " + at.where + ": " + errno_text(errno));
    forget_within(at.where);
    Fd top = reopen(at, at.where, op);
    remember_own(top.get());
    return top;
}

void RootBuilder::do_tmpfs(const MountOp& op) {
    trace(opts_, "tmpfs " + op.destination);
    InRoot at = mountpoint(op.destination, true, &op);
    mount_tmpfs(at, op.mode, op.size, MS_NOSUID | MS_NODEV, &op);
}

void RootBuilder::do_proc(const MountOp& op) {
    trace(opts_, "proc " + op.destination);
    InRoot at = mountpoint(op.destination, true, &op);
    Fd proc;
    if (!op.source.empty()) {  // no pid namespace of ours: the host's (compile())
        proc = bind_onto(host(op.source), op.source, at, true, &op);
        set_attrs(proc.get(), op.destination, true, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &op);
    } else {
        if (::mount("proc", fd_path(at.fd.get()).c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
            fail(&op, "cannot mount a new /proc on " + op.destination + ": " + errno_text(errno) +
                          "; the kernel refuses it where the host's /proc is partly hidden (as in some "
                          "containers); bind the host's instead: --ro-bind /proc " +
                          op.destination);
        forget_within(at.where);
        proc = reopen(at, op.destination, &op);
    }
    // As root inside (uid 0 mapped to the host's root) the kernel's knobs under /proc
    // would be writable: make them read-only, as bubblewrap does.
    for (const char* knob : {"sys", "sysrq-trigger", "irq", "bus"}) {
        InRoot k{Fd(::fcntl(proc.get(), F_DUPFD_CLOEXEC, 0)), knob, op.destination + "/" + knob,
                 Fd(::openat(proc.get(), knob, O_PATH | O_NOFOLLOW | O_CLOEXEC))};
        if (!k.fd) continue;
        Fd top = bind_onto(fd_path(k.fd.get()), k.where, k, true, &op);
        set_attrs(top.get(), k.where, true,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &op);
    }
}

void RootBuilder::do_dev(const MountOp& op) {
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
        struct stat st {};
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
    struct Link {
        const char* name;
        const char* target;
    };
    for (Link l : {Link{"ptmx", "pts/ptmx"}, Link{"fd", "/proc/self/fd"}, Link{"stdin", "/proc/self/fd/0"},
                   Link{"stdout", "/proc/self/fd/1"}, Link{"stderr", "/proc/self/fd/2"}, Link{"core", "/proc/kcore"}})
        if (::symlinkat(l.target, dev.get(), l.name) != 0)
            fail(&op, "cannot create " + d + "/" + l.name + ": " + errno_text(errno));
}

void RootBuilder::do_dir(const MountOp& op) {
    InRoot at = lookup(op.destination, Make::none, &op);
    if (at.fd) {
        struct stat st {};
        if (::fstat(at.fd.get(), &st) != 0 || !S_ISDIR(st.st_mode))
            fail(&op, op.destination + " exists and is not a directory");
        return;
    }
    trace(opts_, "dir " + op.destination);
    // Missing parents get owner rwx, and r-x for group and others where the directory
    // itself gives them anything (as bwrap makes them: never wider than what they hold).
    const unsigned parents = 0700 | (op.mode & 0070 ? 0050 : 0) | (op.mode & 0007 ? 0005 : 0);
    InRoot parent = parent_and_name(op.destination, &op, parents);
    may_create(parent.dir.get(), parent_of(op.destination), op.destination, &op);
    if (::mkdirat(parent.dir.get(), parent.name.c_str(), 0700) != 0)
        fail(&op, "cannot create directory " + op.destination + " in the new root: " + errno_text(errno));
    // Just made by us on our own filesystem: nothing else can have replaced it.
    if (::fchmodat(parent.dir.get(), parent.name.c_str(), op.mode, 0) != 0)
        fail(&op, "chmod " + op.destination + ": " + errno_text(errno));
}

void RootBuilder::do_symlink(const MountOp& op) {
    trace(opts_, "symlink " + op.destination + " → " + op.target);
    InRoot at = parent_and_name(op.destination, &op);
    Fd have(::openat(at.dir.get(), at.name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (have) {
        struct stat st {};
        if (::fstat(have.get(), &st) == 0 && S_ISLNK(st.st_mode) && read_link_fd(have.get()) == op.target) return;
        fail(&op, "cannot create the symlink " + op.destination + ": something else is already there");
    }
    may_create(at.dir.get(), parent_of(op.destination), op.destination, &op);
    if (::symlinkat(op.target.c_str(), at.dir.get(), at.name.c_str()) != 0)
        fail(&op, "cannot create the symlink " + op.destination + ": " + errno_text(errno));
}

// The staging directory on the scratch tmpfs, made by the first mount that needs it.
void RootBuilder::make_stage(const MountOp& op) {
    if (staged_) return;
    if (::mkdir(kStage, 0700) != 0) fail(&op, std::string("cannot create the staging directory: ") + errno_text(errno));
    staged_ = true;
}

// The content goes into a file staged on the scratch tmpfs, outside the new root where
// no name from an image reaches, and is bound read-only on the destination, which works
// whether the destination is ours or a host file. The staged name is removed at once:
// the bind keeps the content alive.
void RootBuilder::do_file(const MountOp& op) {
    trace(opts_, "file " + op.destination);
    make_stage(op);
    std::string staged = std::string(kStage) + "/" + std::to_string(files_++);
    {
        Fd fd(::open(staged.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) fail(&op, "cannot stage the content of " + op.destination + ": " + errno_text(errno));
        auto put = [&](const char* p, size_t left) {
            while (left > 0) {
                ssize_t n = ::write(fd.get(), p, left);
                if (n < 0) {
                    if (errno == EINTR) continue;
                    fail(&op, "cannot write the content of " + op.destination + ": " + errno_text(errno));
                }
                p += n;
                left -= static_cast<size_t>(n);
            }
        };
        if (op.fd >= 0) {  // each chunk written as it is read: the fd may hold more than memory should
            char buf[65536];
            for (;;) {
                ssize_t n = ::read(op.fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) fail(&op, "cannot read fd " + std::to_string(op.fd) + ": " + errno_text(errno));
                if (n == 0) break;
                put(buf, static_cast<size_t>(n));
            }
        } else {
            put(op.content.data(), op.content.size());
        }
        if (::fchmod(fd.get(), op.mode) != 0) fail(&op, "chmod " + op.destination + ": " + errno_text(errno));
    }
    InRoot at = mountpoint(op.destination, false, &op);
    Fd top = bind_onto(staged, op.destination, at, false, &op);
    ::unlink(staged.c_str());
    set_attrs(top.get(), op.destination, false,
              (op.readonly ? MOUNT_ATTR_RDONLY : 0) | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
}

// bwrap's --chmod: the mode of what is at the destination (followed, inside the root).
void RootBuilder::do_chmod(const MountOp& op) {
    trace(opts_, "chmod " + op.destination);
    InRoot at = lookup(op.destination, Make::none, &op);
    if (!at.fd) fail(&op, "cannot chmod " + op.destination + ": it does not exist inside the sandbox");
    if (::chmod(fd_path(at.fd.get()).c_str(), op.mode) != 0)
        fail(&op, "cannot chmod " + op.destination + ": " + errno_text(errno));
}

// bwrap's --remount-ro: only the mount whose root is the destination, not those below it.
void RootBuilder::do_remount(const MountOp& op) {
    trace(opts_, "remount-ro " + op.destination);
    InRoot at = lookup(op.destination, Make::none, &op);
    if (!at.fd) fail(&op, "cannot remount " + op.destination + " read-only: it does not exist inside the sandbox");
    set_attrs(at.fd.get(), op.destination, false, MOUNT_ATTR_RDONLY, &op);
}

// A POSIX message queue filesystem; the kernel allows it for an IPC namespace of ours.
void RootBuilder::do_mqueue(const MountOp& op) {
    trace(opts_, "mqueue " + op.destination);
    InRoot at = mountpoint(op.destination, true, &op);
    if (::mount("mqueue", fd_path(at.fd.get()).c_str(), "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        fail(&op, "cannot mount mqueue on " + op.destination + ": " + errno_text(errno) +
                      (errno == EPERM ? "; it needs an IPC namespace of its own (--unshare-ipc, \"ipc\": true)" : ""));
    forget_within(at.where);
}

// overlayfs, unprivileged in a user namespace (Linux 5.11): each directory is opened once
// and named to the kernel through its fd, so no path is resolved twice and none needs
// escaping. "userxattr" keeps overlayfs's own data in user.overlay.* attributes, which a
// user namespace may write (as bwrap does). Without an upper directory a writable overlay
// writes to a tmpfs of its own in the staging area, outside the new root, gone at exit.
void RootBuilder::do_overlay(const MountOp& op) {
    trace(opts_, "overlay " + op.destination);
    const OverlayDirs& d = overlay_.at(&op);
    const size_t lowers = op.items.size();
    std::vector<Fd> fds;
    auto open_dir = [&](size_t i) -> std::string {
        const std::string& shown = i < lowers ? op.items[i] : i == lowers ? op.upper : op.work;
        const char* role = i < lowers ? "lower" : i == lowers ? "upper" : "work";
        int err = d.err[i];
        Fd fd;
        if (!err) {
            fd.reset(::open(host(d.path[i]).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
            if (!fd) err = errno;
        }
        if (err && plan_.bwrap) fail(&op, "Can't get type of source " + shown + ": " + errno_text(err));
        if (err)
            fail(&op, std::string("overlay ") + role + " directory " + shown + ": " + errno_text(err) +
                          (err == ENOTDIR ? "; overlayfs stacks directories only" : ""));
        fds.push_back(std::move(fd));
        return fd_path(fds.back().get());
    };
    // The kernel lists the top layer first; a profile (and bwrap) the lowest first.
    std::string data = "lowerdir=";
    for (size_t i = lowers; i-- > 0;) data += open_dir(i) + (i ? ":" : "");
    if (!op.upper.empty()) {
        data += ",upperdir=" + open_dir(lowers);
        data += ",workdir=" + open_dir(lowers + 1);
    } else if (!op.readonly) {
        make_stage(op);
        std::string dir = std::string(kStage) + "/overlay-" + std::to_string(tmp_overlays_++);
        if (::mkdir(dir.c_str(), 0700) != 0 ||
            ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") != 0 ||
            ::mkdir((dir + "/upper").c_str(), 0755) != 0 || ::mkdir((dir + "/work").c_str(), 0700) != 0)
            fail(&op,
                 "cannot make a tmpfs for the writes to the overlay on " + op.destination + ": " + errno_text(errno));
        data += ",upperdir=" + dir + "/upper,workdir=" + dir + "/work";
    }
    data += ",userxattr";
    // mount(2) takes one page of options: about 150 layers named this way.
    if (data.size() >= 4096)
        fail(&op, "too many lower directories (" + std::to_string(lowers) +
                      ") for one overlay; stack at most about 150, or bind some of them instead");
    InRoot at = mountpoint(op.destination, true, &op);
    const unsigned long flags = MS_NOSUID | MS_NODEV | (op.readonly ? MS_RDONLY : 0);
    if (::mount("overlay", fd_path(at.fd.get()).c_str(), "overlay", flags, data.c_str()) != 0) {
        const int err = errno;
        if (plan_.bwrap && err == ELOOP)
            fail(&op, "Can't make overlay mount on " + op.destination + ": Overlay directories may not overlap");
        fail(&op,
             "cannot mount an overlay on " + op.destination + ": " +
                 (err == ELOOP ? std::string("its directories overlap (one is inside another)") : errno_text(err)) +
                 (err == EPERM || err == EINVAL
                      ? "; overlayfs in a user namespace needs Linux 5.11 or later, and an upper directory "
                        "on a filesystem that takes user.* extended attributes (as ext4, xfs, btrfs, "
                        "tmpfs since 6.6 do)"
                      : ""));
    }
    forget_within(at.where);
    Fd top = reopen(at, op.destination, &op);
    // overlayfs falls back to read-only, saying so only in the kernel's log, when it cannot
    // make its work directory (WORKDIR not ours, or left over from another mount).
    struct statvfs sv {};
    if (!op.readonly && ::fstatvfs(top.get(), &sv) == 0 && (sv.f_flag & ST_RDONLY)) {
        std::string why = "overlayfs made " + op.destination + " read-only: it could not use its work directory " +
                          (op.work.empty() ? std::string("on its tmpfs") : op.work) +
                          " (it must be an empty directory the caller may write, on the upper directory's "
                          "filesystem; the kernel's log says more)";
        if (!plan_.bwrap) fail(&op, why);
        warn(why);  // bwrap mounts it read-only all the same
    }
}

void RootBuilder::do_mask(const MountOp& op) {
    InRoot at = lookup(op.destination, Make::none, &op);
    struct stat st {};
    if (!at.fd || ::fstat(at.fd.get(), &st) != 0) return;  // nothing to hide
    trace(opts_, "mask " + op.destination);
    if (S_ISDIR(st.st_mode)) {
        mount_tmpfs(at, 0555, std::nullopt, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, &op);
        return;
    }
    Fd top = bind_onto(host("/dev/null"), "/dev/null", at, false, &op);
    set_attrs(top.get(), op.destination, false, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, &op);
}

}  // namespace burrow::detail
