/* escape_probe: tries one thing a sandboxed program should not be able to do and prints
 * how it went, as a single word on stdout: "OK" when the call succeeded, otherwise the
 * errno's name ("EPERM", "ENOSYS", ...), or a word describing what was observed (EMPTY,
 * NOTTY, ...). The test script compares that word with what the sandbox must answer.
 *
 *   escape_probe CASE [ARG...]
 *
 * Calls glibc lacks are made with syscall(2) and the numbers from <sys/syscall.h>. A call
 * that unexpectedly succeeds is undone where that is possible (fds closed, children
 * reaped); nothing here writes outside the sandbox on purpose. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif

static int result(long rc)
{
    if (rc >= 0) {
        puts("OK");
        return 0;
    }
    const char *name = strerrorname_np(errno);
    printf("%s\n", name ? name : "EUNKNOWN");
    return 0;
}

static int say(const char *word)
{
    puts(word);
    return 0;
}

/* Reads a file: the errno of open/read, EMPTY, or READ (something was read). */
static int read_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return result(-1);
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    if (n < 0) return result(-1);
    return say(n == 0 ? "EMPTY" : "READ");
}

/* TIOCSTI / TIOCLINUX on fd 0, which must be our controlling terminal, otherwise the
 * kernel itself answers EPERM and the result would prove nothing about the filter. */
static int tty_ioctl(unsigned long cmd, int wide)
{
    if (!isatty(0)) return say("NOTTY");
    if (tcgetsid(0) != getsid(0)) return say("NOCTTY");
    char c = cmd == TIOCLINUX ? 6 /* TIOCL_GETSHIFTSTATE */ : '#';
    unsigned long arg = cmd;
    if (wide) arg |= 1UL << 32; /* the kernel ignores the high half of cmd */
    return result(syscall(SYS_ioctl, 0, arg, &c));
}

/* clone with namespace flags through the raw syscall (glibc's clone() wraps it). */
static int raw_clone(unsigned long flags)
{
    long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    if (pid > 0) waitpid((pid_t)pid, NULL, 0);
    return result(pid);
}

static int do_clone3(void)
{
    struct clone_args args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_NEWUSER;
    args.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid == 0) _exit(0);
    if (pid > 0) waitpid((pid_t)pid, NULL, 0);
    return result(pid);
}

static int connect_tcp(const char *port)
{
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return result(-1);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)atoi(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = connect(s, (struct sockaddr *)&a, sizeof a);
    result(rc);
    close(s);
    return 0;
}

static int connect_abstract(const char *name)
{
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return result(-1);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    size_t n = strlen(name);
    if (n > sizeof a.sun_path - 1) n = sizeof a.sun_path - 1;
    memcpy(a.sun_path + 1, name, n); /* sun_path[0] == 0: abstract namespace */
    int rc = connect(s, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n));
    result(rc);
    close(s);
    return 0;
}

static int open_socket(const char *family)
{
    int f = -1, type = SOCK_STREAM;
    if (!strcmp(family, "inet")) f = AF_INET;
    else if (!strcmp(family, "inet6")) f = AF_INET6;
    else if (!strcmp(family, "unix")) f = AF_UNIX;
    else if (!strcmp(family, "packet")) { f = AF_PACKET; type = SOCK_RAW; }
    else if (!strcmp(family, "alg")) { f = AF_ALG; type = SOCK_SEQPACKET; }
    else if (!strcmp(family, "vsock")) f = AF_VSOCK;
    else return say("EUSAGE");
    int s = socket(f, type | SOCK_CLOEXEC, 0);
    result(s);
    if (s >= 0) close(s);
    return 0;
}

static int do_perf(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_TASK_CLOCK;
    attr.exclude_kernel = 1; /* what perf_event_paranoid=2 still lets a user do */
    attr.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    result(fd);
    if (fd >= 0) close((int)fd);
    return 0;
}

static int do_bpf(void)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.map_type = BPF_MAP_TYPE_ARRAY;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
    result(fd);
    if (fd >= 0) close((int)fd);
    return 0;
}

static int do_io_uring(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    long fd = syscall(SYS_io_uring_setup, 1, &p);
    result(fd);
    if (fd >= 0) close((int)fd);
    return 0;
}

static int do_userfaultfd(void)
{
    /* UFFD_USER_MODE_ONLY is allowed to unprivileged users whatever the sysctl says. */
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
    result(fd);
    if (fd >= 0) close((int)fd);
    return 0;
}

