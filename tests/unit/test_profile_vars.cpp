// Profile loader, stage E: variables, path rules and normalisation.
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

const std::string kBase = "\"extends\": \"builtin:pack\", ";

std::string e_error(const TempDir& dir, const std::string& members, const LoadContext& ctx = pack_context()) {
    std::string file = dir.path() + "/p.json";
    std::string m = error_of(dir, members, ctx);
    REQUIRE(m.rfind(file + ": ", 0) == 0);
    return m.substr(file.size() + 2);
}

// The source of a single bind mount written as `source`.
std::string bind_source(const TempDir& dir, const std::string& source, const LoadContext& ctx = pack_context()) {
    Profile p =
        load_ok(dir.write("ok.json", doc(kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"" + source + "\"}]")),
                {}, ctx);
    REQUIRE(p.mounts.size() == 1);
    CHECK(p.mounts[0].destination == p.mounts[0].source);
    return p.mounts[0].source;
}

}  // namespace

TEST_CASE("E24-E25: relative paths") {
    TempDir dir;
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"gnu/store\"}]") ==
          "/stores/0/source: \"gnu/store\" is a relative path; write an absolute path or start it with ${PACK}, "
          "${ORIGIN}, ${PROFILE_DIR}, ${HOME} or ${PWD}");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"dir\", \"destination\": \"/d\"}, {\"type\": \"tmpfs\", "
                               "\"destination\": \"tmp\"}]") ==
          "/mounts/1/destination: \"tmp\" must be an absolute path inside the sandbox, e.g. \"/tmp\"");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"./x\"}]") ==
          "/mounts/0/source: \"./x\" is a relative path; write an absolute path or start it with ${PACK}, ${ORIGIN}, "
          "${PROFILE_DIR}, ${HOME} or ${PWD}");
    CHECK(e_error(dir, kBase + "\"process\": {\"cwd\": \"work/../src\"}") ==
          "/process/cwd: \"work/../src\" must be an absolute path inside the sandbox, e.g. \"/src\"");
    CHECK(e_error(dir, kBase + "\"root\": {\"exclude\": [\"media\"]}") ==
          "/root/exclude/0: \"media\" must be an absolute path inside the sandbox, e.g. \"/media\"");
    CHECK(e_error(dir, kBase + "\"process\": {\"exec\": \"bin/guile\"}") ==
          "/process/exec: \"bin/guile\" is a relative path; write an absolute path inside the sandbox, or a bare "
          "command name looked up in PATH");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"\"}]") ==
          "/mounts/0/source: empty path; write an absolute path");
    // A variable that expands to a relative path is as wrong as a relative literal.
    LoadContext ctx = pack_context();
    ctx.vars["USER"] = "u";
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${USER}/x\"}]", ctx) ==
          "/mounts/0/source: \"${USER}/x\" is a relative path; write an absolute path or start it with ${PACK}, "
          "${ORIGIN}, ${PROFILE_DIR}, ${HOME} or ${PWD}");
}

