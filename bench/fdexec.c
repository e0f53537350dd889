/* Open FILE read-only on descriptor FD, then exec PROGRAM: lets a benchmark hand
 * `bwrap --seccomp FD` its compiled filter without a shell in the timed path.
 * Usage: fdexec FD FILE PROGRAM [ARG...] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: fdexec FD FILE PROGRAM [ARG...]\n");
        return 125;
    }
    int want = atoi(argv[1]);
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror(argv[2]);
        return 125;
    }
    if (fd != want) {
        if (dup2(fd, want) < 0) {
            perror("dup2");
            return 125;
        }
        close(fd);
    }
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    return 127;
}
