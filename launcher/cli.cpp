#include "cli.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "runtime/base/json_pointer.hpp"
#include "runtime/base/suggest.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/help_text.hpp"
#include "runtime/profile/namespaces.hpp"
#include "runtime/profile/profile_schema.hpp"

namespace burrow {
namespace {

using nlohmann::json;

// In the overlay every string is literal: the loader reads "$$" as "$".
std::string lit(const std::string& s) {
    std::string out;
    for (char c : s) {
        out += c;
        if (c == '$') out += '$';
    }
    return out;
}

std::string absolute(const std::string& path, const std::string& cwd) {
    if (!path.empty() && path[0] == '/') return path;
    return cwd == "/" ? "/" + path : cwd + "/" + path;
}

// `v` as a whole decimal number from lo to hi, or nullopt.
std::optional<std::uint32_t> decimal(const std::string& v, std::uint32_t lo, std::uint32_t hi) {
    std::uint32_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) return std::nullopt;
    return n;
}

// ---- The options: one row each. ----------------------------------------------------------
//
// A row names the option's spellings, its arguments, its place and text in --help, and
// what it writes into the overlay. The parser, `burrow --help` and the "did you mean"
// suggestions all read this one table: adding an option is adding a row.

enum class Section { Profile, Filesystem, Namespaces, Process, Other };

struct State;
using Args = std::vector<std::string>;  // the option's arguments, as many as Option::args names
using Handler = void (*)(State&, const std::string& opt, const Args& args);

struct Option {
    std::string_view names;  // '|'-separated spellings: "--help|-h"
    std::string_view args;   // argument names, space-separated: "SRC DEST"; "" for none
    Section section;
    bool listed;             // has a line in --help (false: covered by another row's label)
    std::string_view label;  // --help's left column when it is not "NAME ARGS"
    std::string_view help;   // --help's text; '\n' starts a continuation line
    Handler run;
};

// What the handlers write to: the Cli being built, and the rest of the command line for
// the one option whose argument is optional (--seccomp-groups [@NAME]).
struct State {
    std::vector<std::string>& argv;  // --args FD splices its arguments in
    size_t& next;
    std::string cwd;
    Cli cli;
    Dialect dialect = Dialect::burrow;
    const ReadFd* read_fd = nullptr;
    // --perms OCTAL, --size BYTES: for the next option that makes something.
    std::optional<std::string> perms, size;
    std::string perms_opt, size_opt;
    std::string seccomp_opt;  // --seccomp FD or --add-seccomp-fd FD: which was given (bwrap takes one kind)
    int chdirs = 0;
    // --overlay-src SRC: the lower layers of the overlay option that must come next.
    std::vector<std::string> overlay_srcs;
    std::string overlay_src_opt;
    std::string userns_block_opt;  // --userns-block-fd FD, as given
    bool unshare_user = false;     // --unshare-user given (bwrap's --userns-block-fd needs it)

