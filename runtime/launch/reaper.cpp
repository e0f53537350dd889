// Processes between burrow and the program, when one is unavoidable.
//
// With a pid namespace the program cannot be burrow's own process: burrow forks pid 1 of
// the new namespace, which builds the root, forks the program, forwards signals to it,
// reaps orphans and reports the program's wait status back through a pipe. burrow itself
// forwards signals to pid 1 and mirrors that status. Signals the terminal sends to the
// whole process group (^C) reach the program directly and are not forwarded twice; nor
// are those a process sends to every process of the job (class Relay).
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>

#include "runtime/launch/apply.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/base/fileio.hpp"

namespace burrow {
namespace {

// Signals we pass on. Not: SIGCHLD (ours), the synchronous faults, and the job-control
// stops, which the terminal delivers to every process of the group itself.
constexpr int kForwarded[] = {SIGHUP,  SIGINT,   SIGQUIT, SIGTERM,   SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE,
                              SIGCONT, SIGWINCH, SIGURG,  SIGVTALRM, SIGPROF, SIGPWR,  SIGXCPU, SIGXFSZ};

// How burrow passes a signal on to pid 1: a real-time signal carrying the signal's number,
// so pid 1 can tell burrow's relay from a copy sent to pid 1 itself (queued apart, never
// merged with it).
int relay_signal() { return SIGRTMIN + 4; }

// How long pid 1 holds a relayed signal for a copy sent to it directly to turn up.
constexpr double kRelayWindow = 0.02;

bool is_forwarded(int sig) {
    return std::find(std::begin(kForwarded), std::end(kForwarded), sig) != std::end(kForwarded);
}

sigset_t forwarded_and_chld() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kForwarded) sigaddset(&set, s);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, relay_signal());
    return set;
}

// Sent by a process (kill, sigqueue, tgkill), as opposed to the kernel or the terminal.
bool from_a_process(const siginfo_t& si) { return si.si_code <= 0; }

void noop_handler(int) {}

void restore_signals(const sigset_t& old) {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s : kForwarded) ::sigaction(s, &dfl, nullptr);
    ::sigaction(relay_signal(), &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
}

double monotonic_now() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Wait for `child`, forwarding signals to it; returns its wait status. With a timeout:
// SIGTERM when it is up, SIGKILL kill_after later; `*sent` says which went out. `relay`:
// the child is pid 1 of a pid namespace, which gets them as relay_signal().
int supervise(pid_t child, const sigset_t& waitset, const step::Timeout* t = nullptr, int* sent = nullptr,
              bool relay = false) {
    const bool timed = t && t->seconds > 0;
    double deadline = timed ? monotonic_now() + t->seconds : 0;
    auto send = [&](int sig) {
        if (!relay || sig == SIGKILL) {
            ::kill(child, sig);
            return;
        }
        union sigval v {};
        v.sival_int = sig;
        ::sigqueue(child, relay_signal(), v);
    };
    int last = 0;
    for (;;) {
        int st = 0;
        pid_t r = ::waitpid(child, &st, WNOHANG);
        if (r == child) {
            if (sent) *sent = last;
            return st;
        }
        if (r < 0 && errno != EINTR) return W_EXITCODE(kExitSetupFailure, 0);
        siginfo_t si{};
        int sig;
        if (timed && last != SIGKILL) {
            const double left = std::max(0.0, deadline - monotonic_now());
            struct timespec ts {};
            ts.tv_sec = static_cast<time_t>(left);
            ts.tv_nsec = static_cast<long>((left - static_cast<double>(ts.tv_sec)) * 1e9);
            sig = ::sigtimedwait(&waitset, &si, &ts);
            if (sig < 0 && errno == EAGAIN) {
                last = last == 0 ? SIGTERM : SIGKILL;
                send(last);
                deadline = monotonic_now() + t->kill_after;
                continue;
            }
        } else {
            sig = ::sigwaitinfo(&waitset, &si);
        }
        if (sig > 0 && is_forwarded(sig) && from_a_process(si)) send(sig);
    }
}

// pid 1 passes signals on to the program once each. A signal burrow relays reaches the
// program, unless the program has its own copy: a sender that signals every process of
// the job (Slurm's step signals, kill -- -PGID, kill -1) also hits pid 1 directly, from
// outside the namespace, and, when the program is in pid 1's process group, the program
// too. Such a direct copy is never passed on; a relayed signal is held for kRelayWindow to
// see whether one comes, and dropped if it did. A signal from a process inside the
// namespace is passed on at once.
class Relay {
  public:
    explicit Relay(pid_t target) : target_(target) {}

