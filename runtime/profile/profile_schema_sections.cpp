// The schema check's values that are more than one type: lists of entries (stores, mounts),
// the mount whose type decides its keys (mount_kinds.cpp), the environment, resource
// limits, capabilities and the seccomp section.
#include <sys/capability.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <unordered_map>

#include "runtime/profile/profile_schema_check.hpp"
#include "runtime/seccomp/seccomp.hpp"

namespace burrow::profile::schema {

namespace {

// `f(name, value, pointer)` for each variable of an object keyed by variable names ("set",
// "prepend", "append"); a name that is not one is reported instead.
template <class F>
void each_variable(Checker& c, const ojson& v, const std::string& ptr, F&& f) {
    for (const auto& [name, value] : v.items()) {
        if (Checker::ignored(name)) continue;
        std::string np = pointer_join(ptr, name);
        if (!is_env_name(name)) {
            c.err(np, std::string("invalid variable name ") + kEnvNameRule);
            continue;
        }
        f(name, value, np);
    }
}

}  // namespace

// How a message names another entry of this document: its pointer, or on the command
// line the option it came from.
std::string Checker::entry_name(const std::string& ptr) const {
    auto it = doc_.options.find(ptr);
    return it == doc_.options.end() ? ptr : it->second;
}

// The pointer a message about a destination names: the key if written, else the key
// the default came from.
std::string Checker::destination_ptr(const ojson& raw, const std::string& ptr) {
    if (raw.is_object() && raw.contains("destination")) return ptr + "/destination";
    if (raw.is_object() && raw.contains("source")) return ptr + "/source";
    return ptr;
}

std::optional<ojson> Checker::root_exclude(const ojson& v, const std::string& ptr) {
    if (!array(v, ptr)) return std::nullopt;
    ojson list = ojson::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string ip = pointer_join(ptr, i);
        auto path = text(v[i], ip, Field::inside_path);
        if (!path) continue;
        if (*path == "/" || path->find('/', 1) != std::string::npos) {
            err(ip, quote(*path) +
                        " is not a top-level entry; \"exclude\" names entries directly under /, such as \"/media\"");
            continue;
        }
        list.push_back(*path);
    }
    return list;
}

