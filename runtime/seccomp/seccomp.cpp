// The profile's "security.seccomp" object: validation, compilation into a Filter, the
// --print-plan form and the group listing. Everything here is pure; seccomp_install.cpp
// talks to libseccomp.
//
// Model: a denylist with default action ALLOW. The deny set is
//     (baseline "default" ? @sandbox-default : ∅) ∪ deny ∪ (debuggers false ? @debug : ∅)
//     − allow − (debuggers true ? @debug : ∅)
// with groups expanded; each denied call gets the profile's errno (EPERM by default) unless
// it has a fixed one (fixed_errno(): ENOSYS for calls that callers fall back from). The
// switches add argument-conditioned rules; "allow" subtracts from the deny set only, a
// switch is lifted by setting it ("nestedNamespaces": "allow"). Only the native
// architecture's numbers are used; names the architecture lacks are skipped.
#include "runtime/seccomp/seccomp.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <tuple>

#include "runtime/base/suggest.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/json_pointer.hpp"
#include "runtime/profile/namespaces.hpp"
#include "runtime/seccomp/seccomp_groups.hpp"
#include "runtime/seccomp/seccomp_names.hpp"
#include "runtime/seccomp/seccomp_table.hpp"

namespace burrow::seccomp {
namespace {

using nlohmann::json;

const std::vector<std::string> kKeys = {
    "allow", "architectures",    "baseline",    "debuggers",   "deny",           "errno",       "groupSignals",
    "log",   "nestedNamespaces", "newSyscalls", "personality", "socketFamilies", "ttyInjection"};

constexpr const char* kListHint = "(list: burrow --seccomp-groups)";

// The families "baseline": "default" allows (getifaddrs and if_nameindex need netlink).
const std::vector<std::string> kDefaultFamilies = {"unix", "inet", "inet6", "netlink"};

// Clone's namespace flags (namespaces.cpp), lowest first: CLONE_NEW{NS,CGROUP,UTS,IPC,
// USER,PID,NET} (0x7E020000). CLONE_NEWTIME (0x80) overlaps clone()'s exit-signal byte;
// only unshare and clone3 can ask for it, and both are denied by the same switch.
std::vector<unsigned long long> clone_namespace_flags() {
    std::vector<unsigned long long> out;
    for (const NamespaceInfo& row : namespace_kinds()) out.push_back(static_cast<unsigned>(row.clone_flag));
    std::sort(out.begin(), out.end());
    return out;
}
constexpr unsigned kCloneFlagsArg = 0;  // arg 1 on s390, which we do not build for

constexpr unsigned long long kLow32 = 0xffffffffULL;

// JSON text of a value, for messages and fingerprints. Strings need not be UTF-8 (a
// command-line argument is any bytes; so is a document built from one): bytes that are not
// are shown as U+FFFD instead of making dump() throw, as the profile loader's quote() does.
std::string json_text(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string json_quote(const std::string& s) { return json_text(json(s)); }

// What a JSON value is, for "expected X, got Y".
std::string describe(const json& v) {
    switch (v.type()) {
        case json::value_t::null: return "null";
        case json::value_t::boolean: return std::string("boolean ") + (v.get<bool>() ? "true" : "false");
        case json::value_t::string: return "string " + json_text(v);
        case json::value_t::number_integer:
        case json::value_t::number_unsigned: return "integer " + v.dump();
        case json::value_t::number_float: return "number " + v.dump();
        case json::value_t::array: return "array";
        case json::value_t::object: return "object";
        default: return "a value of an unexpected type";
    }
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& s : items) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

std::vector<std::string> syscall_names() {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < kSyscallTableSize; ++i) out.emplace_back(kSyscallTable[i].name);
    return out;
}

std::vector<std::string> group_names() {
    std::vector<std::string> out;
    for (const auto& g : groups()) out.push_back(g.name);
    return out;
}

// `"a"` or `one of "a", "b"`.
std::string one_of(const std::vector<std::string>& values) {
    std::vector<std::string> q;
    for (const auto& v : values) q.push_back(json_quote(v));
    return q.size() == 1 ? q[0] : "one of " + join(q, ", ");
}

void check_enum(const json& v, const std::string& ptr, const std::vector<std::string>& values,
                std::vector<std::string>& problems) {
    if (v.is_string() && std::find(values.begin(), values.end(), v.get<std::string>()) != values.end()) return;
    std::string msg = ptr + ": expected " + one_of(values) + ", got " + (v.is_string() ? json_text(v) : describe(v));
    if (v.is_string())
        if (auto s = nearest_or_prefix(v.get<std::string>(), values)) msg += "; did you mean " + json_quote(*s) + "?";
    problems.push_back(msg);
}

void check_bool(const json& v, const std::string& ptr, std::vector<std::string>& problems) {
    if (!v.is_boolean()) problems.push_back(ptr + ": expected boolean, got " + describe(v));
}

// One entry of "deny"/"allow": a syscall from our table or an @group.
void check_name(const std::string& name, const std::string& ptr, std::vector<std::string>& problems) {
    if (name.empty()) {
        problems.push_back(ptr +
                           ": empty name; write a system call name such as \"ptrace\" or a group such as \"@mount\"");
        return;
    }
    if (name[0] == '@') {
        if (find_group(name)) return;
        std::string msg = ptr + ": unknown syscall group " + json_quote(name);
        std::optional<std::string> s;
        if (find_syscall(name.substr(1)))
            s = name.substr(1);  // "@ptrace" → "ptrace"
        else
            s = nearest_or_prefix(name, group_names());
        if (s)
            msg += "; did you mean " + json_quote(*s) + "? " + kListHint;
        else
            msg += "; list the groups with burrow --seccomp-groups";
        problems.push_back(msg);
        return;
    }
    if (find_syscall(name)) return;
    std::string msg = ptr + ": unknown system call " + json_quote(name);
    std::optional<std::string> s;
    if (find_group("@" + name))
        s = "@" + name;  // "debug" → "@debug"
    else
        s = nearest_or_prefix(name, syscall_names());
    if (s)
        msg += "; did you mean " + json_quote(*s) + "?";
    else
        msg += std::string("; write a name from the kernel's system call table, or a group ") + kListHint;
    problems.push_back(msg);
}

void check_names(const json& v, const std::string& ptr, std::vector<std::string>& problems) {
    if (!v.is_array()) {
        std::string msg = ptr + ": expected an array of system call names and @groups, got " + describe(v);
        if (v.is_string()) msg += "; write [" + json_text(v) + "]";
        problems.push_back(msg);
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = ptr + "/" + std::to_string(i);
        if (!v[i].is_string())
            problems.push_back(p + ": expected a system call name or @group (a string), got " + describe(v[i]));
        else
            check_name(v[i].get<std::string>(), p, problems);
    }
}

void check_errno(const json& v, const std::string& ptr, std::vector<std::string>& problems) {
    if (!v.is_string()) {
        problems.push_back(ptr + ": expected an errno name such as \"EPERM\", got " + describe(v));
        return;
    }
    const auto name = v.get<std::string>();
    if (errno_from_name(name)) return;
    std::string msg = ptr + ": unknown errno name " + json_quote(name);
    if (auto s = nearest_or_prefix(name, errno_names()))
        msg += "; did you mean " + json_quote(*s) + "?";
    else
        msg += "; use a name such as \"EPERM\", \"EACCES\" or \"ENOSYS\"";
    problems.push_back(msg);
}

void check_families(const json& v, const std::string& ptr, std::vector<std::string>& problems) {
    if (v.is_string() && v.get<std::string>() == "any") return;
    if (!v.is_array()) {
        std::string msg = ptr + ": expected \"any\" or an array of address family names, got " + describe(v);
        if (v.is_string() && family_from_name(v.get<std::string>())) msg += "; write [" + json_text(v) + "]";
        problems.push_back(msg);
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = ptr + "/" + std::to_string(i);
        if (!v[i].is_string()) {
            problems.push_back(p + ": expected an address family name such as \"inet\", got " + describe(v[i]));
            continue;
        }
        const auto name = v[i].get<std::string>();
        if (family_from_name(name)) continue;
        std::string msg = p + ": unknown address family " + json_quote(name);
        if (auto s = nearest_or_prefix(name, family_names()))
            msg += "; did you mean " + json_quote(*s) + "?";
        else
            msg += "; known: " + join(family_names(), " ");
        problems.push_back(msg);
    }
}

void check_architectures(const json& v, const std::string& ptr, std::vector<std::string>& problems) {
    if (!v.is_array()) {
        problems.push_back(ptr + ": expected an array such as [\"native\"], got " + describe(v));
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string p = ptr + "/" + std::to_string(i);
        if (v[i].is_string() && (v[i] == "native" || v[i] == native_arch_name())) continue;
        problems.push_back(p + ": expected \"native\", got " + (v[i].is_string() ? json_text(v[i]) : describe(v[i])) +
                           "; only the native architecture is filtered, and calls made through another "
                           "ABI (i386, x32) are refused");
    }
}

// ---- compile --------------------------------------------------------------------------

struct Settings {
    bool baseline_default = false;
    std::set<std::string> deny, allow;
    int errno_value = EPERM;
    bool nested_deny = false;
    bool tty_deny = false;
    bool group_signal_deny = false;
    std::optional<std::vector<int>> families;  // nullopt: any
    bool personality_linux = false;
    std::optional<bool> debuggers;
    bool enosys_new = false;
};

Settings settings_of(const json& cfg) {
    Settings s;
    s.baseline_default = cfg.value("baseline", std::string("none")) == "default";
    if (s.baseline_default) {
        // The "default" baseline's fragment; explicit keys below override it.
        s.deny.insert("@sandbox-default");
        s.nested_deny = s.tty_deny = s.group_signal_deny = s.personality_linux = s.enosys_new = true;
        s.debuggers = false;
        std::vector<int> fam;
        for (const auto& f : kDefaultFamilies) fam.push_back(*family_from_name(f));
        s.families = fam;
    }
    for (const char* key : {"deny", "allow"})
        if (cfg.contains(key))
            for (const auto& n : cfg.at(key)) (key[0] == 'd' ? s.deny : s.allow).insert(n.get<std::string>());
    if (cfg.contains("errno")) s.errno_value = *errno_from_name(cfg.at("errno").get<std::string>());
    if (cfg.contains("nestedNamespaces")) s.nested_deny = cfg.at("nestedNamespaces") == "deny";
    if (cfg.contains("ttyInjection")) s.tty_deny = cfg.at("ttyInjection") == "deny";
    if (cfg.contains("groupSignals")) s.group_signal_deny = cfg.at("groupSignals") == "deny";
    if (cfg.contains("personality")) s.personality_linux = cfg.at("personality") == "linux";
    if (cfg.contains("newSyscalls")) s.enosys_new = cfg.at("newSyscalls") == "enosys";
    if (cfg.contains("debuggers")) s.debuggers = cfg.at("debuggers").get<bool>();
    if (cfg.contains("socketFamilies")) {
        const auto& f = cfg.at("socketFamilies");
        if (f.is_string()) {
            s.families.reset();
        } else {
            std::vector<int> fam;
            for (const auto& n : f) fam.push_back(*family_from_name(n.get<std::string>()));
            s.families = fam;
        }
    }
    return s;
}

using Cond = Rule::Cond;

// Masked patterns on the low 32 bits of an argument that together match exactly the values
// NOT in `allowed`: walk the binary trie of 32-bit values and emit every maximal subtree
// that holds no allowed value. Seccomp rules cannot say "not in {a, b}" directly (a rule
// may compare each argument only once), but a union of rules can.
void complement_cover(std::uint64_t prefix, int free_bits, const std::set<std::uint32_t>& allowed,
                      std::vector<std::pair<std::uint64_t, std::uint64_t>>& out) {
    const bool any = std::any_of(allowed.begin(), allowed.end(), [&](std::uint32_t a) {
        return free_bits == 32 || (std::uint64_t(a) >> free_bits) == (prefix >> free_bits);
    });
    if (!any) {
        out.emplace_back((kLow32 << free_bits) & kLow32, prefix);
        return;
    }
    if (free_bits == 0) return;
    complement_cover(prefix, free_bits - 1, allowed, out);
    complement_cover(prefix | (std::uint64_t(1) << (free_bits - 1)), free_bits - 1, allowed, out);
}

class RuleSet {
  public:
    void deny(const std::string& name, int err) {
        auto& e = entries_[name];
        if (!e.unconditional) e.unconditional = err;
    }
    void deny_if(const std::string& name, int err, std::vector<Cond> conds) {
        entries_[name].conditional.emplace_back(err, std::move(conds));
    }

