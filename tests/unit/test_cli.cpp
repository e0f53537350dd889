// parse_cli: options → overlay in the profile format.
#include <doctest/doctest.h>

#include "runtime/base/error.hpp"
#include "launcher/cli.hpp"
#include "runtime/profile/profile_load.hpp"

#include <algorithm>

using burrow::parse_cli;
using nlohmann::json;
using V = std::vector<std::string>;

static std::string error_of(const V& argv) {
    try {
        parse_cli(argv, "/home/u");
    } catch (const burrow::Error& e) {
        CHECK(e.status() == 125);
        return e.what();
    }
    return "(no error)";
}

TEST_CASE("cli: the command starts at the first non-option or after --") {
    auto c = parse_cli({"--unshare-net", "ls", "-l", "--bind"}, "/");
    CHECK(c.args == V{"ls", "-l", "--bind"});
    auto d = parse_cli({"--", "--weird", "x"}, "/");
    CHECK(d.args == V{"--weird", "x"});
    CHECK(d.overlay.empty());
}

TEST_CASE("cli: binds keep their order, relative sources are made absolute, $ is literal") {
    auto c = parse_cli({"--ro-bind", "data", "/data", "--bind", "/a$b", "/b", "--dev-bind-try", "/dev/dri", "/dev/dri"},
                       "/home/u");
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 3);
    CHECK(m[0]["source"] == "/home/u/data");
    CHECK(m[0]["access"] == "ro");
    CHECK(m[0]["x-option"] == "--ro-bind data /data");
    CHECK(m[1]["source"] == "/a$$b");
    CHECK(m[1]["access"] == "rw");
    CHECK(m[2]["devices"] == true);
    CHECK(m[2]["optional"] == true);
}

TEST_CASE("cli: host root, stores and namespaces") {
    auto c = parse_cli(
        {"--host-root=ro", "--store", "/s", "--store", "st:/nix/store", "--unshare-all", "--share-net", "true"}, "/w");
    CHECK(c.overlay["root"] == json({{"host", "all"}, {"access", "ro"}}));
    CHECK(c.overlay["stores"][0]["destination"] == "/gnu/store");
    CHECK(c.overlay["stores"][1]["source"] == "/w/st");
    CHECK(c.overlay["stores"][1]["destination"] == "/nix/store");
    CHECK(c.overlay["namespaces"]["pid"] == true);
    CHECK(c.overlay["namespaces"]["net"] == false);
}

TEST_CASE("cli: setenv and unsetenv, the later one wins") {
    auto c = parse_cli({"--setenv", "A", "1", "--unsetenv", "A", "--unsetenv", "B", "--setenv", "B", "$x", "p"}, "/");
    const json& e = c.overlay["process"]["env"];
    CHECK(e["unset"] == json({"A"}));
    CHECK(e["set"] == json({{"B", "$$x"}}));
}

TEST_CASE("cli: ids, hostname, chdir, process switches, profile") {
    auto c = parse_cli({"--uid", "0", "--gid", "0", "--hostname", "box", "--chdir", "/src", "--die-with-parent",
                        "--new-session", "--clearenv", "--profile", "p.json", "x"},
                       "/etc/burrow");
    CHECK(c.overlay["user"]["uid"] == 0);
    CHECK(c.overlay["hostname"] == "box");
    CHECK(c.overlay["process"]["cwd"] == "/src");
    CHECK(c.overlay["process"]["dieWithParent"] == true);
    CHECK(c.overlay["process"]["newSession"] == true);
    CHECK(c.overlay["process"]["env"]["clear"] == true);
    CHECK(*c.profile == "p.json");  // a name: looked up by the launcher (profile_search.hpp)
    CHECK(*parse_cli({"--profile", "./p.json"}, "/etc/burrow").profile == "/etc/burrow/./p.json");
    CHECK(*parse_cli({"--profile", "d/p.json"}, "/etc").profile == "/etc/d/p.json");
    CHECK(*parse_cli({"--profile", "builtin:sandbox"}, "/x").profile == "builtin:sandbox");
    CHECK(parse_cli({"--list-profiles"}, "/x").list_profiles);
}