    json& mounts() {
        json& m = cli.overlay["mounts"];
        if (m.is_null()) m = json::array();
        return m;
    }
    json& process() { return cli.overlay["process"]; }
    json& env() { return cli.overlay["process"]["env"]; }
    void wrote(const std::string& pointer, const std::string& text) { cli.option_at[pointer] = text; }
    void add_mount(json m, const std::string& text) {
        m["x-option"] = text;
        mounts().push_back(std::move(m));
    }
    std::string abs(const std::string& path) const { return absolute(path, cwd); }
};

// A file descriptor argument; bwrap's own words in its dialect (its test suite matches them).
std::uint32_t fd_arg(const State& s, const std::string& opt, const std::string& v) {
    if (auto fd = decimal(v, 0, 65535)) return *fd;
    if (s.dialect != Dialect::burrow) throw Error("Invalid fd: " + v);
    throw Error(opt + " " + v + ": expected a file descriptor number from 0 to 65535");
}

// An empty path would mean the current directory: almost always an unset variable.
const std::string& nonempty(const std::string& opt, const char* what, const std::string& v) {
    if (v.empty())
        throw Error(opt + ": " + what +
                    " is empty (an unset variable?); give a path, or . for the "
                    "current directory");
    return v;
}

void bind(State& s, const std::string& opt, const Args& a, const char* access, bool devices, bool optional) {
    const std::string& src = nonempty(opt, "SRC", a[0]);
    const std::string& dst = nonempty(opt, "DEST", a[1]);
    // Member by member: nlohmann's {{"key", value}, ...} form builds each pair as an array
    // and copies it, which dominated parsing 10,000 binds.
    json m = json::object();
    m["type"] = "bind";
    m["source"] = lit(s.abs(src));
    m["destination"] = lit(dst);
    m["access"] = access;
    if (devices) m["devices"] = true;
    if (optional) m["optional"] = true;
    s.add_mount(std::move(m), opt + " " + src + " " + dst);
}

// --bind-fd FD DEST, --ro-bind-fd FD DEST: the source is the file FD is open on, not a path
// (nothing can swap it between the caller's open and the mount).
void bind_fd(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    const std::string& dst = nonempty(opt, "DEST", a[1]);
    json m = json::object();
    m["type"] = "bind";
    m["fd"] = fd;
    m["destination"] = lit(dst);
    m["access"] = opt == "--bind-fd" ? "rw" : "ro";
    s.add_mount(std::move(m), opt + " " + a[0] + " " + dst);
}

// A pending --perms (and --size, for --tmpfs) goes into the mount made now.
void take_modifiers(State& s, json& m, bool takes_size) {
    if (s.perms) m["mode"] = *s.perms;
    if (s.size && takes_size) m["size"] = *s.size;
    s.perms.reset();
    if (takes_size) s.size.reset();
}

void new_mount(State& s, const std::string& opt, const Args& a) {  // --tmpfs, --proc, --dev, --dir
    const std::string& dst = nonempty(opt, "DEST", a[0]);
    json m = json::object();
    m["type"] = opt.substr(2);
    m["destination"] = lit(dst);
    if (opt == "--tmpfs" || opt == "--dir") take_modifiers(s, m, opt == "--tmpfs");
    s.add_mount(std::move(m), opt + " " + dst);
}

// --perms OCTAL: the mode of what the next --dir, --tmpfs, --file, --bind-data or
// --ro-bind-data makes; --size BYTES: the size of the next --tmpfs. Once each.
void modifier(State& s, const std::string& opt, const Args& a) {
    const bool perms = opt == "--perms";
    std::optional<std::string>& slot = perms ? s.perms : s.size;
    if (slot) throw Error(opt + " " + a[0] + ": " + opt + " was given already for the next option; give it once");
    const std::string& v = a[0];
    const bool digits = !v.empty() && std::all_of(v.begin(), v.end(), [&](char c) {
        return perms ? c >= '0' && c <= '7' : c >= '0' && c <= '9';
    });
    if (perms) {
        if (!digits || v.size() > 5 || std::stoul(v, nullptr, 8) > 07777)
            throw Error(opt + " " + v + ": expected an octal mode such as 0755 or 1777");
        char buf[8];
        std::snprintf(buf, sizeof buf, "%04lo", std::stoul(v, nullptr, 8));
        slot = buf;
    } else {
        // A byte count, at least 1, at most half the address space (as bwrap takes it).
        const bool fits = digits && v.size() <= 19 && std::stoull(v) >= 1 && std::stoull(v) <= (SIZE_MAX >> 1);
        if (!fits)
            throw Error(opt + " " + v + ": expected a size in bytes, from 1 to " + std::to_string(SIZE_MAX >> 1));
        slot = v;
    }
    (perms ? s.perms_opt : s.size_opt) = opt + " " + v;
}

// --chmod OCTAL PATH: set the mode of PATH inside.
void chmod_opt(State& s, const std::string& opt, const Args& a) {
    const std::string& dst = nonempty(opt, "PATH", a[1]);
    const std::string& v = a[0];
    if (v.empty() || v.size() > 5 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '7'; }) ||
        std::stoul(v, nullptr, 8) > 07777)
        throw Error(opt + " " + v + ": expected an octal mode such as 0755 or 1777");
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04lo", std::stoul(v, nullptr, 8));
    json m = json::object();
    m["type"] = "chmod";
    m["destination"] = lit(dst);
    m["mode"] = buf;
    s.add_mount(std::move(m), opt + " " + v + " " + dst);
}

// --overlay-src SRC (repeated), then --overlay RWSRC WORKDIR DEST, --tmp-overlay DEST or
// --ro-overlay DEST: one overlay mount of those layers, the first given lowest.
void overlay_src(State& s, const std::string& opt, const Args& a) {
    s.overlay_srcs.push_back(lit(s.abs(nonempty(opt, "SRC", a[0]))));
    s.overlay_src_opt += (s.overlay_src_opt.empty() ? "" : " ") + opt + " " + a[0];
}

void overlay(State& s, const std::string& opt, const Args& a) {
    const bool rw = opt == "--overlay", tmp = opt == "--tmp-overlay";
    const size_t need = opt == "--ro-overlay" ? 2 : 1;
    if (s.overlay_srcs.size() < need)
        throw Error(opt + " requires at least " + (need == 2 ? "two" : "one") + " --overlay-src" +
                    (s.dialect == Dialect::burrow ? " before it (the directories it stacks, lowest first)" : ""));
    const std::string& dst = nonempty(opt, "DEST", a.back());
    json m = json::object();
    m["type"] = "overlay";
    m["destination"] = lit(dst);
    m["lower"] = std::move(s.overlay_srcs);
    std::string text = s.overlay_src_opt + " " + opt;
    if (rw) {
        m["upper"] = lit(s.abs(nonempty(opt, "RWSRC", a[0])));
        m["work"] = lit(s.abs(nonempty(opt, "WORKDIR", a[1])));
        text += " " + a[0] + " " + a[1];
    } else {
        m["access"] = tmp ? "rw" : "ro";
    }
    s.add_mount(std::move(m), text + " " + dst);
    s.overlay_srcs.clear();
    s.overlay_src_opt.clear();
}

// --file FD DEST (0666), --bind-data FD DEST (0600), --ro-bind-data FD DEST (0600, read-only):
// a file with the content read from FD.
void file_from_fd(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    const std::string& dst = nonempty(opt, "DEST", a[1]);
    json m = json::object();
    m["type"] = "file";
    m["destination"] = lit(dst);
    m["fd"] = fd;
    m["mode"] = opt == "--file" ? "0666" : "0600";
    if (opt != "--ro-bind-data") m["access"] = "rw";
    take_modifiers(s, m, false);
    s.add_mount(std::move(m), opt + " " + a[0] + " " + dst);
}

void unshare(State& s, const std::string& opt, const Args&) {  // --unshare-NAME[-try]
    std::string name = opt.substr(10);
    if (name.size() > 4 && name.compare(name.size() - 4, 4, "-try") == 0) name.resize(name.size() - 4);
    s.cli.overlay["namespaces"][name] = true;
    if (opt == "--unshare-user") s.unshare_user = true;
}

