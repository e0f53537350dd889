#include "packer/fsutil.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/interrupt.hpp"
#include "packer/sha256.hpp"

namespace burrow::pack {

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.release();
    }
    return *this;
}

void throw_sys(const std::string& what, const std::string& path, int err) {
    throw Error(what + " " + path + ": " + std::strerror(err), 1);
}

std::size_t read_some(int fd, char* buf, std::size_t size, const std::string& path) {
    for (;;) {
        const ssize_t n = ::read(fd, buf, size);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) throw_sys("cannot read", path, errno);
        check_interrupted();
    }
}

std::size_t pread_some(int fd, char* buf, std::size_t size, std::uint64_t offset, const std::string& path) {
    for (;;) {
        const ssize_t n = ::pread(fd, buf, size, static_cast<off_t>(offset));
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) throw_sys("cannot read", path, errno);
        check_interrupted();
    }
}

void write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) { check_interrupted(); continue; }
            throw_sys("cannot write", path, errno);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_file(const std::string& path, std::uint64_t limit) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_sys("cannot open", path, errno);
    std::string out;
    char buf[65536];
    for (;;) {
        const std::size_t n = read_some(fd.get(), buf, sizeof buf, path);
        if (n == 0) break;
        out.append(buf, n);
        if (out.size() > limit) throw Error(path + ": file is larger than " + std::to_string(limit) + " bytes", 1);
    }
    return out;
}

std::string sha256_of_file(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_sys("cannot open", path, errno);
    Sha256 h;
    std::string buf(1 << 20, '\0');
    for (;;) {
        const std::size_t n = read_some(fd.get(), buf.data(), buf.size(), path);
        if (n == 0) break;
        h.update(buf.data(), n);
    }
    return h.hex_digest();
}

std::string sha256_of_fd(int fd, const std::string& path) {
    Sha256 h;
    std::string buf(1 << 20, '\0');
    for (std::uint64_t off = 0;;) {
        const std::size_t n = pread_some(fd, buf.data(), buf.size(), off, path);
        if (n == 0) break;
        h.update(buf.data(), n);
        off += n;
    }
    return h.hex_digest();
}

std::string dirname_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string basename_of(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string join_path(const std::string& dir, const std::string& rel) {
    if (rel.empty()) return dir;
    if (dir.empty()) return rel;
    return dir.back() == '/' ? dir + rel : dir + "/" + rel;
}

std::string real_path(const std::string& path) {
    char* r = ::realpath(path.c_str(), nullptr);
    if (r == nullptr) throw_sys("cannot resolve", path, errno);
    std::string out(r);
    std::free(r);
    return out;
}

bool path_exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

std::string normalise_absolute(std::string_view path) {
    if (path.empty() || path.front() != '/') return {};
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
        while (i < path.size() && path[i] == '/') ++i;
        std::size_t j = i;
        while (j < path.size() && path[j] != '/') ++j;
        const std::string_view comp = path.substr(i, j - i);
        i = j;
        if (comp.empty() || comp == ".") continue;
        if (comp == "..") return {};
        out += '/';
        out += comp;
    }
    return out.empty() ? "/" : out;
}

}  // namespace burrow::pack
