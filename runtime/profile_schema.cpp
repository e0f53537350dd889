#include "profile_schema.hpp"

#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "namespaces.hpp"
#include "profile_vars.hpp"
#include "seccomp.hpp"

namespace burrow::profile {

namespace {

using Keys = std::vector<std::string>;

const Keys kTopKeys = {"version", "name",   "description", "extends",  "override",
                       "root",    "stores", "mounts",      "namespaces", "user",
                       "hostname", "process", "security"};
const Keys kOverlayKeys = {"name",   "description", "override",  "root",    "stores",  "mounts",
                           "namespaces", "user",    "hostname",  "process", "security"};
const Keys kRootKeys = {"host", "path", "access", "exclude"};
const Keys kStoreKeys = {"source", "destination", "items"};
const Keys kMountTypes = profile_mount_types();
const Keys kAllMountKeys = {"type",     "source",    "destination", "access", "optional", "recursive",
                            "devices",  "noexec",    "size",        "mode",   "target",   "content"};
const Keys kNamespaceKeys = namespace_keys();
const Keys kUserKeys = {"uid", "gid"};
const Keys kProcessKeys = {"exec",    "args",  "argv0",      "cwd",           "env",
                           "rlimits", "umask", "newSession", "dieWithParent", "timeout",
                           "killAfter", "closeFds", "keepFds"};
const Keys kEnvKeys = {"clear", "keep", "unset", "set", "prepend", "append"};
const Keys kSecurityKeys = {"noNewPrivileges", "capabilities", "seccomp"};
const Keys kCapabilityKeys = {"keep", "ambient", "clearBoundingSet"};
const Keys kLimitKeys = {"soft", "hard"};
// Only for "override" paths; the seccomp object itself is checked by seccomp::validate().
const Keys kSeccompKeys = {"baseline",       "deny",         "allow",         "errno",
                           "nestedNamespaces", "ttyInjection", "groupSignals", "socketFamilies", "personality",
                           "debuggers",      "architectures", "newSyscalls",   "log",
                           "oci"};

const Keys& mount_keys(const std::string& type) { return profile_mount_kind(type)->keys; }

bool contains(const Keys& keys, const std::string& k) {
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

bool any_of_keys(const std::string& k, std::initializer_list<const char*> list) {
    for (const char* s : list)
        if (k == s) return true;
    return false;
}

// Spellings from other formats (OCI, nsjail, bubblewrap, firejail) and the fix in ours.
std::optional<std::string> foreign_hint(const std::string& context, const std::string& key,
                                        const ojson& value) {
    bool is_false = value.is_boolean() && !value.get<bool>();
    if (context == "bind" || context == "mount") {
        if (any_of_keys(key, {"readonly", "ro", "read_only", "read-only", "readOnly"}))
            return is_false ? "write \"access\": \"rw\"" : "write \"access\": \"ro\"";
        if (key == "rw") return is_false ? "write \"access\": \"ro\"" : "write \"access\": \"rw\"";
        if (key == "options")
            return "write \"access\": \"ro\" or \"rw\" (and \"noexec\": true) instead of mount options";
        if (key == "is_bind") return "write \"type\": \"bind\"";
        if (any_of_keys(key, {"src", "from"})) return "write \"source\"";
        if (any_of_keys(key, {"dst", "dest", "to", "mountpoint"}) || (context == "bind" && key == "target"))
            return "write \"destination\"";
        if (key == "mandatory")
            return is_false ? "write \"optional\": true"
                            : "remove it (a bind is mandatory unless \"optional\": true)";
    }
    if (context == "store" && any_of_keys(key, {"access", "readonly", "ro", "rw", "read_only"}))
        return "remove it (stores are always mounted read-only)";
    if (context == "namespaces") {
        if (any_of_keys(key, {"network", "netns"})) return "write \"net\"";
        if (key == "mnt") return "write \"mount\"";
    }
    if (context == "top") {
        if (any_of_keys(key, {"network", "net"}))
            return "write \"namespaces\": {\"net\": true} for a sandbox without network";
        if (any_of_keys(key, {"env", "environment", "cwd", "args", "exec", "argv0", "rlimits", "umask",
                              "newSession", "dieWithParent", "timeout", "killAfter"}))
            return "write it inside \"process\": {\"" + std::string(key == "environment" ? "env" : key) + "\": …}";
        if (any_of_keys(key, {"uid", "gid"})) return "write it inside \"user\": {\"" + key + "\": …}";
        if (any_of_keys(key, {"capabilities", "seccomp", "noNewPrivileges"}))
            return "write it inside \"security\": {\"" + key + "\": …}";
        // ("net" has its own hint above; "user" is a top-level key.)
        if (const NamespaceInfo* n = namespace_kind(key); n && !n->always)
            return "write it inside \"namespaces\": {\"" + key + "\": true}";
        if (any_of_keys(key, {"bind", "binds"})) return "write \"mounts\": [{\"type\": \"bind\", …}]";
        if (any_of_keys(key, {"readonly", "ro", "read_only"})) return "write \"root\": {\"access\": \"ro\"}";
    }
    if (context == "process") {
        if (key == "environment") return "write \"env\"";
        if (any_of_keys(key, {"command", "cmd", "argv", "program"}))
            return "write \"exec\" for the program and \"args\" for its arguments";
        if (any_of_keys(key, {"workdir", "workingDirectory", "chdir", "cwd_path"})) return "write \"cwd\"";
    }
    if (context == "env" && any_of_keys(key, {"vars", "variables", "environment", "setenv"}))
        return "write \"set\": {\"NAME\": \"value\"}";
    if (context == "env" && key == "unsetenv") return "write \"unset\": [\"NAME\"]";
    if (context == "security") {
        if (any_of_keys(key, {"no_new_privs", "noNewPrivs", "no-new-privileges", "no_new_privileges",
                              "nonewprivs"}))
            return "write \"noNewPrivileges\"";
        if (key == "caps") return "write \"capabilities\"";
    }
    if (context == "capabilities" &&
        any_of_keys(key, {"add", "drop", "bounding", "effective", "permitted", "inheritable"}))
        return "write \"keep\": [\"CAP_…\"] (every capability not kept is dropped)";
    return std::nullopt;
}

bool is_extension(const std::string& key) { return key.rfind("x-", 0) == 0; }

// A copy without the "x-*" keys, at any depth.
ojson strip_extensions(const ojson& v) {
    if (v.is_object()) {
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items())
            if (!is_extension(k)) out[k] = strip_extensions(e);
        return out;
    }
    if (v.is_array()) {
        ojson out = ojson::array();
        for (const auto& e : v) out.push_back(strip_extensions(e));
        return out;
    }
    return v;
}

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

const char* const kEnvNameRule = "(must match [A-Za-z_][A-Za-z0-9_]*)";

class Checker {
public:
    Checker(Doc& doc, const LoadContext& ctx, Problems& out) : doc_(doc), ctx_(ctx), out_(out) {}

