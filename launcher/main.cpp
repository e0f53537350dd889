// burrow: command line (or pack entry) → profile → plan → apply.
#include <dirent.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/launch/apply.hpp"
#include "runtime/base/path.hpp"
#include "cli.hpp"
#include "engine.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/fileio.hpp"
#include "pack_entry.hpp"
#include "runtime/base/pack_layout.hpp"
#include "runtime/plan/plan.hpp"
#include "runtime/profile/profile_load.hpp"
#include "runtime/profile/profile_search.hpp"
#include "runtime/seccomp/seccomp.hpp"

extern char** environ;

namespace burrow {
namespace {

std::string getenv_str(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// BURROW_TRACE_STEPS=FD: the op of each step of the plan, one a line, written on FD as the
// step starts (what tests compare with --print-plan); -1 when unset.
int trace_fd() {
    const std::string v = getenv_str("BURROW_TRACE_STEPS");
    if (v.empty()) return -1;
    int fd = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), fd);
    if (ec != std::errc() || end != v.data() + v.size() || fd < 0 || ::fcntl(fd, F_GETFD) < 0)
        throw Error("BURROW_TRACE_STEPS=" + v + ": expected the number of an open file descriptor");
    return fd;
}

// getcwd(), or — when the directory was deleted — what the kernel still calls it
// ("/x (deleted)"), so that messages can name it.
std::string physical_cwd() {
    char buf[PATH_MAX];
    if (::getcwd(buf, sizeof buf)) return buf;
    ssize_t n = ::readlink("/proc/self/cwd", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "(unknown)";
}

// An executable profile ("#!/usr/bin/env -S burrow --profile" first line) is run by the
// kernel as `burrow --profile FILE ARG...`. When such a profile names its program
// (process.exec), every ARG belongs to that program, even "-v" — except a "--" right after
// FILE, which stays burrow's end of options (`burrow --profile FILE -- ARG...`). Otherwise
// the command line is parsed as usual.
bool shebang_profile(const std::vector<std::string>& args) {
    if (args.size() < 2 || args[0] != "--profile" || args[1].rfind("builtin:", 0) == 0) return false;
    auto head = read_file(args[1], 2);
    return head && *head == "#!";
}

// Our passwd entry without NSS (the binary is static): name and home from /etc/passwd.
void passwd_entry(uid_t uid, std::string& name, std::string& home) {
    auto passwd = read_file("/etc/passwd", 16 << 20);
    if (!passwd) return;
    const std::string want = std::to_string(uid);
    std::string_view all = *passwd;
    while (!all.empty()) {
        size_t nl = all.find('\n');
        std::string_view line = all.substr(0, nl);
        all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
        std::string_view f[7];
        size_t n = 0;
        for (;;) {
            size_t c = line.find(':');
            if (n < 7) f[n++] = line.substr(0, c);
            if (c == std::string_view::npos) break;
            line.remove_prefix(c + 1);
        }
        if (n >= 6 && f[2] == want) {
            name = f[0];
            home = f[5];
            return;
        }
    }
}

bool has_sys_admin() {
    cap_t caps = ::cap_get_proc();
    cap_flag_value_t v = CAP_CLEAR;
    if (caps) ::cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &v);
    ::cap_free(caps);
    return v == CAP_SET;
}

LoadContext load_context(const std::optional<std::string>& pack_root) {
    LoadContext ctx;
    ctx.vars["ORIGIN"] = self_exe() ? dirname_of(*self_exe()) : "";
    if (pack_root) ctx.vars["PACK"] = *pack_root;
    ctx.vars["PWD"] = physical_cwd();
    ctx.vars["UID"] = std::to_string(::getuid());
    ctx.vars["GID"] = std::to_string(::getgid());
    std::string tmp = getenv_str("TMPDIR");
    ctx.vars["TMPDIR"] = !tmp.empty() && tmp[0] == '/' ? tmp : "/tmp";
    std::string rt = getenv_str("XDG_RUNTIME_DIR");
    ctx.vars["RUNTIME_DIR"] = !rt.empty() && rt[0] == '/' ? rt : "/run/user/" + std::to_string(::getuid());
    // HOME and USER need /etc/passwd: read it only for a profile that uses them.
    ctx.more_vars = [](const std::string& var) -> std::optional<std::string> {
        if (var != "HOME" && var != "USER") return std::nullopt;
        static std::string name, home;
        static bool read = false;
        if (!read) passwd_entry(::getuid(), name, home);
        read = true;
        if (var == "HOME") {
            std::string env_home = getenv_str("HOME");
            return !env_home.empty() && env_home[0] == '/' ? env_home : (home.empty() ? "/" : home);
        }
        std::string env_user = getenv_str("USER");
        return !name.empty() ? name : !env_user.empty() ? env_user : std::to_string(::getuid());
    };
    ctx.more_env = [](const std::string& var) -> std::optional<std::string> {
        const char* v = std::getenv(var.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    return ctx;
}

// --args FD: all of it, up to 64 MiB (bwrap reads without a bound; a command line is
// far smaller).
std::string read_args_fd(int fd) {
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error("--args " + std::to_string(fd) + ": cannot read: " + errno_text(errno));
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
        if (out.size() > (64u << 20))
            throw Error("--args " + std::to_string(fd) + ": more than 64 MiB of arguments; pass fewer");
    }
}

// --check: everything the launch would need from the host, without launching.
int check(const Plan& plan, const Profile& profile, bool cli_profile_named) {
    std::vector<std::string> problems;
    struct stat st {};
    for (const auto& m : plan.mounts) {
        std::string where = m.origin.empty() ? "" : m.origin + ": ";
        if (m.kind == MountOp::Kind::bind && !m.optional && ::stat(m.source.c_str(), &st) != 0)
            problems.push_back(where + "bind source " + m.source + ": " + errno_text(errno));
        if (m.kind == MountOp::Kind::overlay) {
            std::vector<std::string> dirs = m.items;
            if (!m.upper.empty()) dirs.push_back(m.upper), dirs.push_back(m.work);
            for (const auto& d : dirs)
                if ((errno = 0, ::stat(d.c_str(), &st) != 0) || !S_ISDIR(st.st_mode))
                    problems.push_back(where + "overlay directory " + d + ": " +
                                       (errno ? errno_text(errno) : "not a directory"));
        }
        if (m.kind == MountOp::Kind::store) {
            if ((errno = 0, ::stat(m.source.c_str(), &st) != 0) || !S_ISDIR(st.st_mode)) {
                problems.push_back(where + "store directory " + m.source + ": " +
                                   (errno ? errno_text(errno) : "not a directory"));
                continue;
            }
            for (const auto& item : m.items)
                if (::lstat((m.source + "/" + item).c_str(), &st) != 0)
                    problems.push_back(where + "store item \"" + item + "\" not found in " + m.source);
        }
    }
    if (!problems.empty()) throw ProfileError(problems);
    const bool named = cli_profile_named;
    std::printf("ok: %s: %zu mounts, program %s\n", named ? profile.source.c_str() : "(no profile)", plan.mounts.size(),
                plan.program.empty() ? "(none given)" : plan.program.c_str());
    return 0;
}

LoadContext load_context(const std::optional<std::string>& pack_root);

// "a, b, c": the names in <pack>/bin.
std::string list_entries(const std::string& root) {
    std::vector<std::string> names;
    if (DIR* d = ::opendir((root + "/" + kBinDir).c_str())) {
        while (auto* e = ::readdir(d))
            if (e->d_name[0] != '.') names.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}

int run(int argc, char** argv) {
    // Recorded first, so that --die-with-parent also notices a caller that dies while the
    // profile is loaded and the sandbox set up.
    const pid_t caller = ::getppid();
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    const char* argv0 = argc > 0 ? argv[0] : kRuntimeName;
    // Called by its own name (e.g. <pack>/.burrow/burrow --help) burrow is the command
    // line tool, not a pack entry.
    const char* execfn = reinterpret_cast<const char*>(::getauxval(AT_EXECFN));
    std::optional<PackEntry> entry;
    // Run as `bwrap` (a link to burrow, e.g. PREFIX/libexec/burrow/bwrap): the bwrap
    // personality, bubblewrap's command line with its messages and exit statuses.
    const bool bwrap = basename_of(argv0) == "bwrap";
    if (bwrap) set_voice(Voice::bwrap);
    if (!bwrap && !(basename_of(argv0) == kRuntimeName && (!execfn || basename_of(execfn) == kRuntimeName)))
        entry = detect_pack_entry(argv0);
    std::string cwd = physical_cwd();

    Cli cli;
    std::optional<std::string> pack_root;
    std::optional<Profile> loaded;  // an executable profile, already loaded to look at it
    if (!entry && shebang_profile(args)) {
        pack_root = pack_root_of_runtime();
        std::string path = args[1][0] == '/' ? args[1] : cwd + "/" + args[1];
        Profile p = load_profile(path, {}, load_context(pack_root));
        if (p.process.exec) {
            loaded = std::move(p);
            cli.profile = path;
            cli.args.assign(args.begin() + (args.size() > 2 && args[2] == "--" ? 3 : 2), args.end());
        }
    }
    if (entry) {
        // A pack entry takes no options: every argument belongs to the program.
        cli.profile = entry->profile;
        cli.args = args;
        pack_root = entry->root;
    } else if (loaded) {
        // wrapper mode: the profile names the program, every argument is the program's
    } else {
        const Dialect dialect = !bwrap ? Dialect::burrow : ::getuid() == 0 ? Dialect::bwrap_as_root : Dialect::bwrap;
        cli = parse_cli(args, cwd, dialect, read_args_fd);
        set_level_prefix(cli.level_prefix);
        for (const auto& w : cli.warnings) warn(w);
        if (cli.help) {
            std::fputs(bwrap ? bwrap_help_text(argv0).c_str() : help_text(), stdout);
            return 0;
        }
        if (cli.version) {
            if (bwrap)
                std::printf("bubblewrap 0.11.1 (burrow %s)\n", BURROW_VERSION);
            else
                std::printf("burrow %s\n", BURROW_VERSION);
            return 0;
        }
        if (cli.seccomp_groups) {
            std::fputs(seccomp::describe_groups(cli.seccomp_group).c_str(), stdout);
            return 0;
        }
        pack_root = pack_root_of_runtime();
        if (cli.list_profiles || (cli.profile && is_profile_name(*cli.profile))) {
            ProfileSearch search;
            search.cwd = cwd;
            if (const char* x = std::getenv("XDG_CONFIG_HOME")) search.xdg_config_home = x;
            if (const char* h = std::getenv("HOME")) search.home = h;
            if (const auto& exe = self_exe()) search.exe_dir = dirname_of(*exe);
            if (cli.list_profiles) {
                std::fputs(list_profiles_text(list_profiles(search), search).c_str(), stdout);
                return 0;
            }
            cli.profile = find_profile(*cli.profile, search);
        }
    }

    if (!entry && pack_root && !cli.profile && cli.args.empty() && !cli.check && !cli.print_plan)
        throw Error("no command given; this is the runtime of the pack at " + *pack_root + ": run " + *pack_root + "/" +
                    kBinDir + "/NAME (entries: " + list_entries(*pack_root) + ")");
    LoadContext ctx = load_context(pack_root);
    std::vector<Overlay> overlays;
    // Moved, not copied: nothing reads them again, and with thousands of options a copy
    // costs more than the rest of planning.
    if (!cli.overlay.empty()) overlays.push_back({"command line", std::move(cli.overlay), std::move(cli.option_at)});
    Profile profile = loaded ? std::move(*loaded) : load_profile(cli.profile, std::move(overlays), ctx);
    if (entry) {
        const std::string hidden = getenv_str("BURROW_HOST");
        if (hidden == "none")
            hide_host(profile, cwd, entry->root);
        else if (!hidden.empty() && hidden != "all")
            throw Error("BURROW_HOST=" + hidden +
                        ": expected none (hide the host's root, to test that the pack holds all it needs) or all");
    }

    HostFacts host;
    host.uid = ::getuid();
    host.gid = ::getgid();
    host.cwd = cwd;
    host.argv0 = argv0;
    host.pack_entry = entry.has_value();
    host.need_command = !cli.check;
    host.bwrap = bwrap;
    // Only a profile with a label needs to know (one access(2) less per launch).
    host.selinux =
        (profile.security.exec_label || profile.security.file_label) && ::access("/sys/fs/selinux/enforce", F_OK) == 0;
    host.sys_admin = host.uid == 0 && entry && has_sys_admin();  // only root_as_installed() asks
    // BURROW_ENGINE=userns keeps root in a user namespace like everyone else.
    if (getenv_str("BURROW_ENGINE") != "userns") root_as_installed(profile, host);
    Plan plan = compile(profile, host, cli.args);

    if (cli.print_plan) {
        std::string text = plan_text(plan);
        std::fwrite(text.data(), 1, text.size(), stdout);
        std::fputc('\n', stdout);
        return 0;
    }
    if (cli.check) return check(plan, profile, cli.profile.has_value());

    ApplyOptions opts;
    opts.debug = !getenv_str("BURROW_DEBUG").empty() && getenv_str("BURROW_DEBUG") != "0";
    opts.trace_fd = trace_fd();
    if (const std::string m = getenv_str("BURROW_STORE_MERGE"); m == "overlay")
        opts.store_merge = ApplyOptions::StoreMerge::overlay;
    else if (m == "binds")
        opts.store_merge = ApplyOptions::StoreMerge::binds;
    else if (!m.empty() && m != "auto")
        throw Error("BURROW_STORE_MERGE=" + m + ": expected auto, overlay or binds");
    for (char** e = environ; e && *e; ++e) opts.environ.emplace_back(*e);
    opts.parent = caller;
    struct stat st {};
    if (::stat(".", &st) == 0) {
        opts.cwd_dev = st.st_dev;
        opts.cwd_ino = st.st_ino;
    }
    exit_like(launch(plan, opts, pack_root, entry.has_value()));
}

}  // namespace
}  // namespace burrow

int main(int argc, char** argv) {
    try {
        return burrow::run(argc, argv);
    } catch (const burrow::Error& e) {
        burrow::report(e);  // runtime/base/error.cpp
        return burrow::exit_status(e);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: internal error: %s\n", burrow::voice() == burrow::Voice::bwrap ? "bwrap" : "burrow",
                     e.what());
        return burrow::exit_status(burrow::Error(""));
    }
}
