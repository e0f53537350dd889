/* A tool plug-in: upper-cases the line in place. */
#include <ctype.h>

const char* plugin_version(void) { return VERSION; }

void filter(char* line) {
    for (; *line; ++line) *line = (char)toupper((unsigned char)*line);
}
