// The profile's sections as tables: each key, its type in profiles/schema.json and how its
// value is checked. A key's row order is the order messages list the valid keys in.
#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "runtime/profile/namespaces.hpp"
#include "runtime/profile/profile_schema_check.hpp"

namespace burrow::profile {

namespace schema {

namespace {

using C = Checker;
using S = std::string;
using Out = std::optional<ojson>;

template <class T>
Out keep(const std::optional<T>& v) {
    return v ? Out(ojson(*v)) : std::nullopt;
}

Out boolean(C& c, const ojson& v, const S& p) { return keep(c.boolean(v, p)); }
Out access(C& c, const ojson& v, const S& p) { return keep(c.one_of(v, p, {"ro", "rw"})); }
Out duration(C& c, const ojson& v, const S& p) { return keep(c.duration(v, p)); }

// "inherit", or text of `field`.
template <Field field>
Out inherit_or(C& c, const ojson& v, const S& p) {
    if (v.is_string() && v.get<std::string>() == "inherit") return ojson("inherit");
    return keep(c.text(v, p, field));
}

}  // namespace

Section::Section(std::string dotted_, std::string context_, std::string for_what_, std::vector<KeyRule> rules_)
    : dotted(std::move(dotted_)),
      context(std::move(context_)),
      for_what(std::move(for_what_)),
      rules(std::move(rules_)) {
    for (const KeyRule& r : rules) keys.push_back(r.key);
}

const KeyRule* Section::find(const std::string& key) const {
    for (const KeyRule& r : rules)
        if (r.key == key) return &r;
    return nullptr;
}

bool contains(const Keys& keys, const std::string& k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); }

const Section& top_section() {
    // The keys that are not merged say what the document is (name, description) or how it
    // is read (version, extends, override): the checks record them in the Doc.
    static const Section table(
        "", "top", "",
        {
            {"version", "const",
             [](C& c, const ojson& v, const S& p) -> Out {
                 c.version(v, p);
                 return std::nullopt;
             },
             Merge::by_value, false, false},
            {"name", "string", [](C& c, const ojson& v, const S& p) { return c.profile_name(v, p); }, Merge::by_value,
             true, false},
            {"description", "string",
             [](C& c, const ojson& v, const S& p) -> Out {
                 c.str(v, p);
                 return std::nullopt;
             },
             Merge::by_value, true, false},
            {"extends", "oneOf",
             [](C& c, const ojson& v, const S& p) -> Out {
                 c.extends(v, p);
                 return std::nullopt;
             },
             Merge::by_value, false, false},
            {"override", "array",
             [](C& c, const ojson& v, const S& p) -> Out {
                 c.override_(v, p);
                 return std::nullopt;
             },
             Merge::by_value, true, false},
            {"root", "object", [](C& c, const ojson& v, const S& p) { return c.walk(root_section(), v, p); }},
            {"stores", "array", [](C& c, const ojson& v, const S& p) { return c.stores(v, p); }, Merge::keyed},
            {"mounts", "array", [](C& c, const ojson& v, const S& p) { return c.mounts(v, p); }, Merge::keyed},
            {"namespaces", "object",
             [](C& c, const ojson& v, const S& p) { return c.walk(namespaces_section(), v, p); }},
            {"user", "object", [](C& c, const ojson& v, const S& p) { return c.walk(user_section(), v, p); }},
            {"hostname", "string", [](C& c, const ojson& v, const S& p) { return c.hostname(v, p); }},
            {"home", "object", [](C& c, const ojson& v, const S& p) { return c.home(v, p); }},
            {"limits", "object", [](C& c, const ojson& v, const S& p) { return c.walk(limits_section(), v, p); }},
            {"process", "object", [](C& c, const ojson& v, const S& p) { return c.walk(process_section(), v, p); }},
            {"security", "object", [](C& c, const ojson& v, const S& p) { return c.walk(security_section(), v, p); }},
        });
    return table;
}

const Section& overlay_section() {
    static const Section table = [] {
        std::vector<KeyRule> rules;
        for (const KeyRule& r : top_section().rules)
            if (r.overlay) rules.push_back(r);
        return Section("", "top", "", std::move(rules));
    }();
    return table;
}

const Section& root_section() {
    static const Section table(
        "root", "root", "",
        {
            {"host", "enum",
             [](C& c, const ojson& v, const S& p) {
                 return keep(c.one_of(v, p, {"all", "none"}));
             }},
            {"path", "$defs/path",
             [](C& c, const ojson& v, const S& p) -> Out {
                 auto s = c.text(v, p, Field::host_path);
                 if (!s) return std::nullopt;
                 if (*s != "/") return ojson(*s);
                 c.err(p, "\"/\" is the host's root; write \"host\": \"all\" instead of a path");
                 return std::nullopt;
             }},
            {"access", "$defs/access", access},
            {"exclude", "array", [](C& c, const ojson& v, const S& p) { return c.root_exclude(v, p); }, Merge::union_},
        });
    return table;
}

const Section& store_section() {
    static const Section table(
        "", "store", " for a store",
        {
            {"source", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::host_path)); }},
            {"destination", "$defs/path",
             [](C& c, const ojson& v, const S& p) -> Out {
                 auto s = c.text(v, p, Field::inside_path);
                 if (!s) return std::nullopt;
                 if (*s != "/") return ojson(*s);
                 c.err(p, "a store cannot be mounted at /; use a directory such as \"/gnu/store\"");
                 return std::nullopt;
             }},
            {"items", "oneOf", [](C& c, const ojson& v, const S& p) { return c.store_items(v, p); }},
        });
    return table;
}

