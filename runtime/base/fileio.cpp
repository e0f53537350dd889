#include "runtime/base/fileio.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/base/fd.hpp"

namespace burrow {

std::optional<std::string> read_file(const std::string& path, std::size_t max) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (!fd) return std::nullopt;
    std::string out;
    char buf[16384];
    while (out.size() < max) {
        ssize_t n = ::read(fd.get(), buf, std::min(sizeof buf, max - out.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

std::string first_line(const std::string& path) {
    auto text = read_file(path, 4096);
    if (!text) return "";
    return text->substr(0, text->find('\n'));
}

}  // namespace burrow