std::optional<ojson> Checker::stores(const ojson& v, const std::string& ptr) {
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

ojson Checker::store(const ojson& v, const std::string& ptr) {
    std::optional<ojson> out = walk(store_section(), v, ptr);
    if (!out) return ojson::object();
    if (!v.contains("source"))
        err(ptr, "a store needs \"source\" (the host directory holding the items, e.g. \"${PACK}/gnu/store\")");
    if (!v.contains("destination")) (*out)["destination"] = "/gnu/store";
    return std::move(*out);
}

std::optional<ojson> Checker::store_items(const ojson& v, const std::string& ptr) {
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

std::optional<ojson> Checker::mounts(const ojson& v, const std::string& ptr) {
    if (!array(v, ptr)) return std::nullopt;
    ojson out = ojson::array();
    out.get_ref<ojson::array_t&>().reserve(v.size());
    // A destination may repeat: mounts apply in order, and the later one covers the
    // earlier (profile_typed.cpp, check_placement).
    for (std::size_t i = 0; i < v.size(); ++i) {
        ojson m = mount(v[i], pointer_join(ptr, i));
        out.push_back(std::move(m));
    }
    return out;
}

// Not walk(): the type decides which of the mount keys (mount_section()) the others may
// be, and which are required (mount_kinds.cpp).
ojson Checker::mount(const ojson& v, const std::string& ptr) {
    static const Keys types = profile_mount_types();
    const Keys& all_keys = mount_section().keys;
    ojson out = ojson::object();
    if (!object(v, ptr)) return out;
    out.get_ref<ojson::object_t&>().reserve(v.size() + 1);  // + a default destination
    std::optional<std::string> type;
    if (auto it = v.find("type"); it == v.end())
        err(ptr, "missing required key \"type\" (one of " + join(types, ", ") + ")");
    else
        type = one_of(*it, ptr + "/type", types);
    const MountKindInfo* kind = type ? profile_mount_kind(*type) : nullptr;
    const Keys& keys = kind ? kind->keys : all_keys;
    if (type) out["type"] = *type;
    mount_type = type;
    for (const auto& [k, e] : v.items()) {
        if (ignored(k) || k == "type") continue;
        std::string p = pointer_join(ptr, k);
        if (!contains(keys, k)) {
            if (type && contains(all_keys, k))
                err(p, quote(k) + " is not valid for a " + *type + " mount (valid: " + join(keys, ", ") + ")");
            else
                unknown(p, k, e, keys, type ? (*type == "bind" ? "bind" : "other-mount") : "mount",
                        type ? " for a " + *type + " mount" : "");
            continue;
        }
        set(out, k, mount_section().find(k)->check(*this, e, p));
    }
    mount_type.reset();
    if (!kind) return out;
    for (const std::string& key : kind->required)
        if (!v.contains(key))
            err(ptr, std::string(std::string_view("aeiou").find((*type)[0]) != std::string_view::npos ? "an " : "a ") +
                         *type + " mount needs \"" + key + "\"");
    if (kind->kind == MountKind::bind && v.contains("source") == v.contains("fd"))
        err(ptr, "a bind mount needs \"source\" or \"fd\" (a file descriptor open on the source), not both");
    if (kind->kind == MountKind::file && v.contains("content") == v.contains("fd"))
        err(ptr, "a file mount needs \"content\" or \"fd\" (a file descriptor to read it from), not both");
    if (kind->kind == MountKind::overlay) overlay_keys(v, ptr);
    if (!v.contains("destination")) {
        if (kind->destination_from_source && out.contains("source")) out["destination"] = out["source"];
        if (!kind->default_destination.empty()) out["destination"] = std::string(kind->default_destination);
    }
    return out;
}

// An overlay writes to "upper" (its "work" directory beside it), to a tmpfs ("access":
// "rw" without an upper), or nowhere; the kernel needs two lower layers for the last.
void Checker::overlay_keys(const ojson& v, const std::string& ptr) {
    const bool upper = v.contains("upper"), work = v.contains("work");
    const auto a = v.find("access");
    const bool ro = a != v.end() && a->is_string() && a->get<std::string>() == "ro";
    const bool rw = a != v.end() && a->is_string() && a->get<std::string>() == "rw";
    if (upper != work)
        err(ptr, std::string("an overlay with \"") + (upper ? "upper" : "work") + "\" needs \"" +
                     (upper ? "work" : "upper") +
                     "\" too: an empty directory on the same filesystem as the upper one, for overlayfs's own use");
    else if (upper && ro)
        err(ptr + "/access",
            "an overlay with an \"upper\" directory is writable; drop \"access\", or drop \"upper\" and \"work\"");
    else if (!upper && !rw) {
        const auto l = v.find("lower");
        if (l != v.end() && l->is_array() && l->size() == 1)
            err(ptr + "/lower",
                "a read-only overlay needs at least two lower directories (overlayfs has nothing to stack "
                "one on); add one, bind the directory instead, or make writes go to a tmpfs with "
                "\"access\": \"rw\"");
    }
}

std::optional<ojson> Checker::keep_fds(const ojson& v, const std::string& ptr) {
    if (!v.is_array()) {
        err(ptr, "expected an array of file descriptor numbers such as [3], got " + describe(v));
        return std::nullopt;
    }
    ojson fds = ojson::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string ip = ptr + "/" + std::to_string(i);
        auto n = uint(v[i], ip);
        if (n && (*n < 3 || *n > 65535))
            err(ip,
                "a kept file descriptor is a number from 3 to 65535 (0, 1 and 2 are "
                "always kept), got " +
                    std::to_string(*n));
        else if (n)
            fds.push_back(*n);
    }
    return fds;
}

std::optional<ojson> Checker::env(const ojson& v, const std::string& ptr) {
    std::optional<ojson> out =
        walk(env_section(), v, ptr, v.is_array() ? "; write \"env\": {\"set\": {\"NAME\": \"value\"}}" : "");
    if (!out) return std::nullopt;
    // Within one document a variable is either removed or given a value.
    if (out->contains("unset")) {
        for (const auto& name : (*out)["unset"]) {
            for (const char* other : {"set", "prepend", "append"})
                if (out->contains(other) && (*out)[other].contains(name.get<std::string>()))
                    err(ptr, quote(name.get<std::string>()) + " is in both \"unset\" and \"" + other + "\"");
        }
    }
    return out;
}

std::optional<ojson> Checker::env_set(const ojson& v, const std::string& ptr) {
    if (!object(v, ptr, v.is_array() ? "; write {\"NAME\": \"value\"}, not a list of \"NAME=value\"" : ""))
        return std::nullopt;
    ojson vars = ojson::object();
    each_variable(*this, v, ptr, [&](const std::string& name, const ojson& value, const std::string& np) {
        if (auto s = text(value, np, Field::env_text)) vars[name] = *s;
    });
    return vars;
}

// "prepend" and "append": {"NAME": ["entry", …]}.
std::optional<ojson> Checker::env_search(const ojson& v, const std::string& ptr) {
    if (!object(v, ptr)) return std::nullopt;
    ojson vars = ojson::object();
    each_variable(*this, v, ptr, [&](const std::string& name, const ojson& list, const std::string& np) {
        if (!array(list, np, list.is_string() ? "; write [" + quote(list.get<std::string>()) + "]" : "")) return;
        ojson entries = ojson::array();
        for (std::size_t i = 0; i < list.size(); ++i)
            if (auto s = text(list[i], pointer_join(np, i), Field::search_entry)) entries.push_back(*s);
        vars[name] = std::move(entries);
    });
    return vars;
}

// Its keys are the limits' names (rlimit_names()), not a table's.
std::optional<ojson> Checker::rlimits(const ojson& v, const std::string& ptr) {
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
            err(p,
                "expected an unsigned integer (a k, m or g suffix allowed, as in \"1g\"), \"unlimited\", "
                "\"inherit\" or {\"soft\": …, \"hard\": …}, got " +
                    describe(e));
            continue;
        }
        ojson lim = *walk(limit_section(), e, p);
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

// "keep" and "ambient": capability names as libcap knows them.
std::optional<ojson> Checker::capability_list(const ojson& v, const std::string& ptr) {
    if (!array(v, ptr)) return std::nullopt;
    const auto& names = capability_names();
    ojson list = ojson::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        std::string ip = pointer_join(ptr, i);
        auto s = str(v[i], ip);
        if (!s) continue;
        cap_value_t value = 0;
        bool upper = s->rfind("CAP_", 0) == 0 && std::all_of(s->begin(), s->end(), [](char c) {
                         return std::isupper(static_cast<unsigned char>(c)) ||
                                std::isdigit(static_cast<unsigned char>(c)) || c == '_';
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
    return list;
}

// The seccomp part has its own checker (and its own hints for non-objects).
std::optional<ojson> Checker::seccomp(const ojson& v, const std::string& ptr) {
    ojson cfg = strip_extensions(v);
    std::vector<std::string> problems;
    try {
        burrow::seccomp::validate(nlohmann::json(cfg), ptr, problems);
    } catch (const std::exception& ex) {
        problems.push_back(ptr + ": " + ex.what());
    }
    for (auto& line : problems) out_.add(doc_.label() + ": " + line);
    if (!v.is_object()) {
        if (problems.empty()) object(v, ptr);
        return std::nullopt;
    }
    return cfg;
}

}  // namespace burrow::profile::schema
