// Descriptors the caller hands over for the launch itself (bwrap's fd plumbing):
// --block-fd (wait before exec), --userns-block-fd (wait for the caller's id maps), --sync-fd (not passed to the program, so it closes when
// the process that waits for the program ends) and --seccomp/--add-seccomp-fd (raw
// seccomp BPF programs, installed after burrow's own filter, in order).
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "runtime/launch/apply.hpp"

namespace burrow::detail {

namespace {

// The kernel takes at most BPF_MAXINSNS (4096) instructions per program.
constexpr size_t kMaxProgram = 4096 * sizeof(sock_filter);

// bwrap's words where its test suite matches them.
std::string read_program(const Run& run, int fd) {
    std::string data;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error((run.plan.bwrap ? "Can't read seccomp data: "
                                        : "cannot read the seccomp program from fd " + std::to_string(fd) + ": ") +
                        errno_text(errno));
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
        if (data.size() > kMaxProgram)
            throw Error("the seccomp program on fd " + std::to_string(fd) +
                        " is longer than the kernel's limit of 4096 instructions");
    }
    return data;
}

}  // namespace

void read_seccomp_fds(Run& run, const step::ReadSeccompFds& s) {
    for (int fd : s.fds) {
        run.bpf.push_back(read_program(run, fd));
        ::close(fd);
    }
    // Checked once all are read, as bwrap reads every one before it looks at them.
    for (size_t i = 0; i < run.bpf.size(); ++i) {
        const size_t n = run.bpf[i].size();
        // bwrap leaves an empty program to prctl(2), which refuses it with EINVAL.
        if (n % sizeof(sock_filter) == 0 && (n != 0 || run.plan.bwrap)) continue;
        if (run.plan.bwrap) throw Error("Invalid seccomp data, must be multiple of 8");
        throw Error("the seccomp program on fd " + std::to_string(s.fds[i]) + " is " + std::to_string(n) +
                    " bytes, not a whole number of 8-byte BPF instructions");
    }
}

void install_seccomp_fds(Run& run) {
    for (std::string& p : run.bpf) {
        sock_fprog prog{};
        prog.len = static_cast<unsigned short>(p.size() / sizeof(sock_filter));
        prog.filter = reinterpret_cast<sock_filter*>(p.data());
        if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            throw Error("cannot install the caller's seccomp program: " + errno_text(errno) +
                        (errno == EINVAL ? " (not a valid BPF program, or a kernel without seccomp filters)" : ""));
    }
}

void wait_and_close(int fd) {
    char b;
    ssize_t n;
    do n = ::read(fd, &b, 1);
    while (n < 0 && errno == EINTR);
    ::close(fd);
}

void block_fd(const step::BlockFd& s) {
    if (s.block_fd >= 0) wait_and_close(s.block_fd);
    if (s.close_fd >= 0) ::close(s.close_fd);
}

}  // namespace burrow::detail
