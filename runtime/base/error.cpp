#include "runtime/base/error.hpp"

#include <string.h>

#include <cstdio>

#include "runtime/base/lines.hpp"

namespace burrow {

void report(const Error& e) {
    // One "burrow: " line per line of the message, in one write per line.
    for_each_line(e.what(), LastEmptyLine::drop, [](std::string_view line) {
        std::fprintf(stderr, "burrow: %.*s\n", static_cast<int>(line.size()), line.data());
    });
}

std::string errno_text(int err) {
    // strerrordesc_np: thread-safe, locale-independent, never touches errno.
    if (const char* s = ::strerrordesc_np(err)) return s;
    return "error " + std::to_string(err);
}

}  // namespace burrow
