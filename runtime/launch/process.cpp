// The steps in the program's process before execve (the plan orders them for security:
// cwd and environment, limits, then no_new_privs, capabilities, and seccomp last of all).
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "runtime/base/interp.hpp"
#include "runtime/launch/apply.hpp"
#include "runtime/base/path_search.hpp"
#include "runtime/plan/env.hpp"

namespace burrow::detail {
namespace {

// The caller's directory as the root recreated it (mnt_host.cpp, place_host): a directory
// of the new root's own tmpfs, made for the very directory the caller is in, holding its
// entries. `inside` is what the caller's path leads to in the new root.
bool recreated_copy_of_cwd(const Run& run, const std::string& cwd, const struct stat& inside) {
    const auto it = run.recreated.find(cwd);
    return it != run.recreated.end() && run.root_dev != 0 && inside.st_dev == run.root_dev &&
           it->second.first == run.opts.cwd_dev && it->second.second == run.opts.cwd_ino;
}

void enter_cwd_of(const Run& run, const step::Chdir& s) {
    const Plan& plan = run.plan;
    const ApplyOptions& opts = run.opts;
    if (plan.cwd) {
        if (::chdir(plan.cwd->c_str()) != 0)
            throw Error("/process/cwd: cannot enter " + *plan.cwd + " inside the sandbox: " + errno_text(errno));
        return;
    }
    const std::string& cwd = plan.caller_cwd;
    if (plan.bwrap) {
        // bwrap: the caller's directory by name, whatever it is inside; else $HOME, else /.
        if (::chdir(cwd.c_str()) == 0) return;
        for (const std::string& e : opts.environ)
            if (e.rfind("HOME=", 0) == 0 && ::chdir(e.c_str() + 5) == 0) return;
        if (::chdir("/") != 0) throw Error("cannot enter / inside the sandbox: " + errno_text(errno));
        return;
    }
    // A pack entry takes no options: its fix is another directory, or another profile.
    const std::string fix = s.pack_entry ? "; run the entry from another directory, or give it a profile that "
                                           "mounts this one (\"source\": \"${PWD}\") or sets \"process.cwd\""
                                         : "; bind it (e.g. --bind " + cwd + " " + cwd +
                                               ", or a mount with \"source\": \"${PWD}\") or choose another with "
                                               "--chdir DIR / \"process.cwd\"";
    if (cwd.find(" (deleted)") != std::string::npos || cwd.empty() || cwd[0] != '/')
        throw Error("the current directory " + cwd +
                    " no longer exists; cd to an existing directory, "
                    "or choose one inside with --chdir DIR / \"process.cwd\"");
    if (::chdir(cwd.c_str()) != 0)
        throw Error("the current directory " + cwd + " is not visible inside the sandbox" + fix);
    // The same path may name another directory inside (a private /tmp): never run the
    // program somewhere else than the caller believes.
    // "/" with the host's root is the synthesized root listing the host's entries: the
    // same place for every purpose but inode identity.
    struct stat st {};
    bool host_slash = cwd == "/" && plan.host_root;
    if (!host_slash && opts.cwd_ino != 0 && ::stat(".", &st) == 0 &&
        (st.st_dev != opts.cwd_dev || st.st_ino != opts.cwd_ino)) {
        // A pack entry run from the parent of a slice's destination: the root's copy of
        // that directory, which shows its entries (and the slice) but holds no new files.
        if (s.pack_entry && recreated_copy_of_cwd(run, cwd, st)) return;
        throw Error("the current directory " + cwd + " is a different directory inside the sandbox" + fix);
    }
}

void apply_rlimits(const std::vector<Rlimit>& limits) {
    for (const auto& l : limits) {
        struct rlimit r {};
        r.rlim_cur = l.soft == UINT64_MAX ? RLIM_INFINITY : l.soft;
        r.rlim_max = l.hard == UINT64_MAX ? RLIM_INFINITY : l.hard;
        if (::setrlimit(l.resource, &r) != 0) {
            int err = errno;
            struct rlimit cur {};
            ::getrlimit(l.resource, &cur);
            auto show = [](rlim_t v) { return v == RLIM_INFINITY ? std::string("unlimited") : std::to_string(v); };
            throw Error("/process/rlimits/" + l.name + ": cannot set soft " + show(r.rlim_cur) + ", hard " +
                        show(r.rlim_max) + ": " + errno_text(err) + "; the current hard limit is " +
                        show(cur.rlim_max) + " and only root can raise it");
        }
    }
}

// True for an executable regular file. err = EACCES only when the file exists and is not
// executable: an unreadable PATH directory is not a "found" command (as in bash).
bool executable_file(const std::string& path, int& err) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        err = ENOENT;
        return false;
    }
    if (S_ISDIR(st.st_mode) || ::access(path.c_str(), X_OK) != 0) {
        err = EACCES;
        return false;
    }
    return true;
}