    void run() {
        const ojson& raw = doc_.raw;
        if (doc_.kind == Doc::Kind::overlay) collect_options(raw, "");
        ojson clean = ojson::object();
        // Room for every key first: an ordered object is a vector of (const key, value)
        // pairs, so growing it copies every value already in it, the whole "mounts" list
        // included.
        clean.get_ref<ojson::object_t&>().reserve(raw.size());
        bool overlay = doc_.kind == Doc::Kind::overlay;
        bool has_version = false;
        for (const auto& [k, v] : raw.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join("", k);
            if (k == "version" && !overlay) {
                has_version = true;
                version(v, p);
            } else if (k == "name") {
                if (auto s = str(v, p); s && !is_profile_name(*s))
                    err(p, quote(*s) + " is not a valid profile name (letters, digits, \".\", \"_\", \"+\", \"-\", starting with a letter or digit, at most 64)");
            } else if (k == "description") {
                str(v, p);
            } else if (k == "extends" && !overlay) {
                extends(v, p);
            } else if (k == "override") {
                override_(v, p);
            } else if (k == "root") {
                set(clean, k, root(v, p));
            } else if (k == "stores") {
                set(clean, k, stores(v, p));
            } else if (k == "mounts") {
                set(clean, k, mounts(v, p));
            } else if (k == "namespaces") {
                set(clean, k, bools(v, p, kNamespaceKeys, "namespaces"));
            } else if (k == "user") {
                set(clean, k, user(v, p));
            } else if (k == "hostname") {
                if (auto s = str(v, p)) {
                    if (is_hostname(*s))
                        clean[k] = *s;
                    else
                        err(p, quote(*s) + " is not a valid host name (1 to 64 letters, digits, \"-\", \"_\" or \".\")");
                }
            } else if (k == "process") {
                set(clean, k, process(v, p));
            } else if (k == "security") {
                set(clean, k, security(v, p));
            } else {
                unknown(p, k, v, overlay ? kOverlayKeys : kTopKeys, "top", "");
            }
        }
        if (!overlay && !has_version)
            err("", "missing required key \"version\" (burrow reads version 1)");
        doc_.clean = std::move(clean);
    }

private:
    void err(const std::string& ptr, const std::string& what) { out_.add(doc_, ptr, what); }