static int do_open_by_handle(void)
{
    struct {
        struct file_handle fh;
        unsigned char bytes[16];
    } h;
    memset(&h, 0, sizeof h);
    h.fh.handle_bytes = 8;
    h.fh.handle_type = 1;
    long fd = syscall(SYS_open_by_handle_at, AT_FDCWD, &h.fh, O_RDONLY);
    result(fd);
    if (fd >= 0) close((int)fd);
    return 0;
}

static int do_process_vm_readv(const char *pid)
{
    char local[8], remote[8];
    struct iovec l = { local, sizeof local }, r = { remote, sizeof remote };
    return result(syscall(SYS_process_vm_readv, atoi(pid), &l, 1, &r, 1, 0));
}

/* Prints the core limits, then tries to raise the soft limit to the hard one and to
 * dump core (abort) in DIR. Output: "soft hard raise=E dumped|nocore". */
static int core(const char *dir)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_CORE, &rl) != 0) return result(-1);
    printf("%llu %llu ", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
    struct rlimit up = { RLIM_INFINITY, RLIM_INFINITY };
    int rc = setrlimit(RLIMIT_CORE, &up);
    if (rc != 0) {
        up.rlim_cur = rl.rlim_max; /* a soft limit may always go up to the hard one */
        up.rlim_max = rl.rlim_max;
        setrlimit(RLIMIT_CORE, &up);
    }
    printf("raise=%s ", rc == 0 ? "OK" : strerrorname_np(errno));
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return result(-1);
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(99);
        abort();
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st)) printf("%s\n", WCOREDUMP(st) ? "dumped" : "nocore");
    else printf("exit=%d\n", WEXITSTATUS(st));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: escape_probe CASE [ARG...]\n");
        return 2;
    }
    const char *c = argv[1];
    const char *a = argc > 2 ? argv[2] : "";
    const char *b = argc > 3 ? argv[3] : "";
    setvbuf(stdout, NULL, _IOLBF, 0);

    /* files */
    if (!strcmp(c, "read")) return read_file(a);
    if (!strcmp(c, "open-write")) {
        int fd = open(a, O_WRONLY | O_CLOEXEC);
        result(fd);
        if (fd >= 0) close(fd);
        return 0;
    }
    if (!strcmp(c, "create")) {
        int fd = open(a, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        result(fd);
        if (fd >= 0) close(fd);
        return 0;
    }
    if (!strcmp(c, "create-follow")) { /* no O_EXCL: a symlink in the last component is followed */
        int fd = open(a, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        result(fd);
        if (fd >= 0) close(fd);
        return 0;
    }
    if (!strcmp(c, "mkdir")) return result(mkdir(a, 0755));
    if (!strcmp(c, "mknod")) return result(mknod(a, S_IFBLK | 0600, makedev(8, 0)));

    /* terminal injection */
    if (!strcmp(c, "tiocsti")) return tty_ioctl(TIOCSTI, 0);
    if (!strcmp(c, "tiocsti64")) return tty_ioctl(TIOCSTI, 1);
    if (!strcmp(c, "tioclinux")) return tty_ioctl(TIOCLINUX, 0);
    if (!strcmp(c, "tioclinux64")) return tty_ioctl(TIOCLINUX, 1);

    /* namespaces */
    if (!strcmp(c, "unshare-user")) return result(unshare(CLONE_NEWUSER));
    if (!strcmp(c, "unshare-mnt")) return result(unshare(CLONE_NEWNS));
    if (!strcmp(c, "unshare-net")) return result(unshare(CLONE_NEWNET));
    if (!strcmp(c, "setns")) {
        int fd = open(a, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return say("NOFD");
        result(setns(fd, 0));
        close(fd);
        return 0;
    }
    if (!strcmp(c, "clone-newuser")) return raw_clone(CLONE_NEWUSER);
    if (!strcmp(c, "clone-newns")) return raw_clone(CLONE_NEWNS);
    if (!strcmp(c, "clone-newnet")) return raw_clone(CLONE_NEWNET);
    if (!strcmp(c, "clone3")) return do_clone3();
    if (!strcmp(c, "fork")) return raw_clone(0);

    /* filesystem view */
    if (!strcmp(c, "mount")) return result(mount("none", a, "tmpfs", 0, NULL));
    if (!strcmp(c, "bind-mount")) return result(mount(a, b, NULL, MS_BIND, NULL));
    if (!strcmp(c, "umount")) return result(umount2(a, MNT_DETACH));
    if (!strcmp(c, "pivot_root")) return result(syscall(SYS_pivot_root, a, b));
    if (!strcmp(c, "chroot")) return result(chroot(a));
    if (!strcmp(c, "open_tree")) return result(syscall(SYS_open_tree, AT_FDCWD, a, OPEN_TREE_CLONE));
    if (!strcmp(c, "move_mount")) return result(syscall(SYS_move_mount, AT_FDCWD, a, AT_FDCWD, b, 0));
    if (!strcmp(c, "fsopen")) return result(syscall(SYS_fsopen, "tmpfs", 0));
    if (!strcmp(c, "fsmount")) return result(syscall(SYS_fsmount, -1, 0, 0));
    if (!strcmp(c, "mount_setattr")) return result(syscall(SYS_mount_setattr, AT_FDCWD, a, 0, NULL, 0));

    /* other processes */
    if (!strcmp(c, "kill")) return result(kill(atoi(a), SIGTERM));
    if (!strcmp(c, "ptrace")) return result(ptrace(PTRACE_ATTACH, atoi(a), NULL, NULL));
    if (!strcmp(c, "process_vm_readv")) return do_process_vm_readv(a);

    /* network */
    if (!strcmp(c, "connect-tcp")) return connect_tcp(a);
    if (!strcmp(c, "connect-abstract")) return connect_abstract(a);
    if (!strcmp(c, "socket")) return open_socket(a);

    /* kernel attack surface */
    if (!strcmp(c, "keyctl")) return result(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1));
    if (!strcmp(c, "add_key")) return result(syscall(SYS_add_key, "user", "burrow-escape", "x", 1, -3));
    if (!strcmp(c, "request_key")) return result(syscall(SYS_request_key, "user", "burrow-escape", NULL, -3));
    if (!strcmp(c, "bpf")) return do_bpf();
    if (!strcmp(c, "perf_event_open")) return do_perf();
    if (!strcmp(c, "userfaultfd")) return do_userfaultfd();
    if (!strcmp(c, "io_uring_setup")) return do_io_uring();
    if (!strcmp(c, "kexec_load")) return result(syscall(SYS_kexec_load, 0, 0, NULL, 0));
    if (!strcmp(c, "init_module")) return result(syscall(SYS_init_module, NULL, 0, ""));
    if (!strcmp(c, "finit_module")) return result(syscall(SYS_finit_module, -1, "", 0));
    /* Wrong magic numbers: even a call that got through would do nothing. */
    if (!strcmp(c, "reboot")) return result(syscall(SYS_reboot, 0, 0, 0, NULL));
    if (!strcmp(c, "swapon")) return result(syscall(SYS_swapon, a, 0));
    if (!strcmp(c, "acct")) return result(syscall(SYS_acct, a));
    if (!strcmp(c, "syslog")) {
        char buf[256];
        return result(syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, (int)sizeof buf));
    }
    if (!strcmp(c, "open_by_handle_at")) return do_open_by_handle();
    if (!strcmp(c, "personality")) {
        int rc = personality(PER_LINUX | READ_IMPLIES_EXEC);
        if (rc != -1) personality(PER_LINUX);
        return result(rc == -1 ? -1 : 0);
    }
    if (!strcmp(c, "personality-query")) return result(personality(0xffffffff));
    if (!strcmp(c, "iopl")) return result(syscall(SYS_iopl, 3));
    if (!strcmp(c, "clock_settime")) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return result(clock_settime(CLOCK_REALTIME, &ts));
    }
    if (!strcmp(c, "sethostname")) return result(sethostname(a, strlen(a)));
    if (!strcmp(c, "int80-getpid")) { /* getpid through the i386 ABI (x86_64 only) */
#if defined(__x86_64__)
        long r;
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
        return result(r > 0 ? 0 : -1);
#else
        puts("ENOSYS");
        return 0;
#endif
    }
    if (!strcmp(c, "core")) return core(a);
    if (!strcmp(c, "abort")) {
        struct rlimit rl;
        getrlimit(RLIMIT_CORE, &rl);
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_CORE, &rl);
        if (a[0] && chdir(a) != 0) return result(-1);
        abort();
    }

    fprintf(stderr, "escape_probe: unknown case %s\n", c);
    return 2;
}