// Resolve a bare command name in the sandbox's PATH, as execvp would.
std::string resolve(const std::string& program, const std::vector<std::string>& env) {
    if (program.find('/') != std::string::npos) return program;
    std::string scratch;
    const std::string* path = env_lookup(env, "PATH", scratch);
    std::string dirs = path ? *path : kDefaultPath;
    bool denied = false;
    const auto found = search_path_dirs(dirs, program, EmptyPathEntry::current_dir, [&](const std::string& cand) {
        int err = 0;
        if (executable_file(cand, err)) return true;
        if (err == EACCES) denied = true;
        return false;
    });
    if (found) return *found;
    if (denied) throw Error(program + ": found in PATH but not executable (permission denied)", kExitNotExecutable);
    throw Error(program + ": command not found in the sandbox (PATH=" + dirs +
                    "); give its absolute path, or make it visible (--host-root, --bind, --store)",
                kExitNotFound);
}

// The interpreter the file names (#! line, or ELF PT_INTERP), from its first bytes.
std::optional<std::string> named_interpreter(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd) return std::nullopt;
    std::string head(kInterpHead, '\0');
    size_t got = 0;
    while (got < head.size()) {
        const ssize_t n = ::read(fd.get(), head.data() + got, head.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<size_t>(n);
    }
    head.resize(got);
    return interpreter_of(head);
}

[[noreturn]] void exec_failed(const std::string& path, int err) {
    struct stat st {};
    if (err == ENOENT && ::stat(path.c_str(), &st) == 0) {
        if (const auto interp = S_ISREG(st.st_mode) ? named_interpreter(path) : std::nullopt)
            throw Error(path + ": cannot run it: its interpreter " + *interp +
                            " (its #! line's, or its ELF loader) is missing inside the sandbox; is its store "
                            "mapped, or does it come from the host?",
                        kExitNotFound);
        throw Error(path +
                        ": cannot run it: its program interpreter (the ELF loader, or the #! "
                        "line's interpreter) is missing inside the sandbox; is its store mapped?",
                    kExitNotFound);
    }
    if (err == ENOENT) throw Error(path + ": no such file inside the sandbox", kExitNotFound);
    if (err == ENOEXEC) throw Error(path + ": not an executable format the kernel knows", kExitNotExecutable);
    if (err == EACCES && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw Error(path + ": is a directory, not a program", kExitNotExecutable);
    throw Error(path + ": cannot execute: " + errno_text(err), kExitNotExecutable);
}

}  // namespace

void enter_cwd(Run& run, const step::Chdir& s) { enter_cwd_of(run, s); }

void lock_files(Run& run, const step::LockFiles& s) {
    for (const auto& path : s.paths) {
        trace(run.opts, "read lock on " + path);
        Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw Error("cannot open the lock file " + path + ": " + errno_text(errno));
        struct flock l {};
        l.l_type = F_RDLCK;
        l.l_whence = SEEK_SET;
        if (::fcntl(fd.get(), F_SETLK, &l) != 0)
            throw Error("cannot lock " + path + ": " + errno_text(errno) +
                        (errno == EAGAIN || errno == EACCES ? "; another process holds a write lock on it" : ""));
        // A POSIX lock is the process's: the program's copy of the fd, closed at execve,
        // does not release it.
        run.locks.push_back(std::move(fd));
    }
}