    static void set(ojson& obj, const std::string& key, std::optional<ojson> v) {
        if (v) obj[key] = std::move(*v);
    }

    // "x-*" keys are ignored everywhere.
    static bool ignored(const std::string& key) { return is_extension(key); }

    // An overlay's "x-option": "--bind /a /b" names its object in messages. Collected
    // first, so that it applies to problems with keys that come before it.
    void collect_options(const ojson& v, const std::string& ptr) {
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

    void unknown(const std::string& ptr, const std::string& key, const ojson& v, const Keys& known,
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

    // --- types -------------------------------------------------------------------------

    bool object(const ojson& v, const std::string& ptr, const std::string& hint = "") {
        if (v.is_object()) return true;
        err(ptr, "expected object, got " + describe(v) + hint);
        return false;
    }

    bool array(const ojson& v, const std::string& ptr, const std::string& hint = "") {
        if (v.is_array()) return true;
        err(ptr, "expected array, got " + describe(v) + hint);
        return false;
    }

    std::optional<bool> boolean(const ojson& v, const std::string& ptr) {
        if (v.is_boolean()) return v.get<bool>();
        err(ptr, "expected boolean, got " + describe(v));
        return std::nullopt;
    }

    std::optional<std::string> str(const ojson& v, const std::string& ptr) {
        if (v.is_string()) return v.get<std::string>();
        err(ptr, "expected string, got " + describe(v));
        return std::nullopt;
    }

    std::optional<std::string> one_of(const ojson& v, const std::string& ptr, const Keys& choices) {
        if (v.is_string() && contains(choices, v.get<std::string>())) return v.get<std::string>();
        std::string msg = "expected one of " + join_quoted(choices, ", ") + ", got " +
                          (v.is_string() ? quote(v.get<std::string>()) : describe(v));
        if (v.is_string())
            if (auto n = nearest(v.get<std::string>(), choices)) msg += "; did you mean " + quote(*n) + "?";
        err(ptr, msg);
        return std::nullopt;
    }

    std::optional<std::uint64_t> uint(const ojson& v, const std::string& ptr) {
        if (v.is_number_unsigned()) return v.get<std::uint64_t>();
        err(ptr, "expected an unsigned integer, got " + describe(v));
        return std::nullopt;
    }

    // Seconds: a number ≥ 0, or a string such as "1.5", "10s", "2m", "1h", "1d".
    std::optional<double> duration(const ojson& v, const std::string& ptr) {
        double d = 0;
        if (v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 100.0 * 365 * 86400) return v.get<double>();
        if (v.is_string() && parse_duration(v.get_ref<const std::string&>(), d)) return d;
        err(ptr, "expected a duration in seconds such as 10, 1.5, \"30s\", \"2m\" or \"1h\", got " + describe(v));
        return std::nullopt;
    }

    std::optional<std::string> octal(const ojson& v, const std::string& ptr, const std::string& example) {
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
    std::optional<std::uint64_t> size(const ojson& v, const std::string& ptr) {
        if (v.is_number_unsigned()) return v.get<std::uint64_t>();
        if (v.is_string()) {
            std::uint64_t n = 0;
            switch (parse_size(v.get_ref<const std::string&>(), n)) {
            case SizeText::ok: return n;
            case SizeText::too_large: err(ptr, "size " + quote(v.get<std::string>()) + " is too large"); return std::nullopt;
            case SizeText::bad: break;
            }
        }
        err(ptr, "expected a size in bytes such as 67108864 or \"64m\", got " + describe(v));
        return std::nullopt;
    }

    std::optional<std::string> text(const ojson& v, const std::string& ptr, Field f) {
        auto s = str(v, ptr);
        if (!s) return std::nullopt;
        return expand_field(*s, f, doc_, ptr, ctx_, out_);
    }

    // An object of booleans with fixed keys ("namespaces").
    std::optional<ojson> bools(const ojson& v, const std::string& ptr, const Keys& keys, const std::string& context) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (!contains(keys, k)) {
                unknown(p, k, e, keys, context, "");
                continue;
            }
            if (auto b = boolean(e, p)) out[k] = *b;
        }
        return out;
    }

    // --- top level ---------------------------------------------------------------------

    void version(const ojson& v, const std::string& ptr) {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() == 1) return;
        if (v.is_number_unsigned() && v.get<std::uint64_t>() > 1) {
            err(ptr, "profile version " + v.dump() +
                         " is newer than this version of burrow supports (1); upgrade burrow");
            return;
        }
        err(ptr, "expected integer 1, got " + describe(v));
    }