const Section& mount_section() {
    // In the order of the kinds' keys in mount_kinds.cpp, each key where it first appears
    // (tests/unit/test_profile_schema_tables.cpp holds the two together).
    static const Section table(
        "", "mount", "",
        {
            {"type", "enum", nullptr},  // mount() checks it first: it decides which keys follow
            {"source", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::host_path)); }},
            {"fd", "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }},
            {"destination", "$defs/path",
             [](C& c, const ojson& v, const S& p) -> Out {
                 auto s = c.text(v, p, Field::inside_path);
                 if (!s) return std::nullopt;
                 // On the command line a bind or tmpfs at / replaces the root, as in bwrap
                 // (--bind / /); a profile says what / holds with "root".
                 const bool replaces_root = c.mount_type && (*c.mount_type == "bind" || *c.mount_type == "tmpfs");
                 if (*s != "/" || (c.in_overlay() && replaces_root)) return ojson(std::move(*s));
                 c.err(p, c.in_overlay() ? "only a bind or a tmpfs can be mounted at /"
                                         : "a mount at / would cover the whole root; use \"root\" to choose what / "
                                           "holds");
                 return std::nullopt;
             }},
            {"access", "$defs/access", access},
            {"optional", "boolean", boolean},
            {"recursive", "boolean", boolean},
            {"devices", "boolean", boolean},
            {"noexec", "boolean", boolean},
            {"size", "$defs/size", [](C& c, const ojson& v, const S& p) { return keep(c.size(v, p)); }},
            {"mode", "$defs/octal",
             [](C& c, const ojson& v, const S& p) {
                 return keep(c.octal(v, p, c.mount_type && *c.mount_type == "file" ? "0444" : "0755"));
             }},
            {"target", "string",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::link_target)); }},
            {"content", "string", [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::content)); }},
            {"lower", "array",
             [](C& c, const ojson& v, const S& p) -> Out {
                 if (!c.array(v, p)) return std::nullopt;
                 if (v.empty()) {
                     c.err(p, "an overlay needs at least one lower directory, e.g. [\"/usr\"]");
                     return std::nullopt;
                 }
                 ojson list = ojson::array();
                 for (std::size_t i = 0; i < v.size(); ++i)
                     if (auto s = c.text(v[i], pointer_join(p, i), Field::host_path)) list.push_back(*s);
                 return list;
             }},
            {"upper", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::host_path)); }},
            {"work", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::host_path)); }},
        });
    return table;
}

const Section& namespaces_section() {
    static const Section table = [] {
        std::vector<KeyRule> rules;
        for (const std::string& key : namespace_keys()) rules.push_back({key, "boolean", boolean});
        for (const char* key : {"userFd", "pidFd", "user2Fd", "userBlockFd"})
            rules.push_back(
                {key, "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }});
        return Section("namespaces", "namespaces", "", std::move(rules));
    }();
    return table;
}

const Section& home_section() {
    static const Section table(
        "home", "home", "",
        {
            {"path", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::host_path)); }},
            {"tmpfs", "boolean", boolean},
            {"destination", "$defs/path",
             [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::inside_path)); }},
        });
    return table;
}