TEST_CASE("cli: --rlimit NAME=VALUE") {
    const auto c = parse_cli({"--rlimit", "nofile=1024", "--rlimit", "RLIMIT_AS=4g", "--rlimit", "Core=0:unlimited",
                              "--rlimit", "stack=inherit", "x"},
                             "/");
    const json& r = c.overlay["process"]["rlimits"];
    CHECK(r["RLIMIT_NOFILE"] == 1024);
    CHECK(r["RLIMIT_AS"] == "4g");
    CHECK(r["RLIMIT_CORE"] == json({{"soft", 0}, {"hard", "unlimited"}}));
    CHECK(r["RLIMIT_STACK"] == "inherit");
    CHECK(c.option_at.at("/process/rlimits/RLIMIT_AS") == "--rlimit RLIMIT_AS=4g");
    CHECK(error_of({"--rlimit", "nofile", "x"}) ==
          "--rlimit nofile: expected NAME=VALUE, as in --rlimit nofile=1024 or --rlimit as=4g");
    CHECK(error_of({"--rlimit", "=1", "x"}).find("expected NAME=VALUE") != std::string::npos);
}

TEST_CASE("cli: --timeout and --kill-after go to the profile as given") {
    const auto c = parse_cli({"--timeout", "2m", "--kill-after", "1.5", "x"}, "/");
    CHECK(c.overlay["process"]["timeout"] == "2m");
    CHECK(c.overlay["process"]["killAfter"] == "1.5");
    CHECK(c.option_at.at("/process/timeout") == "--timeout 2m");
}

TEST_CASE("cli: bad options name the option and how to fix it") {
    CHECK(error_of({"--bnd", "a", "b"}) ==
          "unknown option --bnd; did you mean --bind? (see burrow --help; put the command after -- if it "
          "starts with '-')");
    CHECK(error_of({"--bind", "/a"}) == "option --bind needs 2 arguments (SRC DEST), got 1");
    CHECK(error_of({"--tmpfs"}) == "option --tmpfs needs 1 argument (DEST), got 0");
    CHECK(error_of({"--uid", "-1"}) == "--uid -1: expected a number from 0 to 4294967294");
    CHECK(error_of({"--uid", "1.5"}) == "--uid 1.5: expected a number from 0 to 4294967294");
    CHECK(error_of({"--host-root=yes"}) == "--host-root=yes: expected --host-root, --host-root=ro or --host-root=rw");
    CHECK(error_of({"--profile", "a", "--profile", "b"}).find("--profile given twice") == 0);
    CHECK(error_of({"--unshare-foo"}).find("unknown option --unshare-foo") == 0);
}

TEST_CASE("cli: informational switches") {
    CHECK(parse_cli({"--help"}, "/").help);
    CHECK(parse_cli({"--version"}, "/").version);
    auto g = parse_cli({"--seccomp-groups", "@mount"}, "/");
    CHECK(g.seccomp_groups);
    CHECK(*g.seccomp_group == "@mount");
    CHECK(parse_cli({"--print-plan", "--check", "x"}, "/").print_plan);
}