void host_root(State& s, const std::string& opt, const Args&) {
    const bool ro = opt == "--host-root=ro" || opt == "--ro-host-root";
    s.cli.overlay["root"] = {{"host", "all"}, {"access", ro ? "ro" : "rw"}};
}

void flag(State& s, const std::string& opt, const Args&) {  // an option that sets one process flag
    const char* key = opt == "--die-with-parent" ? "dieWithParent" : opt == "--new-session" ? "newSession" : "closeFds";
    s.process()[key] = true;
}

void remove_name(json& list, const std::string& name) {
    if (!list.is_array()) return;
    list.erase(std::remove(list.begin(), list.end(), json(name)), list.end());
}

// --rlimit NAME=VALUE: NAME as in a profile, or without RLIMIT_, any case; VALUE as in a
// profile ("1g", "unlimited", "inherit") or SOFT:HARD. The loader checks both.
void rlimit(State& s, const std::string& opt, const Args& a) {
    const std::string& spec = a[0];
    const auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
        throw Error(opt + " " + spec + ": expected NAME=VALUE, as in --rlimit nofile=1024 or --rlimit as=4g");
    std::string name = spec.substr(0, eq);
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name.rfind("RLIMIT_", 0) != 0) name = "RLIMIT_" + name;
    const std::string value = spec.substr(eq + 1);
    auto one = [](const std::string& v) -> json {
        if (!v.empty() && v.size() < 20 && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return json(std::stoull(v));
        return json(v);
    };
    json& limits = s.process()["rlimits"];
    if (const auto colon = value.find(':'); colon != std::string::npos)
        limits[name] = {{"soft", one(value.substr(0, colon))}, {"hard", one(value.substr(colon + 1))}};
    else
        limits[name] = one(value);
    s.wrote("/process/rlimits/" + pointer_escape(name), opt + " " + spec);
}

void keep_fd(State& s, const std::string& opt, const Args& a) {
    const std::string& n = a[0];
    json& k = s.process()["keepFds"];
    if (k.is_null()) k = json::array();
    auto v = decimal(n, 3, 65535);
    if (!v)
        throw Error("--keep-fd " + n +
                    ": FD must be a file descriptor number from 3 to 65535 "
                    "(0, 1 and 2 are always kept)");
    k.push_back(static_cast<std::uint64_t>(*v));
    s.wrote("/process/keepFds/" + std::to_string(k.size() - 1), opt + " " + n);
}

void set_profile(State& s, const std::string& opt, const Args& a) {
    const std::string& f = nonempty(opt, "FILE", a[0]);
    if (s.cli.profile)
        throw Error("--profile given twice (" + *s.cli.profile + ", " + f +
                    "); combine profiles with \"extends\" instead");
    // A name (no '/') is looked up later (profile_search.hpp); a path is made absolute.
    s.cli.profile = f.rfind("builtin:", 0) == 0 || f.find('/') == std::string::npos ? f : s.abs(f);
}

// An image root: its entries bound (read-only) on burrow's own tmpfs, so /dev, /tmp and
// /proc can be mounted without writing into the image.
void image_root(State& s, const std::string& opt, const Args& a) {
    const std::string& dir = nonempty(opt, "DIR", a[0]);
    s.cli.overlay["root"] = {{"path", lit(s.abs(dir))}, {"access", "ro"}};
    const std::string text = opt + " " + dir;
    s.wrote("/root", text);
    s.add_mount({{"type", "dev"}, {"destination", "/dev"}}, text);
    s.add_mount({{"type", "tmpfs"}, {"destination", "/tmp"}, {"mode", "1777"}}, text);
    s.add_mount({{"type", "bind"}, {"source", "/proc"}, {"destination", "/proc"}, {"access", "rw"}}, text);
    if (!s.process().contains("cwd")) s.process()["cwd"] = "/";
}

void store(State& s, const std::string& opt, const Args& a) {
    const std::string& spec = a[0];
    auto colon = spec.find(':');
    std::string src = spec.substr(0, colon);
    std::string dst = colon == std::string::npos ? "/gnu/store" : spec.substr(colon + 1);
    if (src.empty()) throw Error(opt + " " + spec + ": the store directory SRC is empty");
    json& stores = s.cli.overlay["stores"];
    if (stores.is_null()) stores = json::array();
    stores.push_back({{"source", lit(s.abs(src))}, {"destination", lit(dst)}, {"x-option", opt + " " + spec}});
}

void setenv_opt(State& s, const std::string& opt, const Args& a) {
    remove_name(s.env()["unset"], a[0]);
    s.env()["set"][a[0]] = lit(a[1]);
    s.wrote("/process/env/set/" + pointer_escape(a[0]), opt + " " + a[0]);
}

void unsetenv_opt(State& s, const std::string& opt, const Args& a) {
    if (s.env()["set"].is_object()) s.env()["set"].erase(a[0]);
    json& u = s.env()["unset"];
    if (u.is_null()) u = json::array();
    u.push_back(a[0]);
    s.wrote("/process/env/unset/" + std::to_string(u.size() - 1), opt + " " + a[0]);
}

void id_opt(State& s, const std::string& opt, const Args& a) {  // --uid N, --gid N
    auto id = decimal(a[0], 0, 4294967294u);
    if (!id) throw Error(opt + " " + a[0] + ": expected a number from 0 to 4294967294");
    const char* key = opt == "--uid" ? "uid" : "gid";
    s.cli.overlay["user"][key] = *id;
    s.wrote(std::string("/user/") + key, opt + " " + a[0]);
}