// cgroup v2 limits. Numbers may come as text: the command line writes what it was given.
const Section& limits_section() {
    static const Section table(
        "limits", "limits", "",
        {
            {"memory", "$defs/size",
             [](C& c, const ojson& v, const S& p) -> Out {
                 auto n = c.size(v, p);
                 if (n && *n < 4096) {
                     c.err(p, "a memory limit below one page (4096 bytes) stops everything; give e.g. \"512m\"");
                     return std::nullopt;
                 }
                 return keep(n);
             }},
            {"cpus", "number",
             [](C& c, const ojson& v, const S& p) -> Out {
                 double d = v.is_number() ? v.get<double>() : -1;
                 if (v.is_string()) {
                     const std::string& t = v.get_ref<const std::string&>();
                     char* end = nullptr;
                     d = t.empty() ? -1 : std::strtod(t.c_str(), &end);
                     if (!end || *end != '\0') d = -1;
                 }
                 if (d >= 0.001 && d <= 4096) return ojson(d);
                 c.err(p, "expected a number of CPUs from 0.001 to 4096 such as 0.5 or 2, got " + describe(v));
                 return std::nullopt;
             }},
            {"pids", "integer",
             [](C& c, const ojson& v, const S& p) -> Out {
                 std::uint64_t n = 0;
                 bool ok = v.is_number_unsigned();
                 if (ok) n = v.get<std::uint64_t>();
                 if (v.is_string()) {
                     const std::string& t = v.get_ref<const std::string&>();
                     ok = !t.empty() && t.size() <= 8 && t.find_first_not_of("0123456789") == std::string::npos;
                     if (ok) n = std::stoull(t);
                 }
                 if (ok && n >= 1 && n <= 4194304) return ojson(n);
                 c.err(p, "expected a number of processes from 1 to 4194304 such as 100, got " + describe(v));
                 return std::nullopt;
             }},
        });
    return table;
}

const Section& user_section() {
    static const Section table("user", "user", "",
                               {
                                   {"uid", "$defs/id", [](C& c, const ojson& v, const S& p) { return c.id(v, p); }},
                                   {"gid", "$defs/id", [](C& c, const ojson& v, const S& p) { return c.id(v, p); }},
                               });
    return table;
}

const Section& process_section() {
    static const Section table(
        "process", "process", "",
        {
            {"exec", "string", [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::exec)); }},
            {"args", "array",
             [](C& c, const ojson& v, const S& p) -> Out {
                 if (!c.array(v, p)) return std::nullopt;
                 ojson list = ojson::array();
                 for (std::size_t i = 0; i < v.size(); ++i)
                     if (auto s = c.text(v[i], pointer_join(p, i), Field::env_text)) list.push_back(*s);
                 return list;
             }},
            {"argv0", "string", inherit_or<Field::text>},
            {"cwd", "string", inherit_or<Field::inside_path>},
            {"env", "object", [](C& c, const ojson& v, const S& p) { return c.env(v, p); }},
            {"rlimits", "object", [](C& c, const ojson& v, const S& p) { return c.rlimits(v, p); }},
            {"umask", "$defs/octal", [](C& c, const ojson& v, const S& p) { return keep(c.octal(v, p, "0022")); }},
            {"newSession", "boolean", boolean},
            {"dieWithParent", "boolean", boolean},
            {"asPid1", "boolean", boolean},
            {"lockFiles", "array",
             [](C& c, const ojson& v, const S& p) -> Out {
                 if (!c.array(v, p)) return std::nullopt;
                 ojson list = ojson::array();
                 for (std::size_t i = 0; i < v.size(); ++i)
                     if (auto s = c.text(v[i], pointer_join(p, i), Field::inside_path)) list.push_back(*s);
                 return list;
             },
             Merge::union_},
            {"infoFd", "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }},
            {"jsonStatusFd", "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }},
            {"blockFd", "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }},
            {"syncFd", "$defs/fd", [](C& c, const ojson& v, const S& p) { return keep(c.fd_number(v, p)); }},
            {"timeout", "$defs/duration", duration},
            {"killAfter", "$defs/duration", duration},
            {"closeFds", "boolean", boolean},
            {"keepFds", "array", [](C& c, const ojson& v, const S& p) { return c.keep_fds(v, p); }, Merge::union_},
        });
    return table;
}

const Section& env_section() {
    static const Section table(
        "process.env", "env", "",
        {
            {"clear", "boolean", boolean},
            {"keep", "array", [](C& c, const ojson& v, const S& p) { return c.name_list(v, p, true); }, Merge::union_},
            {"unset", "array", [](C& c, const ojson& v, const S& p) { return c.name_list(v, p, false); },
             Merge::union_},
            {"set", "object", [](C& c, const ojson& v, const S& p) { return c.env_set(v, p); }},
            {"prepend", "$defs/searchPaths", [](C& c, const ojson& v, const S& p) { return c.env_search(v, p); },
             Merge::concat_entries},
            {"append", "$defs/searchPaths", [](C& c, const ojson& v, const S& p) { return c.env_search(v, p); },
             Merge::concat_entries},
        });
    return table;
}

const Section& limit_section() {
    static const Section table(
        "", "rlimit", "",
        {
            {"soft", "$defs/limit", [](C& c, const ojson& v, const S& p) { return c.limit_value(v, p); }},
            {"hard", "$defs/limit", [](C& c, const ojson& v, const S& p) { return c.limit_value(v, p); }},
        });
    return table;
}

const Section& security_section() {
    static const Section table(
        "security", "security", "",
        {
            {"noNewPrivileges", "boolean", boolean},
            {"disableUserns", "boolean", boolean},
            {"assertUsernsDisabled", "boolean", boolean},
            {"execLabel", "string", [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::text)); }},
            {"fileLabel", "string", [](C& c, const ojson& v, const S& p) { return keep(c.text(v, p, Field::text)); }},
            {"seccompFds", "array",
             [](C& c, const ojson& v, const S& p) -> Out {
                 if (!c.array(v, p)) return std::nullopt;
                 ojson list = ojson::array();
                 for (std::size_t i = 0; i < v.size(); ++i)
                     if (auto fd = c.fd_number(v[i], pointer_join(p, i))) list.push_back(*fd);
                 return list;
             }},
            {"capabilities", "object",
             [](C& c, const ojson& v, const S& p) { return c.walk(capabilities_section(), v, p); }},
            {"seccomp", "object", [](C& c, const ojson& v, const S& p) { return c.seccomp(v, p); }},
        });
    return table;
}