TEST_CASE("cli: loader problems in the overlay are reported under the option's name") {
    auto c = parse_cli({"--hostname", "box", "--setenv", "A=B", "v", "--uid", "0", "true"}, "/");
    CHECK(c.option_at.at("/hostname") == "--hostname box");
    CHECK(c.option_at.at("/process/env/set/A=B") == "--setenv A=B");
    burrow::LoadContext ctx;
    ctx.vars = {{"PWD", "/"},     {"HOME", "/"},      {"UID", "0"},    {"GID", "0"},
                {"USER", "root"}, {"TMPDIR", "/tmp"}, {"ORIGIN", "/"}, {"RUNTIME_DIR", "/run/user/0"}};
    try {
        burrow::load_profile(std::nullopt, {{"command line", c.overlay, c.option_at}}, ctx);
        FAIL("expected an error");
    } catch (const burrow::ProfileError& e) {
        const auto& m = e.messages();
        auto has = [&](const std::string& prefix) {
            return std::any_of(m.begin(), m.end(), [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
        };
        CHECK(has("command line: --setenv A=B: invalid variable name"));
    }
}

TEST_CASE("cli: --root uses an image directory with its own /dev, /tmp and /proc, in /") {
    auto c = parse_cli({"--root", "rootfs", "--root-rw", "sh"}, "/img");
    CHECK(c.overlay["root"] == json({{"path", "/img/rootfs"}, {"access", "rw"}}));
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 3);
    CHECK(m[0]["type"] == "dev");
    CHECK(m[1]["destination"] == "/tmp");
    CHECK(m[2]["source"] == "/proc");
    CHECK(c.overlay["process"]["cwd"] == "/");
    auto d = parse_cli({"--chdir", "/src", "--root", "/r", "sh"}, "/");
    CHECK(d.overlay["process"]["cwd"] == "/src");
}

TEST_CASE("cli: --close-fds and --keep-fd (repeatable), bad FD values named") {
    auto c = parse_cli({"--close-fds", "--keep-fd", "7", "--keep-fd", "3", "x"}, "/");
    CHECK(c.overlay["process"]["closeFds"] == true);
    CHECK(c.overlay["process"]["keepFds"] == json({7, 3}));
    for (const char* bad : {"2", "x", "", "70000", "5x"})
        CHECK(error_of({"--keep-fd", bad, "x"}) ==
              "--keep-fd " + std::string(bad) +
                  ": FD must be a file descriptor number from 3 to 65535 (0, 1 and 2 are always kept)");
}

TEST_CASE("cli: an empty path is an error, never the current directory") {
    const std::string tail = " is empty (an unset variable?); give a path, or . for the current directory";
    CHECK(error_of({"--bind", "", "/data", "x"}) == "--bind: SRC" + tail);
    CHECK(error_of({"--ro-bind", "/usr", "", "x"}) == "--ro-bind: DEST" + tail);
    CHECK(error_of({"--root", "", "x"}) == "--root: DIR" + tail);
    CHECK(error_of({"--profile", "", "x"}) == "--profile: FILE" + tail);
    CHECK(error_of({"--tmpfs", "", "x"}) == "--tmpfs: DEST" + tail);
}

TEST_CASE("cli: --setenv records its option under the escaped JSON pointer") {
    auto c = parse_cli({"--setenv", "A/B", "x", "--setenv", "C~D", "y", "z"}, "/");
    CHECK(c.option_at.at("/process/env/set/A~1B") == "--setenv A/B");
    CHECK(c.option_at.at("/process/env/set/C~0D") == "--setenv C~D");
}

TEST_CASE("cli: every option that --help lists is parsed, and every parsed option is in --help") {
    const std::string help = burrow::help_text();
    // Each "--name" word of the help's option lines must be an option the parser knows:
    // an unknown one is reported as such, a known one at worst lacks its arguments.
    size_t at = 0, seen = 0;
    while ((at = help.find("  --", at)) != std::string::npos) {
        size_t end = help.find_first_of(" ,[|=\n", at + 2);
        const std::string opt = help.substr(at + 2, end - at - 2);
        at = end;
        ++seen;
        std::string what;
        try {
            parse_cli({opt, "@x", "/a", "/b"}, "/");
        } catch (const burrow::Error& e) {
            what = e.what();
        }
        CHECK_MESSAGE(what.find("unknown option") == std::string::npos, opt, ": ", what);
    }
    CHECK(seen > 30);
    for (const char* opt : {"--bind-try", "--ro-bind-try", "--dev-bind-try", "--unshare-cgroup", "--gid", "--unsetenv",
                            "--clearenv", "--version", "--kill-after", "--keep-fd", "--rlimit"})
        CHECK_MESSAGE(help.find(opt) != std::string::npos, opt);
}

TEST_CASE("cli: an option's missing arguments are counted from its table row") {
    CHECK(error_of({"--symlink", "t"}) == "option --symlink needs 2 arguments (TARGET LINK), got 1");
    CHECK(error_of({"--rlimit"}) == "option --rlimit needs 1 argument (NAME=VALUE), got 0");
    CHECK(parse_cli({"--seccomp-groups", "@mount"}, "/").seccomp_group == std::optional<std::string>("@mount"));
    CHECK(parse_cli({"--seccomp-groups", "ls"}, "/").args == V{"ls"});
    CHECK(parse_cli({"--unshare-cgroup-try", "x"}, "/").overlay["namespaces"]["cgroup"] == true);
}

TEST_CASE("cli: a relative --chdir DIR is taken from / (as burrow(1) and bwrap say)") {
    CHECK(parse_cli({"--chdir", "tmp/x", "sh"}, "/home/u").overlay["process"]["cwd"] == "/tmp/x");
    CHECK(parse_cli({"--chdir", "/src", "sh"}, "/home/u").overlay["process"]["cwd"] == "/src");
    CHECK(parse_cli({"--chdir", "tmp", "sh"}, "/home/u").option_at["/process/cwd"] == "--chdir tmp");
}

TEST_CASE("cli: bwrap's modifiers --perms and --size go to the next option that makes something") {
    auto c = parse_cli({"--perms", "1777", "--tmpfs", "/t", "--dir", "/d", "--size", "1048576", "--perms", "750",
                        "--tmpfs", "/u", "--chmod", "0700", "/d", "true"},
                       "/");
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 4);
    CHECK(m[0]["mode"] == "1777");
    CHECK_FALSE(m[1].contains("mode"));  // used up by the tmpfs before it
    CHECK(m[2]["mode"] == "0750");
    CHECK(m[2]["size"] == "1048576");
    CHECK(m[3]["type"] == "chmod");
    CHECK(m[3]["mode"] == "0700");
    CHECK(error_of({"--perms", "0640", "--perms", "0640", "--tmpfs", "/a", "true"}) ==
          "--perms 0640: --perms was given already for the next option; give it once");
    for (const char* bad :
         {"0", "123bogus", "", "-12345678", " -12345678", "18446744073709551616", "9223372036854775809"})
        CHECK(error_of({"--size", bad, "--tmpfs", "/a", "true"}).find("expected a size in bytes") != std::string::npos);
    CHECK(error_of({"--perms", "0888", "--dir", "/a", "true"}) ==
          "--perms 0888: expected an octal mode such as 0755 or 1777");
    CHECK(error_of({"--size", "4096", "true"}) ==
          "--size 4096: it is for the option after it (--dir, --tmpfs, --file, --bind-data, --ro-bind-data), and none "
          "follows");
}

