// The schema check's values of one type each: the type (or shape) is checked, and a
// problem reported, in the words every key of that type shares.
#include <algorithm>
#include <cctype>

#include "runtime/base/path.hpp"
#include "runtime/profile/profile_schema_check.hpp"

namespace burrow::profile::schema {

namespace {

bool is_octal(const std::string& s) {
    std::size_t start = (s.size() == 4 || s.size() == 5) && s[0] == '0' ? 1 : 0;
    std::size_t digits = s.size() - start;
    if (digits < 3 || digits > 4) return false;
    return std::all_of(s.begin() + static_cast<long>(start), s.end(), [](char c) { return c >= '0' && c <= '7'; });
}

bool is_glob(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '?';
    });
}

bool is_hostname(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

const char* const kEnvNameRule = "(must match [A-Za-z_][A-Za-z0-9_]*)";

bool Checker::object(const ojson& v, const std::string& ptr, const std::string& hint) {
    if (v.is_object()) return true;
    err(ptr, "expected object, got " + describe(v) + hint);
    return false;
}

bool Checker::array(const ojson& v, const std::string& ptr, const std::string& hint) {
    if (v.is_array()) return true;
    err(ptr, "expected array, got " + describe(v) + hint);
    return false;
}

std::optional<bool> Checker::boolean(const ojson& v, const std::string& ptr) {
    if (v.is_boolean()) return v.get<bool>();
    err(ptr, "expected boolean, got " + describe(v));
    return std::nullopt;
}

std::optional<std::string> Checker::str(const ojson& v, const std::string& ptr) {
    if (v.is_string()) return v.get<std::string>();
    err(ptr, "expected string, got " + describe(v));
    return std::nullopt;
}

std::optional<std::string> Checker::one_of(const ojson& v, const std::string& ptr, const Keys& choices) {
    if (v.is_string() && contains(choices, v.get<std::string>())) return v.get<std::string>();
    std::string msg = "expected one of " + join_quoted(choices, ", ") + ", got " +
                      (v.is_string() ? quote(v.get<std::string>()) : describe(v));
    if (v.is_string())
        if (auto n = nearest(v.get<std::string>(), choices)) msg += "; did you mean " + quote(*n) + "?";
    err(ptr, msg);
    return std::nullopt;
}

std::optional<std::uint64_t> Checker::uint(const ojson& v, const std::string& ptr) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    err(ptr, "expected an unsigned integer, got " + describe(v));
    return std::nullopt;
}

std::optional<std::uint64_t> Checker::fd_number(const ojson& v, const std::string& ptr) {
    auto n = uint(v, ptr);
    if (n && *n > 65535) {
        err(ptr, "a file descriptor is a number from 0 to 65535, got " + std::to_string(*n));
        return std::nullopt;
    }
    return n;
}

// Seconds: a number ≥ 0, or a string such as "1.5", "10s", "2m", "1h", "1d".
std::optional<double> Checker::duration(const ojson& v, const std::string& ptr) {
    double d = 0;
    if (v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 100.0 * 365 * 86400) return v.get<double>();
    if (v.is_string() && parse_duration(v.get_ref<const std::string&>(), d)) return d;
    err(ptr, "expected a duration in seconds such as 10, 1.5, \"30s\", \"2m\" or \"1h\", got " + describe(v));
    return std::nullopt;
}

std::optional<std::string> Checker::octal(const ojson& v, const std::string& ptr, const std::string& example) {
    if (v.is_string() && is_octal(v.get<std::string>())) return v.get<std::string>();
    if (v.is_number_integer()) {
        std::string digits = v.dump();
        std::string ex = is_octal(digits) ? digits : example;
        err(ptr, "expected an octal string such as " + quote(ex) + ", got integer " + digits +
                     " (JSON has no octal numbers)");
    } else {
        err(ptr, "expected an octal string such as " + quote(example) + ", got " + describe(v));
    }
    return std::nullopt;
}

