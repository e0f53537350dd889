// The cgroup step: cgroup v2 limits on the whole sandbox.
//
// burrow makes PARENT/burrow-PID below its own cgroup, moves itself into it (everything it
// then starts inherits it), hands it the controllers and writes the limits. cgroup v2
// lets a non-root cgroup give controllers to its children only while it holds no process
// of its own, so PARENT must hold only burrow (a delegated scope made for it), unless it
// is the hierarchy's root, which root may use. At the end the waiting process moves back,
// takes back the controllers it gave (not at the root, where others may use them) and
// removes the directory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>

#include "runtime/base/cgroup_text.hpp"
#include "runtime/base/fileio.hpp"
#include "runtime/launch/apply.hpp"

namespace burrow::detail {

namespace {

// Writes `text` to an existing cgroup file; 0 or the errno.
int write_file(const std::string& path, const std::string& text) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return errno;
    if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) return errno ? errno : EIO;
    return 0;
}

std::string join_words(const std::vector<std::string>& w, const char* sep) {
    std::string out;
    for (const auto& s : w) out += (out.empty() ? "" : sep) + s;
    return out;
}

// Where a process that is the cgroup's only one can come from: a scope of its own.
const char* kScopeHint =
    "run burrow as the only process of a delegated cgroup, e.g. `systemd-run --user --scope -p Delegate=yes "
    "burrow …`, or as root";

}  // namespace

CgroupState make_cgroup(const std::string& parent, bool parent_is_root, const step::Cgroup& s, pid_t self,
                        const std::string& proc_self_cgroup) {
    const std::string what = s.origin + ": cannot limit the sandbox in cgroup " + parent + ": ";
    const std::vector<std::string> need = cgroup::needed(bool(s.memory), bool(s.cpus), bool(s.pids));

    // Every reason it cannot work, in one message.
    std::vector<std::string> problems;
    const auto offered = cgroup::words(read_file(parent + "/cgroup.controllers", 4096).value_or(""));
    std::vector<std::string> missing, v1;
    for (const auto& c : need)
        if (std::find(offered.begin(), offered.end(), c) == offered.end()) {
            missing.push_back(c);
            if (cgroup::on_v1(proc_self_cgroup, c)) v1.push_back(c);
        }
    if (!missing.empty()) {
        std::string m = "it does not offer the " + join_words(missing, ", ") + " controller" +
                        (missing.size() > 1 ? "s" : "") +
                        " (cgroup.controllers lists: " + (offered.empty() ? "none" : join_words(offered, " ")) + ")";
        if (!v1.empty())
            m += "; this host runs " + join_words(v1, ", ") +
                 " as cgroup v1 (a hybrid hierarchy), which burrow does not use: boot with "
                 "systemd.unified_cgroup_hierarchy=1";
        else
            m += "; enable them in the parent cgroup's cgroup.subtree_control, or " + std::string(kScopeHint);
        problems.push_back(m);
    }
    if (::access(parent.c_str(), W_OK) != 0) {
        struct stat st {};
        const bool known = ::stat(parent.c_str(), &st) == 0;
        problems.push_back("it is not delegated to uid " + std::to_string(::getuid()) +
                           (known ? " (it belongs to uid " + std::to_string(st.st_uid) + ")" : "") + ": " + kScopeHint);
    }
    if (!problems.empty()) throw Error(what + join_words(problems, "; and "));

    CgroupState st{parent, parent + "/burrow-" + std::to_string(self), {}, parent_is_root};
    if (::mkdir(st.dir.c_str(), 0755) != 0) {
        const int e = errno;
        // Left by an earlier burrow with our pid that was killed before it could remove it:
        // reused once it holds no process.
        if (e != EEXIST) throw Error(what + "cannot make " + st.dir + ": " + errno_text(e));
        if (!cgroup::words(read_file(st.dir + "/cgroup.procs", 4096).value_or("x")).empty())
            throw Error(what + st.dir + " exists and holds processes; remove it once they have ended");
    }
    if (int e = write_file(st.dir + "/cgroup.procs", std::to_string(self))) {
        ::rmdir(st.dir.c_str());
        throw Error(what + "cannot move burrow into " + st.dir + ": " + errno_text(e));
    }
    const auto on = cgroup::words(read_file(parent + "/cgroup.subtree_control", 4096).value_or(""));
    std::string add;
    for (const auto& c : need)
        if (std::find(on.begin(), on.end(), c) == on.end()) {
            add += (add.empty() ? "+" : " +") + c;
            st.enabled.push_back(c);
        }
    if (!add.empty())
        if (int e = write_file(parent + "/cgroup.subtree_control", add)) {
            st.enabled.clear();
            remove_cgroup(st, self);
            throw Error(what + (e == EBUSY
                                    ? "it holds processes besides burrow, and cgroup v2 hands controllers to a child "
                                      "only from a cgroup without processes of its own; " +
                                          std::string(kScopeHint)
                                    : "cannot enable " + add + " in its cgroup.subtree_control: " + errno_text(e)));
        }
    struct Limit {
        const char* file;
        bool set;
        std::string value;
    };
    const Limit limits[] = {{"memory.max", bool(s.memory), s.memory ? std::to_string(*s.memory) : ""},
                            {"cpu.max", bool(s.cpus), s.cpus ? cgroup::cpu_max(*s.cpus) : ""},
                            {"pids.max", bool(s.pids), s.pids ? std::to_string(*s.pids) : ""}};
    for (const Limit& l : limits) {
        if (!l.set) continue;
        if (int e = write_file(st.dir + "/" + l.file, l.value)) {
            remove_cgroup(st, self);
            throw Error(what + "cannot write " + l.value + " to " + st.dir + "/" + l.file + ": " + errno_text(e));
        }
    }
    return st;
}