// Writes `value` at /SECTION/KEY of the overlay, as the option's own words (--hostname,
// --chdir, --timeout, --kill-after); the loader checks the value.
void string_at(State& s, const std::string& opt, const std::string& section, const char* key, const std::string& v) {
    json& j = section.empty() ? s.cli.overlay[key] : s.cli.overlay[section][key];
    j = lit(v);
    s.wrote((section.empty() ? "" : "/" + section) + "/" + key, opt + " " + v);
}

// --info-fd FD, --json-status-fd FD: a process key holding an fd number.
void fd_key(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    const char* key = opt == "--info-fd"          ? "infoFd"
                      : opt == "--json-status-fd" ? "jsonStatusFd"
                      : opt == "--block-fd"       ? "blockFd"
                                                  : "syncFd";
    s.process()[key] = fd;
    s.wrote(std::string("/process/") + key, opt + " " + a[0]);
}

// --userns FD, --pidns FD: setns into the caller's namespaces; --userns2 FD: into a user
// namespace below, once the root is built; --userns-block-fd FD: the caller maps the ids.
void join_ns(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    const char* key = opt == "--userns"    ? "userFd"
                      : opt == "--pidns"   ? "pidFd"
                      : opt == "--userns2" ? "user2Fd"
                                           : "userBlockFd";
    if (opt == "--userns-block-fd") s.userns_block_opt = opt + " " + a[0];
    s.cli.overlay["namespaces"][key] = fd;
    s.wrote(std::string("/namespaces/") + key, opt + " " + a[0]);
}

// --seccomp FD (once), --add-seccomp-fd FD (repeatable): raw BPF programs, in order.
void seccomp_fd(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    if (!s.seccomp_opt.empty() && (opt == "--seccomp" || s.seccomp_opt == "--seccomp")) {
        if (s.dialect != Dialect::burrow && s.seccomp_opt != opt)
            throw Error(opt + " cannot be combined with " + s.seccomp_opt);
        throw Error(opt + " " + a[0] + ": " +
                    (s.seccomp_opt == opt ? "--seccomp may be given once"
                                          : "--seccomp cannot be combined with --add-seccomp-fd") +
                    "; give every program with --add-seccomp-fd");
    }
    s.seccomp_opt = opt;
    json& l = s.cli.overlay["security"]["seccompFds"];
    if (l.is_null()) l = json::array();
    l.push_back(fd);
    s.wrote("/security/seccompFds/" + std::to_string(l.size() - 1), opt + " " + a[0]);
}

// --args FD: more arguments, NUL-separated, read from FD and parsed as if they stood
// here on the command line (bwrap's; how flatpak passes long command lines).
void args_from_fd(State& s, const std::string& opt, const Args& a) {
    const std::uint32_t fd = fd_arg(s, opt, a[0]);
    if (!s.read_fd || !*s.read_fd)
        throw Error(opt + ": reading arguments from a file descriptor is not available here");
    const std::string data = (*s.read_fd)(static_cast<int>(fd));
    std::vector<std::string> more;
    for (size_t at = 0; at < data.size();) {
        size_t nul = data.find('\0', at);
        if (nul == std::string::npos) nul = data.size();  // a last argument without its NUL
        more.push_back(data.substr(at, nul - at));
        at = nul + 1;
    }
    s.argv.insert(s.argv.begin() + static_cast<long>(s.next), more.begin(), more.end());
}

// What the capabilities start as: none, or (bwrap run by root) all of root's, as bwrap
// keeps them.
json all_caps_for_root(const State& s) {
    json keep = json::array();
    if (s.dialect == Dialect::bwrap_as_root)
        for (const auto& n : profile::capability_names()) keep.push_back(n);
    return keep;
}

// --cap-add CAP, --cap-drop CAP: the capabilities the command keeps; CAP as in
// capabilities(7), any case, with or without CAP_, or ALL. The loader checks the names.
void cap_opt(State& s, const std::string& opt, const Args& a) {
    std::string name = a[0];
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (name != "ALL" && name.rfind("CAP_", 0) != 0) name = "CAP_" + name;
    json& keep = s.cli.overlay["security"]["capabilities"]["keep"];
    if (keep.is_null()) keep = all_caps_for_root(s);
    const bool add = opt == "--cap-add";
    if (name == "ALL") {
        keep = json::array();
        if (add)
            for (const auto& n : profile::capability_names()) keep.push_back(n);
    } else {
        remove_name(keep, name);
        if (add) keep.push_back(name);
    }
    for (size_t i = 0; i < keep.size(); ++i)
        s.wrote("/security/capabilities/keep/" + std::to_string(i), opt + " " + a[0]);
    // bwrap makes what --cap-add/--cap-drop leave ambient as well, for uid 0 too.
    if (s.dialect != Dialect::burrow) s.cli.overlay["security"]["capabilities"]["ambient"] = keep;
}

void seccomp_groups(State& s, const std::string&, const Args&) {
    s.cli.seccomp_groups = true;
    if (s.next < s.argv.size() && !s.argv[s.next].empty() && s.argv[s.next][0] == '@')
        s.cli.seccomp_group = s.argv[s.next++];
}

#define SETS(what) [](State& s, const std::string&, const Args&) { what; }
#define BIND(access, dev, opt) [](State& s, const std::string& o, const Args& a) { bind(s, o, a, access, dev, opt); }