    void extends(const ojson& v, const std::string& ptr) {
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
                    err(p, quote(s) + ": \"builtin:\" must be followed by the name of a built-in base, e.g. \"builtin:pack\"");
                    return;
                }
            } else {
                ok = s.rfind("./", 0) == 0 || s.rfind("../", 0) == 0 || s.rfind("/", 0) == 0 ||
                     is_profile_name(s);
            }
            if (!ok || s == "./" || s == "../") {
                err(p, quote(s) + " is not a profile reference; write \"./FILE.json\" for a file next to this one, \"builtin:NAME\" for a built-in base, or a NAME for ${PROFILE_DIR}/NAME.json");
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

    void override_(const ojson& v, const std::string& ptr) {
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

    std::optional<ojson> root(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (k == "host") {
                if (auto s = one_of(e, p, {"all", "none"})) out[k] = *s;
            } else if (k == "path") {
                if (auto s = text(e, p, Field::host_path)) {
                    if (*s == "/")
                        err(p, "\"/\" is the host's root; write \"host\": \"all\" instead of a path");
                    else
                        out[k] = *s;
                }
            } else if (k == "access") {
                if (auto s = one_of(e, p, {"ro", "rw"})) out[k] = *s;
            } else if (k == "exclude") {
                if (!array(e, p)) continue;
                ojson list = ojson::array();
                for (std::size_t i = 0; i < e.size(); ++i) {
                    std::string ip = pointer_join(p, i);
                    auto path = text(e[i], ip, Field::inside_path);
                    if (!path) continue;
                    if (*path == "/" || path->find('/', 1) != std::string::npos) {
                        err(ip, quote(*path) + " is not a top-level entry; \"exclude\" names entries directly under /, such as \"/media\"");
                        continue;
                    }
                    list.push_back(*path);
                }
                out[k] = std::move(list);
            } else {
                unknown(p, k, e, kRootKeys, "root", "");
            }
        }
        return out;
    }

    // How a message names another entry of this document: its pointer, or on the command
    // line the option it came from.
    std::string entry_name(const std::string& ptr) const {
        auto it = doc_.options.find(ptr);
        return it == doc_.options.end() ? ptr : it->second;
    }

    // The pointer a message about a destination names: the key if written, else the key
    // the default came from.
    static std::string destination_ptr(const ojson& raw, const std::string& ptr) {
        if (raw.is_object() && raw.contains("destination")) return ptr + "/destination";
        if (raw.is_object() && raw.contains("source")) return ptr + "/source";
        return ptr;
    }

    std::optional<ojson> stores(const ojson& v, const std::string& ptr) {
        if (!array(v, ptr)) return std::nullopt;
        ojson out = ojson::array();
        std::map<std::string, std::string> seen;  // destination → pointer
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::string sp = pointer_join(ptr, i);
            ojson s = store(v[i], sp);
            if (s.contains("destination")) {
                const std::string dest = s["destination"].get<std::string>();
                std::string dp = v[i].contains("destination") ? sp + "/destination" : sp;
                if (auto it = seen.find(dest); it != seen.end())
                    err(dp, dest + " is already the destination of " + it->second);
                else
                    seen.emplace(dest, entry_name(sp));
            }
            out.push_back(std::move(s));
        }
        return out;
    }

