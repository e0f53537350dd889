/* tool: copies standard input to standard output through a filter plug-in that it finds
 * under its compiled-in prefix, PREFIX/lib/tool/NAME.so, and prefixes every line with
 * PREFIX/share/tool/tag. Nothing but PREFIX says where its files are: no RPATH, no store
 * hash, no path relative to the binary.
 *
 *   tool [PLUGIN [STATUS]]   filter stdin with PLUGIN (default "plain"), exit with STATUS
 *   tool --version           the version and where it looks for its files
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(PREFIX) || !defined(VERSION)
#error "build with make PREFIX=... VERSION=..."
#endif

static void read_tag(char* tag, size_t size) {
    FILE* f = fopen(PREFIX "/share/tool/tag", "r");
    tag[0] = '\0';
    if (!f) return;
    if (!fgets(tag, (int)size, f)) tag[0] = '\0';
    tag[strcspn(tag, "\n")] = '\0';
    fclose(f);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("tool %s, plug-ins in %s/lib/tool\n", VERSION, PREFIX);
        return 0;
    }
    const char* name = argc > 1 ? argv[1] : "plain";
    char path[4096], tag[256], line[4096];
    snprintf(path, sizeof path, "%s/lib/tool/%s.so", PREFIX, name);
    void* plugin = dlopen(path, RTLD_NOW);
    if (!plugin) {
        fprintf(stderr, "tool %s: %s\n", VERSION, dlerror());
        return 2;
    }
    void (*filter)(char*) = (void (*)(char*))dlsym(plugin, "filter");
    const char* (*plugin_version)(void) = (const char* (*)(void))dlsym(plugin, "plugin_version");
    if (!filter || !plugin_version) {
        fprintf(stderr, "tool %s: %s is not a tool plug-in\n", VERSION, path);
        return 2;
    }
    read_tag(tag, sizeof tag);
    while (fgets(line, sizeof line, stdin)) {
        filter(line);
        printf("%s[tool %s, %s %s] %s", tag, VERSION, name, plugin_version(), line);
    }
    return argc > 2 ? atoi(argv[2]) : 0;
}