    // Sorted by name; a call denied outright loses its argument rules; duplicates go.
    std::vector<Rule> rules() const {
        std::vector<Rule> out;
        for (const auto& [name, e] : entries_) {
            const SyscallInfo* info = find_syscall(name);
            const long nr = info ? native_number(*info) : -1;
            if (nr < 0) continue;  // not on this architecture
            if (e.unconditional) {
                out.push_back(Rule{name, nr, *e.unconditional, {}});
                continue;
            }
            std::vector<std::tuple<int, std::vector<Cond>>> seen;
            for (const auto& rule : e.conditional) {
                // Plain references, not a structured binding: clang 14 does not let the
                // lambda below capture one (C++20 allows it, clang implements it in 16).
                const int err = rule.first;
                const std::vector<Cond>& conds = rule.second;
                const bool dup = std::any_of(seen.begin(), seen.end(), [&](const auto& t) {
                    const auto& [e2, c2] = t;
                    return e2 == err && c2.size() == conds.size() &&
                           std::equal(c2.begin(), c2.end(), conds.begin(), [](const Cond& a, const Cond& b) {
                               return a.index == b.index && a.mask == b.mask && a.value == b.value && a.ne == b.ne;
                           });
                });
                if (dup) continue;
                seen.emplace_back(err, conds);
                out.push_back(Rule{name, nr, err, conds});
            }
        }
        return out;
    }