    ojson store(const ojson& v, const std::string& ptr) {
        ojson out = ojson::object();
        if (!object(v, ptr)) return out;
        out.get_ref<ojson::object_t&>().reserve(v.size() + 1);  // as in mount(): + a default destination
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (k == "source") {
                if (auto s = text(e, p, Field::host_path)) out[k] = *s;
            } else if (k == "destination") {
                if (auto s = text(e, p, Field::inside_path)) {
                    if (*s == "/")
                        err(p, "a store cannot be mounted at /; use a directory such as \"/gnu/store\"");
                    else
                        out[k] = *s;
                }
            } else if (k == "items") {
                if (auto items = store_items(e, p)) out[k] = std::move(*items);
            } else {
                unknown(p, k, e, kStoreKeys, "store", " for a store");
            }
        }
        if (!v.contains("source"))
            err(ptr, "a store needs \"source\" (the host directory holding the items, e.g. \"${PACK}/gnu/store\")");
        if (!v.contains("destination")) out["destination"] = "/gnu/store";
        return out;
    }

    std::optional<ojson> store_items(const ojson& v, const std::string& ptr) {
        if (v.is_string() && v.get<std::string>() == "*") return v;
        if (!v.is_array()) {
            err(ptr, "expected \"*\" or an array of store item names, got " + describe(v));
            return std::nullopt;
        }
        ojson out = ojson::array();
        std::map<std::string, std::string> seen;
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::string p = pointer_join(ptr, i);
            auto s = str(v[i], p);
            if (!s) continue;
            if (s->empty() || *s == "." || *s == ".." || s->find('/') != std::string::npos ||
                s->find('\0') != std::string::npos) {
                err(p, quote(*s) + " is not a store item name (one path component, not \".\" or \"..\")");
                continue;
            }
            if (auto it = seen.find(*s); it != seen.end()) {
                err(p, quote(*s) + " is listed twice (also " + it->second + ")");
                continue;
            }
            seen.emplace(*s, p);
            out.push_back(*s);
        }
        return out;
    }

    std::optional<ojson> mounts(const ojson& v, const std::string& ptr) {
        if (!array(v, ptr)) return std::nullopt;
        ojson out = ojson::array();
        out.get_ref<ojson::array_t&>().reserve(v.size());
        // destination → the first entry with it; named (entry_name) only for a message.
        std::unordered_map<std::string, std::size_t> seen;
        seen.reserve(v.size());  // no rehash while it fills
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::string mp = pointer_join(ptr, i);
            ojson m = mount(v[i], mp);
            if (auto d = m.find("destination"); d != m.end()) {
                const std::string& dest = d->get_ref<const std::string&>();
                if (auto [it, added] = seen.emplace(dest, i); !added)
                    err(destination_ptr(v[i], mp),
                        dest + " is already the destination of " + entry_name(pointer_join(ptr, it->second)));
            }
            out.push_back(std::move(m));
        }
        return out;
    }

    ojson mount(const ojson& v, const std::string& ptr) {
        ojson out = ojson::object();
        if (!object(v, ptr)) return out;
        out.get_ref<ojson::object_t&>().reserve(v.size() + 1);  // + a default destination
        std::optional<std::string> type;
        if (auto it = v.find("type"); it == v.end())
            err(ptr, "missing required key \"type\" (one of " + join(kMountTypes, ", ") + ")");
        else
            type = one_of(*it, ptr + "/type", kMountTypes);
        const Keys& keys = type ? mount_keys(*type) : kAllMountKeys;
        if (type) out["type"] = *type;
        for (const auto& [k, e] : v.items()) {
            if (ignored(k) || k == "type") continue;
            std::string p = pointer_join(ptr, k);
            if (!contains(keys, k)) {
                if (type && contains(kAllMountKeys, k))
                    err(p, quote(k) + " is not valid for a " + *type + " mount (valid: " + join(keys, ", ") + ")");
                else
                    unknown(p, k, e, keys, type ? (*type == "bind" ? "bind" : "other-mount") : "mount",
                            type ? " for a " + *type + " mount" : "");
                continue;
            }
            if (k == "source") {
                if (auto s = text(e, p, Field::host_path)) out[k] = std::move(*s);
            } else if (k == "destination") {
                if (auto s = text(e, p, Field::inside_path)) {
                    if (*s == "/")
                        err(p, "a mount at / would cover the whole root; use \"root\" to choose what / holds");
                    else
                        out[k] = std::move(*s);
                }
            } else if (k == "access") {
                if (auto s = one_of(e, p, {"ro", "rw"})) out[k] = std::move(*s);
            } else if (k == "optional" || k == "recursive" || k == "devices" || k == "noexec") {
                if (auto b = boolean(e, p)) out[k] = *b;
            } else if (k == "size") {
                if (auto n = size(e, p)) out[k] = *n;
            } else if (k == "mode") {
                if (auto s = octal(e, p, type && *type == "file" ? "0444" : "0755")) out[k] = *s;
            } else if (k == "target") {
                if (auto s = text(e, p, Field::link_target)) out[k] = *s;
            } else if (k == "content") {
                if (auto s = text(e, p, Field::content)) out[k] = *s;
            }
        }
        if (!type) return out;
        auto need = [&](const char* key) {
            if (!v.contains(key)) err(ptr, "a " + *type + " mount needs \"" + key + "\"");
        };
        if (*type == "bind") need("source");
        if (*type != "bind" && *type != "proc" && *type != "dev") need("destination");
        if (*type == "symlink") need("target");
        if (*type == "file") need("content");
        if (!v.contains("destination")) {
            if (*type == "bind" && out.contains("source")) out["destination"] = out["source"];
            if (*type == "proc") out["destination"] = "/proc";
            if (*type == "dev") out["destination"] = "/dev";
        }
        return out;
    }

    std::optional<ojson> id(const ojson& v, const std::string& ptr) {
        if (v.is_string() && v.get<std::string>() == "self") return v;
        if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 4294967294u) return v;
        std::string got = v.is_number_integer() ? v.dump() : describe(v);
        err(ptr, "expected \"self\" or an integer 0..4294967294, got " + got);
        return std::nullopt;
    }

    std::optional<ojson> user(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (contains(kUserKeys, k))
                set(out, k, id(e, p));
            else
                unknown(p, k, e, kUserKeys, "user", "");
        }
        return out;
    }

    std::optional<ojson> process(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (k == "exec") {
                if (auto s = text(e, p, Field::exec)) out[k] = *s;
            } else if (k == "args") {
                if (!array(e, p)) continue;
                ojson list = ojson::array();
                for (std::size_t i = 0; i < e.size(); ++i)
                    if (auto s = text(e[i], pointer_join(p, i), Field::env_text)) list.push_back(*s);
                out[k] = std::move(list);
            } else if (k == "argv0") {
                if (e.is_string() && e.get<std::string>() == "inherit")
                    out[k] = "inherit";
                else if (auto s = text(e, p, Field::text))
                    out[k] = *s;
            } else if (k == "cwd") {
                if (e.is_string() && e.get<std::string>() == "inherit")
                    out[k] = "inherit";
                else if (auto s = text(e, p, Field::inside_path))
                    out[k] = *s;
            } else if (k == "env") {
                set(out, k, env(e, p));
            } else if (k == "rlimits") {
                set(out, k, rlimits(e, p));
            } else if (k == "umask") {
                if (auto s = octal(e, p, "0022")) out[k] = *s;
            } else if (k == "newSession" || k == "dieWithParent" || k == "closeFds") {
                if (auto b = boolean(e, p)) out[k] = *b;
            } else if (k == "keepFds") {
                if (!e.is_array()) {
                    err(p, "expected an array of file descriptor numbers such as [3], got " + describe(e));
                } else {
                    ojson fds = ojson::array();
                    for (std::size_t i = 0; i < e.size(); ++i) {
                        std::string ip = p + "/" + std::to_string(i);
                        auto n = uint(e[i], ip);
                        if (n && (*n < 3 || *n > 65535))
                            err(ip, "a kept file descriptor is a number from 3 to 65535 (0, 1 and 2 are "
                                    "always kept), got " + std::to_string(*n));
                        else if (n) fds.push_back(*n);
                    }
                    out[k] = fds;
                }
            } else if (k == "timeout" || k == "killAfter") {
                if (auto d = duration(e, p)) out[k] = *d;
            } else {
                unknown(p, k, e, kProcessKeys, "process", "");
            }
        }
        return out;
    }

    std::optional<ojson> name_list(const ojson& v, const std::string& ptr, bool glob) {
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

    std::optional<ojson> env(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr, v.is_array() ? "; write \"env\": {\"set\": {\"NAME\": \"value\"}}" : "")) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (k == "clear") {
                if (auto b = boolean(e, p)) out[k] = *b;
            } else if (k == "keep" || k == "unset") {
                set(out, k, name_list(e, p, k == "keep"));
            } else if (k == "set") {
                if (!object(e, p, e.is_array() ? "; write {\"NAME\": \"value\"}, not a list of \"NAME=value\"" : "")) continue;
                ojson vars = ojson::object();
                for (const auto& [name, value] : e.items()) {
                    if (ignored(name)) continue;
                    std::string np = pointer_join(p, name);
                    if (!is_env_name(name)) {
                        err(np, std::string("invalid variable name ") + kEnvNameRule);
                        continue;
                    }
                    if (auto s = text(value, np, Field::env_text)) vars[name] = *s;
                }
                out[k] = std::move(vars);
            } else if (k == "prepend" || k == "append") {
                if (!object(e, p)) continue;
                ojson vars = ojson::object();
                for (const auto& [name, list] : e.items()) {
                    if (ignored(name)) continue;
                    std::string np = pointer_join(p, name);
                    if (!is_env_name(name)) {
                        err(np, std::string("invalid variable name ") + kEnvNameRule);
                        continue;
                    }
                    if (!array(list, np, list.is_string() ? "; write [" + quote(list.get<std::string>()) + "]" : "")) continue;
                    ojson entries = ojson::array();
                    for (std::size_t i = 0; i < list.size(); ++i)
                        if (auto s = text(list[i], pointer_join(np, i), Field::search_entry)) entries.push_back(*s);
                    vars[name] = std::move(entries);
                }
                out[k] = std::move(vars);
            } else {
                unknown(p, k, e, kEnvKeys, "env", "");
            }
        }
        // Within one document a variable is either removed or given a value.
        if (out.contains("unset")) {
            for (const auto& name : out["unset"]) {
                for (const char* other : {"set", "prepend", "append"})
                    if (out.contains(other) && out[other].contains(name.get<std::string>()))
                        err(ptr, quote(name.get<std::string>()) + " is in both \"unset\" and \"" + other + "\"");
            }
        }
        return out;
    }

    // A limit: an unsigned integer, digits with a k/m/g suffix (→ the integer), "unlimited".
    std::optional<ojson> limit_value(const ojson& v, const std::string& ptr) {
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
        err(ptr, "expected an unsigned integer (a k, m or g suffix allowed, as in \"1g\") or \"unlimited\", got " +
                     describe(v));
        return std::nullopt;
    }

    std::optional<ojson> rlimits(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        const auto& names = rlimit_names();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (!contains(names, k)) {
                std::string msg = "unknown resource limit " + quote(k);
                if (auto n = nearest(k, names))
                    msg += "; did you mean " + quote(*n) + "?";
                else if (contains(names, "RLIMIT_" + k))
                    msg += "; did you mean " + quote("RLIMIT_" + k) + "?";
                else
                    msg += " (known: " + join(names, " ") + ")";
                err(p, msg);
                continue;
            }
            if (e.is_string() && e.get<std::string>() == "inherit") {
                out[k] = e;
                continue;
            }
            if (!e.is_object()) {
                std::uint64_t n = 0;
                if (e.is_number_unsigned() || (e.is_string() && (e.get<std::string>() == "unlimited" ||
                                                                 parse_size(e.get<std::string>(), n) != SizeText::bad))) {
                    set(out, k, limit_value(e, p));
                    continue;
                }
                err(p, "expected an unsigned integer (a k, m or g suffix allowed, as in \"1g\"), \"unlimited\", "
                       "\"inherit\" or {\"soft\": …, \"hard\": …}, got " + describe(e));
                continue;
            }
            ojson lim = ojson::object();
            for (const auto& [lk, lv] : e.items()) {
                if (ignored(lk)) continue;
                std::string lp = pointer_join(p, lk);
                if (!contains(kLimitKeys, lk)) {
                    unknown(lp, lk, lv, kLimitKeys, "rlimit", "");
                    continue;
                }
                set(lim, lk, limit_value(lv, lp));
            }
            if (!e.contains("soft") || !e.contains("hard")) {
                err(p, "a limit object needs both \"soft\" and \"hard\"");
                continue;
            }
            if (lim.contains("soft") && lim.contains("hard")) {
                auto value = [](const ojson& x) {
                    return x.is_string() ? std::numeric_limits<std::uint64_t>::max() : x.get<std::uint64_t>();
                };
                if (value(lim["soft"]) > value(lim["hard"])) {
                    auto show = [](const ojson& x) { return x.is_string() ? std::string("unlimited") : x.dump(); };
                    err(p, "soft limit " + show(lim["soft"]) + " exceeds hard limit " + show(lim["hard"]));
                    continue;
                }
                out[k] = std::move(lim);
            }
        }
        return out;
    }

    std::optional<ojson> capabilities(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        const auto& names = capability_names();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (!contains(kCapabilityKeys, k)) {
                unknown(p, k, e, kCapabilityKeys, "capabilities", "");
                continue;
            }
            if (k == "clearBoundingSet") {
                if (auto b = boolean(e, p)) out[k] = *b;
                continue;
            }
            if (!array(e, p)) continue;
            ojson list = ojson::array();
            for (std::size_t i = 0; i < e.size(); ++i) {
                std::string ip = pointer_join(p, i);
                auto s = str(e[i], ip);
                if (!s) continue;
                cap_value_t value = 0;
                bool upper = s->rfind("CAP_", 0) == 0 && std::all_of(s->begin(), s->end(), [](char c) {
                    return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
                });
                if (!upper || cap_from_name(s->c_str(), &value) != 0) {
                    std::string msg = "unknown capability " + quote(*s);
                    if (auto n = nearest(*s, names))
                        msg += "; did you mean " + quote(*n) + "?";
                    else if (contains(names, "CAP_" + *s))
                        msg += "; did you mean " + quote("CAP_" + *s) + "?";
                    else
                        msg += " (see capabilities(7))";
                    err(ip, msg);
                    continue;
                }
                list.push_back(*s);
            }
            out[k] = std::move(list);
        }
        return out;
    }

    std::optional<ojson> security(const ojson& v, const std::string& ptr) {
        if (!object(v, ptr)) return std::nullopt;
        ojson out = ojson::object();
        for (const auto& [k, e] : v.items()) {
            if (ignored(k)) continue;
            std::string p = pointer_join(ptr, k);
            if (k == "noNewPrivileges") {
                if (auto b = boolean(e, p)) out[k] = *b;
            } else if (k == "capabilities") {
                set(out, k, capabilities(e, p));
            } else if (k == "seccomp") {
                // The seccomp part has its own checker (and its own hints for non-objects).
                ojson cfg = strip_extensions(e);
                std::vector<std::string> problems;
                try {
                    seccomp::validate(nlohmann::json(cfg), p, problems);
                } catch (const std::exception& ex) {
                    problems.push_back(p + ": " + ex.what());
                }
                for (auto& line : problems) out_.add(doc_.label() + ": " + line);
                if (!e.is_object()) {
                    if (problems.empty()) object(e, p);
                    continue;
                }
                out[k] = std::move(cfg);
            } else {
                unknown(p, k, e, kSecurityKeys, "security", "");
            }
        }
        return out;
    }

    Doc& doc_;
    const LoadContext& ctx_;
    Problems& out_;
};

}  // namespace

