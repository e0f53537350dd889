// What the fuzz targets' code may do to the machine, enforced at link time.
//
// The targets are linked with -Wl,--wrap for the calls below (tests/fuzz/fuzz.mk), so
// every call from the statically linked objects lands here first; calls made inside
// shared libraries (libc's fopen, libstdc++, libarchive) are not wrapped. The rules apply
// only while the code under test runs (burrow_fuzz::guard_armed()): libFuzzer, linked
// statically too, creates and removes corpus files.
//
//  - open/openat: a fuzzed profile can name any file in "extends" or --profile, and
//    merely opening some device nodes has effects (a watchdog arms, a tape rewinds,
//    a serial line raises DTR). Opens are refused (EACCES, which the loader reports like
//    any unreadable file) unless the path is below the target's scratch directory;
//    opens for writing are a finding in themselves: nothing fuzzed writes files.
//  - execve, fork, mount, unshare, unlink, mkdir: the code paths under test are the
//    pure ones (parse, load, compile, verify); reaching one of these means the harness
//    or the code lets hostile input get further than planning, so it aborts loudly.
#include "tests/fuzz/fuzz_support.hpp"

#include <fcntl.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

extern "C" {
int __real_open(const char* path, int flags, ...);
int __real_openat(int dirfd, const char* path, int flags, ...);
int __real_execve(const char* path, char* const* argv, char* const* envp);
pid_t __real_fork();
int __real_mount(const char* src, const char* dst, const char* type, unsigned long flags, const void* data);
int __real_unshare(int flags);
int __real_unlink(const char* path);
int __real_mkdir(const char* path, mode_t mode);
}

namespace {

[[noreturn]] void forbidden(const char* call, const char* what) {
    std::fprintf(stderr, "fuzz guard: %s(%s) called by the code under test\n", call, what ? what : "");
    std::abort();
}

// No "." or ".." component from byte `from` on: nothing that could climb out.
bool no_dots(std::string_view p, std::size_t from) {
    std::size_t i = from;
    while (i <= p.size()) {
        const std::size_t j = std::min(p.find('/', i), p.size());
        const std::string_view c = p.substr(i, j - i);
        if (c == "." || c == "..") return false;
        i = j + 1;
    }
    return true;
}

// Below the scratch directory.
bool allowed(const char* path) {
    const std::string& dir = burrow_fuzz::scratch_dir();
    if (dir.empty() || !path) return false;
    const std::string_view p(path);
    if (p.size() <= dir.size() || p.compare(0, dir.size(), dir) != 0 || p[dir.size()] != '/') return false;
    return no_dots(p, dir.size() + 1);
}

void check_flags(const char* call, const char* path, int flags) {
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0) forbidden(call, path);
}

mode_t mode_arg(int flags, va_list ap) {
    return (flags & (O_CREAT | O_TMPFILE)) ? static_cast<mode_t>(va_arg(ap, int)) : 0;
}

}  // namespace

extern "C" {

int __wrap_open(const char* path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (!burrow_fuzz::guard_armed()) return __real_open(path, flags, mode);
    check_flags("open", path, flags);
    if (!allowed(path)) {
        errno = EACCES;
        return -1;
    }
    return __real_open(path, flags, mode);
}

int __wrap_openat(int dirfd, const char* path, int flags, ...) {
    va_list ap;
    va_start(ap, flags);
    const mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    if (!burrow_fuzz::guard_armed()) return __real_openat(dirfd, path, flags, mode);
    check_flags("openat", path, flags);
    // Relative to a directory that was itself opened through this guard (verify walks a
    // pack by descriptors); the pack under test is in the scratch directory.
    const bool relative = path && path[0] != '/' && dirfd != AT_FDCWD && no_dots(path, 0);
    if (!relative && !allowed(path)) {
        errno = EACCES;
        return -1;
    }
    return __real_openat(dirfd, path, flags, mode);
}

int __wrap_execve(const char* path, char* const* argv, char* const* envp) {
    if (burrow_fuzz::guard_armed()) forbidden("execve", path);
    return __real_execve(path, argv, envp);
}
pid_t __wrap_fork() {
    if (burrow_fuzz::guard_armed()) forbidden("fork", nullptr);
    return __real_fork();
}
int __wrap_mount(const char* src, const char* dst, const char* type, unsigned long flags, const void* data) {
    if (burrow_fuzz::guard_armed()) forbidden("mount", dst);
    return __real_mount(src, dst, type, flags, data);
}
int __wrap_unshare(int flags) {
    if (burrow_fuzz::guard_armed()) forbidden("unshare", nullptr);
    return __real_unshare(flags);
}
int __wrap_unlink(const char* path) {
    if (burrow_fuzz::guard_armed()) forbidden("unlink", path);
    return __real_unlink(path);
}
int __wrap_mkdir(const char* path, mode_t mode) {
    if (burrow_fuzz::guard_armed()) forbidden("mkdir", path);
    return __real_mkdir(path, mode);
}

}  // extern "C"