using S = Section;
const Option kOptions[] = {
    {"--profile", "FILE", S::Profile, true, "--profile FILE|NAME|builtin:NAME",
     "start from this profile: a file, builtin:pack, builtin:sandbox,\n"
     "or NAME.json from ~/.config/burrow/profiles, /etc/burrow/profiles\n"
     "or PREFIX/share/burrow/profiles (a NAME never from the cwd)",
     set_profile},
    {"--list-profiles", "", S::Profile, true, "", "list the profiles found by name, and the built-in ones",
     SETS(s.cli.list_profiles = true)},
    {"--print-plan", "", S::Profile, true, "",
     "print the plan (its steps, in the order they run) as JSON\nand exit; run nothing", SETS(s.cli.print_plan = true)},
    {"--check", "", S::Profile, true, "", "validate the profile and the host paths it needs; run nothing",
     SETS(s.cli.check = true)},
    {"--seccomp-groups", "", S::Profile, true, "--seccomp-groups [@NAME]",
     "list the seccomp syscall groups (or one group's members)", seccomp_groups},

    {"--host-root|--host-root=rw|--host-root=ro", "", S::Filesystem, true, "--host-root[=ro|rw]",
     "bind every top-level entry of the host's / (default rw)", host_root},
    {"--ro-host-root", "", S::Filesystem, false, "", "", host_root},
    {"--root", "DIR", S::Filesystem, true, "",
     "use directory DIR (an unpacked image) as the root, read-only,\n"
     "with a minimal /dev, a private /tmp and the host's /proc;\nruns in / unless --chdir is given",
     image_root},
    {"--root-rw", "", S::Filesystem, true, "", "make the --root directory writable",
     [](State& s, const std::string& opt, const Args&) {
         s.cli.overlay["root"]["access"] = "rw";
         s.wrote("/root/access", opt);
     }},
    {"--store", "SRC[:DEST]", S::Filesystem, true, "", "mount store directory SRC read-only at DEST (/gnu/store)",
     store},
    {"--bind", "SRC DEST", S::Filesystem, true, "", "bind SRC read-write (nosuid, nodev)", BIND("rw", false, false)},
    {"--ro-bind", "SRC DEST", S::Filesystem, true, "", "bind SRC read-only, recursively", BIND("ro", false, false)},
    {"--dev-bind", "SRC DEST", S::Filesystem, true, "", "bind SRC read-write, device nodes allowed",
     BIND("rw", true, false)},
    {"--bind-try", "SRC DEST", S::Filesystem, true, "--bind-try, --ro-bind-try, --dev-bind-try SRC DEST",
     "the same, skipped when SRC does not exist", BIND("rw", false, true)},
    {"--ro-bind-try", "SRC DEST", S::Filesystem, false, "", "", BIND("ro", false, true)},
    {"--dev-bind-try", "SRC DEST", S::Filesystem, false, "", "", BIND("rw", true, true)},
    {"--tmpfs", "DEST", S::Filesystem, true, "", "mount a new tmpfs", new_mount},
    {"--proc", "DEST", S::Filesystem, true, "",
     "mount a new procfs (with --unshare-pid; without it,\nthe host's /proc is bound there)", new_mount},
    {"--dev", "DEST", S::Filesystem, true, "", "mount a minimal /dev (null zero full random urandom tty,\npts, shm)",
     new_mount},
    {"--bind-fd", "FD DEST", S::Filesystem, true, "--bind-fd, --ro-bind-fd FD DEST",
     "bind what FD is open on (read-write, or read-only)", bind_fd},
    {"--ro-bind-fd", "FD DEST", S::Filesystem, false, "", "", bind_fd},
    {"--dir", "DEST", S::Filesystem, true, "", "create a directory (never on a host filesystem)", new_mount},
    {"--perms", "OCTAL", S::Filesystem, true, "", "the mode of the next --dir, --tmpfs, --file or --*bind-data",
     modifier},
    {"--size", "BYTES", S::Filesystem, true, "", "the size of the next --tmpfs", modifier},
    {"--chmod", "OCTAL PATH", S::Filesystem, true, "", "set the mode of PATH", chmod_opt},
    {"--remount-ro", "DEST", S::Filesystem, true, "", "make the mount at DEST read-only (not those below it)",
     [](State& s, const std::string& opt, const Args& a) {
         s.add_mount({{"type", "remount"}, {"destination", lit(nonempty(opt, "DEST", a[0]))}}, opt + " " + a[0]);
     }},
    {"--mqueue", "DEST", S::Filesystem, true, "", "mount a POSIX message queue filesystem (needs --unshare-ipc)",
     [](State& s, const std::string& opt, const Args& a) {
         s.add_mount({{"type", "mqueue"}, {"destination", lit(nonempty(opt, "DEST", a[0]))}}, opt + " " + a[0]);
     }},
    {"--overlay-src", "SRC", S::Filesystem, true, "",
     "a lower layer of the overlay option that follows\n(each later one on top)", overlay_src},
    {"--overlay", "RWSRC WORKDIR DEST", S::Filesystem, true, "",
     "overlay those layers on DEST, writes going to RWSRC\n(WORKDIR: an empty directory on its filesystem)",
     overlay},
    {"--tmp-overlay", "DEST", S::Filesystem, true, "", "the same, writes going to a tmpfs (gone at exit)", overlay},
    {"--ro-overlay", "DEST", S::Filesystem, true, "", "the same, read-only (at least two --overlay-src)", overlay},
    {"--file", "FD DEST", S::Filesystem, true, "--file, --bind-data, --ro-bind-data FD DEST",
     "a file at DEST holding what FD reads", file_from_fd},
    {"--bind-data", "FD DEST", S::Filesystem, false, "", "", file_from_fd},
    {"--ro-bind-data", "FD DEST", S::Filesystem, false, "", "", file_from_fd},
    {"--symlink", "TARGET LINK", S::Filesystem, true, "", "create a symlink LINK pointing to TARGET",
     [](State& s, const std::string& opt, const Args& a) {
         json m = json::object();
         m["type"] = "symlink";
         m["destination"] = lit(a[1]);
         m["target"] = lit(a[0]);
         s.add_mount(std::move(m), opt + " " + a[0] + " " + a[1]);
     }},

    {"--unshare-user|--unshare-pid|--unshare-net|--unshare-ipc|--unshare-uts|--unshare-cgroup", "", S::Namespaces, true,
     "", "", unshare},
    {"--unshare-user-try|--unshare-cgroup-try", "", S::Namespaces, false, "", "", unshare},
    {"--unshare-all", "", S::Namespaces, true, "", "all of the above",
     SETS(for (const NamespaceInfo& n
               : namespace_kinds()) if (n.unshare_option) s.cli.overlay["namespaces"][std::string(n.key)] = true)},
    {"--share-net", "", S::Namespaces, true, "", "keep the host's network (after --unshare-all)",
     SETS(s.cli.overlay["namespaces"]["net"] = false)},
    {"--uid|--gid", "N", S::Namespaces, true, "--uid N, --gid N",
     "user/group id inside (default: your own); yours outside", id_opt},
    {"--userns", "FD", S::Namespaces, true, "--userns FD, --pidns FD",
     "join the user (pid) namespace open as FD instead of making one", join_ns},
    {"--pidns", "FD", S::Namespaces, false, "", "", join_ns},
    {"--userns2", "FD", S::Namespaces, true, "",
     "once the root is built, join the user namespace open as FD\n(one below the sandbox's: nested by --userns)",
     join_ns},
    {"--userns-block-fd", "FD", S::Namespaces, true, "",
     "you write the new user namespace's id maps: burrow says for\nwhich pid on --info-fd, then waits for data on FD",
     join_ns},
    {"--hostname", "NAME", S::Namespaces, true, "", "hostname inside (needs --unshare-uts)",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "", "hostname", a[0]); }},

    {"--home", "DIR|tmpfs", S::Filesystem, true, "",
     "a private home: DIR (made if missing, 0700) read-write at $HOME,\nor a throw-away tmpfs; HOME is set to it",
     [](State& s, const std::string& opt, const Args& a) {
         const std::string& v = nonempty(opt, "DIR", a[0]);
         s.cli.overlay["home"] = v == "tmpfs" ? json{{"tmpfs", true}} : json{{"path", lit(s.abs(v))}};
         s.wrote("/home", opt + " " + v);
     }},
    {"--chdir", "DIR", S::Process, true, "",
     "working directory inside (default: the current one,\nwhich must be visible inside)",
     // As bwrap does, a relative DIR is taken from the new root (the profile's process.cwd
     // must be absolute, and the loader still rejects an empty one).
     [](State& s, const std::string& opt, const Args& a) {
         if (++s.chdirs == 2) s.cli.warnings.push_back("Only the last --chdir option will take effect");
         string_at(s, opt, "process", "cwd", a[0].empty() || a[0][0] == '/' ? a[0] : "/" + a[0]);
         s.wrote("/process/cwd", opt + " " + a[0]);
     }},
    {"--setenv", "VAR VALUE", S::Process, true, "--setenv VAR VALUE, --unsetenv VAR, --clearenv", "", setenv_opt},
    {"--unsetenv", "VAR", S::Process, false, "", "", unsetenv_opt},
    {"--clearenv", "", S::Process, false, "", "", SETS(s.env()["clear"] = true)},
    {"--die-with-parent", "", S::Process, true, "", "kill the command when burrow's parent dies", flag},
    {"--lock-file", "DEST", S::Process, true, "", "hold a read lock on DEST while the sandbox runs",
     [](State& s, const std::string& opt, const Args& a) {
         json& l = s.process()["lockFiles"];
         if (l.is_null()) l = json::array();
         l.push_back(lit(nonempty(opt, "DEST", a[0])));
         s.wrote("/process/lockFiles/" + std::to_string(l.size() - 1), opt + " " + a[0]);
     }},
    {"--argv0", "VALUE", S::Process, true, "", "argv[0] of the command (default: the command as given)",
     [](State& s, const std::string& opt, const Args& a) {
         if (a[0].empty()) throw Error(opt + ": VALUE is empty (an unset variable?); give the name the command sees");
         string_at(s, opt, "process", "argv0", a[0]);
     }},
    {"--as-pid-1", "", S::Process, true, "", "run the command as pid 1 of its pid namespace, without a reaper",
     SETS(s.process()["asPid1"] = true)},
    {"--info-fd", "FD", S::Process, true, "",
     "write the command's pid (with --unshare-pid, its pid 1's)\nand namespace ids to FD as JSON", fd_key},
    {"--json-status-fd", "FD", S::Process, true, "", "the same, then its exit code, as JSON lines (bwrap's format)",
     fd_key},
    {"--block-fd", "FD", S::Process, true, "", "wait until FD can be read (or is closed) before running the command",
     fd_key},
    {"--sync-fd", "FD", S::Process, true, "", "keep FD open (not in the command) until the sandbox ends", fd_key},
    {"--args", "FD", S::Other, true, "", "read more options, NUL-separated, from FD", args_from_fd},
    {"--close-fds", "", S::Process, true, "", "pass only fds 0-2 to the command (builtin:sandbox does)", flag},
    {"--keep-fd", "FD", S::Process, true, "", "pass FD on even so (repeatable)", keep_fd},
    {"--rlimit", "NAME=VALUE", S::Process, true, "",
     "resource limit: NAME as nofile or RLIMIT_NOFILE; VALUE 1024,\n"
     "4g (k/m/g suffix), unlimited, inherit or SOFT:HARD (repeatable)",
     rlimit},
    {"--new-session", "", S::Process, true, "", "run the command in a new session (setsid)", flag},
    // DURATION as timeout(1) takes it ("10s", "2m", "1.5"); the loader checks it.
    {"--timeout", "DURATION", S::Process, true, "",
     "SIGTERM the command after DURATION (10, 1.5, 30s, 2m, 1h),\n"
     "SIGKILL it --kill-after DURATION later (default 5s); exit 124\n(137 when it had to be killed), as timeout(1)",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "process", "timeout", a[0]); }},
    {"--kill-after", "DURATION", S::Process, false, "", "",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "process", "killAfter", a[0]); }},
    // cgroup v2 limits on the whole sandbox; the loader checks the values.
    {"--memory", "SIZE", S::Process, true, "",
     "limit the sandbox's memory (memory.max: 512m, 2g) in a cgroup v2\nof its own; needs a delegated cgroup or root",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "limits", "memory", a[0]); }},
    {"--cpus", "N", S::Process, true, "", "limit the sandbox to N CPUs' worth of time (cpu.max: 0.5, 2)",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "limits", "cpus", a[0]); }},
    {"--pids", "N", S::Process, true, "", "limit the sandbox to N processes and threads (pids.max)",
     [](State& s, const std::string& opt, const Args& a) { string_at(s, opt, "limits", "pids", a[0]); }},

    {"--disable-userns", "", S::Namespaces, true, "", "the command cannot create user namespaces",
     SETS(s.cli.overlay["security"]["disableUserns"] = true)},
    {"--assert-userns-disabled", "", S::Namespaces, true, "",
     "refuse to run unless the command cannot create user\nnamespaces",
     SETS(s.cli.overlay["security"]["assertUsernsDisabled"] = true)},
    {"--cap-add", "CAP", S::Process, true, "--cap-add CAP, --cap-drop CAP",
     "keep capability CAP (or ALL) in the user namespace, or not", cap_opt},
    {"--cap-drop", "CAP", S::Process, false, "", "", cap_opt},
    {"--seccomp", "FD", S::Process, true, "--seccomp FD, --add-seccomp-fd FD",
     "also install the raw seccomp BPF program read from FD\n(--add-seccomp-fd: repeatable, in order)", seccomp_fd},
    {"--add-seccomp-fd", "FD", S::Process, false, "", "", seccomp_fd},
    {"--exec-label", "LABEL", S::Process, true, "--exec-label LABEL, --file-label LABEL",
     "SELinux labels of the command and of burrow's mounts\n(ignored where SELinux is not enabled, as by bwrap)",
     [](State& s, const std::string& opt, const Args& a) {
         if (a[0].empty()) throw Error(opt + ": LABEL is empty; give an SELinux context");
         string_at(s, opt, "security", opt == "--exec-label" ? "execLabel" : "fileLabel", a[0]);
     }},
    {"--file-label", "LABEL", S::Process, false, "", "",
     [](State& s, const std::string& opt, const Args& a) {
         if (a[0].empty()) throw Error(opt + ": LABEL is empty; give an SELinux context");
         string_at(s, opt, "security", "fileLabel", a[0]);
     }},
    {"--level-prefix", "", S::Other, true, "", "start each message with its severity: <3> error, <4> warning",
     SETS(s.cli.level_prefix = true)},
    {"--help|-h", "", S::Other, true, "--help, --version", "", SETS(s.cli.help = true)},
    {"--version", "", S::Other, false, "", "", SETS(s.cli.version = true)},
};
#undef SETS
#undef BIND

