#include "runtime/base/interp.hpp"

#include <elf.h>

#include <cstring>

namespace burrow {

namespace {

// A T at `off` in `b`, or nullopt when it does not fit.
template <class T>
std::optional<T> at(std::string_view b, std::uint64_t off) {
    if (off > b.size() || b.size() - off < sizeof(T)) return std::nullopt;
    T v;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}

template <class Ehdr, class Phdr>
std::optional<std::string> elf_interp(std::string_view b) {
    const auto eh = at<Ehdr>(b, 0);
    if (!eh || eh->e_phentsize != sizeof(Phdr)) return std::nullopt;
    for (unsigned i = 0; i < eh->e_phnum; ++i) {
        const auto ph = at<Phdr>(b, eh->e_phoff + std::uint64_t{i} * sizeof(Phdr));
        if (!ph) return std::nullopt;
        if (ph->p_type != PT_INTERP) continue;
        if (ph->p_filesz < 2 || ph->p_offset > b.size() || b.size() - ph->p_offset < ph->p_filesz) return std::nullopt;
        std::string_view s = b.substr(ph->p_offset, ph->p_filesz);
        s = s.substr(0, s.find('\0'));
        if (s.empty()) return std::nullopt;
        return std::string(s);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> interpreter_of(std::string_view b) {
    if (b.size() > kInterpHead) b = b.substr(0, kInterpHead);
    if (b.substr(0, 2) == "#!") {
        std::string_view line = b.substr(2, b.find('\n') == std::string_view::npos ? b.npos : b.find('\n') - 2);
        const auto start = line.find_first_not_of(" \t");
        if (start == std::string_view::npos) return std::nullopt;
        line = line.substr(start);
        line = line.substr(0, line.find_first_of(" \t\r"));
        if (line.empty()) return std::nullopt;
        return std::string(line);
    }
    if (b.size() < EI_NIDENT || std::memcmp(b.data(), ELFMAG, SELFMAG) != 0) return std::nullopt;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (b[EI_DATA] != ELFDATA2LSB) return std::nullopt;
#else
    if (b[EI_DATA] != ELFDATA2MSB) return std::nullopt;
#endif
    if (b[EI_CLASS] == ELFCLASS64) return elf_interp<Elf64_Ehdr, Elf64_Phdr>(b);
    if (b[EI_CLASS] == ELFCLASS32) return elf_interp<Elf32_Ehdr, Elf32_Phdr>(b);
    return std::nullopt;
}

}  // namespace burrow
