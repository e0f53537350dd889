/* LD_PRELOAD shim for t_pack_interrupt.sh: open(2) and openat(2) with O_TMPFILE fail with
 * EOPNOTSUPP, as on a file system without it (NFS, vfat, ...), so that burrow-pack takes
 * its named-temporary path. Everything else is passed on. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/types.h>

#define REFUSED(flags) (((flags) & O_TMPFILE) == O_TMPFILE)
#define GET_MODE(flags)                                  \
    mode_t mode = 0;                                     \
    if ((flags) & (O_CREAT | __O_TMPFILE)) {             \
        va_list ap;                                      \
        va_start(ap, flags);                             \
        mode = va_arg(ap, mode_t);                       \
        va_end(ap);                                      \
    }

#define WRAP_OPEN(name)                                                     \
    int name(const char *path, int flags, ...) {                            \
        GET_MODE(flags)                                                     \
        if (REFUSED(flags)) { errno = EOPNOTSUPP; return -1; }              \
        static int (*real)(const char *, int, ...);                         \
        if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
        return real(path, flags, mode);                                     \
    }
#define WRAP_OPENAT(name)                                                   \
    int name(int dir, const char *path, int flags, ...) {                   \
        GET_MODE(flags)                                                     \
        if (REFUSED(flags)) { errno = EOPNOTSUPP; return -1; }              \
        static int (*real)(int, const char *, int, ...);                    \
        if (!real) real = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, #name); \
        return real(dir, path, flags, mode);                                \
    }

WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)