void check_document(Doc& doc, const LoadContext& ctx, Problems& out) { Checker(doc, ctx, out).run(); }

const std::vector<std::string>& override_paths() {
    static const std::vector<std::string> paths = [] {
        std::vector<std::string> p;
        auto add = [&](const std::string& base, const Keys& keys) {
            for (const auto& k : keys) p.push_back(base.empty() ? k : base + "." + k);
        };
        add("", {"root", "stores", "mounts", "namespaces", "user", "hostname", "process", "security"});
        add("root", kRootKeys);
        add("namespaces", kNamespaceKeys);
        add("user", kUserKeys);
        add("process", kProcessKeys);
        add("process.env", kEnvKeys);
        add("security", kSecurityKeys);
        add("security.capabilities", kCapabilityKeys);
        add("security.seccomp", kSeccompKeys);
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
        "RLIMIT_AS",     "RLIMIT_CORE",    "RLIMIT_CPU",        "RLIMIT_DATA",
        "RLIMIT_FSIZE",  "RLIMIT_LOCKS",   "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE",   "RLIMIT_NOFILE",  "RLIMIT_NPROC",      "RLIMIT_RSS",
        "RLIMIT_RTPRIO", "RLIMIT_RTTIME",  "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
    return names;
}

}  // namespace burrow::profile