// Calls f with each '|'-separated spelling of a row's names.
template <class F>
void for_each_name(std::string_view names, F&& f) {
    for (;;) {
        auto bar = names.find('|');
        f(names.substr(0, bar));
        if (bar == std::string_view::npos) return;
        names.remove_prefix(bar + 1);
    }
}

const Option* find_option(std::string_view a) {
    for (const Option& o : kOptions) {
        bool hit = false;
        for_each_name(o.names, [&](std::string_view n) { hit = hit || n == a; });
        if (hit) return &o;
    }
    return nullptr;
}

size_t count_args(std::string_view args) {
    return args.empty() ? 0 : 1 + static_cast<size_t>(std::count(args.begin(), args.end(), ' '));
}

[[noreturn]] void unknown_option(const std::string& opt, Dialect dialect) {
    std::string best;
    size_t best_d = 3;
    for (const Option& o : kOptions)
        for_each_name(o.names, [&](std::string_view n) {
            size_t d = levenshtein_distance(opt, n);
            if (d < best_d) best_d = d, best = n;
        });
    throw Error("unknown option " + opt + (best.empty() ? "" : "; did you mean " + best + "?") + " (see " +
                std::string(dialect == Dialect::burrow ? "burrow" : "bwrap") +
                " --help; put the command after -- if it starts with '-')");
}

