// Loading a compiled Filter into the kernel with libseccomp. The only part of the seccomp
// facility that makes system calls.
#include "runtime/seccomp/seccomp.hpp"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <set>
#include <seccomp.h>

#include "runtime/base/error.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/seccomp/seccomp_names.hpp"

namespace burrow::seccomp {
namespace {

// "newSyscalls": "enosys" answers ENOSYS for every number above the table's highest up to
// this cap. libseccomp rules match single numbers, and a hand-written range check would be
// BPF of our own. Each rule costs ~9 µs of filter compilation at every launch (measured:
// 554 rules up to 1023 added 5 ms to a sandbox launch), so the cap is where new calls can
// actually appear: Linux numbers new calls densely after the last one (~470 in 2025,
// a handful a year), and on x86_64 512..547 are the x32 ABI's (bit 30, refused by the
// architecture check). 511 leaves years of room; the table is updated with the kernel.
constexpr long kEnosysCap = 511;

struct CtxRelease {
    void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

std::string why(int rc) { return errno_text(rc < 0 ? -rc : rc); }

// The libseccomp context for a filter: shared by install() and export_bpf().
Ctx build(const Filter& f) {
    Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) throw Error("seccomp: cannot create a filter context (libseccomp seccomp_init failed)");

    auto attr = [&](scmp_filter_attr a, uint32_t v, const char* what) {
        if (int rc = seccomp_attr_set(ctx.get(), a, v); rc < 0)
            throw Error(std::string("seccomp: cannot set ") + what + ": " + why(rc) + " (libseccomp " +
                        std::to_string(seccomp_version()->major) + "." + std::to_string(seccomp_version()->minor) +
                        ")");
    };
    // no_new_privs is the caller's business (it sets it, or keeps CAP_SYS_ADMIN on purpose).
    attr(SCMP_FLTATR_CTL_NNP, 0, "the no_new_privs handling");
    // A call through another ABI (int 0x80 on x86_64) would bypass a name-based filter
    // built for the native table: end the process instead.
    attr(SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS, "the foreign-architecture action");
    attr(SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimisation");
    // Report the kernel's own errno from seccomp_load instead of libseccomp's ECANCELED.
    attr(SCMP_FLTATR_API_SYSRAWRC, 1, "raw error reporting");

    std::set<long> numbers;
    for (const auto& r : f.rules) {
        // Brace-initialised rather than SCMP_CMP64(), whose C compound literal is an
        // extension that clang -Wpedantic reports in C++.
        std::vector<scmp_arg_cmp> cmps;
        for (const auto& c : r.conds) {
            if (c.ne) {
                if (c.mask != ~0ULL && c.mask != 0xffffffffffffffffULL)
                    throw Error("seccomp: rule for " + r.syscall +
                                " has a masked \"!=\" condition, which libseccomp cannot express");
                cmps.push_back(scmp_arg_cmp{c.index, SCMP_CMP_NE, c.value, 0});
            } else if (c.mask == ~0ULL) {
                cmps.push_back(scmp_arg_cmp{c.index, SCMP_CMP_EQ, c.value, 0});
            } else {
                cmps.push_back(scmp_arg_cmp{c.index, SCMP_CMP_MASKED_EQ, c.mask, c.value});
            }
        }
        // By number, not by name: our table knows calls this libseccomp may not (mseal).
        const int rc =
            seccomp_rule_add_exact_array(ctx.get(), SCMP_ACT_ERRNO(static_cast<uint16_t>(r.errno_value)),
                                         static_cast<int>(r.number), static_cast<unsigned>(cmps.size()), cmps.data());
        if (rc < 0)
            throw Error("seccomp: cannot add the rule " + r.syscall + " (" + std::to_string(r.number) + ") → " +
                        errno_name(r.errno_value) + ": " + why(rc));
        numbers.insert(r.number);
    }
    if (f.enosys_unknown) {
        for (long nr = f.highest_known + 1; nr <= kEnosysCap; ++nr) {
            if (numbers.count(nr)) continue;
            if (int rc = seccomp_rule_add_exact(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), static_cast<int>(nr), 0); rc < 0)
                throw Error("seccomp: cannot add the ENOSYS rule for system call number " + std::to_string(nr) + ": " +
                            why(rc));
        }
    }
    return ctx;
}

[[noreturn]] void load_failed(int rc) {
    std::string msg = "seccomp: cannot load the filter: " + why(rc);
    if (rc == -EACCES || rc == -EPERM)
        msg += " (the kernel requires no_new_privs or CAP_SYS_ADMIN; keep \"security.noNewPrivileges\": true)";
    else if (rc == -EINVAL)
        msg += " (this kernel lacks seccomp filter support, or the filter is too large)";
    throw Error(msg);
}

}  // namespace

std::vector<unsigned char> export_bpf(const Filter& f) {
    Ctx ctx = build(f);
    Fd mem(::memfd_create("burrow-seccomp", MFD_CLOEXEC));
    if (!mem) throw Error("seccomp: memfd_create: " + errno_text(errno));
    if (int rc = seccomp_export_bpf(ctx.get(), mem.get()); rc < 0)
        throw Error("seccomp: cannot export the filter: " + why(rc));
    std::vector<unsigned char> out(static_cast<size_t>(::lseek(mem.get(), 0, SEEK_END)));
    if (::pread(mem.get(), out.data(), out.size(), 0) != static_cast<ssize_t>(out.size()))
        throw Error("seccomp: cannot read the exported filter: " + errno_text(errno));
    return out;
}

void install(const Filter& f) {
    if (!f.enabled) return;
    // The default baseline's BPF was generated by libseccomp at build time
    // (tools/gen-seccomp-default.cpp): load it as is when the filter is exactly that one,
    // which saves compiling ~230 rules (~0.8 ms) at every sandbox launch.
    const Prebuilt* pre = prebuilt_default();
    if (pre && pre->fingerprint == fingerprint(f)) {
        struct sock_fprog prog {};
        prog.len = static_cast<unsigned short>(pre->size / sizeof(struct sock_filter));
        prog.filter = const_cast<struct sock_filter*>(reinterpret_cast<const struct sock_filter*>(pre->bpf));
        if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) load_failed(-errno);
        return;
    }
    Ctx ctx = build(f);
    if (int rc = seccomp_load(ctx.get()); rc < 0) load_failed(rc);
}

std::string fingerprint(const Filter& f) { return f.source; }

}  // namespace burrow::seccomp