void make_env(Run& run) {
    const Plan& plan = run.plan;
    run.env = compute_env(plan.env, run.opts.environ);
    if (plan.bwrap) {  // bwrap always says where the program starts, --clearenv or not
        char buf[PATH_MAX];
        std::erase_if(run.env, [](const std::string& e) { return e.rfind("PWD=", 0) == 0; });
        if (::getcwd(buf, sizeof buf)) run.env.push_back(std::string("PWD=") + buf);
    } else if (plan.cwd) {
        std::string scratch;
        // An explicit cwd makes an inherited $PWD wrong; keep it truthful.
        if (env_lookup(run.env, "PWD", scratch) || !plan.env.clear) {
            std::erase_if(run.env, [](const std::string& e) { return e.rfind("PWD=", 0) == 0; });
            run.env.push_back("PWD=" + *plan.cwd);
        }
    }
    // execve's array now: nothing is allocated for it after seccomp.
    run.envp.clear();
    for (const auto& e : run.env) run.envp.push_back(const_cast<char*>(e.c_str()));
    run.envp.push_back(nullptr);
}

void set_rlimits(const step::Rlimits& s) { apply_rlimits(s.limits); }

void new_session() {
    if (::setsid() < 0) throw Error("cannot start a new session: " + errno_text(errno));
}

void die_with_parent(Run& run, const step::DieWithParent& s) {
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
        throw Error("cannot set the parent-death signal: " + errno_text(errno));
    const pid_t parent = run.parent;
    if (parent == 0 || ::getppid() == parent) return;
    if (s.again) _exit(kExitSetupFailure);  // already gone
    // The caller was recorded when burrow started: if it died since, nothing runs.
    throw Error("the caller (pid " + std::to_string(parent) +
                ") exited while the sandbox was set up; with --die-with-parent "
                "(\"dieWithParent\") the program does not start");
}

void search_path(Run& run) { run.path = resolve(run.plan.program, run.env); }

void no_new_privs() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw Error("cannot set no_new_privs: " + errno_text(errno));
}

// Every fd from 3 up, except `keep` (sorted), gets close-on-exec: nothing the caller left
// open (a directory fd would reach the host's tree) survives into the program.
void close_inherited_fds(const std::vector<int>& keep) {
    unsigned lo = 3;
    auto mark = [](unsigned a, unsigned b) {
        if (a > b) return;
#ifdef SYS_close_range
        if (::syscall(SYS_close_range, a, b, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
        // Before Linux 5.11: one fcntl per possible fd, up to the fd limit.
        struct rlimit rl {};
        unsigned top =
            ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 1u << 20 ? unsigned(rl.rlim_cur) : 1u << 20;
        for (unsigned fd = a; fd <= b && fd < top; ++fd) {
            int fl = ::fcntl(int(fd), F_GETFD);
            if (fl >= 0) ::fcntl(int(fd), F_SETFD, fl | FD_CLOEXEC);
        }
    };
    for (int k : keep) {
        if (k < 3) continue;
        mark(lo, unsigned(k) - 1);
        // A kept fd stays open across exec even if the caller's side set close-on-exec.
        int fl = ::fcntl(k, F_GETFD);
        if (fl >= 0) ::fcntl(k, F_SETFD, fl & ~FD_CLOEXEC);
        lo = unsigned(k) + 1;
    }
    mark(lo, ~0U);
}

void exec(Run& run) {
    trace(run.opts, "exec " + run.path);
    ::execve(run.path.c_str(), run.argv.data(), run.envp.data());
    exec_failed(run.path, errno);
}

}  // namespace burrow::detail
