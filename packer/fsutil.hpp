// Small file-system helpers for the packer: an owning fd, whole-file reads, errors that
// name the path and the reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/error.hpp"

namespace burrow::pack {

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd();
    Fd(Fd&& o) noexcept : fd_(o.release()) {}
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    int release() { int f = fd_; fd_ = -1; return f; }

private:
    int fd_ = -1;
};

// Error(status 1) "<what> <path>: <strerror(err)>".
[[noreturn]] void throw_sys(const std::string& what, const std::string& path, int err);

// read() that retries on EINTR unless a signal is pending (then throws Interrupted).
std::size_t read_some(int fd, char* buf, std::size_t size, const std::string& path);
// The same with pread(2) at `offset` (the fd's own offset is not used).
std::size_t pread_some(int fd, char* buf, std::size_t size, std::uint64_t offset, const std::string& path);
void write_all(int fd, std::string_view data, const std::string& path);

std::string read_file(const std::string& path, std::uint64_t limit = 64u << 20);
std::string sha256_of_file(const std::string& path);
// Of the whole file open as fd (read with pread from the start); `path` names it in errors.
std::string sha256_of_fd(int fd, const std::string& path);

std::string dirname_of(const std::string& path);   // "a/b" → "a", "b" → ".", "/b" → "/"
std::string basename_of(const std::string& path);
std::string join_path(const std::string& dir, const std::string& rel);
std::string real_path(const std::string& path);    // throws naming the path
bool path_exists(const std::string& path);         // lstat succeeds

// Lexically normalised absolute path ("/a//b/./c/" → "/a/b/c"); ".." is refused (nullopt
// is signalled by an empty result).
std::string normalise_absolute(std::string_view path);

}  // namespace burrow::pack
