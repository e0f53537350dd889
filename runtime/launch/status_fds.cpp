// bwrap's --info-fd and --json-status-fd: the process that waits for the program (burrow,
// or the supervisor of fork-timeout) writes the program's pid and namespace ids when it
// has forked it, and the exit code once it has ended, if it got as far as execve.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "runtime/launch/apply.hpp"
#include "runtime/profile/namespaces.hpp"

namespace burrow::detail {

namespace {

void write_all(int fd, const std::string& s) {
    for (size_t off = 0; off < s.size();) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw Error("cannot write the status to fd " + std::to_string(fd) + ": " + errno_text(errno));
        off += static_cast<size_t>(n);
    }
}

// ", NAME-namespace: ID" for each of `ids`; `sep` goes before each.
std::string format_ids(const NamespaceIds& ids, const char* sep) {
    std::string out;
    for (const auto& [name, ino] : ids)
        out += std::string(",") + sep + "\"" + name + "-namespace\": " + std::to_string(ino);
    return out;
}

void info(const Plan& plan, pid_t child, const NamespaceIds& ids) {
    write_all(plan.info_fd, "{\n    \"child-pid\": " + std::to_string(child) + format_ids(ids, "\n    ") + "\n}\n");
    ::close(plan.info_fd);
}

// Each namespace of our own (the mount namespace always), in bwrap's order, read from
// `ns_dir` (our /proc/self/ns, opened before the fork: the child shares our mount
// namespace, and its proc mount or pivot_root would leave /proc/self dangling, a pid
// namespace's proc having no entry for us, half-way through the list).
NamespaceIds read_ids(const Plan& plan, const Fd& ns_dir) {
    NamespaceIds out;
    const step::Unshare* u = find_step<step::Unshare>(plan.steps);
    if (!u || !ns_dir) return out;
    struct Row {
        const char* name;  // as in /proc/PID/ns and the JSON key
        const char* link;  // what to read in /proc/self/ns
        bool Namespaces::*member;
    };
    static const Row rows[] = {{"cgroup", "cgroup", &Namespaces::cgroup},
                               {"ipc", "ipc", &Namespaces::ipc},
                               {"mnt", "mnt", &Namespaces::mount},
                               {"net", "net", &Namespaces::net},
                               // the pid namespace the program was forked into (none yet
                               // before pid 1 is: --userns-block-fd's early --info-fd)
                               {"pid", "pid_for_children", &Namespaces::pid},
                               {"uts", "uts", &Namespaces::uts}};
    for (const Row& r : rows) {
        if (!(u->ns.*r.member)) continue;
        struct stat st {};
        if (::fstatat(ns_dir.get(), r.link, &st, 0) != 0) {
            if (errno == ENOENT && r.member == &Namespaces::pid) continue;
            throw Error(std::string("cannot read /proc/self/ns/") + r.link +
                        " for the status fds: " + errno_text(errno));
        }
        out.emplace_back(r.name, st.st_ino);
    }
    return out;
}

}  // namespace

Fd namespaces_dir(const Plan& plan) {
    if (!wants_status(plan)) return Fd();
    Fd dir(::open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw Error("cannot open /proc/self/ns for the status fds: " + errno_text(errno));
    return dir;
}

bool wants_status(const Plan& plan) { return plan.info_fd >= 0 || plan.json_status_fd >= 0; }

Fd exec_failure_pipe(Run& run) {
    if (!wants_status(run.plan)) return Fd();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) throw Error("pipe: " + errno_text(errno));
    run.exec_failed_w.reset(fds[1]);
    return Fd(fds[0]);
}

// The ids are mapped from outside, for a process in the new user namespace: burrow's own,
// which made it (the program will be its child or grandchild, in the same one).
void await_id_maps(const Plan& plan, const step::AwaitIdMaps& s) {
    info(plan, ::getpid(), read_ids(plan, namespaces_dir(plan)));
    wait_and_close(s.fd);
}

void report_started(const Plan& plan, pid_t child, const Fd& ns_dir) {
    const NamespaceIds ids = read_ids(plan, ns_dir);
    const std::string pid = std::to_string(child);
    if (plan.info_fd >= 0 && !find_step<step::AwaitIdMaps>(plan.steps)) info(plan, child, ids);
    if (plan.json_status_fd >= 0)
        write_all(plan.json_status_fd, "{ \"child-pid\": " + pid + format_ids(ids, " ") + " }\n");
}

void report_exited(const Plan& plan, const Fd& exec_failed_r, int wait_status) {
    if (plan.json_status_fd < 0) return;
    char byte = 0;
    // A byte: setup or execve failed (perform() wrote it); end of file: the program ran.
    if (::read(exec_failed_r.get(), &byte, 1) != 0) return;
    const int code = WIFEXITED(wait_status)     ? WEXITSTATUS(wait_status)
                     : WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status)
                                                : 255;
    write_all(plan.json_status_fd, "{ \"exit-code\": " + std::to_string(code) + " }\n");
}

}  // namespace burrow::detail
