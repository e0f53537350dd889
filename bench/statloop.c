/* The syscall-heavy steady-state workload: stat(2) one path N times.
 * Usage: statloop N PATH   (exit 1 if a stat fails, so a wrong path cannot look fast) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: statloop N PATH\n");
        return 2;
    }
    long n = strtol(argv[1], NULL, 10);
    struct stat st;
    for (long i = 0; i < n; i++) {
        if (stat(argv[2], &st) != 0) {
            perror(argv[2]);
            return 1;
        }
    }
    return 0;
}