const Section& capabilities_section() {
    static const Section table(
        "security.capabilities", "capabilities", "",
        {
            {"keep", "array", [](C& c, const ojson& v, const S& p) { return c.capability_list(v, p); }, Merge::union_},
            {"ambient", "array", [](C& c, const ojson& v, const S& p) { return c.capability_list(v, p); },
             Merge::union_},
            {"clearBoundingSet", "boolean", boolean},
        });
    return table;
}

const std::vector<const Section*>& overridable_sections() {
    static const std::vector<const Section*> table = {
        &root_section(), &namespaces_section(), &user_section(),        &process_section(),
        &env_section(),  &security_section(),   &capabilities_section()};
    return table;
}

const Section& seccomp_section() {
    static const Section table("security.seccomp", "seccomp", "",
                               {
                                   {"baseline", "enum", nullptr},
                                   {"deny", "array", nullptr, Merge::union_},
                                   {"allow", "array", nullptr, Merge::union_},
                                   {"errno", "string", nullptr},
                                   {"nestedNamespaces", "enum", nullptr},
                                   {"ttyInjection", "enum", nullptr},
                                   {"groupSignals", "enum", nullptr},
                                   {"socketFamilies", "oneOf", nullptr, Merge::union_},
                                   {"personality", "enum", nullptr},
                                   {"debuggers", "boolean", nullptr},
                                   {"architectures", "array", nullptr, Merge::union_},
                                   {"newSyscalls", "enum", nullptr},
                                   {"log", "boolean", nullptr},
                                   {"oci", "", nullptr},  // not in profiles/schema.json
                               });
    return table;
}

}  // namespace schema

Merge merge_rule(const std::string& dotted) {
    using namespace schema;
    // Only the rows that say more than by_value, by key path.
    static const std::unordered_map<std::string, Merge> rules = [] {
        std::unordered_map<std::string, Merge> m;
        auto add = [&](const Section& s) {
            for (const KeyRule& r : s.rules)
                if (r.merge != Merge::by_value) m.emplace(s.dotted.empty() ? r.key : s.dotted + "." + r.key, r.merge);
        };
        add(top_section());
        for (const Section* s : overridable_sections()) add(*s);
        add(seccomp_section());
        return m;
    }();
    if (auto it = rules.find(dotted); it != rules.end())
        return it->second == Merge::concat_entries ? Merge::by_value : it->second;
    if (auto dot = dotted.rfind('.'); dot != std::string::npos)
        if (auto it = rules.find(dotted.substr(0, dot)); it != rules.end() && it->second == Merge::concat_entries)
            return Merge::concat;
    return Merge::by_value;
}

}  // namespace burrow::profile
