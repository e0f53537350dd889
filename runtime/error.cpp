#include "error.hpp"

#include <string.h>

#include <cstdio>

namespace burrow {

void report(const Error& e) {
    // One "burrow: " line per line of the message, in one write per line.
    std::string msg = e.what();
    size_t start = 0;
    while (start < msg.size()) {
        size_t end = msg.find('\n', start);
        if (end == std::string::npos) end = msg.size();
        std::fprintf(stderr, "burrow: %.*s\n", static_cast<int>(end - start), msg.data() + start);
        start = end + 1;
    }
}

std::string errno_text(int err) {
    // strerrordesc_np: thread-safe, locale-independent, never touches errno.
    if (const char* s = ::strerrordesc_np(err)) return s;
    return "error " + std::to_string(err);
}

}  // namespace burrow