    void on_signal(int sig, const siginfo_t& si) {
        const double now = monotonic_now();
        if (sig == relay_signal()) {
            if (si.si_code != SI_QUEUE || !is_forwarded(si.si_value.sival_int)) return;
            const int s = si.si_value.sival_int;
            if (!same_group()) {
                ::kill(target_, s);  // a copy sent to pid 1 says nothing about the program
            } else if (now - seen_[s] < kRelayWindow) {
                seen_[s] = -1;  // the program had its own
            } else {
                if (due_[s] > 0) ::kill(target_, s);  // an earlier one still held
                due_[s] = now + kRelayWindow;
            }
        } else if (is_forwarded(sig) && from_a_process(si)) {
            if (si.si_pid != 0) {
                ::kill(target_, sig);  // from inside the namespace
            } else if (same_group()) {
                if (due_[sig] > 0)
                    due_[sig] = 0;  // the relayed one is this signal, and the program has its own
                else
                    seen_[sig] = now;
            }
        }
    }
    // Passes on the held signals whose window has passed.
    void flush() {
        const double now = monotonic_now();
        for (int s = 1; s < kSlots; ++s)
            if (due_[s] > 0 && due_[s] <= now) {
                due_[s] = 0;
                ::kill(target_, s);
            }
    }
    // Until the next held signal is due; nullopt: none is held.
    std::optional<double> wait_left() const {
        std::optional<double> left;
        const double now = monotonic_now();
        for (int s = 1; s < kSlots; ++s)
            if (due_[s] > 0) left = std::min(left.value_or(1e9), std::max(0.0, due_[s] - now));
        return left;
    }

  private:
    bool same_group() const { return ::getpgid(target_) == ::getpgrp(); }
    static constexpr int kSlots = 32;  // the standard signals
    pid_t target_;
    double seen_[kSlots] = {}, due_[kSlots] = {};
};

// The status burrow exits with after a timeout, as timeout(1): 124, or 137 when the
// program had to be killed.
int timed_out_status(int sent) { return W_EXITCODE(sent == SIGKILL ? 128 + SIGKILL : 124, 0); }

// The terminal's foreground process group, when burrow's own group holds it. A program
// may move it (TIOCSPGRP: an interactive shell does, for its jobs) and cannot always give
// it back: in a new pid namespace the caller's group has no number. burrow hands the
// terminal back to the group it came from once the program is done, as a shell does.
struct Foreground {
    int fd = -1;
    pid_t group = 0;
};

Foreground foreground_now() {
    for (int fd : {0, 1, 2}) {
        const pid_t fg = ::tcgetpgrp(fd);  // -1 (ENOTTY) unless fd is our controlling tty
        if (fg > 0) return fg == ::getpgrp() ? Foreground{fd, fg} : Foreground{};
    }
    return {};
}

void give_terminal_back(const Foreground& f) {
    if (f.fd < 0 || ::tcgetpgrp(f.fd) == f.group) return;
    // From a background group tcsetpgrp raises SIGTTOU, which would stop burrow.
    struct sigaction ignore {
    }, old{};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGTTOU, &ignore, &old);
    ::tcsetpgrp(f.fd, f.group);
    ::sigaction(SIGTTOU, &old, nullptr);
}

// Forks the process that becomes the program, burrow staying to wait for it. Returns 0 in
// the child (signals as they were before `old` was saved; burrow recorded as the parent it
// must not outlive), the child's pid in burrow.
pid_t fork_program_child(detail::Run& run, const sigset_t& old) {
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child < 0) throw Error("fork: " + errno_text(errno));
    if (child == 0) {
        run.forked = true;
        restore_signals(old);
        run.parent = parent;
    }
    return child;
}

}  // namespace

