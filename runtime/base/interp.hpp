// What a program needs the kernel to load first: the #! line's interpreter, or an ELF
// file's PT_INTERP (its dynamic loader). Pure, over the file's first bytes, for naming
// what is missing when execve fails with ENOENT on a file that exists.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace burrow {

// How much of the file interpreter_of() needs: the #! line, or the ELF header, its
// program headers and the PT_INTERP string when they lie within the first this many bytes.
inline constexpr std::size_t kInterpHead = 64 * 1024;

// The path, or nullopt when `head` is neither a #! script nor an ELF file (of this host's
// byte order) with a PT_INTERP in reach, or is malformed. Never reads past `head`.
std::optional<std::string> interpreter_of(std::string_view head);

}  // namespace burrow
