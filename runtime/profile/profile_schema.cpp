// The schema check: the walk over a document's sections by their tables
// (profile_schema_tables.cpp), the top level's own keys, and the names other files ask for.
#include "runtime/profile/profile_schema.hpp"

#include <sys/capability.h>

#include <cctype>

#include "runtime/profile/profile_schema_check.hpp"

namespace burrow::profile {

namespace schema {

void Checker::run() {
    const ojson& raw = doc_.raw;
    const bool overlay = doc_.kind == Doc::Kind::overlay;
    if (overlay) collect_options(raw, "");
    std::optional<ojson> clean = walk(overlay ? overlay_section() : top_section(), raw, "");
    if (!overlay && !raw.contains("version")) err("", "missing required key \"version\" (burrow reads version 1)");
    doc_.clean = clean ? std::move(*clean) : ojson::object();
}

std::optional<ojson> Checker::walk(const Section& s, const ojson& v, const std::string& ptr, const std::string& hint) {
    if (!object(v, ptr, hint)) return std::nullopt;
    ojson out = ojson::object();
    // Room for every key first (+ a default a section adds): an ordered object is a vector
    // of (const key, value) pairs, so growing it copies every value already in it, the
    // whole "mounts" list included.
    out.get_ref<ojson::object_t&>().reserve(v.size() + 1);
    for (const auto& [k, e] : v.items()) {
        if (ignored(k)) continue;
        std::string p = pointer_join(ptr, k);
        if (const KeyRule* rule = s.find(k))
            set(out, k, rule->check(*this, e, p));
        else
            unknown(p, k, e, s.keys, s.context, s.for_what);
    }
    return out;
}

// An overlay's "x-option": "--bind /a /b" names its object in messages. Collected
// first, so that it applies to problems with keys that come before it.
void Checker::collect_options(const ojson& v, const std::string& ptr) {
    if (v.is_object()) {
        for (const auto& [k, e] : v.items()) {
            if (k == "x-option" && e.is_string())
                doc_.options[ptr] = e.get<std::string>();
            else if (!is_extension(k))
                collect_options(e, pointer_join(ptr, k));
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) collect_options(v[i], pointer_join(ptr, i));
    }
}

void Checker::unknown(const std::string& ptr, const std::string& key, const ojson& v, const Keys& known,
                      const std::string& context, const std::string& for_what) {
    std::string msg = "unknown key " + quote(key) + for_what;
    if (auto f = foreign_hint(context, key, v))
        msg += "; " + *f;
    else if (auto n = nearest(key, known))
        msg += "; did you mean " + quote(*n) + "?";
    else
        msg += " (valid: " + join(known, ", ") + ")";
    err(ptr, msg);
}

void Checker::version(const ojson& v, const std::string& ptr) {
    if (v.is_number_unsigned() && v.get<std::uint64_t>() == 1) return;
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > 1) {
        err(ptr, "profile version " + v.dump() + " is newer than this version of burrow supports (1); upgrade burrow");
        return;
    }
    err(ptr, "expected integer 1, got " + describe(v));
}

void Checker::extends(const ojson& v, const std::string& ptr) {
    auto one = [&](const ojson& e, const std::string& p) {
        if (!e.is_string()) {
            err(p, "expected string, got " + describe(e));
            return;
        }
        std::string s = e.get<std::string>();
        bool ok;
        if (s.rfind("builtin:", 0) == 0) {
            ok = is_profile_name(s.substr(8));
            if (!ok) {
                err(p,
                    quote(s) + ": \"builtin:\" must be followed by the name of a built-in base, e.g. \"builtin:pack\"");
                return;
            }
        } else {
            ok = s.rfind("./", 0) == 0 || s.rfind("../", 0) == 0 || s.rfind("/", 0) == 0 || is_profile_name(s);
        }
        if (!ok || s == "./" || s == "../") {
            err(p, quote(s) +
                       " is not a profile reference; write \"./FILE.json\" for a file next to this one, "
                       "\"builtin:NAME\" for a built-in base, or a NAME for ${PROFILE_DIR}/NAME.json");
            return;
        }
        for (unsigned char c : s)
            if (c < 0x20 || c == 0x7f) {
                err(p, "control character in profile reference " + quote(s));
                return;
            }
        doc_.extends.push_back({s, p});
    };
    if (v.is_string()) {
        one(v, ptr);
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) one(v[i], pointer_join(ptr, i));
    } else {
        err(ptr, "expected a string or an array of strings, got " + describe(v));
    }
}

void Checker::override_(const ojson& v, const std::string& ptr) {
    if (!array(v, ptr)) return;
    const auto& paths = override_paths();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string p = pointer_join(ptr, i);
        auto s = str(v[i], p);
        if (!s) continue;
        if (contains(paths, *s)) {
            doc_.overrides.push_back(dotted_to_pointer(*s));
            continue;
        }
        std::string msg = quote(*s) + " is not a key path of the profile";
        std::optional<std::string> guess = nearest(*s, paths);
        for (const auto& k : paths)
            if (!guess && k.size() > s->size() && k.compare(k.size() - s->size(), s->size(), *s) == 0 &&
                k[k.size() - s->size() - 1] == '.')
                guess = k;
        if (guess)
            msg += "; did you mean " + quote(*guess) + "?";
        else
            msg += " (write dotted key paths such as \"mounts\" or \"process.env.set\")";
        err(p, msg);
    }
}

}  // namespace schema

void check_document(Doc& doc, const LoadContext& ctx, Problems& out) { schema::Checker(doc, ctx, out).run(); }

const std::vector<std::string>& override_paths() {
    static const std::vector<std::string> paths = [] {
        std::vector<std::string> p;
        auto add = [&](const std::string& base, const schema::Keys& keys) {
            for (const auto& k : keys) p.push_back(base.empty() ? k : base + "." + k);
        };
        // The top level's merged keys, then the keys of each section they hold.
        for (const schema::KeyRule& r : schema::top_section().rules)
            if (r.merged) p.push_back(r.key);
        for (const schema::Section* s : schema::overridable_sections()) add(s->dotted, s->keys);
        add("security.seccomp", schema::seccomp_section().keys);
        return p;
    }();
    return paths;
}

std::string dotted_to_pointer(const std::string& dotted) {
    std::string p;
    std::size_t i = 0;
    while (i <= dotted.size()) {
        std::size_t j = dotted.find('.', i);
        if (j == std::string::npos) j = dotted.size();
        p = pointer_join(p, dotted.substr(i, j - i));
        i = j + 1;
    }
    return p;
}

const std::vector<std::string>& capability_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> n;
        for (cap_value_t c = 0; c < 64; ++c) {
            char* s = cap_to_name(c);
            if (!s) continue;
            std::string name = s;
            cap_free(s);
            if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) continue;  // unknown to libcap
            for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            n.push_back(name);
        }
        return n;
    }();
    return names;
}

const std::vector<std::string>& rlimit_names() {
    static const std::vector<std::string> names = {
        "RLIMIT_AS",      "RLIMIT_CORE",     "RLIMIT_CPU",        "RLIMIT_DATA",   "RLIMIT_FSIZE", "RLIMIT_LOCKS",
        "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",       "RLIMIT_NOFILE", "RLIMIT_NPROC", "RLIMIT_RSS",
        "RLIMIT_RTPRIO",  "RLIMIT_RTTIME",   "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
    return names;
}

}  // namespace burrow::profile
