// Processes between burrow and the program, when one is unavoidable.
//
// With a pid namespace the program cannot be burrow's own process: burrow forks pid 1 of
// the new namespace, which builds the root, forks the program, forwards signals to it,
// reaps orphans and reports the program's wait status back through a pipe. burrow itself
// forwards signals to pid 1 and mirrors that status. Signals the terminal sends to the
// whole process group (^C) reach the program directly and are not forwarded twice.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>

#include "apply.hpp"
#include "fd.hpp"

namespace burrow {
namespace {

// Signals we pass on. Not: SIGCHLD (ours), the synchronous faults, and the job-control
// stops, which the terminal delivers to every process of the group itself.
constexpr int kForwarded[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
                              SIGPIPE, SIGCONT, SIGWINCH, SIGURG, SIGVTALRM, SIGPROF, SIGPWR,
                              SIGXCPU, SIGXFSZ};

sigset_t forwarded_and_chld() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kForwarded) sigaddset(&set, s);
    sigaddset(&set, SIGCHLD);
    return set;
}

// Sent by a process (kill, sigqueue, tgkill), as opposed to the kernel or the terminal.
bool from_a_process(const siginfo_t& si) { return si.si_code <= 0; }

void noop_handler(int) {}

void restore_signals(const sigset_t& old) {
    struct sigaction dfl{};
    dfl.sa_handler = SIG_DFL;
    for (int s : kForwarded) ::sigaction(s, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
}

// Wait for `child`, forwarding signals to it; returns its wait status.
int supervise(pid_t child, const sigset_t& waitset) {
    for (;;) {
        int st = 0;
        pid_t r = ::waitpid(child, &st, WNOHANG);
        if (r == child) return st;
        if (r < 0 && errno != EINTR) return W_EXITCODE(kExitSetupFailure, 0);
        siginfo_t si{};
        int sig = ::sigwaitinfo(&waitset, &si);
        if (sig > 0 && sig != SIGCHLD && from_a_process(si)) ::kill(child, sig);
    }
}

}  // namespace

void exit_like(int st) {
    std::fflush(nullptr);
    if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        // Die of the same signal so the caller's wait() sees it; no core dump of our own.
        struct rlimit none{};
        ::setrlimit(RLIMIT_CORE, &none);
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        struct sigaction dfl{};
        dfl.sa_handler = SIG_DFL;
        ::sigaction(sig, &dfl, nullptr);
        sigset_t all;
        sigfillset(&all);
        ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
        ::kill(::getpid(), sig);
        _exit(128 + sig);
    }
    _exit(kExitSetupFailure);
}

namespace detail {

std::optional<int> fork_pid1(Run& run) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("pipe: " + errno_text(errno));
    Fd status_r(fds[0]), status_w(fds[1]);
    // burrow holds the only write end of `life`: pid 1 sees it hang up once burrow is gone,
    // even if that happened before pid 1 could ask for the parent-death signal.
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("pipe: " + errno_text(errno));
    Fd life_r(fds[0]), life_w(fds[1]);
    run.waitset = forwarded_and_chld();
    ::sigprocmask(SIG_BLOCK, &run.waitset, &run.old_mask);
    trace(run.opts, "fork pid 1 of the new pid namespace");
    pid_t pid1 = ::fork();
    if (pid1 < 0) throw Error("fork: " + errno_text(errno));
    if (pid1 == 0) {
        run.forked = true;
        status_r.reset();
        life_w.reset();
        // pid 1 never outlives burrow: if burrow is killed outright (SIGKILL), the
        // namespace and the program go with it, as an exec'd program would. getppid()
        // is 0 here (the parent is outside the namespace), so a death before the prctl
        // shows as the hang-up of `life`.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        struct pollfd alive{life_r.get(), POLLIN, 0};
        if (::poll(&alive, 1, 0) != 0) _exit(kExitSetupFailure);  // burrow is gone
        life_r.reset();
        run.status_w = std::move(status_w);
        return std::nullopt;  // pid 1 goes on: the root, then fork-program
    }
    status_w.reset();
    int pid1_status = supervise(pid1, run.waitset);
    ::sigprocmask(SIG_SETMASK, &run.old_mask, nullptr);
    int target_status = 0;
    if (::read(status_r.get(), &target_status, sizeof target_status) == sizeof target_status)
        return target_status;
    return pid1_status;  // pid 1 failed before the program ran: its exit code says why
}

void fork_program(Run& run, const step::ForkProgram& s) {
    // pid 1 only receives signals it has handlers for: install no-op ones, keep them
    // blocked and collect them with sigwaitinfo.
    struct sigaction sa{};
    sa.sa_handler = noop_handler;
    for (int sig : kForwarded) ::sigaction(sig, &sa, nullptr);
    pid_t target = ::fork();
    if (target < 0) throw Error("fork: " + errno_text(errno));
    if (target == 0) {
        run.status_w.reset();
        restore_signals(run.old_mask);
        if (s.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        run.parent = 0;
        return;  // the program's process goes on
    }
    ::prctl(PR_SET_NAME, "burrow-pid1", 0, 0, 0);
    int target_status = -1;
    while (target_status == -1) {
        siginfo_t si{};
        int sig = ::sigwaitinfo(&run.waitset, &si);
        if (sig == SIGCHLD) {
            int st = 0;
            pid_t r;
            while ((r = ::waitpid(-1, &st, WNOHANG)) > 0)  // orphans too
                if (r == target) target_status = st;
        } else if (sig > 0 && from_a_process(si)) {
            ::kill(target, sig);
        }
    }
    [[maybe_unused]] ssize_t n = ::write(run.status_w.get(), &target_status, sizeof target_status);
    _exit(0);  // the kernel kills whatever is left in the namespace
}

std::optional<int> fork_for_setsid(Run& run) {
    // setsid() is refused to a process-group leader, which a shell makes of every job:
    // the program runs in a child, and burrow stays to mirror its status.
    if (::getpid() != ::getpgrp()) return std::nullopt;
    sigset_t waitset = forwarded_and_chld(), old;
    ::sigprocmask(SIG_BLOCK, &waitset, &old);
    const pid_t parent = ::getpid();
    pid_t child = ::fork();
    if (child < 0) throw Error("fork: " + errno_text(errno));
    if (child == 0) {
        run.forked = true;
        restore_signals(old);
        run.parent = parent;  // burrow: the program must not outlive it
        return std::nullopt;
    }
    int st = supervise(child, waitset);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return st;
}

}  // namespace detail
}  // namespace burrow
