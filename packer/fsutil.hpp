// Small file-system helpers for the packer: whole-file reads, errors that name the path
// and the reason. The owning fd is burrow::Fd
// (runtime/base/fd.hpp), the lexical path helpers are in runtime/base/path.hpp.
#pragma once

#include <dirent.h>

#include <cstdint>
#include <string>
#include <vector>
#include <string_view>

#include "runtime/base/fd.hpp"
#include "runtime/base/path.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

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

std::string real_path(const std::string& path);  // throws naming the path
bool path_exists(const std::string& path);       // lstat succeeds
// The names in directory stream `d` but "." and "..", sorted; closes `d`. A read error
// throws "WHAT PLACE: …" (`d` is closed then too).
std::vector<std::string> sorted_names(DIR* d, const char* what, const std::string& place);

}  // namespace burrow::pack
