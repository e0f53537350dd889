/* The kernel's own cost of N bind mounts, for comparison with a burrow launch: new user
 * and mount namespaces, a tmpfs on MNT, then for each SRC/00000 ... a directory made in the
 * tmpfs and the source bound on it (open_tree, fstat, mount_setattr nosuid+nodev, mkdirat,
 * move_mount, close: the syscalls burrow's fastest bind makes), then exit, which tears the
 * mounts down. No planning, no checks, no messages.
 * Usage: mountloop SRC N MNT */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: mountloop SRC N MNT\n");
        return 2;
    }
    const char *src = argv[1], *mnt = argv[3];
    long n = strtol(argv[2], NULL, 10);
    char buf[4096];
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
        perror("unshare");
        return 1;
    }
    snprintf(buf, sizeof buf, "0 %u 1", (unsigned)uid);
    if (write_file("/proc/self/setgroups", "deny") || write_file("/proc/self/uid_map", buf)) {
        perror("uid_map");
        return 1;
    }
    snprintf(buf, sizeof buf, "0 %u 1", (unsigned)gid);
    if (write_file("/proc/self/gid_map", buf) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
        mount("mountloop", mnt, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")) {
        perror("setup");
        return 1;
    }
    int dir = open(mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        perror(mnt);
        return 1;
    }
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
    for (long i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "%05ld", i);
        snprintf(buf, sizeof buf, "%s/%s", src, name);
        int tree = (int)syscall(SYS_open_tree, AT_FDCWD, buf,
                                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW | AT_RECURSIVE);
        struct stat st;
        if (tree < 0 || fstat(tree, &st) != 0 ||
            syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) != 0 ||
            mkdirat(dir, name, 0755) != 0 ||
            syscall(SYS_move_mount, tree, "", dir, name, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
            perror(buf);
            return 1;
        }
        close(tree);
    }
    return 0;
}
