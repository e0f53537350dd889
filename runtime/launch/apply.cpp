// The launch sequence: one loop over the plan's steps. Each step lives in its facility's
// file; this one only performs them in order.
#include "runtime/launch/apply.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <variant>

namespace burrow {

std::string errno_text(int err);

namespace detail {

void trace(const ApplyOptions& opts, const std::string& what) {
    if (opts.debug) std::fprintf(stderr, "burrow: debug: %s\n", what.c_str());
}

void trace_step(const ApplyOptions& opts, const char* op) {
    if (opts.trace_fd < 0) return;
    char line[64];
    size_t n = std::strlen(op);
    if (n >= sizeof line) n = sizeof line - 1;
    std::memcpy(line, op, n);
    line[n++] = '\n';
    [[maybe_unused]] ssize_t w = ::write(opts.trace_fd, line, n);
}

Run::Run(const Plan& p, const ApplyOptions& o) : plan(p), opts(o), parent(o.parent), path(p.program) {
    for (const auto& a : plan.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
}

namespace {

// Performs one step. nullopt: go on with the next one; a value: this process is the one
// left waiting by a fork step, and that is the program's wait status.
struct Perform {
    Run& r;
    using Next = std::optional<int>;

    Next operator()(const step::DieWithParent& s) const {
        die_with_parent(r, s);
        return {};
    }
    Next operator()(const step::Cgroup& s) const {
        enter_cgroup(r, s);
        return {};
    }
    Next operator()(const step::JoinNamespaces& s) const {
        join_namespaces(s, r.opts);
        return {};
    }
    Next operator()(const step::Unshare& s) const {
        unshare_namespaces(s.ns, r.opts);
        return {};
    }
    Next operator()(const step::MapIds&) const {
        map_ids(r.plan);
        return {};
    }
    Next operator()(const step::AwaitIdMaps& s) const {
        await_id_maps(r.plan, s);
        return {};
    }
    Next operator()(const step::JoinUserns2& s) const {
        join_userns2(s, r.opts);
        return {};
    }
    Next operator()(const step::SetHostname& s) const {
        trace(r.opts, "hostname " + s.name);
        if (::sethostname(s.name.data(), s.name.size()) != 0)
            throw Error("cannot set the hostname to \"" + s.name + "\": " + errno_text(errno));
        return {};
    }
    Next operator()(const step::LoopbackUp&) const {
        trace(r.opts, "bring up lo");
        loopback_up();
        return {};
    }
    Next operator()(const step::ForkPid1& s) const { return fork_pid1(r, s.timeout); }
    Next operator()(const step::RootTmpfs&) const {
        root_tmpfs(r);
        return {};
    }
    Next operator()(const step::HostRoot&) const {
        host_root(r);
        return {};
    }
    Next operator()(const step::Mount& s) const {
        apply_mount(r, r.plan.mounts.at(s.index));
        return {};
    }
    Next operator()(const step::RemountRootRo&) const {
        remount_root_ro(r);
        return {};
    }
    Next operator()(const step::DetachOldRoot&) const {
        detach_old_root(r);
        return {};
    }
    Next operator()(const step::DisableUserns& s) const {
        disable_userns(r, s);
        return {};
    }
    Next operator()(const step::LockFiles& s) const {
        lock_files(r, s);
        return {};
    }
    Next operator()(const step::ForkProgram& s) const {
        fork_program(r, s);
        return {};
    }
    Next operator()(const step::ForkForSetsid&) const { return fork_for_setsid(r); }
    Next operator()(const step::ForkTimeout& s) const { return fork_timeout(r, s.timeout); }
    Next operator()(const step::Chdir& s) const {
        enter_cwd(r, s);
        return {};
    }
    Next operator()(const step::Env&) const {
        make_env(r);
        return {};
    }
    Next operator()(const step::Rlimits& s) const {
        set_rlimits(s);
        return {};
    }
    Next operator()(const step::Umask& s) const {
        ::umask(s.mask);
        return {};
    }
    Next operator()(const step::Setsid&) const {
        new_session();
        return {};
    }
    Next operator()(const step::SearchPath&) const {
        search_path(r);
        return {};
    }
    Next operator()(const step::NoNewPrivs&) const {
        no_new_privs();
        return {};
    }
    Next operator()(const step::DropCapabilities& s) const {
        if (!s.only_as_root || ::geteuid() == 0) drop_capabilities(r.plan, s);
        return {};
    }
    Next operator()(const step::CloseFds& s) const {
        close_inherited_fds(s.keep);
        return {};
    }
    Next operator()(const step::Seccomp&) const {
        seccomp::install(r.plan.seccomp);
        return {};
    }
    Next operator()(const step::ReadSeccompFds& s) const {
        read_seccomp_fds(r, s);
        return {};
    }
    Next operator()(const step::SeccompFds&) const {
        install_seccomp_fds(r);
        return {};
    }
    Next operator()(const step::BlockFd& s) const {
        block_fd(s);
        return {};
    }
    Next operator()(const step::Exec&) const { exec(r); }
};

// The loop. In the child of a fork step an error is reported and ends that process (its
// parent mirrors the status); before any fork it goes to the launcher.
int perform(const Plan& plan, const std::vector<Step>& steps, const ApplyOptions& opts) {
    Run run(plan, opts);
    for (const Step& s : steps) {
        trace_step(run.opts, step_op(plan, s));
        try {
            if (std::optional<int> status = std::visit(Perform{run}, s)) {
                leave_cgroup(run);  // the waiting process: the program has ended
                return *status;
            }
        } catch (const Error& e) {
            if (!run.forked) {
                leave_cgroup(run);
                throw;
            }
            report(e);
            if (run.exec_failed_w) [[maybe_unused]]
                ssize_t n = ::write(run.exec_failed_w.get(), "x", 1);
            _exit(exit_status(e));
        }
    }
    throw Error("internal error: the plan ends without an exec step");
}

}  // namespace
}  // namespace detail

bool stores_in_place(const Plan& plan) {
    bool any = false;
    for (const auto& m : plan.mounts) {
        if (m.kind != MountOp::Kind::store) continue;
        any = true;
        struct stat src {
        }, dst{};
        if (m.items.empty()) {
            // The whole store: in place only if the destination IS the source directory.
            if (::stat(m.source.c_str(), &src) != 0 || ::stat(m.destination.c_str(), &dst) != 0 ||
                src.st_dev != dst.st_dev || src.st_ino != dst.st_ino)
                return false;
            continue;
        }
        for (const auto& item : m.items)
            if (::lstat((m.destination + "/" + item).c_str(), &dst) != 0) return false;
    }
    return any;
}

int apply_direct(const Plan& plan, const ApplyOptions& opts) {
    detail::trace(opts, "direct exec: the stores are already in place, no namespaces needed");
    return detail::perform(plan, plan.direct_steps, opts);
}

int apply(const Plan& plan, const ApplyOptions& opts) { return detail::perform(plan, plan.steps, opts); }

}  // namespace burrow
