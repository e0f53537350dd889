#include "packer/fsutil.hpp"

#include <algorithm>

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
            if (errno == EINTR) {
                check_interrupted();
                continue;
            }
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

std::vector<std::string> sorted_names(DIR* d, const char* what, const std::string& place) {
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) throw_sys(what, place, err);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace burrow::pack