void remove_cgroup(const CgroupState& st, pid_t self) {
    if (st.dir.empty()) return;
    if (!st.enabled.empty() && !st.parent_is_root) {
        std::string off;
        for (const auto& c : st.enabled) off += (off.empty() ? "-" : " -") + c;
        write_file(st.parent + "/cgroup.subtree_control", off);
    }
    const int moved = write_file(st.parent + "/cgroup.procs", std::to_string(self));
    // The pid namespace's last processes may still be on their way out: a moment for them.
    int e = 0;
    for (int i = 0; i < 200; ++i) {
        if (::rmdir(st.dir.c_str()) == 0) return;
        e = errno;
        if (e != EBUSY) break;
        const timespec ms{0, 1000000};
        ::nanosleep(&ms, nullptr);
    }
    std::fprintf(stderr, "burrow: warning: cgroup %s was left behind: %s%s\n", st.dir.c_str(), errno_text(e).c_str(),
                 moved ? " (burrow could not move back out of it)"
                       : (e == EBUSY ? " (processes the program started still run in it)" : ""));
}

void enter_cgroup(Run& run, const step::Cgroup& s) {
    const std::string self_cgroup = read_file("/proc/self/cgroup", 65536).value_or("");
    const std::string mountinfo = read_file("/proc/self/mountinfo", 4 << 20).value_or("");
    const std::string dir = cgroup::own_directory(mountinfo, self_cgroup);
    if (dir.empty())
        throw Error(s.origin +
                    ": cannot limit the sandbox: the limits need a cgroup v2 hierarchy, and burrow's process is in "
                    "none (/proc/self/cgroup has no \"0::\" line, or no cgroup2 filesystem is mounted); on a host "
                    "with cgroup v1 only, boot with systemd.unified_cgroup_hierarchy=1, or drop the limit");
    const bool is_root = cgroup::own_directory(mountinfo, "0::/\n") == dir;
    trace(run.opts, "cgroup " + dir + "/burrow-" + std::to_string(::getpid()));
    run.cgroup = make_cgroup(dir, is_root, s, ::getpid(), self_cgroup);
}

void leave_cgroup(Run& run) {
    remove_cgroup(run.cgroup, ::getpid());
    run.cgroup = {};
}

}  // namespace burrow::detail