TEST_CASE("E26-E28: variable syntax") {
    TempDir dir;
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"${PACKROOT}/gnu/store\"}]") ==
          "/stores/0/source: unknown variable ${PACKROOT}; known: ORIGIN PACK PROFILE_DIR HOME PWD UID GID USER "
          "TMPDIR RUNTIME_DIR");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"$HOME/data\"}]") ==
          "/mounts/0/source: \"$HOME/data\": write ${HOME} (braces are required), or $$ for a literal \"$\"");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${env:DATA}/in\"}]") ==
          "/mounts/0/source: ${env:…} is not allowed in paths (only in env values, args and file content)");
    CHECK(e_error(dir, kBase + "\"process\": {\"argv0\": \"${env:X}\"}") ==
          "/process/argv0: ${env:…} is not allowed here (only in env values, args and file content)");
    CHECK(e_error(dir, kBase + "\"process\": {\"env\": {\"prepend\": {\"PATH\": [\"${env:X}\"]}}}") ==
          "/process/env/prepend/PATH/0: ${env:…} is not allowed here (only in env values, args and file content)");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a$\"}]") ==
          "/mounts/0/source: \"/a$\": write $$ for a literal \"$\", or ${NAME} for a variable");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${HOME/x\"}]") ==
          "/mounts/0/source: \"${HOME/x\": \"${\" without a closing \"}\"; write ${NAME}, or $$ for a literal \"$\"");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${}\"}]") ==
          "/mounts/0/source: unknown variable ${}; known: ORIGIN PACK PROFILE_DIR HOME PWD UID GID USER TMPDIR "
          "RUNTIME_DIR");
    CHECK(e_error(dir, kBase + "\"process\": {\"args\": [\"${env:1X}\"]}") ==
          "/process/args/0: \"${env:1X}\": \"1X\" is not a variable name (must match [A-Za-z_][A-Za-z0-9_]*)");
    CHECK(e_error(dir, kBase + "\"process\": {\"args\": [\"${home}\"]}") ==
          "/process/args/0: unknown variable ${home}; known: ORIGIN PACK PROFILE_DIR HOME PWD UID GID USER TMPDIR "
          "RUNTIME_DIR");
}

TEST_CASE("E29: ${PACK} and ${ORIGIN} paths stay inside the pack") {
    TempDir dir;
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${PACK}/../../etc\"}]") ==
          "/mounts/0/source: \"${PACK}/../../etc\" resolves to /home/etc, outside the pack root /home/u/pack");
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"${ORIGIN}/../../x\"}]") ==
          "/stores/0/source: \"${ORIGIN}/../../x\" resolves to /home/u/x, outside the pack root /home/u/pack");
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"${PACK}/../pack2/gnu/store\"}]") ==
          "/stores/0/source: \"${PACK}/../pack2/gnu/store\" resolves to /home/u/pack2/gnu/store, outside the pack "
          "root /home/u/pack");
    CHECK(bind_source(dir, "${ORIGIN}/../gnu/store") == "/home/u/pack/gnu/store");
    CHECK(bind_source(dir, "${PACK}/gnu/../gnu/./store/") == "/home/u/pack/gnu/store");
    CHECK(bind_source(dir, "${PACK}") == "/home/u/pack");
    // Outside a pack, ${ORIGIN} may go anywhere.
    CHECK(bind_source(dir, "${ORIGIN}/../share", plain_context()) == "/usr/share");
    // Paths not starting with the variable are not contained.
    CHECK(bind_source(dir, "/x/${PACK}/../../y") == "/x/home/y");
}

TEST_CASE("E30: control characters in literal paths") {
    TempDir dir;
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/tmp/a\\nb\"}]") ==
          "/mounts/0/destination: control character U+000A in path");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\\u007f\"}]") ==
          "/mounts/0/source: control character U+007F in path");
    CHECK(
        e_error(dir, kBase + "\"mounts\": [{\"type\": \"symlink\", \"destination\": \"/l\", \"target\": \"a\\tb\"}]") ==
        "/mounts/0/target: control character U+0009 in path");
    // Values from the host may hold them: a user's directory must not be rejected.
    LoadContext ctx = pack_context();
    ctx.vars["HOME"] = "/home/we\nird";
    CHECK(bind_source(dir, "${HOME}/x", ctx) == "/home/we\nird/x");
    // Not paths: args and env values may hold control characters, but not NUL.
    Profile p = load_ok(dir.write("ok.json", doc(kBase + "\"process\": {\"args\": [\"a\\tb\\nc\"]}")));
    CHECK(p.process.args == std::vector<std::string>{"a\tb\nc"});
    CHECK(e_error(dir, kBase + "\"process\": {\"args\": [\"a\\u0000b\"]}") ==
          "/process/args/0: NUL character (U+0000) in a string");
}