[[noreturn]] void overlay_src_dangling(const State& s) {
    throw Error((s.dialect == Dialect::burrow ? s.overlay_src_opt + ": " : std::string()) +
                "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or "
                "--ro-overlay");
}

Cli parse(std::vector<std::string> argv, const std::string& cwd, Dialect dialect, const ReadFd& read_fd) {
    size_t i = 0;
    State s{argv, i, cwd, Cli{}, dialect, &read_fd};
    while (i < argv.size()) {
        const std::string& a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.size() < 2 || a[0] != '-') break;  // the command
        ++i;
        const Option* o = find_option(a);
        if (!o && a.rfind("--host-root=", 0) == 0)
            throw Error(a + ": expected --host-root, --host-root=ro or --host-root=rw");
        if (!o) unknown_option(a, s.dialect);
        if (!s.overlay_srcs.empty() && o->run != overlay_src && o->run != overlay) overlay_src_dangling(s);
        const size_t n = count_args(o->args);
        Args args;
        for (size_t k = 0; k < n; ++k) {
            if (i >= argv.size())
                throw Error("option " + a + " needs " + std::to_string(n) + " argument" + (n > 1 ? "s" : "") + " (" +
                            std::string(o->args) + "), got " + std::to_string(k));
            args.push_back(argv[i++]);
        }
        o->run(s, a, args);
    }
    if (s.dialect == Dialect::bwrap_as_root) {
        // bwrap run by root makes no user namespace unless asked, and keeps root's capabilities.
        if (!s.cli.overlay["security"]["capabilities"].contains("keep"))
            s.cli.overlay["security"]["capabilities"]["keep"] = all_caps_for_root(s);
        if (!s.cli.overlay["namespaces"].contains("user")) s.cli.overlay["namespaces"]["user"] = false;
    }
    if (!s.overlay_srcs.empty()) overlay_src_dangling(s);
    // bwrap's own checks, in its words; under the name burrow compile() says it with the keys.
    if (!s.userns_block_opt.empty() && s.dialect != Dialect::burrow) {
        if (!s.unshare_user) throw Error("--userns-block-fd requires --unshare-user");
        if (!s.cli.overlay.contains("process") || !s.cli.overlay["process"].contains("infoFd"))
            throw Error("--userns-block-fd requires --info-fd");
    }
    if (s.perms || s.size)
        throw Error((s.perms ? s.perms_opt : s.size_opt) +
                    ": it is for the option after it (--dir, --tmpfs, --file, --bind-data, --ro-bind-data), and "
                    "none follows");
    s.cli.args.assign(argv.begin() + static_cast<long>(i), argv.end());
    return std::move(s.cli);
}

