#include "runtime/base/error.hpp"

#include <string.h>

#include <cstdio>

#include "runtime/base/lines.hpp"

namespace burrow {

namespace {
Voice g_voice = Voice::burrow;
bool g_level_prefix = false;

void print_lines(const char* level, const char* text) {
    const char* name = g_voice == Voice::bwrap ? "bwrap" : "burrow";
    const char* prefix = g_level_prefix ? level : "";
    // One "burrow: " line per line of the message, in one write per line.
    for_each_line(text, LastEmptyLine::drop, [name, prefix](std::string_view line) {
        std::fprintf(stderr, "%s%s: %.*s\n", prefix, name, static_cast<int>(line.size()), line.data());
    });
}
}  // namespace

void set_level_prefix(bool on) { g_level_prefix = on; }

void set_voice(Voice v) { g_voice = v; }
Voice voice() { return g_voice; }

int exit_status(const Error& e) { return g_voice == Voice::bwrap ? 1 : e.status(); }

void report(const Error& e) { print_lines("<3>", e.what()); }

void warn(const std::string& text) { print_lines("<4>", text.c_str()); }

std::string errno_text(int err) {
    // strerrordesc_np: thread-safe, locale-independent, never touches errno.
    if (const char* s = ::strerrordesc_np(err)) return s;
    return "error " + std::to_string(err);
}

}  // namespace burrow