TEST_CASE("E52: ${PACK} outside a pack") {
    TempDir dir;
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"${PACK}/gnu/store\"}]", plain_context()) ==
          "/stores/0/source: ${PACK} is undefined: burrow in /usr/bin is not running from inside a pack; use this "
          "profile from a pack, or write the path without ${PACK}");
    LoadContext ctx = plain_context();
    ctx.vars.erase("ORIGIN");
    CHECK(e_error(dir, kBase + "\"stores\": [{\"source\": \"${PACK}/gnu/store\"}]", ctx) ==
          "/stores/0/source: ${PACK} is undefined: burrow is not running from inside a pack; use this profile from "
          "a pack, or write the path without ${PACK}");
    ctx.vars.erase("RUNTIME_DIR");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"${RUNTIME_DIR}/bus\"}]", ctx) ==
          "/mounts/0/source: ${RUNTIME_DIR} has no value here; write the path without it");
}

TEST_CASE("E: every variable expands") {
    TempDir dir;
    std::string file = dir.write(
        "sub/p.json",
        doc(kBase + "\"mounts\": ["
                    "{\"type\": \"bind\", \"source\": \"${ORIGIN}\", \"destination\": \"/o\"},"
                    "{\"type\": \"bind\", \"source\": \"${PACK}\", \"destination\": \"/p\"},"
                    "{\"type\": \"bind\", \"source\": \"${PROFILE_DIR}\", \"destination\": \"/d\"},"
                    "{\"type\": \"bind\", \"source\": \"${HOME}\", \"destination\": \"/h\"},"
                    "{\"type\": \"bind\", \"source\": \"${PWD}\", \"destination\": \"/w\"},"
                    "{\"type\": \"bind\", \"source\": \"${TMPDIR}\", \"destination\": \"/t\"},"
                    "{\"type\": \"bind\", \"source\": \"${RUNTIME_DIR}\", \"destination\": \"/r\"},"
                    "{\"type\": \"file\", \"destination\": \"/f\", \"content\": \"${USER} ${UID} ${GID} ${env:DATA} "
                    "[${env:NOPE}] [${env:EMPTY}] $$HOME $${HOME}\"}]"));
    Profile p = load_ok(file);
    REQUIRE(p.mounts.size() == 8);
    CHECK(p.mounts[0].source == "/home/u/pack/bin");
    CHECK(p.mounts[1].source == "/home/u/pack");
    CHECK(p.mounts[2].source == dir.path() + "/sub");
    CHECK(p.mounts[3].source == "/home/u");
    CHECK(p.mounts[4].source == "/home/u/work");
    CHECK(p.mounts[5].source == "/tmp");
    CHECK(p.mounts[6].source == "/run/user/1000");
    CHECK(p.mounts[7].content == "u 1000 1001 /srv/data [] [] $HOME ${HOME}");
}

TEST_CASE("E: expansion is single-pass") {
    TempDir dir;
    LoadContext ctx = pack_context();
    ctx.env["TRICK"] = "${HOME}$$";
    ctx.vars["HOME"] = "/home/${USER}";
    Profile p = load_ok(dir.write("p.json", doc(kBase + "\"process\": {\"env\": {\"set\": {\"A\": \"${env:TRICK}\"}}, "
                                                        "\"args\": [\"${HOME}\"]}")),
                        {}, ctx);
    CHECK(p.process.env.set == std::vector<std::pair<std::string, std::string>>{{"A", "${HOME}$$"}});
    CHECK(p.process.args == std::vector<std::string>{"/home/${USER}"});
}

TEST_CASE("E: ${PROFILE_DIR} is the directory of the file the string is written in") {
    TempDir dir;
    dir.write("lib/base.json", doc("\"extends\": \"builtin:pack\", \"mounts\": [{\"type\": \"bind\", \"source\": "
                                   "\"${PROFILE_DIR}/data\"}]"));
    std::string top =
        dir.write("top/p.json", doc("\"extends\": \"../lib/base.json\", \"mounts\": [{\"type\": \"bind\", "
                                    "\"source\": \"${PROFILE_DIR}/more\"}]"));
    Profile p = load_ok(top);
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[0].source == dir.path() + "/lib/data");
    CHECK(p.mounts[1].source == dir.path() + "/top/more");
    // A relative profile path is made absolute with ${PWD} (the launcher's physical cwd).
    LoadContext ctx = pack_context();
    ctx.vars["PWD"] = std::filesystem::current_path().string();
    std::string rel = std::filesystem::relative(top, std::filesystem::current_path()).string();
    REQUIRE(rel[0] != '/');
    p = load_ok(rel, {}, ctx);
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[1].source == std::filesystem::weakly_canonical(dir.path()).string() + "/top/more");
}

