// A single-file pack (burrow-pack -f run): the burrow-run stub, then the payload (the bytes
// of the pack as -f tarball writes it), then this trailer, the file's last 64 bytes. The
// stub finds its payload through it, and names its cache directory after the payload's
// SHA-256, so that two different packs never share one and the same pack always does.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace burrow {

inline constexpr std::size_t kRunTrailerSize = 64;
inline constexpr char kRunMagic[16] = {'B', 'U', 'R', 'R', 'O', 'W', '-', 'R', 'U', 'N', '-', 'v', '1', 0, 0, 0};

struct RunTrailer {
    std::uint64_t offset = 0;  // of the payload, from the start of the file
    std::uint64_t size = 0;    // of the payload
    std::string sha256;        // of the payload: 32 raw bytes
};

namespace detail {
inline void put_u64(char* p, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
inline std::uint64_t get_u64(const char* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
    return v;
}
}  // namespace detail

// magic (16) | offset (8, little-endian) | size (8) | sha256 (32)
inline std::string format_run_trailer(const RunTrailer& t) {
    std::string out(kRunTrailerSize, '\0');
    std::memcpy(out.data(), kRunMagic, sizeof kRunMagic);
    detail::put_u64(out.data() + 16, t.offset);
    detail::put_u64(out.data() + 24, t.size);
    std::memcpy(out.data() + 32, t.sha256.data(), t.sha256.size() < 32 ? t.sha256.size() : 32);
    return out;
}

// The trailer of a file `file_size` bytes long whose last 64 bytes are `tail`; nothing
// when it is not one, or when its payload does not lie between the stub and the trailer.
inline std::optional<RunTrailer> parse_run_trailer(std::string_view tail, std::uint64_t file_size) {
    if (tail.size() != kRunTrailerSize || std::memcmp(tail.data(), kRunMagic, sizeof kRunMagic) != 0)
        return std::nullopt;
    RunTrailer t;
    t.offset = detail::get_u64(tail.data() + 16);
    t.size = detail::get_u64(tail.data() + 24);
    t.sha256.assign(tail.data() + 32, 32);
    if (file_size < kRunTrailerSize || t.offset == 0 || t.offset > file_size - kRunTrailerSize ||
        t.size != file_size - kRunTrailerSize - t.offset)
        return std::nullopt;
    return t;
}

}  // namespace burrow