void exit_like(int st) {
    std::fflush(nullptr);
    if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
    // bwrap reports a program killed by signal N as exit status 128+N, as shells do.
    if (WIFSIGNALED(st) && voice() == Voice::bwrap) _exit(128 + WTERMSIG(st));
    if (WIFSIGNALED(st)) {
        int sig = WTERMSIG(st);
        // Die of the same signal so the caller's wait() sees it; no core dump of our own.
        struct rlimit none {};
        ::setrlimit(RLIMIT_CORE, &none);
        ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        struct sigaction dfl {};
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

std::optional<int> fork_pid1(Run& run, const step::Timeout& timeout) {
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
    const Foreground terminal = foreground_now();
    Fd exec_failed_r = exec_failure_pipe(run);
    const Fd ns_dir = namespaces_dir(run.plan);
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
        struct pollfd alive {
            life_r.get(), POLLIN, 0
        };
        if (::poll(&alive, 1, 0) != 0) _exit(kExitSetupFailure);  // burrow is gone
        life_r.reset();
        run.status_w = std::move(status_w);
        return std::nullopt;  // pid 1 goes on: the root, then fork-program
    }
    status_w.reset();
    run.exec_failed_w.reset();
    report_started(run.plan, pid1, ns_dir);
    int sent = 0;
    const auto* program = find_step<step::ForkProgram>(run.plan.steps);
    int pid1_status = supervise(pid1, run.waitset, &timeout, &sent, program && !program->as_pid_1);
    give_terminal_back(terminal);
    ::sigprocmask(SIG_SETMASK, &run.old_mask, nullptr);
    if (sent) return timed_out_status(sent);
    int target_status = 0;
    // pid 1 failed before the program ran (or is the program: asPid1): its status says why
    if (::read(status_r.get(), &target_status, sizeof target_status) != sizeof target_status)
        target_status = pid1_status;
    report_exited(run.plan, exec_failed_r, target_status);
    return target_status;
}

void fork_program(Run& run, const step::ForkProgram& s) {
    if (s.as_pid_1) {
        trace(run.opts, "pid 1 becomes the program (no reaper)");
        run.status_w.reset();  // burrow mirrors pid 1's own status
        restore_signals(run.old_mask);
        run.parent = 0;
        return;
    }
    // pid 1 only receives signals it has handlers for: install no-op ones, keep them
    // blocked and collect them with sigwaitinfo.
    struct sigaction sa {};
    sa.sa_handler = noop_handler;
    for (int sig : kForwarded) ::sigaction(sig, &sa, nullptr);
    ::sigaction(relay_signal(), &sa, nullptr);
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
    Relay relay(target);
    while (target_status == -1) {
        siginfo_t si{};
        int sig;
        if (const auto left = relay.wait_left()) {
            struct timespec ts {};
            ts.tv_sec = static_cast<time_t>(*left);
            ts.tv_nsec = static_cast<long>((*left - static_cast<double>(ts.tv_sec)) * 1e9);
            sig = ::sigtimedwait(&run.waitset, &si, &ts);
        } else {
            sig = ::sigwaitinfo(&run.waitset, &si);
        }
        if (sig == SIGCHLD) {
            int st = 0;
            pid_t r;
            while ((r = ::waitpid(-1, &st, WNOHANG)) > 0)  // orphans too
                if (r == target) target_status = st;
        } else if (sig > 0) {
            relay.on_signal(sig, si);
        }
        relay.flush();
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
    const pid_t child = fork_program_child(run, old);
    if (child == 0) return std::nullopt;  // the program's process goes on
    int st = supervise(child, waitset);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return st;
}

// Kills every process below us: with PR_SET_CHILD_SUBREAPER every orphan of the program
// is our child, so repeating "kill and reap our children" empties the tree.
void kill_descendants() {
    for (int round = 0; round < 100; ++round) {
        auto text = read_file("/proc/self/task/" + std::to_string(::getpid()) + "/children", 1 << 20);
        bool any = false;
        if (text)
            for (std::size_t i = 0; i < text->size();) {
                const std::size_t j = std::min(text->find(' ', i), text->size());
                if (j > i) {
                    ::kill(static_cast<pid_t>(std::stol(text->substr(i, j - i))), SIGKILL);
                    any = true;
                }
                i = j + 1;
            }
        int st;
        while (::waitpid(-1, &st, any ? 0 : WNOHANG) > 0) {}
        if (!any) return;
    }
}

std::optional<int> fork_timeout(Run& run, const step::Timeout& timeout) {
    sigset_t waitset = forwarded_and_chld(), old;
    ::sigprocmask(SIG_BLOCK, &waitset, &old);
    // Without a pid namespace the program's own children would outlive a SIGKILL of it.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    trace(run.opts, "fork the program, to time it");
    const Foreground terminal = foreground_now();
    Fd exec_failed_r = exec_failure_pipe(run);
    const Fd ns_dir = namespaces_dir(run.plan);
    const pid_t child = fork_program_child(run, old);
    if (child == 0) return std::nullopt;  // the program's process goes on
    run.exec_failed_w.reset();
    report_started(run.plan, child, ns_dir);
    int sent = 0;
    int st = supervise(child, waitset, &timeout, &sent);
    report_exited(run.plan, exec_failed_r, st);
    if (sent) kill_descendants();  // what a timed-out program leaves running
    give_terminal_back(terminal);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    return sent ? timed_out_status(sent) : st;
}

}  // namespace detail
}  // namespace burrow