TEST_CASE("E: normalisation") {
    TempDir dir;
    CHECK(bind_source(dir, "//a/./b/../c/") == "/a/c");
    CHECK(bind_source(dir, "/a//b///c") == "/a/b/c");
    CHECK(bind_source(dir, "/../../x") == "/x");
    CHECK(bind_source(dir, "${PWD}/..") == "/home/u");
    Profile p =
        load_ok(dir.write("p.json", doc(kBase + "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/t/\"}, "
                                                "{\"type\": \"symlink\", \"destination\": \"/t/l\", \"target\": "
                                                "\"../a//b/\"}], \"process\": {\"cwd\": \"/w/./x/\", \"exec\": "
                                                "\"guile\"}, \"root\": {\"exclude\": [\"/media/\"]}")));
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[0].destination == "/t");
    CHECK(p.mounts[1].target == "../a//b/");  // link text is kept as written
    CHECK(p.process.cwd == "/w/x");
    CHECK(p.process.exec == "guile");
    CHECK(p.root.exclude == std::vector<std::string>{"/media"});
    CHECK(
        e_error(dir, kBase + "\"root\": {\"exclude\": [\"/media/usb\"]}") ==
        "/root/exclude/0: \"/media/usb\" is not a top-level entry; \"exclude\" names entries directly under /, such as "
        "\"/media\"");
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/x/..\"}]") ==
          "/mounts/0/destination: a mount at / would cover the whole root; use \"root\" to choose what / holds");
}

TEST_CASE("E: file content limit") {
    TempDir dir;
    std::string content(64 * 1024, 'x');
    CHECK_NOTHROW(load_ok(dir.write("p.json", doc(kBase +
                                                  "\"mounts\": [{\"type\": \"file\", \"destination\": \"/f\", "
                                                  "\"content\": \"" +
                                                  content + "\"}]"))));
    CHECK(e_error(dir, kBase + "\"mounts\": [{\"type\": \"file\", \"destination\": \"/f\", \"content\": \"" + content +
                           "${USER}\"}]") == "/mounts/0/content: file content is 65537 bytes; the limit is 64 KiB");
}

TEST_CASE("E: variables and ${env:…} the maps lack are asked for, only when used") {
    TempDir dir;
    LoadContext ctx = pack_context();
    ctx.vars.erase("HOME");
    ctx.env.clear();
    std::vector<std::string> asked;
    ctx.more_vars = [&](const std::string& n) -> std::optional<std::string> {
        asked.push_back(n);
        return n == "HOME" ? std::optional<std::string>("/home/lazy") : std::nullopt;
    };
    ctx.more_env = [&](const std::string& n) -> std::optional<std::string> {
        asked.push_back("env:" + n);
        return n == "DATA" ? std::optional<std::string>("d") : std::nullopt;
    };
    Profile plain = load_ok(dir.write("plain.json", doc(kBase + "\"process\": {\"args\": [\"x\"]}")), {}, ctx);
    CHECK(asked.empty());
    Profile p = load_ok(dir.write("p.json", doc(kBase + "\"process\": {\"args\": [\"${HOME}\", \"${env:DATA}\", "
                                                        "\"[${env:NOPE}]\"]}")),
                        {}, ctx);
    CHECK(p.process.args == std::vector<std::string>{"/home/lazy", "d", "[]"});
    CHECK(asked == std::vector<std::string>{"HOME", "env:DATA", "env:NOPE"});
}
