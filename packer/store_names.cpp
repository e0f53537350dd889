#include "packer/store_names.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace burrow::pack {

bool is_base32_char(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z' && c != 'e' && c != 'o' && c != 'u' && c != 't');
}

bool is_store_name_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
           c == '.' || c == '_' || c == '?' || c == '=';
}

std::optional<std::string_view> hash_part(std::string_view name) {
    if (name.size() < kHashChars + 2 || name[kHashChars] != '-') return std::nullopt;
    for (std::size_t i = 0; i < kHashChars; ++i)
        if (!is_base32_char(static_cast<unsigned char>(name[i]))) return std::nullopt;
    return name.substr(0, kHashChars);
}

std::string nix_base32(std::string_view bytes) {
    if (bytes.empty()) return {};
    const std::size_t len = (bytes.size() * 8 - 1) / 5 + 1;
    std::string out;
    out.reserve(len);
    for (std::size_t n = len; n-- > 0;) {
        const std::size_t b = n * 5, i = b / 8, j = b % 8;
        unsigned c = static_cast<unsigned char>(bytes[i]) >> j;
        if (i + 1 < bytes.size()) c |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << (8 - j);
        out += kBase32Alphabet[c & 0x1f];
    }
    return out;
}

std::string slice_item_name(std::string_view digest, std::string_view base_name) {
    std::string folded(20, '\0');
    for (std::size_t i = 0; i < digest.size(); ++i) folded[i % 20] = static_cast<char>(folded[i % 20] ^ digest[i]);
    std::string name = nix_base32(folded) + "-";
    for (unsigned char c : base_name) name += is_store_name_char(c) ? static_cast<char>(c) : '_';
    if (base_name.empty()) name += "slice";
    return name;
}

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        unsigned cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        if (i + n >= s.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= n; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3f);
        }
        // Overlong forms, surrogates, beyond U+10FFFF.
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            return false;
        i += n + 1;
    }
    return true;
}

std::string name_problem(std::string_view name) {
    if (name.empty()) return "it is empty";
    if (name == "." || name == "..") return "it is '.' or '..'";
    if (name.front() == '.') return "it starts with '.'";
    for (unsigned char c : name) {
        if (c == '/') return "it contains '/'";
        if (c < 0x20 || c == 0x7f) return "it contains a control character";
    }
    if (!valid_utf8(name)) return "it is not valid UTF-8";
    return {};
}

std::string shown_name(std::string_view name) {
    const bool plain = !name.empty() && valid_utf8(name) && std::none_of(name.begin(), name.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u <= 0x20 || u == 0x7f || ch == '"';
    });
    return plain ? std::string(name)
                 : nlohmann::json(std::string(name)).dump(-1, ' ', true, nlohmann::json::error_handler_t::replace);
}

}  // namespace burrow::pack