TEST_CASE("cli: fd options: --file, --bind-data, --bind-fd, --info-fd, --json-status-fd") {
    auto c = parse_cli({"--file", "0", "/f", "--perms", "0640", "--bind-data", "5", "/g", "--ro-bind-data", "6", "/h",
                        "--ro-bind-fd", "7", "/i", "--info-fd", "8", "--json-status-fd", "9", "true"},
                       "/");
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 4);
    CHECK(m[0] == json({{"type", "file"},
                        {"destination", "/f"},
                        {"fd", 0},
                        {"mode", "0666"},
                        {"access", "rw"},
                        {"x-option", "--file 0 /f"}}));
    CHECK(m[1]["mode"] == "0640");
    CHECK_FALSE(m[2].contains("access"));  // read-only
    CHECK(m[2]["mode"] == "0600");
    CHECK(m[3]["fd"] == 7);
    CHECK(m[3]["access"] == "ro");
    CHECK(c.overlay["process"]["infoFd"] == 8);
    CHECK(c.overlay["process"]["jsonStatusFd"] == 9);
    CHECK(error_of({"--bind-fd", "x", "/a", "true"}) ==
          "--bind-fd x: expected a file descriptor number from 0 to 65535");
}

TEST_CASE("cli: --seccomp, --add-seccomp-fd, --block-fd, --sync-fd") {
    auto c =
        parse_cli({"--add-seccomp-fd", "3", "--add-seccomp-fd", "4", "--block-fd", "5", "--sync-fd", "6", "true"}, "/");
    CHECK(c.overlay["security"]["seccompFds"] == json({3, 4}));
    CHECK(c.overlay["process"]["blockFd"] == 5);
    CHECK(c.overlay["process"]["syncFd"] == 6);
    CHECK(parse_cli({"--seccomp", "3", "true"}, "/").overlay["security"]["seccompFds"] == json({3}));
    auto r = parse_cli({"--remount-ro", "/a", "--mqueue", "/b", "--level-prefix", "--chdir", "/", "--chdir", "/x", "y"},
                       "/");
    CHECK(r.overlay["mounts"][0]["type"] == "remount");
    CHECK(r.overlay["mounts"][1]["type"] == "mqueue");
    CHECK(r.level_prefix);
    CHECK(r.warnings == std::vector<std::string>{"Only the last --chdir option will take effect"});
    auto ns = parse_cli({"--userns", "7", "--pidns", "8", "true"}, "/");
    CHECK(ns.overlay["namespaces"] == json({{"userFd", 7}, {"pidFd", 8}}));
    CHECK(error_of({"--seccomp", "3", "--seccomp", "4", "true"}) ==
          "--seccomp 4: --seccomp may be given once; give every program with --add-seccomp-fd");
    CHECK(error_of({"--add-seccomp-fd", "3", "--seccomp", "4", "true"}) ==
          "--seccomp 4: --seccomp cannot be combined with --add-seccomp-fd; give every program with --add-seccomp-fd");
    CHECK(error_of({"--block-fd", "-1", "true"}) == "--block-fd -1: expected a file descriptor number from 0 to 65535");
    // bwrap's own words in its dialect (its test-seccomp.py matches them).
    auto bwrap_error = [](const V& argv) {
        try {
            parse_cli(argv, "/", burrow::Dialect::bwrap);
        } catch (const burrow::Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    CHECK(bwrap_error({"--add-seccomp-fd", "-1", "true"}) == "Invalid fd: -1");
    CHECK(bwrap_error({"--seccomp", "0a", "true"}) == "Invalid fd: 0a");
    CHECK(bwrap_error({"--add-seccomp-fd", "3", "--seccomp", "4", "true"}) ==
          "--seccomp cannot be combined with --add-seccomp-fd");
    CHECK(bwrap_error({"--seccomp", "3", "--add-seccomp-fd", "4", "true"}) ==
          "--add-seccomp-fd cannot be combined with --seccomp");
}

TEST_CASE("cli: --args FD splices NUL-separated options in place") {
    int calls = 0;
    burrow::ReadFd nested = [&](int fd) -> std::string {
        ++calls;
        static const char first[] =
            "--dir\0/a\0--args\0"
            "4";  // ends with its NUL
        static const char second[] = "--tmpfs\0/b";
        return fd == 3 ? std::string(first, sizeof first) : std::string(second, sizeof second - 1);
    };
    auto c = parse_cli({"--args", "3", "--dir", "/c", "true"}, "/", burrow::Dialect::burrow, nested);
    CHECK(calls == 2);
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 3);
    CHECK(m[0]["destination"] == "/a");
    CHECK(m[1]["destination"] == "/b");  // the last argument may lack its NUL
    CHECK(m[2]["destination"] == "/c");
    CHECK(c.args == V{"true"});
    CHECK(error_of({"--args", "3", "true"}) ==
          "--args: reading arguments from a file descriptor is not available here");
}

TEST_CASE("cli: --cap-add and --cap-drop; bwrap run by root starts from all of root's") {
    auto c = parse_cli({"--cap-add", "net_raw", "--cap-add", "CAP_KILL", "--cap-drop", "cap_net_raw", "true"}, "/");
    CHECK(c.overlay["security"]["capabilities"]["keep"] == json({"CAP_KILL"}));
    CHECK_FALSE(c.overlay["security"]["capabilities"].contains("ambient"));
    auto all = parse_cli({"--cap-add", "ALL", "--cap-drop", "CAP_KILL", "true"}, "/");
    const json& keep = all.overlay["security"]["capabilities"]["keep"];
    CHECK(keep.size() > 30);
    CHECK(std::find(keep.begin(), keep.end(), json("CAP_KILL")) == keep.end());
    CHECK(parse_cli({"--cap-drop", "ALL", "true"}, "/").overlay["security"]["capabilities"]["keep"] == json::array());
    // The bwrap personality run by root: root's capabilities and no user namespace, unless asked.
    auto r = parse_cli({"true"}, "/", burrow::Dialect::bwrap_as_root);
    CHECK(r.overlay["security"]["capabilities"]["keep"].size() > 30);
    CHECK(r.overlay["namespaces"]["user"] == false);
    auto u = parse_cli({"--unshare-user", "--cap-drop", "CAP_KILL", "true"}, "/", burrow::Dialect::bwrap_as_root);
    CHECK(u.overlay["namespaces"]["user"] == true);
    CHECK(u.overlay["security"]["capabilities"]["ambient"] == u.overlay["security"]["capabilities"]["keep"]);
    CHECK(parse_cli({"true"}, "/", burrow::Dialect::bwrap).overlay.empty());
}

TEST_CASE("cli: bwrap's --help starts as bwrap's, with the name it was run by") {
    const std::string h = burrow::bwrap_help_text("/usr/libexec/burrow/bwrap");
    CHECK(h.rfind("usage: /usr/libexec/burrow/bwrap [OPTIONS...] [--] COMMAND [ARGS...]\n", 0) == 0);
    CHECK(h.find("--bind-fd") != std::string::npos);
}

TEST_CASE("cli: overlays take the --overlay-src layers before them, relative to the cwd") {
    auto c =
        parse_cli({"--overlay-src", "l1", "--overlay-src", "/l2", "--overlay", "up", "/w", "/d", "--overlay-src", "/a",
                   "--tmp-overlay", "/t", "--overlay-src", "/a", "--overlay-src", "/b", "--ro-overlay", "/r", "true"},
                  "/home/u");
    const json& m = c.overlay["mounts"];
    REQUIRE(m.size() == 3);
    CHECK(m[0] == json({{"type", "overlay"},
                        {"destination", "/d"},
                        {"lower", {"/home/u/l1", "/l2"}},
                        {"upper", "/home/u/up"},
                        {"work", "/w"},
                        {"x-option", "--overlay-src l1 --overlay-src /l2 --overlay up /w /d"}}));
    CHECK(m[1]["lower"] == json({"/a"}));
    CHECK(m[1]["access"] == "rw");
    CHECK(m[2]["lower"] == json({"/a", "/b"}));
    CHECK(m[2]["access"] == "ro");
    CHECK(c.args == V{"true"});
    CHECK(error_of({"--tmp-overlay", "/t", "true"}) ==
          "--tmp-overlay requires at least one --overlay-src before it (the directories it stacks, lowest first)");
    CHECK(error_of({"--overlay-src", "/a", "--ro-overlay", "/t", "true"})
              .rfind("--ro-overlay requires at least two --overlay-src", 0) == 0);
    CHECK(error_of({"--overlay-src", "/a", "--chdir", "/", "true"}) ==
          "--overlay-src /a: --overlay-src must be followed by another --overlay-src or one of --overlay, "
          "--tmp-overlay, or --ro-overlay");
    CHECK(error_of({"--overlay-src", "/a"}).rfind("--overlay-src /a: --overlay-src must be followed", 0) == 0);
    CHECK(error_of({"--overlay-src", "", "--tmp-overlay", "/t", "true"}).rfind("--overlay-src: SRC is empty", 0) == 0);
}

TEST_CASE("cli: --home DIR (from the cwd) or tmpfs") {
    CHECK(parse_cli({"--home", "h", "true"}, "/w").overlay["home"] == json({{"path", "/w/h"}}));
    CHECK(parse_cli({"--home", "./tmpfs", "true"}, "/w").overlay["home"] == json({{"path", "/w/./tmpfs"}}));
    CHECK(parse_cli({"--home", "tmpfs", "true"}, "/w").overlay["home"] == json({{"tmpfs", true}}));
    CHECK(error_of({"--home", "", "true"}).rfind("--home: DIR is empty", 0) == 0);
}