// Bytes: an unsigned integer, or a string of digits with an optional k/m/g suffix.
std::optional<std::uint64_t> Checker::size(const ojson& v, const std::string& ptr) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_string()) {
        std::uint64_t n = 0;
        switch (parse_size(v.get_ref<const std::string&>(), n)) {
            case SizeText::ok: return n;
            case SizeText::too_large:
                err(ptr, "size " + quote(v.get<std::string>()) + " is too large");
                return std::nullopt;
            case SizeText::bad: break;
        }
    }
    err(ptr, "expected a size in bytes such as 67108864 or \"64m\", got " + describe(v));
    return std::nullopt;
}

std::optional<std::string> Checker::text(const ojson& v, const std::string& ptr, Field f) {
    auto s = str(v, ptr);
    if (!s) return std::nullopt;
    return expand_field(*s, f, doc_, ptr, ctx_, out_);
}

std::optional<ojson> Checker::id(const ojson& v, const std::string& ptr) {
    if (v.is_string() && v.get<std::string>() == "self") return v;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 4294967294u) return v;
    std::string got = v.is_number_integer() ? v.dump() : describe(v);
    err(ptr, "expected \"self\" or an integer 0..4294967294, got " + got);
    return std::nullopt;
}

// A limit: an unsigned integer, digits with a k/m/g suffix (→ the integer), "unlimited".
std::optional<ojson> Checker::limit_value(const ojson& v, const std::string& ptr) {
    if (v.is_number_unsigned()) return v;
    if (v.is_string() && v.get<std::string>() == "unlimited") return v;
    if (v.is_string()) {
        std::uint64_t n = 0;
        const SizeText r = parse_size(v.get_ref<const std::string&>(), n);
        if (r == SizeText::ok) return ojson(n);
        if (r == SizeText::too_large) {
            err(ptr, "limit " + quote(v.get<std::string>()) + " is too large; use \"unlimited\"");
            return std::nullopt;
        }
    }
    err(ptr,
        "expected an unsigned integer (a k, m or g suffix allowed, as in \"1g\") or \"unlimited\", got " + describe(v));
    return std::nullopt;
}

std::optional<ojson> Checker::name_list(const ojson& v, const std::string& ptr, bool glob) {
    if (!array(v, ptr)) return std::nullopt;
    ojson out = ojson::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string p = pointer_join(ptr, i);
        auto s = str(v[i], p);
        if (!s) continue;
        if (glob ? !is_glob(*s) : !is_env_name(*s)) {
            err(p, glob ? "invalid pattern " + quote(*s) + " (variable name characters plus * and ?)"
                        : "invalid variable name " + quote(*s) + " " + kEnvNameRule);
            continue;
        }
        out.push_back(*s);
    }
    return out;
}

// "home": a host directory ("path") or a tmpfs ("tmpfs": true), one of the two, at
// "destination" (default: the caller's home directory, ${HOME}).
std::optional<ojson> Checker::home(const ojson& v, const std::string& ptr) {
    std::optional<ojson> out = walk(home_section(), v, ptr);
    if (!out || !v.is_object()) return out;
    const bool tmpfs = v.contains("tmpfs") && v["tmpfs"].is_boolean() && v["tmpfs"].get<bool>();
    if (v.contains("path") == tmpfs) {
        err(ptr,
            "a private home needs \"path\" (a host directory, created if missing) or \"tmpfs\": true (a "
            "throw-away one), one of the two");
        return std::nullopt;
    }
    if (!out->contains("destination")) {
        auto h = ctx_.var("HOME");
        (*out)["destination"] = h && !h->empty() && (*h)[0] == '/' ? normalise_absolute(*h) : "/";
    }
    return out;
}

std::optional<ojson> Checker::hostname(const ojson& v, const std::string& ptr) {
    auto s = str(v, ptr);
    if (!s) return std::nullopt;
    if (is_hostname(*s)) return ojson(*s);
    err(ptr, quote(*s) + " is not a valid host name (1 to 64 letters, digits, \"-\", \"_\" or \".\")");
    return std::nullopt;
}

// Checked only: the name is the document's, never merged.
std::optional<ojson> Checker::profile_name(const ojson& v, const std::string& ptr) {
    if (auto s = str(v, ptr); s && !is_profile_name(*s))
        err(ptr, quote(*s) +
                     " is not a valid profile name (letters, digits, \".\", \"_\", \"+\", \"-\", starting with a "
                     "letter or digit, at most 64)");
    return std::nullopt;
}

}  // namespace burrow::profile::schema
