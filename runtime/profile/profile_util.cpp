#include "runtime/profile/profile_util.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace burrow::profile {

std::string pointer_join(const std::string& base, std::string_view key) { return base + "/" + pointer_escape(key); }

std::string pointer_join(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

std::string pointer_text(const std::string& ptr) { return ptr.empty() ? "/" : ptr; }

std::string quote(std::string_view s) {
    constexpr std::size_t kMax = 120;
    bool cut = s.size() > kMax;
    ojson j = std::string(cut ? s.substr(0, kMax) : s);
    std::string out = j.dump(-1, ' ', false, ojson::error_handler_t::replace);
    if (cut) out.insert(out.size() - 1, "…");
    return out;
}

std::string type_name(const ojson& v) {
    switch (v.type()) {
        case ojson::value_t::null: return "null";
        case ojson::value_t::boolean: return "boolean";
        case ojson::value_t::string: return "string";
        case ojson::value_t::number_integer:
        case ojson::value_t::number_unsigned: return "integer";
        case ojson::value_t::number_float: return "number";
        case ojson::value_t::array: return "array";
        case ojson::value_t::object: return "object";
        default: return "value";
    }
}

std::string describe(const ojson& v) {
    switch (v.type()) {
        case ojson::value_t::string: return "string " + quote(v.get_ref<const std::string&>());
        case ojson::value_t::boolean:
        case ojson::value_t::number_integer:
        case ojson::value_t::number_unsigned:
        case ojson::value_t::number_float: return type_name(v) + " " + v.dump();
        default: return type_name(v);
    }
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::string join_quoted(const std::vector<std::string>& items, std::string_view sep) {
    std::vector<std::string> q;
    q.reserve(items.size());
    for (const auto& i : items) q.push_back(quote(i));
    return join(q, sep);
}

std::string file_stem(std::string_view path) {
    std::size_t slash = path.rfind('/');
    if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    if (path.size() > 5 && path.substr(path.size() - 5) == ".json") path.remove_suffix(5);
    return std::string(path);
}

bool is_env_name(std::string_view s) {
    if (s.empty()) return false;
    if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

bool is_profile_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    if (!std::isalnum(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '+' || c == '-';
    });
}

SizeText parse_size(std::string_view s, std::uint64_t& out) {
    std::size_t digits = 0;
    while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
    const std::string_view suffix = s.substr(digits);
    const std::string_view units = "kKmMgG";
    if (digits == 0 || suffix.size() > 1 || (!suffix.empty() && units.find(suffix[0]) == std::string_view::npos))
        return SizeText::bad;
    const unsigned shift = suffix.empty() ? 0 : 10 * (1 + static_cast<unsigned>(units.find(suffix[0])) / 2);
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        const auto d = static_cast<std::uint64_t>(s[i] - '0');
        if (n > (kMax - d) / 10) return SizeText::too_large;
        n = n * 10 + d;
    }
    if (n > (kMax >> shift)) return SizeText::too_large;
    out = n << shift;
    return SizeText::ok;
}

bool parse_duration(std::string_view s, double& seconds) {
    std::size_t i = 0, digits = 0;
    double v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        v = v * 10 + (s[i++] - '0');
        ++digits;
        if (v > 1e12) return false;
    }
    if (i < s.size() && s[i] == '.') {
        double scale = 0.1;
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) {
            v += (s[i] - '0') * scale;
            ++digits;
        }
    }
    if (digits == 0) return false;
    double unit = 1;
    if (i + 1 == s.size()) {
        switch (s[i]) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            default: return false;
        }
    } else if (i != s.size()) {
        return false;
    }
    v *= unit;
    if (v > 100.0 * 365 * 86400) return false;
    seconds = v;
    return true;
}

}  // namespace burrow::profile
