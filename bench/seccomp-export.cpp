// Writes burrow's "default" seccomp baseline as raw BPF, so that bwrap can load the same
// filter with --seccomp FD and the sandbox-style comparison does the same work.
// Built from the runtime's own compile() and the same libseccomp settings as
// runtime/seccomp_install.cpp; only the last step differs (export instead of load).
// Usage: seccomp-export OUT.bpf
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <seccomp.h>
#include <set>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "runtime/seccomp.hpp"

namespace {
int fail(const char* what, int rc) {
    std::fprintf(stderr, "seccomp-export: %s failed (%d)\n", what, rc);
    return 1;
}
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: seccomp-export OUT.bpf\n");
        return 2;
    }
    const auto f = burrow::seccomp::compile(nlohmann::json{{"baseline", "default"}});
    if (!f.enabled) return fail("compile (the default baseline came out empty)", 0);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) return fail("seccomp_init", 0);
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    if (rc != 0) return fail("seccomp_attr_set", rc);
    std::set<long> numbers;
    for (const auto& r : f.rules) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& c : r.conds) {
            if (c.ne) cmps.push_back(SCMP_CMP64(c.index, SCMP_CMP_NE, c.value));
            else if (c.mask == ~0ULL) cmps.push_back(SCMP_CMP64(c.index, SCMP_CMP_EQ, c.value));
            else cmps.push_back(SCMP_CMP64(c.index, SCMP_CMP_MASKED_EQ, c.mask, c.value));
        }
        rc = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ERRNO(static_cast<uint16_t>(r.errno_value)),
                                          static_cast<int>(r.number), static_cast<unsigned>(cmps.size()),
                                          cmps.data());
        if (rc != 0) return fail(("seccomp_rule_add for " + r.syscall).c_str(), rc);
        numbers.insert(r.number);
    }
    // kEnosysCap of runtime/seccomp_install.cpp (not exported; keep the two equal).
    constexpr long kEnosysCap = 511;
    if (f.enosys_unknown)
        for (long nr = f.highest_known + 1; nr <= kEnosysCap; ++nr)
            if (!numbers.count(nr) && (rc = seccomp_rule_add_exact(ctx, SCMP_ACT_ERRNO(ENOSYS), static_cast<int>(nr), 0)) != 0)
                return fail("seccomp_rule_add (ENOSYS range)", rc);
    const int fd = ::open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return fail("open", errno);
    rc = seccomp_export_bpf(ctx, fd);
    seccomp_release(ctx);
    ::close(fd);
    if (rc != 0) return fail("seccomp_export_bpf", rc);
    std::printf("%zu rules\n", f.rules.size());
    return 0;
}