// --help's option list, from the table: a header per section, then one line per listed row
// (its label, its text from column 31, continuation lines aligned with it).
std::string option_help() {
    static const std::pair<Section, const char*> kHeaders[] = {
        {S::Profile, "Profile and plan:"},
        {S::Filesystem, "Filesystem (DEST is a path inside the sandbox; relative SRC is taken from the cwd):"},
        {S::Namespaces, "Namespaces and identity:"},
        {S::Process, "Process:"},
        {S::Other, ""}};
    constexpr size_t kColumn = 31;
    std::string out;
    for (const auto& [section, header] : kHeaders) {
        out += *header ? std::string("\n") + header + "\n" : "\n";
        for (const Option& o : kOptions) {
            if (o.section != section || !o.listed) continue;
            std::string label = "  ";
            if (!o.label.empty())
                label += o.label;
            else {
                for_each_name(o.names,
                              [&](std::string_view n) { label += (label.size() > 2 ? "|" : "") + std::string(n); });
                if (!o.args.empty()) label += " " + std::string(o.args);
            }
            append_help_row(out, label, o.help, kColumn);
        }
    }
    return out;
}

}  // namespace

Cli parse_cli(const std::vector<std::string>& argv, const std::string& cwd, Dialect dialect, const ReadFd& read_fd) {
    Cli cli = parse(argv, cwd, dialect, read_fd);
    // Empty containers left by --unsetenv/--setenv bookkeeping are not "set" values.
    if (cli.overlay.contains("process") && cli.overlay["process"].contains("env")) {
        json& e = cli.overlay["process"]["env"];
        for (const char* k : {"set", "unset"})
            if (e.contains(k) && e[k].empty()) e.erase(k);
    }
    return cli;
}

const char* help_text() {
    static const std::string text = std::string(R"(usage: burrow [OPTIONS] [--] COMMAND [ARG...]
       burrow --profile FILE|NAME|builtin:NAME [OPTIONS] [--] [ARG...]

Run COMMAND in its own filesystem view, inside new user and mount namespaces, as an
ordinary user. With a profile whose process.exec is set, every ARG goes to that program.
Options apply on top of the profile, in the order given. Without --profile the root is
an empty read-only tmpfs: add --host-root, --store and binds.
)") + option_help() + R"(
Exit status: the command's own; if it is killed by a signal, burrow dies of the same
signal; 124 (or 137) the command ran past --timeout; 125 burrow failed (bad option or
profile, setup failure); 126 the command is not executable; 127 the command was not found.

Environment: BURROW_ENGINE=auto|userns|proot|direct (how packs run),
BURROW_HOST=none (a pack entry without the host's root: test what the pack lacks),
BURROW_DEBUG=1 (trace each launch step on stderr), BURROW_TRACE_STEPS=FD (name each
step of the plan on FD as it starts).
See burrow(1) and burrow-profile(5).
)";
    return text.c_str();
}

std::string bwrap_help_text(const std::string& argv0) {
    return "usage: " + argv0 + R"( [OPTIONS...] [--] COMMAND [ARGS...]

burrow's bwrap personality: bubblewrap's options, order and exit statuses (see burrow(1),
BWRAP COMPATIBILITY). Every option of burrow --help is accepted.
)" + option_help();
}

}  // namespace burrow
