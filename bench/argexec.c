/* Exec PROGRAM with its arguments followed by the NUL-separated arguments in FILE: lets a
 * benchmark run a command line far longer than the one argument (128 KiB) hyperfine
 * takes its command in, such as 10,000 --bind pairs, without a shell in the timed path.
 * Usage: argexec FILE PROGRAM [ARG...]   (FILE's arguments come after ARG...) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: argexec FILE PROGRAM [ARG...]\n");
        return 125;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 125;
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *buf = malloc(size + 1);
    if (!buf) {
        perror("malloc");
        return 125;
    }
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n <= 0) {
            perror(argv[1]);
            return 125;
        }
        got += (size_t)n;
    }
    close(fd);
    buf[size] = '\0';
    size_t count = 0;
    for (size_t i = 0; i < size; i++) count += buf[i] == '\0';
    if (size && buf[size - 1] != '\0') count++;  /* a last argument without its NUL */
    char **args = malloc(((size_t)argc + count) * sizeof *args);
    if (!args) {
        perror("malloc");
        return 125;
    }
    size_t n = 0;
    for (int i = 2; i < argc; i++) args[n++] = argv[i];
    for (size_t i = 0; i < size; i += strlen(buf + i) + 1) args[n++] = buf + i;
    args[n] = NULL;
    execvp(args[0], args);
    perror(args[0]);
    return 127;
}
