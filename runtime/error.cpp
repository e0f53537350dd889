#include "error.hpp"

#include <string.h>

namespace burrow {

std::string errno_text(int err) {
    // strerrordesc_np: thread-safe, locale-independent, never touches errno.
    if (const char* s = ::strerrordesc_np(err)) return s;
    return "error " + std::to_string(err);
}

}  // namespace burrow
