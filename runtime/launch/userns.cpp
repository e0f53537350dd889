// User namespace: unshare in the calling process and map our own ids (no second process,
// so no race between writing the maps and running the program).
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "runtime/launch/apply.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/base/fileio.hpp"
#include "runtime/profile/namespaces.hpp"

namespace burrow {
namespace {

// First line of a /proc/sys file, or "" when absent/unreadable.
std::string sysctl(const char* path) { return first_line(path); }

bool under_seccomp() {
    auto status = read_file("/proc/self/status");
    if (!status) return false;
    auto at = status->find("\nSeccomp:");
    if (at == std::string::npos) return false;
    std::string line = status->substr(at + 1, status->find('\n', at + 1) - at - 1);
    return line.find('0') == std::string::npos;
}

// Write a whole short string to a /proc file; returns errno or 0.
int write_proc(const char* path, const std::string& text) {
    Fd fd(::open(path, O_WRONLY | O_CLOEXEC));
    if (!fd) return errno;
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0) return errno;
    return n == static_cast<ssize_t>(text.size()) ? 0 : EIO;
}

const char* kAppArmorFix =
    "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1, "
    "Ubuntu 23.10 and later); fix: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, "
    "or give burrow an AppArmor profile that allows \"userns,\" (see burrow(1), DIAGNOSTICS)";

}  // namespace