  private:
    struct Entry {
        std::optional<int> unconditional;
        std::vector<std::pair<int, std::vector<Cond>>> conditional;
    };
    std::map<std::string, Entry> entries_;
};

std::string hex(unsigned long long v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", v);
    return buf;
}

std::string wrap(const std::vector<std::string>& words, const std::string& indent) {
    std::string out, line = indent;
    for (const auto& w : words) {
        if (line.size() > indent.size() && line.size() + 1 + w.size() > 79) {
            out += line + "\n";
            line = indent;
        }
        if (line.size() > indent.size()) line += ' ';
        line += w;
    }
    if (line.size() > indent.size()) out += line + "\n";
    return out;
}

}  // namespace

void validate(const json& cfg, const std::string& pointer, std::vector<std::string>& problems) {
    if (cfg.is_null()) return;  // absent: baseline "none"
    if (!cfg.is_object()) {
        std::string msg = pointer + ": expected an object such as {\"baseline\": \"default\"}, got " + describe(cfg);
        if (cfg.is_string() && (cfg == "default" || cfg == "none"))
            msg += "; write {\"baseline\": " + json_text(cfg) + "}";
        problems.push_back(msg);
        return;
    }
    for (const auto& [key, v] : cfg.items()) {
        const std::string p = pointer + "/" + pointer_escape(key);
        if (key.starts_with("x-")) continue;  // reserved for tools
        if (key == "baseline")
            check_enum(v, p, {"none", "default"}, problems);
        else if (key == "deny" || key == "allow")
            check_names(v, p, problems);
        else if (key == "errno")
            check_errno(v, p, problems);
        else if (key == "nestedNamespaces" || key == "ttyInjection" || key == "groupSignals")
            check_enum(v, p, {"allow", "deny"}, problems);
        else if (key == "socketFamilies")
            check_families(v, p, problems);
        else if (key == "personality")
            check_enum(v, p, {"any", "linux"}, problems);
        else if (key == "debuggers" || key == "log")
            check_bool(v, p, problems);
        else if (key == "newSyscalls")
            check_enum(v, p, {"allow", "enosys"}, problems);
        else if (key == "architectures")
            check_architectures(v, p, problems);
        else if (key == "oci")
            problems.push_back(p + ": OCI seccomp files are not supported; use \"baseline\", \"deny\" and \"allow\"");
        else {
            std::string msg = p + ": unknown key " + json_quote(key);
            if (auto s = nearest_or_prefix(key, kKeys))
                msg += "; did you mean " + json_quote(*s) + "?";
            else
                msg += "; valid keys: " + join(kKeys, ", ");
            problems.push_back(msg);
        }
    }
}

Filter compile(const json& cfg) {
    if (cfg.is_null()) return Filter{};
    // The default baseline (every sandbox's) was compiled at build time: expanding its
    // groups and socket-family patterns again costs ~0.1 ms of every sandbox launch.
    const Prebuilt* pre = prebuilt_default();
    if (pre && pre->rules && json_text(cfg) == pre->fingerprint) {
        Filter f;
        f.source = pre->fingerprint;
        f.rules.reserve(pre->n_rules);
        for (std::size_t i = 0; i < pre->n_rules; ++i) {
            const auto& row = pre->rules[i];
            f.rules.push_back({row.syscall,
                               row.number,
                               row.errno_value,
                               {pre->conds + row.first_cond, pre->conds + row.first_cond + row.n_conds}});
        }
        f.enosys_unknown = pre->enosys_unknown;
        f.highest_known = pre->highest_known;
        f.enabled = !f.rules.empty() || f.enosys_unknown;
        return f;
    }
    return compile_uncached(cfg);
}

Filter compile_uncached(const json& cfg) {
    Filter f;
    if (cfg.is_null()) return f;
    std::vector<std::string> problems;
    validate(cfg, "/security/seccomp", problems);
    if (!problems.empty()) throw Error(join(problems, "\n"));
    f.source = json_text(cfg);
    const Settings s = settings_of(cfg);

    std::set<std::string> denied, allowed;
    for (const auto& item : s.deny)
        for (auto& n : expand(item)) denied.insert(n);
    if (s.debuggers == false)
        for (auto& n : expand("@debug")) denied.insert(n);
    for (const auto& item : s.allow)
        for (auto& n : expand(item)) allowed.insert(n);
    if (s.debuggers == true)
        for (auto& n : expand("@debug")) allowed.insert(n);

    RuleSet rs;
    for (const auto& n : denied)
        if (!allowed.count(n)) rs.deny(n, fixed_errno(n).value_or(s.errno_value));

    if (s.nested_deny) {
        rs.deny("unshare", s.errno_value);
        rs.deny("setns", s.errno_value);
        for (auto flag : clone_namespace_flags())
            rs.deny_if("clone", s.errno_value, {Cond{kCloneFlagsArg, flag, flag, false}});
        // seccomp cannot read struct clone_args; ENOSYS makes glibc fall back to clone().
        rs.deny("clone3", ENOSYS);
    }
    if (s.tty_deny) {
        // The kernel reads cmd as 32 bits: compare only those, or TIOCSTI | 1 << 32 passes.
        for (unsigned long long cmd : {(unsigned long long)TIOCSTI, (unsigned long long)TIOCLINUX})
            rs.deny_if("ioctl", s.errno_value, {Cond{1, kLow32, cmd, false}});
    }
    if (s.group_signal_deny) {
        // kill(0, sig) reaches every process of the caller's process group, which the
        // program shares with the caller outside its pid namespace. pid_t is 32 bits.
        rs.deny_if("kill", s.errno_value, {Cond{0, kLow32, 0, false}});
    }
    if (s.families) {
        std::set<std::uint32_t> ok(s.families->begin(), s.families->end());
        for (const char* call : {"socket", "socketpair"}) {
            if (ok.empty()) {
                rs.deny(call, EAFNOSUPPORT);
                continue;
            }
            std::vector<std::pair<std::uint64_t, std::uint64_t>> patterns;
            complement_cover(0, 32, ok, patterns);
            for (const auto& [mask, value] : patterns) rs.deny_if(call, EAFNOSUPPORT, {Cond{0, mask, value, false}});
        }
    }
    if (s.personality_linux) {
        // Allowed: PER_LINUX (0) and the query 0xffffffff. A 32-bit value is neither exactly
        // when some bit i is 1 and the next bit (cyclically) is 0: 32 masked rules.
        for (unsigned i = 0; i < 32; ++i) {
            const unsigned long long bit = 1ULL << i, next = 1ULL << ((i + 1) % 32);
            rs.deny_if("personality", s.errno_value, {Cond{0, bit | next, bit, false}});
        }
    }

    f.rules = rs.rules();
    f.enosys_unknown = s.enosys_new;
    f.highest_known = highest_native_number();
    f.enabled = !f.rules.empty() || f.enosys_unknown;
    if (f.enabled && kNativeArch < 0)
        throw Error(
            "/security/seccomp: this build of burrow does not know the system call numbers of this "
            "architecture; use \"baseline\": \"none\" without \"deny\" here");
    return f;
}

json to_json(const Filter& f) {
    json rules = json::array();
    for (const auto& r : f.rules) {
        json j = {{"syscall", r.syscall}, {"number", r.number}, {"errno", errno_name(r.errno_value)}};
        if (!r.conds.empty()) {
            json args = json::array();
            for (const auto& c : r.conds) {
                if (c.ne)
                    args.push_back({{"index", c.index}, {"op", "ne"}, {"value", hex(c.value)}});
                else
                    args.push_back(
                        {{"index", c.index}, {"op", "masked_eq"}, {"mask", hex(c.mask)}, {"value", hex(c.value)}});
            }
            j["args"] = args;
        }
        rules.push_back(j);
    }
    json out = {{"enabled", f.enabled},
                {"architecture", native_arch_name()},
                {"rules", rules},
                {"newSyscalls", f.enosys_unknown ? "enosys" : "allow"}};
    if (f.enosys_unknown) out["highestKnown"] = f.highest_known;
    return out;
}

std::string describe_groups(const std::optional<std::string>& group) {
    auto header = [](const Group& g) { return g.name + " - " + g.purpose + "\n"; };
    auto member_words = [](const Group& g) {
        std::vector<std::string> w;
        for (const auto& m : g.members) w.push_back(m[0] != '@' && fixed_errno(m) ? m + "(ENOSYS)" : m);
        return w;
    };
    if (!group) {
        std::string out;
        for (const auto& g : groups()) out += header(g) + wrap(member_words(g), "    ");
        out +=
            "\nA member marked (ENOSYS) fails with ENOSYS when denied, so that callers fall back;\n"
            "other denied calls fail with the profile's \"errno\" (EPERM by default).\n";
        return out;
    }
    std::string name = *group;
    if (!name.starts_with("@")) name = "@" + name;
    const Group* g = find_group(name);
    if (!g) {
        std::string msg = "unknown syscall group " + json_quote(*group);
        if (auto s = nearest_or_prefix(name, group_names()))
            msg += "; did you mean " + json_quote(*s) + "? " + kListHint;
        else
            msg += "; list the groups with burrow --seccomp-groups";
        throw Error(msg);
    }
    std::string out = header(*g) + "  members:\n" + wrap(member_words(*g), "    ");
    std::vector<std::string> here, absent;
    for (const auto& n : expand(g->name)) {
        const long nr = native_number(*find_syscall(n));
        if (nr < 0)
            absent.push_back(n);
        else
            here.push_back(n + "(" + std::to_string(nr) + (fixed_errno(n) ? ",ENOSYS" : "") + ")");
    }
    out += "  on " + std::string(native_arch_name()) + " (" + std::to_string(here.size()) + " calls):\n" +
           wrap(here, "    ");
    if (!absent.empty()) out += "  not on " + std::string(native_arch_name()) + " (skipped):\n" + wrap(absent, "    ");
    return out;
}

}  // namespace burrow::seccomp
