// burrow's own system call table (runtime/seccomp/syscalls.tbl → build/gen/syscalls.cpp).
//
// Profiles name system calls by the kernel's names; this table decides which names
// exist and what their numbers are on each architecture we build for, independently of
// what the installed libseccomp knows (Debian 12's 2.5.4 predates mseal, listmount, …).
#pragma once

#include <cstddef>
#include <string_view>

namespace burrow::seccomp {

// Column order of runtime/seccomp/syscalls.tbl.
inline constexpr std::size_t kArchCount = 3;
inline constexpr const char* kArchNames[kArchCount] = {"x86_64", "aarch64", "riscv64"};

#if defined(__x86_64__) && !defined(__ILP32__)
inline constexpr int kNativeArch = 0;
#elif defined(__aarch64__)
inline constexpr int kNativeArch = 1;
#elif defined(__riscv) && __riscv_xlen == 64
inline constexpr int kNativeArch = 2;
#else
inline constexpr int kNativeArch = -1;  // seccomp filters are refused here (compile())
#endif

struct SyscallInfo {
    const char* name;
    long number[kArchCount];  // -1: the call does not exist on that architecture
};

// Sorted by name (byte order), generated.
extern const SyscallInfo kSyscallTable[];
extern const std::size_t kSyscallTableSize;

// The entry for `name`, or nullptr.
const SyscallInfo* find_syscall(std::string_view name);

// Native number, or -1 when the call does not exist on this architecture.
long native_number(const SyscallInfo& s);

// The native architecture's name, or "unknown".
const char* native_arch_name();

// The highest native number in the table (-1 on an unsupported architecture).
long highest_native_number();

}  // namespace burrow::seccomp
