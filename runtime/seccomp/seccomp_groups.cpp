// burrow's syscall groups. The names are systemd's (and firejail's), so people coming from
// those tools find them; the contents are defined here, from runtime/seccomp/syscalls.tbl, and are
// versioned with burrow. Each group's purpose line is what `burrow --seccomp-groups` and
// burrow-profile(5) print. A member may be another @group. Names that do not exist on the
// running architecture (vm86 on x86_64, modify_ldt on aarch64) are skipped when a filter
// is built.
#include "runtime/seccomp/seccomp_groups.hpp"

#include <algorithm>
#include <cerrno>
#include <set>

#include "runtime/seccomp/seccomp_table.hpp"

namespace burrow::seccomp {
namespace {

std::vector<Group> make_groups() {
    std::vector<Group> g = {
        // Linux AIO contexts; io_uring is its own group because the sandbox baseline
        // denies it while leaving the older AIO calls alone.
        {"@aio",
         "asynchronous I/O: Linux AIO contexts and io_uring",
         {"io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_setup", "io_submit", "@io-uring"}},
        {"@basic-io",
         "read, write, seek and close file descriptors that are already open",
         {"close", "close_range", "dup", "dup2", "dup3", "lseek", "pread64", "preadv", "preadv2", "pwrite64", "pwritev",
          "pwritev2", "read", "readv", "write", "writev"}},
        {"@chown", "change the owner or group of files", {"chown", "fchown", "fchownat", "lchown"}},
        {"@clock",
         "set or adjust the system clocks",
         {"adjtimex", "clock_adjtime", "clock_settime", "settimeofday", "stime"}},
        // 16-bit segments and vm86 are x86 (modify_ldt is what Wine needs); subpage_prot
        // and switch_endian are PowerPC. All are rare and have leaked kernel memory before.
        {"@cpu-emulation",
         "run code in CPU modes other than the native one (LDT segments, vm86, endianness switches)",
         {"modify_ldt", "subpage_prot", "switch_endian", "vm86", "vm86old"}},
        // Our definition includes ptrace (firejail's does not): every call that reads or
        // controls another process's memory or execution, plus kernel profiling.
        {"@debug",
         "trace, inspect or profile other processes and the kernel",
         {"kcmp", "lookup_dcookie", "perf_event_open", "pidfd_getfd", "process_vm_readv", "process_vm_writev",
          "ptrace"}},
        {"@file-system",
         "look up, open, create, change and remove files, directories and their attributes",
         {"access",
          "chdir",
          "chmod",
          "creat",
          "faccessat",
          "faccessat2",
          "fallocate",
          "fchdir",
          "fchmod",
          "fchmodat",
          "fchmodat2",
          "fcntl",
          "fgetxattr",
          "file_getattr",
          "file_setattr",
          "flistxattr",
          "fremovexattr",
          "fsetxattr",
          "fstat",
          "fstatfs",
          "ftruncate",
          "futimesat",
          "getcwd",
          "getdents",
          "getdents64",
          "getxattr",
          "getxattrat",
          "inotify_add_watch",
          "inotify_init",
          "inotify_init1",
          "inotify_rm_watch",
          "lgetxattr",
          "link",
          "linkat",
          "listxattr",
          "listxattrat",
          "llistxattr",
          "lremovexattr",
          "lsetxattr",
          "lstat",
          "mkdir",
          "mkdirat",
          "mknod",
          "mknodat",
          "newfstatat",
          "open",
          "openat",
          "openat2",
          "readlink",
          "readlinkat",
          "removexattr",
          "removexattrat",
          "rename",
          "renameat",
          "renameat2",
          "rmdir",
          "setxattr",
          "setxattrat",
          "stat",
          "statfs",
          "statx",
          "symlink",
          "symlinkat",
          "truncate",
          "unlink",
          "unlinkat",
          "utime",
          "utimensat",
          "utimes"}},
        {"@io-event",
         "wait for events on file descriptors (select, poll, epoll, eventfd)",
         {"epoll_create", "epoll_create1", "epoll_ctl", "epoll_pwait", "epoll_pwait2", "epoll_wait", "eventfd",
          "eventfd2", "poll", "ppoll", "pselect6", "select"}},
        // A large, fast-moving kernel surface; programs fall back to epoll or threads.
        {"@io-uring",
         "io_uring submission and completion rings",
         {"io_uring_enter", "io_uring_register", "io_uring_setup"}},
        {"@ipc",
         "pipes, System V and POSIX message queues, semaphores and shared memory",
         {"mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedsend",
          "mq_unlink",     "msgctl",    "msgget",  "msgrcv",          "msgsnd",
          "pipe",          "pipe2",     "semctl",  "semget",          "semop",
          "semtimedop",    "shmat",     "shmctl",  "shmdt",           "shmget"}},
        // The kernel keyrings are not namespaced like the rest: they leak between sandboxes.
        {"@keyring", "the kernel key management facility", {"add_key", "keyctl", "request_key"}},
        {"@memlock", "lock memory into RAM", {"mlock", "mlock2", "mlockall", "munlock", "munlockall"}},
        {"@module", "load and unload kernel modules", {"delete_module", "finit_module", "init_module"}},
        {"@mount", "mount and unmount filesystems, change the root (systemd's name for @mount-api)", {"@mount-api"}},
        // The classic calls get the profile's errno; the fd-based API (Linux 5.2+) always
        // gets ENOSYS so that tools fall back to mount(2), which is then denied.
        {"@mount-api",
         "restructure the filesystem view: mount(2), pivot_root, chroot and the fd-based mount API",
         {"chroot", "fsconfig", "fsmount", "fsopen", "fspick", "mount", "mount_setattr", "move_mount", "open_tree",
          "open_tree_attr", "pivot_root", "umount", "umount2"}},
        {"@network-io",
         "create sockets, connect, send and receive",
         {"accept", "accept4", "bind", "connect", "getpeername", "getsockname", "getsockopt", "listen", "recvfrom",
          "recvmmsg", "recvmsg", "sendmmsg", "sendmsg", "sendto", "setsockopt", "shutdown", "socket", "socketpair"}},
        // libnuma reads EPERM as "no NUMA support", so denying these degrades gracefully.
        {"@numa",
         "NUMA memory policy and page migration",
         {"get_mempolicy", "mbind", "migrate_pages", "move_pages", "set_mempolicy", "set_mempolicy_home_node"}},
        // Calls the kernel no longer implements (they return ENOSYS anyway) or keeps only
        // for programs from the 1990s.
        {"@obsolete",
         "calls removed from the kernel or kept only for very old programs",
         {"_sysctl", "afs_syscall", "bdflush", "create_module", "epoll_ctl_old", "epoll_wait_old", "get_kernel_syms",
          "getpmsg", "nfsservctl", "putpmsg", "query_module", "security", "sysfs", "tuxcall", "uselib", "ustat",
          "vserver"}},
        {"@pkey", "memory protection keys", {"pkey_alloc", "pkey_free", "pkey_mprotect"}},
        {"@privileged",
         "system administration: calls that need capabilities such as CAP_SYS_ADMIN, CAP_SYS_BOOT or CAP_SYS_MODULE",
         {"@clock", "@module", "@mount-api", "@raw-io", "@reboot", "@swap", "acct", "bpf", "lookup_dcookie",
          "open_by_handle_at", "quotactl", "quotactl_fd", "syslog", "vhangup"}},
        {"@process",
         "create, replace, wait for and signal processes and threads, enter namespaces",
         {"clone", "clone3", "execve", "execveat", "exit", "exit_group", "fork", "kill", "pidfd_open",
          "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "setns", "tgkill", "tkill", "unshare", "vfork",
          "wait4", "waitid"}},
        {"@raw-io",
         "direct access to I/O ports and PCI configuration space",
         {"ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write"}},
        {"@reboot", "reboot the machine or load a new kernel", {"kexec_file_load", "kexec_load", "reboot"}},
        {"@resources",
         "change resource limits, scheduling, CPU affinity and I/O priority",
         {"ioprio_set", "prlimit64", "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler",
          "setpriority", "setrlimit"}},
        // Left allowed by the sandbox baseline on purpose: programs (and burrow itself)
        // sandbox themselves further with these.
        {"@sandbox",
         "confine the calling process further (seccomp filters, Landlock)",
         {"landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "seccomp"}},
        // What "baseline": "default" denies by name; its switches (nestedNamespaces,
        // ttyInjection, socketFamilies, personality, newSyscalls) add the argument rules.
        {"@sandbox-default", "what the \"default\" baseline denies by name", {"@clock",        "@cpu-emulation",
                                                                              "@debug",        "@io-uring",
                                                                              "@keyring",      "@module",
                                                                              "@mount-api",    "@numa",
                                                                              "@obsolete",     "@raw-io",
                                                                              "@reboot",       "@swap",
                                                                              "acct",          "bpf",
                                                                              "fanotify_init", "kexec_file_load",
                                                                              "kexec_load",    "open_by_handle_at",
                                                                              "quotactl",      "quotactl_fd",
                                                                              "syslog",        "userfaultfd",
                                                                              "vhangup"}},
        {"@setuid",
         "change user and group ids",
         {"setfsgid", "setfsuid", "setgid", "setgroups", "setregid", "setresgid", "setresuid", "setreuid", "setuid"}},
        {"@signal",
         "handle, block and wait for signals",
         {"pause", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
          "rt_sigtimedwait", "sigaltstack", "signalfd", "signalfd4"}},
        {"@swap", "enable and disable swap devices", {"swapoff", "swapon"}},
        {"@sync",
         "flush file data and metadata to storage",
         {"fdatasync", "fsync", "msync", "sync", "sync_file_range", "syncfs"}},
        {"@timer",
         "interval timers, POSIX timers and timerfds",
         {"alarm", "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
          "timer_settime", "timerfd_create", "timerfd_gettime", "timerfd_settime"}},
    };
    for (auto& grp : g) std::sort(grp.members.begin(), grp.members.end());
    std::sort(g.begin(), g.end(), [](const Group& a, const Group& b) { return a.name < b.name; });
    return g;
}

void expand_into(std::string_view item, std::set<std::string>& out, int depth) {
    if (depth > 8) return;  // groups are acyclic (unit-tested); this only bounds a bad edit
    if (!item.empty() && item[0] == '@') {
        if (const Group* g = find_group(item))
            for (const auto& m : g->members) expand_into(m, out, depth + 1);
        return;
    }
    if (find_syscall(item)) out.emplace(item);
}

}  // namespace

const std::vector<Group>& groups() {
    static const std::vector<Group> all = make_groups();
    return all;
}

const Group* find_group(std::string_view name) {
    for (const auto& g : groups())
        if (g.name == name) return &g;
    return nullptr;
}

std::vector<std::string> expand(std::string_view item) {
    std::set<std::string> out;
    expand_into(item, out, 0);
    return {out.begin(), out.end()};
}

std::optional<int> fixed_errno(std::string_view syscall) {
    // glibc (2.34+) and util-linux probe these and fall back on ENOSYS; EPERM would be
    // reported to the user as a failure instead.
    static constexpr std::string_view kFallback[] = {"clone3",     "fsconfig",  "fsmount",
                                                     "fsopen",     "fspick",    "mount_setattr",
                                                     "move_mount", "open_tree", "open_tree_attr"};
    for (auto n : kFallback)
        if (n == syscall) return ENOSYS;
    return std::nullopt;
}

}  // namespace burrow::seccomp
