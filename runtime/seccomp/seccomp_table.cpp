// Lookups in the generated syscall table (build/gen/syscalls.cpp).
#include "runtime/seccomp/seccomp_table.hpp"

#include <algorithm>
#include <cstring>

namespace burrow::seccomp {

const SyscallInfo* find_syscall(std::string_view name) {
    const SyscallInfo* end = kSyscallTable + kSyscallTableSize;
    const SyscallInfo* it = std::lower_bound(kSyscallTable, end, name, [](const SyscallInfo& s, std::string_view n) {
        return std::string_view(s.name) < n;
    });
    return it != end && name == it->name ? it : nullptr;
}

long native_number(const SyscallInfo& s) {
    if constexpr (kNativeArch < 0)
        return -1;
    else
        return s.number[kNativeArch];
}

const char* native_arch_name() {
    if constexpr (kNativeArch < 0)
        return "unknown";
    else
        return kArchNames[kNativeArch];
}

long highest_native_number() {
    long best = -1;
    for (std::size_t i = 0; i < kSyscallTableSize; ++i) best = std::max(best, native_number(kSyscallTable[i]));
    return best;
}

}  // namespace burrow::seccomp
