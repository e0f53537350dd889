#include "cli.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

#include "error.hpp"

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

// A JSON pointer reference token (RFC 6901): "A/B" → "A~1B", as error messages spell it.
std::string pointer_token(const std::string& key) {
    std::string out;
    for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return out;
}

std::string absolute(const std::string& path, const std::string& cwd) {
    if (!path.empty() && path[0] == '/') return path;
    return cwd == "/" ? "/" + path : cwd + "/" + path;
}

size_t distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

constexpr std::array<std::string_view, 48> kOptions{
    "--profile", "--host-root", "--store", "--bind", "--ro-bind", "--dev-bind", "--bind-try",
    "--ro-bind-try", "--dev-bind-try", "--tmpfs", "--proc", "--dev", "--dir", "--symlink",
    "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
    "--unshare-cgroup", "--unshare-all", "--share-net", "--uid", "--gid", "--hostname",
    "--chdir", "--setenv", "--unsetenv", "--clearenv", "--die-with-parent", "--new-session",
    "--close-fds", "--keep-fd", "--rlimit", "--timeout", "--kill-after",
    "--print-plan", "--check", "--seccomp-groups", "--list-profiles", "--help", "--version", "--unshare-user-try",
    "--unshare-cgroup-try", "--ro-host-root", "-h", "--root", "--root-rw"};

[[noreturn]] void unknown_option(const std::string& opt) {
    std::string best;
    size_t best_d = 3;
    for (auto o : kOptions) {
        size_t d = distance(opt, o);
        if (d < best_d) best_d = d, best = o;
    }
    throw Error("unknown option " + opt + (best.empty() ? "" : "; did you mean " + best + "?") +
                " (see burrow --help; put the command after -- if it starts with '-')");
}

// `v` as a whole decimal number from lo to hi, or nullopt.
std::optional<std::uint32_t> decimal(const std::string& v, std::uint32_t lo, std::uint32_t hi) {
    std::uint32_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) return std::nullopt;
    return n;
}

std::uint32_t parse_id(const std::string& opt, const std::string& v) {
    auto id = decimal(v, 0, 4294967294u);
    if (!id) throw Error(opt + " " + v + ": expected a number from 0 to 4294967294");
    return *id;
}

class Parser {
public:
    Parser(const std::vector<std::string>& argv, const std::string& cwd) : argv_(argv), cwd_(cwd) {}

    Cli run() {
        while (i_ < argv_.size()) {
            const std::string& a = argv_[i_];
            if (a == "--") {
                ++i_;
                break;
            }
            if (a.size() < 2 || a[0] != '-') break;  // the command
            ++i_;
            option(a);
        }
        cli_.args.assign(argv_.begin() + static_cast<long>(i_), argv_.end());
        return std::move(cli_);
    }

private:
    const std::vector<std::string>& argv_;
    std::string cwd_;
    size_t i_ = 0;
    Cli cli_;

    const std::string& arg(const std::string& opt, int n, int k, const char* names) {
        if (i_ >= argv_.size())
            throw Error("option " + opt + " needs " + std::to_string(n) + " argument" +
                        (n > 1 ? "s" : "") + " (" + names + "), got " + std::to_string(k));
        return argv_[i_++];
    }

    // An empty path would mean the current directory: almost always an unset variable.
    static const std::string& nonempty(const std::string& opt, const char* what, const std::string& v) {
        if (v.empty())
            throw Error(opt + ": " + what + " is empty (an unset variable?); give a path, or . for the "
                        "current directory");
        return v;
    }

    json& mounts() {
        json& m = cli_.overlay["mounts"];
        if (m.is_null()) m = json::array();
        return m;
    }
    json& env() { return cli_.overlay["process"]["env"]; }

    void wrote(const std::string& pointer, const std::string& text) { cli_.option_at[pointer] = text; }

    void add_mount(json m, const std::string& text) {
        m["x-option"] = text;
        mounts().push_back(std::move(m));
    }

    void bind(const std::string& opt, const char* access, bool devices, bool optional) {
        std::string src = nonempty(opt, "SRC", arg(opt, 2, 0, "SRC DEST"));
        std::string dst = nonempty(opt, "DEST", arg(opt, 2, 1, "SRC DEST"));
        json m = {{"type", "bind"}, {"source", lit(absolute(src, cwd_))}, {"destination", lit(dst)},
                  {"access", access}};
        if (devices) m["devices"] = true;
        if (optional) m["optional"] = true;
        add_mount(std::move(m), opt + " " + src + " " + dst);
    }

    void remove_name(json& list, const std::string& name) {
        if (!list.is_array()) return;
        list.erase(std::remove(list.begin(), list.end(), json(name)), list.end());
    }