std::string diagnose_userns(int err) {
    std::string head = "cannot create a user namespace: " + errno_text(err) + ": ";
    std::string max = sysctl("/proc/sys/user/max_user_namespaces");
    if (max == "0")
        return head +
               "user namespaces are disabled on this host (user.max_user_namespaces=0); "
               "fix: `sudo sysctl -w user.max_user_namespaces=15000`";
    if (sysctl("/proc/sys/kernel/unprivileged_userns_clone") == "0")
        return head +
               "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone=0); "
               "fix: `sudo sysctl -w kernel.unprivileged_userns_clone=1`";
    if (sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1") return head + kAppArmorFix;
    if (err == ENOSPC || err == EUSERS)
        return head +
               "a limit on user namespaces is reached: the nesting depth (32 levels) or "
               "user.max_user_namespaces (" +
               (max.empty() ? "?" : max) + "); fix: run burrow from fewer nested namespaces, or raise the limit";
    if (err == EINVAL)
        return head +
               "this kernel has no user namespace support (CONFIG_USER_NS); use a kernel "
               "built with it, or BURROW_ENGINE=proot";
    if (err == EPERM && under_seccomp())
        return head +
               "a seccomp filter forbids it: burrow's builtin:sandbox denies nested "
               "namespaces (seccomp nestedNamespaces), and so do container runtimes' "
               "default profiles; fix: run this outside the sandbox, use a profile with "
               "\"nestedNamespaces\": \"allow\", or run the container with user "
               "namespaces allowed (e.g. docker run --security-opt seccomp=unconfined)";
    if (err == EPERM) {
        struct stat self_root {
        }, init_root{};
        if (::stat("/", &self_root) == 0 && ::stat("/proc/1/root/.", &init_root) == 0 &&
            (self_root.st_dev != init_root.st_dev || self_root.st_ino != init_root.st_ino))
            return head +
                   "this process runs in a chroot, and the kernel refuses new user "
                   "namespaces there; fix: run burrow outside the chroot";
        return head +
               "the kernel refused (no capability in this namespace, or a security "
               "module forbids it); fix: run burrow outside restricted containers, or use "
               "BURROW_ENGINE=proot";
    }
    return head + "fix: check the kernel's user namespace settings (user.max_user_namespaces)";
}

namespace detail {

void unshare_namespaces(const Namespaces& ns, const ApplyOptions& opts) {
    int flags = 0, always = 0;
    std::string optional;  // "pid/net/ipc/uts/cgroup", for the message below
    for (const NamespaceInfo& row : namespace_kinds()) {
        if (row.always)
            always |= row.clone_flag;
        else
            optional += (optional.empty() ? "" : "/") + std::string(row.key);
        // Only root may go without a user namespace (compile() says so); the mount
        // namespace is always there.
        if (ns.*row.member) flags |= row.clone_flag;
    }
    always &= flags;
    trace(opts, ns.user ? "unshare user+mount namespaces" : "unshare the mount namespace (root, no user namespace)");
    if (::unshare(flags) != 0) {
        int err = errno;
        // Retry without the optional namespaces only to give a precise message.
        if (flags != always && ::unshare(always) == 0)
            throw Error("cannot create the requested namespaces (" + errno_text(err) +
                        "), though a user+mount namespace works; remove " + optional +
                        " from \"namespaces\" or check the kernel configuration");
        throw NamespaceError(diagnose_userns(err));
    }
}

namespace {

// setns(2) into the namespace open as `fd` (closed after), saying which option gave it.
void join(int fd, int type, const char* what, const char* opt, const char* if_einval, const char* if_eperm,
          const ApplyOptions& opts) {
    trace(opts, std::string("join the ") + what + " namespace on fd " + std::to_string(fd));
    if (::setns(fd, type) != 0) {
        const int err = errno;
        throw Error(std::string("cannot join the ") + what + " namespace on fd " + std::to_string(fd) + " (" + opt +
                    "): " + errno_text(err) +
                    (err == EINVAL  ? if_einval
                     : err == EPERM ? if_eperm
                                    : ""));
    }
    ::close(fd);
}

}  // namespace

void join_namespaces(const step::JoinNamespaces& s, const ApplyOptions& opts) {
    if (s.user_fd >= 0)
        join(s.user_fd, CLONE_NEWUSER, "user", "--userns",
             "; is it a user namespace (/proc/PID/ns/user), and not our own?",
             "; only its owner (or a process with CAP_SYS_ADMIN in it) may", opts);
    if (s.pid_fd >= 0)
        join(s.pid_fd, CLONE_NEWPID, "pid", "--pidns", "; is it a pid namespace (/proc/PID/ns/pid)?",
             "; join the user namespace that owns it first (--userns)", opts);
}

// The kernel lets a process into a user namespace below its own, where it has every
// capability; anywhere else is EPERM.
void join_userns2(const step::JoinUserns2& s, const ApplyOptions& opts) {
    join(s.fd, CLONE_NEWUSER, "user", "--userns2", "; is it a user namespace (/proc/PID/ns/user), and not our own?",
         "; it must lie below the user namespace the sandbox is set up in (the one of --userns)", opts);
}

void map_ids(const Plan& plan) {
    // setgroups must be denied before an unprivileged gid_map is accepted (absent on
    // kernels before 3.19).
    int err = write_proc("/proc/self/setgroups", "deny");
    if (err && err != ENOENT) throw NamespaceError("cannot write /proc/self/setgroups: " + errno_text(err));
    const std::string uid = std::to_string(plan.uid_inside) + ' ' + std::to_string(plan.uid_outside) + " 1\n";
    const std::string gid = std::to_string(plan.gid_inside) + ' ' + std::to_string(plan.gid_outside) + " 1\n";
    if ((err = write_proc("/proc/self/uid_map", uid)))
        throw NamespaceError("cannot map uid " + std::to_string(plan.uid_outside) + " to " +
                             std::to_string(plan.uid_inside) + " in the new user namespace: " + errno_text(err) +
                             (sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == "1"
                                  ? std::string("; ") + kAppArmorFix
                                  : std::string("; a user namespace can map only your own id")));
    if ((err = write_proc("/proc/self/gid_map", gid)))
        throw NamespaceError("cannot map gid " + std::to_string(plan.gid_outside) + " to " +
                             std::to_string(plan.gid_inside) + " in the new user namespace: " + errno_text(err));
}

void disable_userns(Run& run, const step::DisableUserns& s) {
    Fd proc = std::move(run.host_proc);  // closed when this step ends, whatever happens
    auto write_at = [&](const char* name, const std::string& text) {
        Fd fd(::openat(proc.get(), name, O_WRONLY | O_CLOEXEC));
        if (!fd || ::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            throw Error(std::string("cannot write /proc/") + name + ": " + errno_text(errno));
    };
    if (s.disable) {
        trace(run.opts, "user.max_user_namespaces=1, then a second user namespace");
        // The limit counts the namespaces made below ours: the second one takes the only
        // place, so nothing inside can make another, nor raise the limit it is under.
        write_at("sys/user/max_user_namespaces", "1");
        if (::unshare(CLONE_NEWUSER) != 0)
            throw Error("cannot make the second user namespace that disables more: " + errno_text(errno));
        const Plan& plan = run.plan;
        write_at("self/setgroups", "deny");
        write_at("self/uid_map", std::to_string(plan.uid_inside) + ' ' + std::to_string(plan.uid_inside) + " 1\n");
        write_at("self/gid_map", std::to_string(plan.gid_inside) + ' ' + std::to_string(plan.gid_inside) + " 1\n");
    }
    if (::unshare(CLONE_NEWUSER) == 0)
        throw Error(
            "creating user namespaces is not disabled (--assert-userns-disabled): the program could make "
            "its own; add --disable-userns");
}

}  // namespace detail
}  // namespace burrow
