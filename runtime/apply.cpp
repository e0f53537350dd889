// The launch sequence. Each step lives in its facility's file; this one only orders them.
#include "apply.hpp"

#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

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

}  // namespace detail

bool stores_in_place(const Plan& plan) {
    bool any = false;
    for (const auto& m : plan.mounts) {
        if (m.kind != MountOp::Kind::store) continue;
        any = true;
        struct stat src{}, dst{};
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
    // Without a user namespace an ordinary user holds no capabilities to drop; root's are
    // dropped as in the namespace case.
    ApplyOptions o = opts;
    o.have_caps = ::geteuid() == 0;
    if (plan.new_session && ::getpid() == ::getpgrp()) return detail::run_in_new_session(plan, o);
    detail::finish_and_exec(plan, o);
}

int apply(const Plan& plan, const ApplyOptions& opts) {
    if (plan.die_with_parent) {
        detail::trace_step(opts, "die-with-parent");
        if (::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
            throw Error("cannot set the parent-death signal: " + errno_text(errno));
        // The caller was recorded when burrow started: if it died since, nothing runs.
        if (opts.parent != 0 && ::getppid() != opts.parent)
            throw Error("the caller (pid " + std::to_string(opts.parent) +
                        ") exited while the sandbox was set up; with --die-with-parent "
                        "(\"dieWithParent\") the program does not start");
    }
    detail::enter_namespaces(plan, opts);
    if (plan.hostname) {
        detail::trace_step(opts, "sethostname");
        detail::trace(opts, "hostname " + *plan.hostname);
        if (::sethostname(plan.hostname->data(), plan.hostname->size()) != 0)
            throw Error("cannot set the hostname to \"" + *plan.hostname + "\": " + errno_text(errno));
    }
    if (plan.ns.net) {
        detail::trace_step(opts, "loopback-up");
        detail::trace(opts, "bring up lo");
        detail::loopback_up();
    }
    if (plan.ns.pid) return detail::run_with_pid1(plan, opts);
    detail::build_root(plan, opts);
    if (plan.new_session && ::getpid() == ::getpgrp()) return detail::run_in_new_session(plan, opts);
    detail::finish_and_exec(plan, opts);
}

}  // namespace burrow