    void option(const std::string& a) {
        if (a == "--help" || a == "-h") { cli_.help = true; return; }
        if (a == "--version") { cli_.version = true; return; }
        if (a == "--print-plan") { cli_.print_plan = true; return; }
        if (a == "--check") { cli_.check = true; return; }
        if (a == "--list-profiles") { cli_.list_profiles = true; return; }
        if (a == "--seccomp-groups") {
            cli_.seccomp_groups = true;
            if (i_ < argv_.size() && !argv_[i_].empty() && argv_[i_][0] == '@') cli_.seccomp_group = argv_[i_++];
            return;
        }
        if (a == "--profile") {
            const std::string& f = nonempty(a, "FILE", arg(a, 1, 0, "FILE or builtin:NAME"));
            if (cli_.profile) throw Error("--profile given twice (" + *cli_.profile + ", " + f +
                                          "); combine profiles with \"extends\" instead");
            // A name (no '/') is looked up later (profile_search.hpp); a path is made absolute.
            cli_.profile = f.rfind("builtin:", 0) == 0 || f.find('/') == std::string::npos ? f : absolute(f, cwd_);
            return;
        }
        if (a == "--host-root" || a == "--host-root=rw" || a == "--host-root=ro" || a == "--ro-host-root") {
            bool ro = a == "--host-root=ro" || a == "--ro-host-root";
            cli_.overlay["root"] = {{"host", "all"}, {"access", ro ? "ro" : "rw"}};
            return;
        }
        if (a == "--root") {
            // An image root: its entries bound (read-only) on burrow's own tmpfs, so /dev,
            // /tmp and /proc can be mounted without writing into the image.
            std::string dir = nonempty(a, "DIR", arg(a, 1, 0, "DIR"));
            cli_.overlay["root"] = {{"path", lit(absolute(dir, cwd_))}, {"access", "ro"}};
            wrote("/root", a + " " + dir);
            const std::string text = a + " " + dir;
            add_mount({{"type", "dev"}, {"destination", "/dev"}}, text);
            add_mount({{"type", "tmpfs"}, {"destination", "/tmp"}, {"mode", "1777"}}, text);
            add_mount({{"type", "bind"}, {"source", "/proc"}, {"destination", "/proc"}, {"access", "rw"}}, text);
            if (!cli_.overlay["process"].contains("cwd")) cli_.overlay["process"]["cwd"] = "/";
            return;
        }
        if (a == "--root-rw") {
            cli_.overlay["root"]["access"] = "rw";
            wrote("/root/access", a);
            return;
        }
        if (a.rfind("--host-root=", 0) == 0)
            throw Error(a + ": expected --host-root, --host-root=ro or --host-root=rw");
        if (a == "--store") {
            std::string spec = arg(a, 1, 0, "SRC[:DEST]");
            auto colon = spec.find(':');
            std::string src = spec.substr(0, colon);
            std::string dst = colon == std::string::npos ? "/gnu/store" : spec.substr(colon + 1);
            if (src.empty()) throw Error("--store " + spec + ": the store directory SRC is empty");
            json& stores = cli_.overlay["stores"];
            if (stores.is_null()) stores = json::array();
            stores.push_back({{"source", lit(absolute(src, cwd_))}, {"destination", lit(dst)},
                              {"x-option", "--store " + spec}});
            return;
        }
        if (a == "--bind") return bind(a, "rw", false, false);
        if (a == "--ro-bind") return bind(a, "ro", false, false);
        if (a == "--dev-bind") return bind(a, "rw", true, false);
        if (a == "--bind-try") return bind(a, "rw", false, true);
        if (a == "--ro-bind-try") return bind(a, "ro", false, true);
        if (a == "--dev-bind-try") return bind(a, "rw", true, true);
        if (a == "--tmpfs" || a == "--proc" || a == "--dev" || a == "--dir") {
            std::string dst = nonempty(a, "DEST", arg(a, 1, 0, "DEST"));
            add_mount({{"type", a.substr(2)}, {"destination", lit(dst)}}, a + " " + dst);
            return;
        }
        if (a == "--symlink") {
            std::string target = arg(a, 2, 0, "TARGET LINK");
            std::string link = arg(a, 2, 1, "TARGET LINK");
            add_mount({{"type", "symlink"}, {"destination", lit(link)}, {"target", lit(target)}},
                      a + " " + target + " " + link);
            return;
        }
        static const std::array<std::string_view, 6> kNs{"user", "pid", "net", "ipc", "uts", "cgroup"};
        if (a == "--unshare-all") {
            for (auto n : kNs) cli_.overlay["namespaces"][std::string(n)] = true;
            return;
        }
        if (a == "--unshare-user-try" || a == "--unshare-cgroup-try") {
            cli_.overlay["namespaces"][a == "--unshare-user-try" ? "user" : "cgroup"] = true;
            return;
        }
        if (a.rfind("--unshare-", 0) == 0) {
            std::string n = a.substr(10);
            if (std::find(kNs.begin(), kNs.end(), n) == kNs.end()) unknown_option(a);
            cli_.overlay["namespaces"][n] = true;
            return;
        }
        if (a == "--share-net") { cli_.overlay["namespaces"]["net"] = false; return; }
        if (a == "--uid" || a == "--gid") {
            std::string v = arg(a, 1, 0, "N");
            std::uint32_t id = parse_id(a, v);
            cli_.overlay["user"][a == "--uid" ? "uid" : "gid"] = id;
            wrote(a == "--uid" ? "/user/uid" : "/user/gid", a + " " + v);
            return;
        }
        if (a == "--hostname") {
            std::string name = arg(a, 1, 0, "NAME");
            cli_.overlay["hostname"] = lit(name);
            wrote("/hostname", a + " " + name);
            return;
        }
        if (a == "--chdir") {
            std::string dir = arg(a, 1, 0, "DIR");
            cli_.overlay["process"]["cwd"] = lit(dir);  // the loader rejects relative paths
            wrote("/process/cwd", a + " " + dir);
            return;
        }
        if (a == "--timeout" || a == "--kill-after") {
            // DURATION as timeout(1) takes it; the loader checks it ("10s", "2m", "1.5").
            const std::string d = arg(a, 1, 0, "DURATION");
            const char* key = a == "--timeout" ? "timeout" : "killAfter";
            cli_.overlay["process"][key] = d;
            wrote(std::string("/process/") + key, a + " " + d);
            return;
        }
        if (a == "--rlimit") {
            // NAME=VALUE: NAME as in a profile, or without RLIMIT_, any case; VALUE as in a
            // profile ("1g", "unlimited", "inherit") or SOFT:HARD. The loader checks both.
            const std::string spec = arg(a, 1, 0, "NAME=VALUE");
            const auto eq = spec.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
                throw Error(a + " " + spec + ": expected NAME=VALUE, as in --rlimit nofile=1024 or --rlimit as=4g");
            std::string name = spec.substr(0, eq);
            for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (name.rfind("RLIMIT_", 0) != 0) name = "RLIMIT_" + name;
            const std::string value = spec.substr(eq + 1);
            auto one = [](const std::string& v) -> json {
                if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                    v.size() < 20)
                    return json(std::stoull(v));
                return json(v);
            };
            json& limits = cli_.overlay["process"]["rlimits"];
            if (const auto colon = value.find(':'); colon != std::string::npos)
                limits[name] = {{"soft", one(value.substr(0, colon))}, {"hard", one(value.substr(colon + 1))}};
            else
                limits[name] = one(value);
            wrote("/process/rlimits/" + pointer_token(name), a + " " + spec);
            return;
        }
        if (a == "--setenv") {
            std::string var = arg(a, 2, 0, "VAR VALUE");
            std::string val = arg(a, 2, 1, "VAR VALUE");
            remove_name(env()["unset"], var);
            env()["set"][var] = lit(val);
            wrote("/process/env/set/" + pointer_token(var), a + " " + var);
            return;
        }
        if (a == "--unsetenv") {
            std::string var = arg(a, 1, 0, "VAR");
            if (env()["set"].is_object()) env()["set"].erase(var);
            json& u = env()["unset"];
            if (u.is_null()) u = json::array();
            u.push_back(var);
            wrote("/process/env/unset/" + std::to_string(u.size() - 1), a + " " + var);
            return;
        }
        if (a == "--clearenv") { env()["clear"] = true; return; }
        if (a == "--die-with-parent") { cli_.overlay["process"]["dieWithParent"] = true; return; }
        if (a == "--new-session") { cli_.overlay["process"]["newSession"] = true; return; }
        if (a == "--close-fds") { cli_.overlay["process"]["closeFds"] = true; return; }
        if (a == "--keep-fd") {
            std::string n = arg(a, 1, 0, "FD");
            json& k = cli_.overlay["process"]["keepFds"];
            if (k.is_null()) k = json::array();
            auto v = decimal(n, 3, 65535);
            if (!v)
                throw Error("--keep-fd " + n + ": FD must be a file descriptor number from 3 to 65535 "
                            "(0, 1 and 2 are always kept)");
            k.push_back(static_cast<std::uint64_t>(*v));
            wrote("/process/keepFds/" + std::to_string(k.size() - 1), a + " " + n);
            return;
        }
        unknown_option(a);
    }
};

}  // namespace

