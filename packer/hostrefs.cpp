#include "packer/hostrefs.hpp"

#include <cstring>

namespace burrow::pack {

namespace {

// Bytes that continue a path in text or a binary's strings; anything else ends it.
bool path_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
           c == '_' || c == '-' || c == '+' || c == '@' || c == '~' || c == ',' || c == '%';
}

constexpr std::size_t kLongest = 256;  // a path is listed cut to this many bytes

}  // namespace

const std::vector<std::string_view>& host_prefixes() {
    static const std::vector<std::string_view> p = {"/usr/", "/etc/",  "/lib/", "/lib64/", "/lib32/",
                                                    "/bin/", "/sbin/", "/opt/", "/var/"};
    return p;
}

HostRefScanner::HostRefScanner(std::vector<std::string> inside) : inside_(std::move(inside)) {
    for (auto& d : inside_)
        if (d.empty() || d.back() != '/') d += '/';
}

void HostRefScanner::feed(std::string_view chunk) {
    buf_.append(chunk);
    scan(false);
}

void HostRefScanner::end_of_file() {
    scan(true);
    buf_.clear();
}

void HostRefScanner::scan(bool final) {
    const std::string_view s = buf_;
    const std::size_t n = s.size();
    std::size_t keep_from = n;  // a path the chunk's end may cut: scanned again with more bytes
    for (const char* p = static_cast<const char*>(std::memchr(s.data(), '/', n)); p;
         p = static_cast<const char*>(std::memchr(p + 1, '/', n - static_cast<std::size_t>(p + 1 - s.data())))) {
        const std::size_t i = static_cast<std::size_t>(p - s.data());
        // Only where a path starts: "/gnu/store/…-python/lib/x" names no host /lib.
        if (i > 0 && path_char(static_cast<unsigned char>(s[i - 1]))) continue;
        std::size_t e = i;
        while (e < n && path_char(static_cast<unsigned char>(s[e]))) ++e;
        if (e == n && !final) {
            if (n - i <= kLongest) {
                keep_from = i;
                break;
            }
        }
        const std::string_view path = s.substr(i, std::min(e - i, kLongest));
        bool host = false;
        for (const auto& pre : host_prefixes())
            if (path.size() > pre.size() && path.compare(0, pre.size(), pre) == 0) host = true;
        for (const auto& d : inside_)
            if (path.compare(0, d.size(), d) == 0) host = false;
        if (host) found_.emplace(path);
        p = s.data() + e - 1;  // past this path
    }
    if (final) return;
    // Keep what may be the start of a path cut by the chunk's end, and one byte before it
    // (which says whether a path starts there).
    const std::size_t from = keep_from == n ? (n > 0 ? n - 1 : 0) : (keep_from > 0 ? keep_from - 1 : 0);
    buf_.erase(0, from);
}

}  // namespace burrow::pack
