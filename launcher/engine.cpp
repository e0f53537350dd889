#include "engine.hpp"

#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "runtime/base/path_search.hpp"
#include "runtime/plan/env.hpp"
#include "pack_entry.hpp"
#include "runtime/base/pack_layout.hpp"

namespace burrow {
namespace {

std::string engine_name() {
    const char* e = std::getenv("BURROW_ENGINE");
    std::string v = e && *e ? e : "auto";
    if (v != "auto" && v != "userns" && v != "proot" && v != "direct")
        throw Error("BURROW_ENGINE=" + v + ": expected auto, userns, proot or direct");
    return v;
}

std::optional<std::string> find_proot(const std::optional<std::string>& pack_root) {
    if (pack_root) {
        std::string shipped = *pack_root + "/" + kProotPath;
        if (::access(shipped.c_str(), X_OK) == 0) return shipped;
    }
    const char* path = std::getenv("PATH");
    return search_path_dirs(path ? path : kDefaultPath, "proot", EmptyPathEntry::skip,
                            [](const std::string& cand) { return ::access(cand.c_str(), X_OK) == 0; });
}

// proot emulates the binds with ptrace: slow, but it needs no namespace at all. Only for
// plans without a proot_obstacle: the stores and binds over the host's root as it is. A
// bind is not read-only under proot (proot has no such option): its files keep their own
// permissions.
[[noreturn]] void run_proot(const Plan& plan, const ApplyOptions& opts, const std::string& proot) {
    std::vector<std::string> args{proot};
    for (const auto& m : plan.mounts) {
        if (m.items.empty()) {
            args.push_back("-b");
            args.push_back(m.source + ":" + m.destination);
        }
        for (const auto& item : m.items) {
            args.push_back("-b");
            args.push_back(m.source + "/" + item + ":" + m.destination + "/" + item);
        }
    }
    args.push_back("-w");
    args.push_back(plan.cwd ? *plan.cwd : plan.caller_cwd);
    args.push_back(plan.program);
    args.insert(args.end(), plan.argv.begin() + 1, plan.argv.end());
    std::vector<std::string> env = compute_env(plan.env, opts.environ);
    detail::trace(opts, "exec " + proot + " (proot engine)");
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    ::execve(proot.c_str(), argv.data(), envp.data());
    throw Error("cannot run " + proot + ": " + errno_text(errno), kExitNotExecutable);
}

}  // namespace

std::optional<std::string> pack_root_of_runtime() {
    const auto& exe = self_exe();
    if (!exe) return std::nullopt;
    std::string dir = *exe;
    dir = dir.substr(0, dir.rfind('/'));
    const std::string tail = std::string("/") + kPackDir;
    if (dir.size() <= tail.size() || dir.compare(dir.size() - tail.size(), tail.size(), tail) != 0) return std::nullopt;
    struct stat st {};
    if (::stat((dir + "/" + kManifestName).c_str(), &st) != 0) return std::nullopt;
    std::string root = dir.substr(0, dir.size() - tail.size());
    return root.empty() ? "/" : root;
}

// proot works by ptrace: pointless where a seccomp filter denies it (inside a sandbox).
// PEEKDATA on ourselves, untraced, is ESRCH where ptrace is allowed and EPERM where filtered.
bool ptrace_denied() {
    errno = 0;
    ::syscall(SYS_ptrace, PTRACE_PEEKDATA, ::getpid(), nullptr, nullptr);
    return errno == EPERM;
}

int launch(const Plan& plan, const ApplyOptions& opts, const std::optional<std::string>& pack_root, bool pack_entry) {
    const std::string engine = engine_name();
    if (engine == "direct") {
        if (!plan.direct_eligible)
            throw Error(
                "BURROW_ENGINE=direct: this profile needs namespaces (it mounts more than "
                "stores, or asks for other namespaces or ids); use BURROW_ENGINE=auto");
        if (!stores_in_place(plan))
            throw Error(
                "BURROW_ENGINE=direct: the stores are not present at their destinations "
                "on this host; use BURROW_ENGINE=auto");
        return apply_direct(plan, opts);
    }
    if (engine == "auto" && plan.direct_eligible && stores_in_place(plan)) return apply_direct(plan, opts);
    if (engine == "proot") {
        if (!plan.proot_obstacle.empty())
            throw Error(
                "BURROW_ENGINE=proot runs only pack-style profiles (host root plus stores and binds); "
                "this one cannot run under proot: " +
                plan.proot_obstacle);
        auto proot = find_proot(pack_root);
        if (!proot)
            throw Error(
                "BURROW_ENGINE=proot: proot is not on PATH and not shipped in the pack "
                "(burrow-pack --proot FILE)");
        run_proot(plan, opts, *proot);
    }
    try {
        return apply(plan, opts);
    } catch (const NamespaceError& e) {
        if (engine != "auto" || !pack_entry) throw;
        if (!plan.proot_obstacle.empty())
            throw Error(std::string(e.what()) + "\n(no fallback: proot cannot run this entry: " + plan.proot_obstacle +
                        ")");
        if (ptrace_denied())
            throw Error(std::string(e.what()) +
                        "\n(no fallback: proot needs ptrace, which a seccomp "
                        "filter here denies)");
        auto proot = find_proot(pack_root);
        if (!proot)
            throw Error(std::string(e.what()) +
                        "\n(no fallback: proot is not on PATH and not shipped in "
                        "the pack)");
        std::fprintf(stderr, "burrow: %s\nburrow: falling back to proot (%s): slower, but needs no namespaces\n",
                     e.what(), proot->c_str());
        run_proot(plan, opts, *proot);
    }
}

}  // namespace burrow