Cli parse_cli(const std::vector<std::string>& argv, const std::string& cwd) {
    Cli cli = Parser(argv, cwd).run();
    // Empty containers left by --unsetenv/--setenv bookkeeping are not "set" values.
    if (cli.overlay.contains("process") && cli.overlay["process"].contains("env")) {
        json& e = cli.overlay["process"]["env"];
        for (const char* k : {"set", "unset"})
            if (e.contains(k) && e[k].empty()) e.erase(k);
    }
    return cli;
}

const char* help_text() {
    return R"(usage: burrow [OPTIONS] [--] COMMAND [ARG...]
       burrow --profile FILE|NAME|builtin:NAME [OPTIONS] [--] [ARG...]

Run COMMAND in its own filesystem view, inside new user and mount namespaces, as an
ordinary user. With a profile whose process.exec is set, every ARG goes to that program.
Options apply on top of the profile, in the order given. Without --profile the root is
an empty read-only tmpfs: add --host-root, --store and binds.

Profile and plan:
  --profile FILE|builtin:NAME  start from this profile (builtin:pack, builtin:sandbox)
  --profile NAME               NAME.json from ~/.config/burrow/profiles, /etc/burrow/profiles
                               or PREFIX/share/burrow/profiles (never from the cwd)
  --list-profiles              list the profiles found by name, and the built-in ones
  --print-plan                 print the plan (its steps, in the order they run) as JSON
                               and exit; run nothing
  --check                      validate the profile and the host paths it needs; run nothing
  --seccomp-groups [@NAME]     list the seccomp syscall groups (or one group's members)

Filesystem (DEST is a path inside the sandbox; relative SRC is taken from the cwd):
  --host-root[=ro|rw]          bind every top-level entry of the host's / (default rw)
  --root DIR                   use directory DIR (an unpacked image) as the root, read-only,
                               with a minimal /dev, a private /tmp and the host's /proc;
                               runs in / unless --chdir is given
  --root-rw                    make the --root directory writable
  --store SRC[:DEST]           mount store directory SRC read-only at DEST (/gnu/store)
  --bind SRC DEST              bind SRC read-write (nosuid, nodev)
  --ro-bind SRC DEST           bind SRC read-only, recursively
  --dev-bind SRC DEST          bind SRC read-write, device nodes allowed
  --bind-try, --ro-bind-try, --dev-bind-try SRC DEST
                               the same, skipped when SRC does not exist
  --tmpfs DEST                 mount a new tmpfs
  --proc DEST                  mount a new procfs (needs --unshare-pid)
  --dev DEST                   mount a minimal /dev (null zero full random urandom tty,
                               pts, shm)
  --dir DEST                   create a directory (never on a host filesystem)
  --symlink TARGET LINK        create a symlink LINK pointing to TARGET

Namespaces and identity:
  --unshare-user|--unshare-pid|--unshare-net|--unshare-ipc|--unshare-uts|--unshare-cgroup
  --unshare-all                all of the above
  --share-net                  keep the host's network (after --unshare-all)
  --uid N, --gid N             user/group id inside (default: your own); yours outside
  --hostname NAME              hostname inside (needs --unshare-uts)

Process:
  --chdir DIR                  working directory inside (default: the current one,
                               which must be visible inside)
  --setenv VAR VALUE, --unsetenv VAR, --clearenv
  --die-with-parent            kill the command when burrow's parent dies
  --close-fds                  pass only fds 0-2 to the command (builtin:sandbox does)
  --keep-fd FD                 pass FD on even so (repeatable)
  --rlimit NAME=VALUE          resource limit: NAME as nofile or RLIMIT_NOFILE; VALUE 1024,
                               4g (k/m/g suffix), unlimited, inherit or SOFT:HARD (repeatable)
  --new-session                run the command in a new session (setsid)
  --timeout DURATION           SIGTERM the command after DURATION (10, 1.5, 30s, 2m, 1h),
                               SIGKILL it --kill-after DURATION later (default 5s); exit 124
                               (137 when it had to be killed), as timeout(1)

  --help, --version

Exit status: the command's own; if it is killed by a signal, burrow dies of the same
signal; 124 (or 137) the command ran past --timeout; 125 burrow failed (bad option or profile, setup failure); 126 the command is not
executable; 127 the command was not found.

Environment: BURROW_ENGINE=auto|userns|proot|direct (how packs run),
BURROW_DEBUG=1 (trace each launch step on stderr), BURROW_TRACE_STEPS=FD (name each
step of the plan on FD as it starts).
See burrow(1) and burrow-profile(5).
)";
}

}  // namespace burrow
