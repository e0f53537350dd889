#include "runtime/profile/profile_vars.hpp"

#include <cctype>
#include <cstdio>

#include "runtime/base/path.hpp"

namespace burrow::profile {

const char* const kVariableNames[10] = {"ORIGIN", "PACK", "PROFILE_DIR", "HOME",   "PWD",
                                        "UID",    "GID",  "USER",        "TMPDIR", "RUNTIME_DIR"};

namespace {

constexpr std::size_t kMaxContent = 64 * 1024;

bool is_path(Field f) {
    return f == Field::host_path || f == Field::inside_path || f == Field::exec || f == Field::link_target;
}

bool allows_env(Field f) { return f == Field::env_text || f == Field::content; }

std::string known_list() {
    std::string s;
    for (const char* n : kVariableNames) {
        if (!s.empty()) s += ' ';
        s += n;
    }
    return s;
}

std::string control_char(unsigned char c) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "U+%04X", c);
    return buf;
}

class Expander {
  public:
    Expander(const std::string& lit, Field f, const Doc& doc, const std::string& ptr, const LoadContext& ctx,
             Problems& out)
        : lit_(lit), field_(f), doc_(doc), ptr_(ptr), ctx_(ctx), out_(out) {}

    std::optional<std::string> run() {
        if (doc_.kind == Doc::Kind::overlay) return unescape_only();
        std::string result;
        std::size_t i = 0, n = lit_.size();
        while (i < n) {
            char c = lit_[i];
            if (c != '$') {
                result += c;
                ++i;
                continue;
            }
            if (i + 1 < n && lit_[i + 1] == '$') {
                result += '$';
                i += 2;
                continue;
            }
            if (i + 1 < n && lit_[i + 1] == '{') {
                std::size_t close = lit_.find('}', i + 2);
                if (close == std::string::npos)
                    return fail(quote(lit_) +
                                ": \"${\" without a closing \"}\"; write ${NAME}, or $$ for a literal \"$\"");
                auto value = variable(lit_.substr(i + 2, close - i - 2));
                if (!value) return std::nullopt;
                result += *value;
                i = close + 1;
                continue;
            }
            std::size_t j = i + 1;
            while (j < n && (std::isalnum(static_cast<unsigned char>(lit_[j])) || lit_[j] == '_')) ++j;
            if (j > i + 1)
                return fail(quote(lit_) + ": write ${" + lit_.substr(i + 1, j - i - 1) +
                            "} (braces are required), or $$ for a literal \"$\"");
            return fail(quote(lit_) + ": write $$ for a literal \"$\", or ${NAME} for a variable");
        }
        return result;
    }

  private:
    std::optional<std::string> fail(const std::string& what) {
        out_.add(doc_, ptr_, what);
        return std::nullopt;
    }

    // The command line escapes "$" as "$$"; a lone "$" is taken literally.
    std::string unescape_only() const {
        std::string r;
        for (std::size_t i = 0; i < lit_.size(); ++i) {
            r += lit_[i];
            if (lit_[i] == '$' && i + 1 < lit_.size() && lit_[i + 1] == '$') ++i;
        }
        return r;
    }

    std::optional<std::string> variable(const std::string& name) {
        if (name.rfind("env:", 0) == 0) {
            std::string var = name.substr(4);
            if (!allows_env(field_))
                return fail(std::string("${env:…} is not allowed ") + (is_path(field_) ? "in paths" : "here") +
                            " (only in env values, args and file content)");
            if (!is_env_name(var))
                return fail(quote(lit_) + ": " + quote(var) +
                            " is not a variable name (must match [A-Za-z_][A-Za-z0-9_]*)");
            return ctx_.env_value(var).value_or("");
        }
        bool known = false;
        for (const char* k : kVariableNames) known = known || name == k;
        if (!known) return fail("unknown variable ${" + name + "}; known: " + known_list());
        if (name == "PROFILE_DIR") {
            if (doc_.dir.empty())
                return fail("${PROFILE_DIR} cannot be used in a built-in profile (it has no directory)");
            return doc_.dir;
        }
        if (auto v = ctx_.var(name)) return v;
        if (name == "PACK") {
            auto origin = ctx_.var("ORIGIN");
            std::string where = origin ? "burrow in " + *origin : "burrow";
            return fail(
                "${PACK} is undefined: " + where +
                " is not running from inside a pack; use this profile from a pack, or write the path without ${PACK}");
        }
        return fail("${" + name + "} has no value here; write the path without it");
    }

    const std::string& lit_;
    Field field_;
    const Doc& doc_;
    const std::string& ptr_;
    const LoadContext& ctx_;
    Problems& out_;
};

}  // namespace

std::optional<std::string> expand_field(const std::string& literal, Field field, const Doc& doc, const std::string& ptr,
                                        const LoadContext& ctx, Problems& out) {
    auto fail = [&](const std::string& what) -> std::optional<std::string> {
        out.add(doc, ptr, what);
        return std::nullopt;
    };
    // Paths written in the profile may not hold control characters (values that come
    // from the host, such as ${PWD}, may: a user's directory must not be rejected).
    if (is_path(field)) {
        for (unsigned char c : literal)
            if (c < 0x20 || c == 0x7f) return fail("control character " + control_char(c) + " in path");
    }
    std::string v;
    if (auto value = Expander(literal, field, doc, ptr, ctx, out).run())
        v.swap(*value);
    else
        return std::nullopt;

    switch (field) {
        case Field::content:
            if (v.size() > kMaxContent)
                return fail("file content is " + std::to_string(v.size()) + " bytes; the limit is 64 KiB");
            return v;
        case Field::text:
        case Field::env_text:
        case Field::search_entry:
            if (v.find('\0') != std::string::npos) return fail("NUL character (U+0000) in a string");
            if (field == Field::search_entry && v.empty())
                return fail("empty entry; an empty search-path element means the current directory");
            return v;
        case Field::link_target:
            if (v.empty()) return fail("empty symlink target");
            if (v.find('\0') != std::string::npos) return fail("NUL character (U+0000) in path");
            return v;
        default: break;
    }

    if (v.find('\0') != std::string::npos) return fail("NUL character (U+0000) in path");
    if (v.empty()) return fail("empty path; write an absolute path");
    if (field == Field::exec && v.find('/') == std::string::npos) return v;  // looked up in PATH
    if (v[0] != '/') {
        bool overlay = doc.kind == Doc::Kind::overlay;
        if (field == Field::inside_path)
            return fail(quote(literal) + " must be an absolute path inside the sandbox, e.g. " +
                        quote("/" + normalise_display(v)));
        if (field == Field::exec)
            return fail(quote(literal) +
                        " is a relative path; write an absolute path inside the sandbox, or a bare command name looked "
                        "up in PATH");
        if (overlay) return fail(quote(literal) + " is a relative path; write an absolute path");
        return fail(quote(literal) +
                    " is a relative path; write an absolute path or start it with ${PACK}, ${ORIGIN}, ${PROFILE_DIR}, "
                    "${HOME} or ${PWD}");
    }
    std::string norm = normalise_absolute(v);
    // ${PACK}/${ORIGIN}-rooted paths must stay inside the pack.
    if (doc.kind != Doc::Kind::overlay && (literal.rfind("${PACK}", 0) == 0 || literal.rfind("${ORIGIN}", 0) == 0)) {
        if (auto pack = ctx.var("PACK")) {
            std::string root = normalise_absolute(*pack);
            if (!path_within(norm, root))
                return fail(quote(literal) + " resolves to " + norm + ", outside the pack root " + root);
        }
    }
    return norm;
}

}  // namespace burrow::profile
