#include "runtime/base/error.hpp"

#include <string.h>

#include <cstdio>

#include "runtime/base/lines.hpp"

namespace burrow {

namespace {
Voice g_voice = Voice::burrow;
}

void set_voice(Voice v) { g_voice = v; }
Voice voice() { return g_voice; }

int exit_status(const Error& e) { return g_voice == Voice::bwrap ? 1 : e.status(); }

void report(const Error& e) {
    // One "burrow: " line per line of the message, in one write per line.
    const char* name = g_voice == Voice::bwrap ? "bwrap" : "burrow";
    for_each_line(e.what(), LastEmptyLine::drop, [name](std::string_view line) {
        std::fprintf(stderr, "%s: %.*s\n", name, static_cast<int>(line.size()), line.data());
    });
}

std::string errno_text(int err) {
    // strerrordesc_np: thread-safe, locale-independent, never touches errno.
    if (const char* s = ::strerrordesc_np(err)) return s;
    return "error " + std::to_string(err);
}

}  // namespace burrow
