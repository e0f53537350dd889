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
