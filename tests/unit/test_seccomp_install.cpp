// Loading real filters, each in a forked child: the child reports through its exit status
// (0 = every check held, N = check N failed, 100 = install threw), and the parent (the
// test runner) must stay unfiltered.
#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <linux/sched.h>
#include <sched.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/base/error.hpp"
#include "runtime/seccomp/seccomp.hpp"

using nlohmann::json;
namespace sc = burrow::seccomp;

namespace {

// Runs `checks` in a child under the filter compiled from `cfg`; returns its exit status,
// or 200 + signal number.
int in_filtered_child(const json& cfg, const std::function<int()>& checks) {
    const sc::Filter f = sc::compile(cfg);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(101);
        try {
            sc::install(f);
        } catch (...) {
            _exit(100);
        }
        _exit(checks());
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

// -1 with this errno?
bool fails_with(long rc, int err) { return rc == -1 && errno == err; }

std::string seccomp_mode() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Seccomp:", 0) == 0) return line;
    return "?";
}

}  // namespace

TEST_CASE("seccomp install: a denied call fails in the child, the parent is untouched") {
    const std::string before = seccomp_mode();
    const int rc = in_filtered_child(json::parse(R"({"deny":["uname","chroot"],"errno":"ENOTTY"})"), [] {
        struct utsname u;
        if (!fails_with(uname(&u), ENOTTY)) return 1;
        if (!fails_with(chroot("/"), ENOTTY)) return 2;
        if (getpid() <= 0) return 3;  // everything else still works
        if (seccomp_mode() != "Seccomp:\t2") return 4;
        return 0;
    });
    CHECK(rc == 0);
    struct utsname u;
    CHECK(uname(&u) == 0);
    CHECK(seccomp_mode() == before);
}

TEST_CASE("seccomp install: a call libseccomp does not know is denied by number") {
    // mseal (462) is newer than libseccomp 2.5.4. Unfiltered it returns 0 or EINVAL (or
    // ENOSYS on kernels before 6.10); filtered it must be EPERM.
    const int rc = in_filtered_child(json::parse(R"({"deny":["mseal","listmount"]})"), [] {
        if (!fails_with(syscall(462, 0UL, 0UL, 0UL), EPERM)) return 1;
        if (!fails_with(syscall(458, 0UL, 0UL, 0UL, 0UL), EPERM)) return 2;
        return 0;
    });
    CHECK(rc == 0);
}

TEST_CASE("seccomp install: the default baseline in a child") {
    const int rc = in_filtered_child(json::parse(R"({"baseline":"default"})"), [] {
        // TIOCSTI with garbage in the high half of cmd (the CVE-2019-10063 bypass). On a
        // non-tty the unfiltered answer would be ENOTTY.
        const int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) return 90;
        char c = 'x';
        if (!fails_with(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI | (1UL << 32), &c), EPERM)) return 1;
        if (!fails_with(syscall(SYS_ioctl, fd, (unsigned long)TIOCSTI, &c), EPERM)) return 2;
        if (!fails_with(syscall(SYS_ioctl, fd, (unsigned long)TIOCLINUX, &c), EPERM)) return 3;
        struct winsize ws;  // other ioctls still reach the driver
        if (!fails_with(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY)) return 4;
        close(fd);

        if (!fails_with(unshare(CLONE_NEWUSER), EPERM)) return 10;
        if (!fails_with(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM)) return 11;
        if (!fails_with(syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0), EPERM)) return 12;
        struct clone_args ca = {};
        ca.exit_signal = SIGCHLD;
        if (!fails_with(syscall(SYS_clone3, &ca, sizeof ca), ENOSYS)) return 13;
        if (!fails_with(syscall(SYS_setns, -1, 0), EPERM)) return 14;

        if (!fails_with(mount("none", "/", "tmpfs", 0, nullptr), EPERM)) return 20;
        if (!fails_with(syscall(SYS_fsopen, "tmpfs", 0), ENOSYS)) return 21;
        if (!fails_with(syscall(SYS_pivot_root, "/", "/"), EPERM)) return 22;
        if (!fails_with(syscall(SYS_io_uring_setup, 1, nullptr), EPERM)) return 23;
        if (!fails_with(syscall(SYS_ptrace, 0 /*PTRACE_TRACEME*/, 0, 0, 0), EPERM)) return 24;
        if (!fails_with(syscall(SYS_keyctl, 0, 0, 0, 0, 0), EPERM)) return 25;
        if (!fails_with(syscall(SYS_bpf, 0, nullptr, 0), EPERM)) return 26;

        if (!fails_with(socket(AF_ALG, SOCK_SEQPACKET, 0), EAFNOSUPPORT)) return 30;
        if (!fails_with(socket(AF_VSOCK, SOCK_STREAM, 0), EAFNOSUPPORT)) return 31;
        if (!fails_with(syscall(SYS_socket, (unsigned long)AF_PACKET | (1UL << 32), SOCK_RAW, 0), EAFNOSUPPORT))
            return 32;
        const int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s < 0) return 33;
        close(s);

        if (!fails_with(personality(READ_IMPLIES_EXEC), EPERM)) return 40;
        if (personality(0xffffffff) < 0) return 41;

        // Plain fork (clone without namespace flags) and exec-related calls still work.
        const pid_t p = fork();
        if (p < 0) return 50;
        if (p == 0) _exit(7);
        int st = 0;
        if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 7) return 51;
        return 0;
    });
    CHECK(rc == 0);
}

TEST_CASE("seccomp install: a disabled filter installs nothing") {
    const std::string before = seccomp_mode();
    const int rc = in_filtered_child(json(), [&] { return seccomp_mode() == before ? 0 : 1; });
    CHECK(rc == 0);
}

TEST_CASE("seccomp: the prebuilt default filter is what libseccomp generates for the default baseline") {
    using namespace burrow::seccomp;
    Filter def = compile_uncached(nlohmann::json{{"baseline", "default"}});
    const Prebuilt* pre = prebuilt_default();
    REQUIRE(pre != nullptr);
    CHECK(pre->fingerprint == fingerprint(def));
    std::vector<unsigned char> fresh = export_bpf(def);
    REQUIRE(fresh.size() == pre->size);
    CHECK(std::equal(fresh.begin(), fresh.end(), pre->bpf));
    // Any other filter does not match it, so it takes libseccomp's path.
    Filter other = compile(nlohmann::json{{"baseline", "default"}, {"deny", {"chmod"}}});
    CHECK(fingerprint(other) != pre->fingerprint);
}

TEST_CASE("seccomp: compile() of the default baseline is the prebuilt filter, equal to a fresh compile") {
    using namespace burrow::seccomp;
    const nlohmann::json cfg = {{"baseline", "default"}};
    Filter fresh = compile_uncached(cfg), ready = compile(cfg);
    REQUIRE(prebuilt_default() != nullptr);
    CHECK(ready.rules.size() == prebuilt_default()->n_rules);  // it did come from the build
    CHECK(ready.rules.size() > 100);
    CHECK(to_json(ready) == to_json(fresh));
    CHECK(ready.enabled == fresh.enabled);
    CHECK(fingerprint(ready) == fingerprint(fresh));
    // Anything else is computed: same as uncached, and not the default's rules.
    const nlohmann::json other = {{"baseline", "default"}, {"allow", {"@debug"}}};
    CHECK(to_json(compile(other)) == to_json(compile_uncached(other)));
    CHECK(to_json(compile(other)) != to_json(fresh));
    // Bad input still gets compile()'s errors.
    CHECK_THROWS(compile(nlohmann::json{{"baseline", "strict"}}));
}
