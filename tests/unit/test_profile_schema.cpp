// Profile loader, stage S: the schema check of each document.
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

// The message for `members` in p.json, without the "<file>: " prefix.
std::string s_error(const TempDir& dir, const std::string& members) {
    std::string file = dir.path() + "/p.json";
    std::string m = error_of(dir, members);
    REQUIRE(m.rfind(file + ": ", 0) == 0);
    return m.substr(file.size() + 2);
}

std::vector<std::string> s_errors(const TempDir& dir, const std::string& text) {
    std::string file = dir.write("p.json", text);
    std::vector<std::string> out;
    for (const auto& m : load_errors(file)) out.push_back(m.rfind(file + ": ", 0) == 0 ? m.substr(file.size() + 2) : m);
    return out;
}

const std::string kBase = "\"extends\": \"builtin:pack\", ";

}  // namespace

TEST_CASE("S8-S10: version") {
    TempDir dir;
    CHECK(s_errors(dir, "{}") ==
          std::vector<std::string>{"/: missing required key \"version\" (burrow reads version 1)"});
    CHECK(s_errors(dir, "{\"version\": 2}") ==
          std::vector<std::string>{
              "/version: profile version 2 is newer than this version of burrow supports (1); upgrade burrow"});
    CHECK(s_errors(dir, "{\"version\": \"1\"}") ==
          std::vector<std::string>{"/version: expected integer 1, got string \"1\""});
    CHECK(s_errors(dir, "{\"version\": 0}") == std::vector<std::string>{"/version: expected integer 1, got integer 0"});
    CHECK(s_errors(dir, "{\"version\": -1}") ==
          std::vector<std::string>{"/version: expected integer 1, got integer -1"});
    CHECK(s_errors(dir, "{\"version\": 1.0}") ==
          std::vector<std::string>{"/version: expected integer 1, got number 1.0"});
    CHECK(s_errors(dir, "{\"version\": true}") ==
          std::vector<std::string>{"/version: expected integer 1, got boolean true"});
}

TEST_CASE("S11-S12: unknown keys: nearest key, foreign spellings") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"mount\": []") == "/mount: unknown key \"mount\"; did you mean \"mounts\"?");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"readonly\": true}]") ==
          "/mounts/0/readonly: unknown key \"readonly\" for a bind mount; write \"access\": \"ro\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"read_only\": false}]") ==
          "/mounts/0/read_only: unknown key \"read_only\" for a bind mount; write \"access\": \"rw\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"ro\": true}]") ==
          "/mounts/0/ro: unknown key \"ro\" for a bind mount; write \"access\": \"ro\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"options\": [\"ro\"]}]") ==
          "/mounts/0/options: unknown key \"options\" for a bind mount; write \"access\": \"ro\" or \"rw\" (and "
          "\"noexec\": true) instead of mount options");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"rw\": true}]") ==
          "/mounts/0/rw: unknown key \"rw\" for a bind mount; write \"access\": \"rw\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"source\": \"/a\", \"type\": \"bind\", \"is_bind\": true}]") ==
          "/mounts/0/is_bind: unknown key \"is_bind\" for a bind mount; write \"type\": \"bind\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"destinaton\": \"/b\"}]") ==
          "/mounts/0/destinaton: unknown key \"destinaton\" for a bind mount; did you mean \"destination\"?");
    CHECK(s_error(dir, kBase + "\"namespaces\": {\"network\": true}") ==
          "/namespaces/network: unknown key \"network\"; write \"net\"");
    CHECK(s_error(dir, kBase + "\"network\": false") ==
          "/network: unknown key \"network\"; write \"namespaces\": {\"net\": true} for a sandbox without network");
    CHECK(s_error(dir, kBase + "\"process\": {\"dieWithparent\": true}") ==
          "/process/dieWithparent: unknown key \"dieWithparent\"; did you mean \"dieWithParent\"?");
    CHECK(s_error(dir, kBase + "\"process\": {\"die_with_parent\": true}") ==
          "/process/die_with_parent: unknown key \"die_with_parent\"; did you mean \"dieWithParent\"?");
    CHECK(s_error(dir, kBase + "\"cwd\": \"/\"") ==
          "/cwd: unknown key \"cwd\"; write it inside \"process\": {\"cwd\": …}");
    CHECK(s_error(dir, kBase + "\"security\": {\"no_new_privs\": true}") ==
          "/security/no_new_privs: unknown key \"no_new_privs\"; write \"noNewPrivileges\"");
    CHECK(s_error(dir, kBase + "\"stores\": [{\"source\": \"/s\", \"access\": \"ro\"}]") ==
          "/stores/0/access: unknown key \"access\" for a store; remove it (stores are always mounted read-only)");
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"drop\": [\"CAP_NET_RAW\"]}}") ==
          "/security/capabilities/drop: unknown key \"drop\"; write \"keep\": [\"CAP_…\"] (every capability not kept "
          "is dropped)");
    CHECK(s_error(dir, kBase + "\"zzz\": 1") ==
          "/zzz: unknown key \"zzz\" (valid: version, name, description, extends, override, root, stores, mounts, "
          "namespaces, user, hostname, home, limits, process, security)");
}

TEST_CASE("S13: a key of another mount type") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"proc\"}, {\"type\": \"dev\"}, {\"type\": \"tmpfs\", "
                               "\"destination\": \"/t\", \"source\": \"none\"}]") ==
          "/mounts/2/source: \"source\" is not valid for a tmpfs mount (valid: type, destination, size, mode)");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"symlink\", \"destination\": \"/l\", \"target\": \"x\", "
                               "\"mode\": \"0755\"}]") ==
          "/mounts/0/mode: \"mode\" is not valid for a symlink mount (valid: type, destination, target)");
}

TEST_CASE("S14-S17: types") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"namespaces\": {\"net\": \"yes\"}") ==
          "/namespaces/net: expected boolean, got string \"yes\"");
    CHECK(s_error(dir, kBase + "\"process\": {\"newSession\": 1}") ==
          "/process/newSession: expected boolean, got integer 1");
    CHECK(s_error(dir, kBase + "\"mounts\": {\"type\": \"bind\"}") == "/mounts: expected array, got object");
    const std::string dur = "expected a duration in seconds such as 10, 1.5, \"30s\", \"2m\" or \"1h\", got ";
    CHECK(s_error(dir, kBase + "\"process\": {\"timeout\": -1}") == "/process/timeout: " + dur + "integer -1");
    CHECK(s_error(dir, kBase + "\"process\": {\"timeout\": \"10ms\"}") ==
          "/process/timeout: " + dur + "string \"10ms\"");
    CHECK(s_error(dir, kBase + "\"process\": {\"killAfter\": true}") == "/process/killAfter: " + dur + "boolean true");
    CHECK(s_error(dir, kBase + "\"process\": {\"timeout\": 1e12}") ==
          "/process/timeout: " + dur + "number 1000000000000.0");
    CHECK(s_error(dir, kBase + "\"process\": {\"args\": [\"a\", 1]}") ==
          "/process/args/1: expected string, got integer 1");
    CHECK(s_error(dir, kBase + "\"process\": \"x\"") == "/process: expected object, got string \"x\"");
    CHECK(s_error(dir, kBase + "\"hostname\": null") == "/hostname: expected string, got null");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": [\"A=1\"]}") ==
          "/process/env: expected object, got array; write \"env\": {\"set\": {\"NAME\": \"value\"}}");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"set\": [\"A=1\"]}}") ==
          "/process/env/set: expected object, got array; write {\"NAME\": \"value\"}, not a list of \"NAME=value\"");
}

TEST_CASE("S18: uid and gid") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"user\": {\"uid\": -1}") ==
          "/user/uid: expected \"self\" or an integer 0..4294967294, got -1");
    CHECK(s_error(dir, kBase + "\"user\": {\"gid\": 4294967295}") ==
          "/user/gid: expected \"self\" or an integer 0..4294967294, got 4294967295");
    CHECK(s_error(dir, kBase + "\"user\": {\"uid\": 1.5}") ==
          "/user/uid: expected \"self\" or an integer 0..4294967294, got number 1.5");
    CHECK(s_error(dir, kBase + "\"user\": {\"uid\": \"root\"}") ==
          "/user/uid: expected \"self\" or an integer 0..4294967294, got string \"root\"");
    Profile p = load_ok(dir.write("ok.json", doc(kBase + "\"user\": {\"uid\": 0, \"gid\": 4294967294}")));
    CHECK(!p.uid.self);
    CHECK(p.uid.id == 0);
    CHECK(!p.gid.self);
    CHECK(p.gid.id == 4294967294u);
    p = load_ok(dir.write("ok.json", doc(kBase + "\"user\": {\"uid\": \"self\"}")));
    CHECK(p.uid.self);
    CHECK(p.gid.self);
}

TEST_CASE("S19-S21: mount enums and required keys") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"access\": \"readonly\"}]") ==
          "/mounts/0/access: expected one of \"ro\", \"rw\", got \"readonly\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"proc\"}, {\"type\": \"dev\"}, {\"type\": \"dir\", "
                               "\"destination\": \"/d\"}, {\"destination\": \"/x\"}]") ==
          "/mounts/3: missing required key \"type\" (one of bind, tmpfs, proc, dev, dir, symlink, file, mask, "
          "chmod, remount, mqueue, overlay)");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"destination\": \"/data\"}]") ==
          "/mounts/0: a bind mount needs \"source\" or \"fd\" (a file descriptor open on the source), not both");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/a\", \"fd\": 3}]") ==
          "/mounts/0: a bind mount needs \"source\" or \"fd\" (a file descriptor open on the source), not both");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"fd\": 70000, \"destination\": \"/a\"}]") ==
          "/mounts/0/fd: a file descriptor is a number from 0 to 65535, got 70000");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"chmod\", \"destination\": \"/a\"}]") ==
          "/mounts/0: a chmod mount needs \"mode\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"tmpfs\"}]") ==
          "/mounts/0: a tmpfs mount needs \"destination\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"file\", \"destination\": \"/f\"}]") ==
          "/mounts/0: a file mount needs \"content\" or \"fd\" (a file descriptor to read it from), not both");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"symlink\", \"destination\": \"/l\"}]") ==
          "/mounts/0: a symlink mount needs \"target\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"loop\", \"destination\": \"/l\"}]") ==
          "/mounts/0/type: expected one of \"bind\", \"tmpfs\", \"proc\", \"dev\", \"dir\", \"symlink\", \"file\", "
          "\"mask\", \"chmod\", \"remount\", \"mqueue\", \"overlay\", got \"loop\"");
    // Overlays: what writes go to decides what else the mount needs.
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\"}]") ==
          "/mounts/0: an overlay mount needs \"lower\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\", \"lower\": []}]") ==
          "/mounts/0/lower: an overlay needs at least one lower directory, e.g. [\"/usr\"]");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\", \"lower\": [\"/a\"], "
                               "\"work\": \"/w\"}]") ==
          "/mounts/0: an overlay with \"work\" needs \"upper\" too: an empty directory on the same filesystem as the "
          "upper one, for overlayfs's own use");
    CHECK(
        s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\", \"lower\": [\"/a\"], "
                             "\"upper\": \"/u\", \"work\": \"/w\", \"access\": \"ro\"}]") ==
        "/mounts/0/access: an overlay with an \"upper\" directory is writable; drop \"access\", or drop \"upper\" and "
        "\"work\"");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\", \"lower\": [\"/a\"]}]")
              .rfind("/mounts/0/lower: a read-only overlay needs at least two lower directories", 0) == 0);
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"overlay\", \"destination\": \"/l\", \"lower\": [\"a\"], "
                               "\"access\": \"rw\"}]")
              .find("/mounts/0/lower/0: ") == 0);
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"Bind\", \"source\": \"/a\"}]") ==
          "/mounts/0/type: expected one of \"bind\", \"tmpfs\", \"proc\", \"dev\", \"dir\", \"symlink\", \"file\", "
          "\"mask\", \"chmod\", \"remount\", \"mqueue\", \"overlay\", got \"Bind\"; did you mean \"bind\"?");
    CHECK(s_error(dir, kBase + "\"root\": {\"host\": \"some\"}") ==
          "/root/host: expected one of \"all\", \"none\", got \"some\"; did you mean \"none\"?");
    CHECK(s_error(dir, kBase + "\"stores\": [{\"items\": \"*\"}]") ==
          "/stores/0: a store needs \"source\" (the host directory holding the items, e.g. \"${PACK}/gnu/store\")");
    CHECK(s_error(dir, kBase + "\"mounts\": [\"/a\"]") == "/mounts/0: expected object, got string \"/a\"");
}

TEST_CASE("S22: octal modes are strings") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"dir\", \"destination\": \"/d\"}, {\"type\": \"tmpfs\", "
                               "\"destination\": \"/t\", \"mode\": 1777}]") ==
          "/mounts/1/mode: expected an octal string such as \"1777\", got integer 1777 (JSON has no octal numbers)");
    CHECK(s_error(dir, kBase + "\"mounts\": [{\"type\": \"dir\", \"destination\": \"/d\", \"mode\": 493}]") ==
          "/mounts/0/mode: expected an octal string such as \"0755\", got integer 493 (JSON has no octal numbers)");
    CHECK(
        s_error(
            dir,
            kBase +
                "\"mounts\": [{\"type\": \"file\", \"destination\": \"/f\", \"content\": \"\", \"mode\": \"0888\"}]") ==
        "/mounts/0/mode: expected an octal string such as \"0444\", got string \"0888\"");
    CHECK(s_error(dir, kBase + "\"process\": {\"umask\": \"22\"}") ==
          "/process/umask: expected an octal string such as \"0022\", got string \"22\"");
    for (const char* good : {"755", "0755", "1777", "01777"}) {
        Profile p = load_ok(dir.write("ok.json", doc(kBase +
                                                     "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/t\", "
                                                     "\"mode\": \"" +
                                                     good + "\"}], \"process\": {\"umask\": \"" + good + "\"}")));
        REQUIRE(p.mounts.size() == 1);
        CHECK(p.mounts[0].mode == static_cast<unsigned>(std::stoul(good, nullptr, 8)));
        CHECK(p.process.umask == static_cast<unsigned>(std::stoul(good, nullptr, 8)));
    }
    for (const char* bad : {"75", "017777", "7a5", "", "-755"}) {
        CAPTURE(bad);
        CHECK(s_error(dir,
                      kBase + "\"mounts\": [{\"type\": \"dir\", \"destination\": \"/d\", \"mode\": \"" + bad + "\"}]")
                  .rfind("/mounts/0/mode: expected an octal string such as \"0755\", got string", 0) == 0);
    }
}

TEST_CASE("S23: environment variable names") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"set\": {\"FOO=BAR\": \"x\"}}}") ==
          "/process/env/set/FOO=BAR: invalid variable name (must match [A-Za-z_][A-Za-z0-9_]*)");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"unset\": [\"A\", \"1A\"]}}") ==
          "/process/env/unset/1: invalid variable name \"1A\" (must match [A-Za-z_][A-Za-z0-9_]*)");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"prepend\": {\"MY-PATH\": [\"/x\"]}}}") ==
          "/process/env/prepend/MY-PATH: invalid variable name (must match [A-Za-z_][A-Za-z0-9_]*)");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"clear\": true, \"keep\": [\"LC_*\", \"A-B\"]}}") ==
          "/process/env/keep/1: invalid pattern \"A-B\" (variable name characters plus * and ?)");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"append\": {\"PATH\": \"/x\"}}}") ==
          "/process/env/append/PATH: expected array, got string \"/x\"; write [\"/x\"]");
    CHECK(s_error(dir, kBase + "\"process\": {\"env\": {\"append\": {\"PATH\": [\"\"]}}}") ==
          "/process/env/append/PATH/0: empty entry; an empty search-path element means the current directory");
}

TEST_CASE("S: sizes") {
    TempDir dir;
    auto size_of = [&](const std::string& v) {
        Profile p = load_ok(dir.write("ok.json", doc(kBase +
                                                     "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/t\", "
                                                     "\"size\": " +
                                                     v + "}]")));
        REQUIRE(p.mounts.size() == 1);
        REQUIRE(p.mounts[0].size.has_value());
        return *p.mounts[0].size;
    };
    CHECK(size_of("100") == 100u);
    CHECK(size_of("\"100\"") == 100u);
    CHECK(size_of("\"64k\"") == 64u * 1024);
    CHECK(size_of("\"64m\"") == 64u * 1024 * 1024);
    CHECK(size_of("\"2G\"") == 2ull * 1024 * 1024 * 1024);
    CHECK(size_of("\"18446744073709551615\"") == UINT64_MAX);
    CHECK(size_of("\"17179869183g\"") == 17179869183ull << 30);
    const std::string expected = "/mounts/0/size: expected a size in bytes such as 67108864 or \"64m\", got ";
    auto bad = [&](const std::string& v) {
        return s_error(dir,
                       kBase + "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/t\", \"size\": " + v + "}]");
    };
    CHECK(bad("\"64mb\"") == expected + "string \"64mb\"");
    CHECK(bad("-1") == expected + "integer -1");
    CHECK(bad("1.5") == expected + "number 1.5");
    CHECK(bad("\"m\"") == expected + "string \"m\"");
    CHECK(bad("\"99999999999999999999g\"") == "/mounts/0/size: size \"99999999999999999999g\" is too large");
    CHECK(bad("\"17179869184g\"") == "/mounts/0/size: size \"17179869184g\" is too large");
    CHECK(bad("\"18446744073709551616\"") == "/mounts/0/size: size \"18446744073709551616\" is too large");
}

TEST_CASE("S: rlimits") {
    TempDir dir;
    Profile p =
        load_ok(dir.write("ok.json", doc(kBase + "\"process\": {\"rlimits\": {\"RLIMIT_NOFILE\": 1024, "
                                                 "\"RLIMIT_CORE\": \"unlimited\", \"RLIMIT_STACK\": \"inherit\", "
                                                 "\"RLIMIT_NPROC\": {\"soft\": 10, \"hard\": \"unlimited\"}}}")));
    REQUIRE(p.process.rlimits.size() == 4);
    CHECK(p.process.rlimits[0].name == "RLIMIT_NOFILE");
    CHECK(p.process.rlimits[0].soft == 1024u);
    CHECK(p.process.rlimits[0].hard == 1024u);
    CHECK(!p.process.rlimits[0].inherit);
    CHECK(p.process.rlimits[1].soft == UINT64_MAX);
    CHECK(p.process.rlimits[1].hard == UINT64_MAX);
    CHECK(p.process.rlimits[2].inherit);
    CHECK(p.process.rlimits[3].soft == 10u);
    CHECK(p.process.rlimits[3].hard == UINT64_MAX);

    CHECK(
        s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_NOFILES\": 1}}") ==
        "/process/rlimits/RLIMIT_NOFILES: unknown resource limit \"RLIMIT_NOFILES\"; did you mean \"RLIMIT_NOFILE\"?");
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"NOFILE\": 1}}") ==
          "/process/rlimits/NOFILE: unknown resource limit \"NOFILE\"; did you mean \"RLIMIT_NOFILE\"?");
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_CORE\": -1}}") ==
          "/process/rlimits/RLIMIT_CORE: expected an unsigned integer (a k, m or g suffix allowed, as in \"1g\"), "
          "\"unlimited\", \"inherit\" or {\"soft\": …, \"hard\": …}, got integer -1");
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_CORE\": {\"soft\": 1}}}") ==
          "/process/rlimits/RLIMIT_CORE: a limit object needs both \"soft\" and \"hard\"");
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_CORE\": {\"soft\": 1, \"hard\": \"inherit\"}}}") ==
          "/process/rlimits/RLIMIT_CORE/hard: expected an unsigned integer (a k, m or g suffix allowed, as in "
          "\"1g\") or \"unlimited\", got string \"inherit\"");

    // Suffixes: KiB, MiB, GiB, either case, in plain values and in soft/hard.
    Profile q = load_ok(dir.write("sfx.json", doc(kBase + "\"process\": {\"rlimits\": {\"RLIMIT_AS\": \"4g\", "
                                                          "\"RLIMIT_NOFILE\": {\"soft\": \"1k\", \"hard\": \"4K\"}, "
                                                          "\"RLIMIT_FSIZE\": \"16m\", \"RLIMIT_CORE\": \"0\"}}")));
    REQUIRE(q.process.rlimits.size() == 4);
    CHECK(q.process.rlimits[0].soft == (4ull << 30));
    CHECK(q.process.rlimits[0].hard == (4ull << 30));
    CHECK(q.process.rlimits[1].soft == 1024u);
    CHECK(q.process.rlimits[1].hard == 4096u);
    CHECK(q.process.rlimits[2].soft == (16u << 20));
    CHECK(q.process.rlimits[3].soft == 0u);
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_AS\": \"4x\"}}").find("got string \"4x\"") !=
          std::string::npos);
    CHECK(s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_AS\": \"99999999999999999999g\"}}") ==
          "/process/rlimits/RLIMIT_AS: limit \"99999999999999999999g\" is too large; use \"unlimited\"");
    CHECK(
        s_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_NOFILE\": {\"soft\": \"2k\", \"hard\": \"1k\"}}}") ==
        "/process/rlimits/RLIMIT_NOFILE: soft limit 2048 exceeds hard limit 1024");
}

TEST_CASE("S: capabilities") {
    TempDir dir;
    Profile p =
        load_ok(dir.write("ok.json", doc(kBase + "\"security\": {\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", "
                                                 "\"CAP_CHOWN\"], \"ambient\": [\"CAP_CHOWN\"]}}")));
    CHECK(p.security.caps_keep == std::vector<std::string>{"CAP_NET_RAW", "CAP_CHOWN"});
    CHECK(p.security.caps_ambient == std::vector<std::string>{"CAP_CHOWN"});
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"CAP_SYS_ADMN\"]}}") ==
          "/security/capabilities/keep/0: unknown capability \"CAP_SYS_ADMN\"; did you mean \"CAP_SYS_ADMIN\"?");
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"cap_net_raw\"]}}") ==
          "/security/capabilities/keep/0: unknown capability \"cap_net_raw\"; did you mean \"CAP_NET_RAW\"?");
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"NET_RAW\"]}}") ==
          "/security/capabilities/keep/0: unknown capability \"NET_RAW\"; did you mean \"CAP_NET_RAW\"?");
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"clearBoundingSet\": \"no\"}}") ==
          "/security/capabilities/clearBoundingSet: expected boolean, got string \"no\"");
    CHECK(s_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"12\"]}}") ==
          "/security/capabilities/keep/0: unknown capability \"12\" (see capabilities(7))");
}

TEST_CASE("S: names, host names, store items") {
    TempDir dir;
    CHECK(
        s_error(dir, kBase + "\"name\": \"my tool\"") ==
        "/name: \"my tool\" is not a valid profile name (letters, digits, \".\", \"_\", \"+\", \"-\", starting with a "
        "letter or digit, at most 64)");
    CHECK(s_error(dir, kBase + "\"hostname\": \"a b\", \"namespaces\": {\"uts\": true}") ==
          "/hostname: \"a b\" is not a valid host name (1 to 64 letters, digits, \"-\", \"_\" or \".\")");
    CHECK(s_error(dir, kBase + "\"stores\": [{\"source\": \"/s\", \"items\": \"all\"}]") ==
          "/stores/0/items: expected \"*\" or an array of store item names, got string \"all\"");
    CHECK(s_error(dir, kBase + "\"stores\": [{\"source\": \"/s\", \"items\": [\"a\", \"b\", \"a\"]}]") ==
          "/stores/0/items/2: \"a\" is listed twice (also /stores/0/items/0)");
    for (const char* bad : {"", ".", "..", "a/b"}) {
        CAPTURE(bad);
        CHECK(s_error(dir, kBase + "\"stores\": [{\"source\": \"/s\", \"items\": [\"" + bad + "\"]}]") ==
              "/stores/0/items/0: \"" + std::string(bad) +
                  "\" is not a store item name (one path component, not \".\" or \"..\")");
    }
}

TEST_CASE("S: x-* keys are ignored anywhere") {
    TempDir dir;
    Profile p = load_ok(dir.write(
        "p.json",
        doc(kBase + "\"x-packer-version\": \"1.2\", \"x-thing\": {\"any\": [1, 2]}, "
                    "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/t\", \"x-why\": \"scratch\"}], "
                    "\"process\": {\"x-note\": 1, \"env\": {\"x-a\": 1, \"set\": {\"x-b\": 2, \"A\": \"1\"}}, "
                    "\"rlimits\": {\"x-c\": true}}, "
                    "\"security\": {\"seccomp\": {\"x-d\": 1}, \"capabilities\": {\"x-e\": 0}}")));
    REQUIRE(p.mounts.size() == 1);
    CHECK(p.process.env.set == std::vector<std::pair<std::string, std::string>>{{"A", "1"}});
    CHECK(p.process.rlimits.empty());
    CHECK(p.security.seccomp == nlohmann::json{{"baseline", "none"}});
}

TEST_CASE("S: all problems of a document, in document order") {
    TempDir dir;
    const std::string valid =
        " (valid: version, name, description, extends, override, root, stores, mounts, namespaces, user, hostname, "
        "home, limits, process, security)";
    CHECK(s_errors(dir, "{\"zeta\": 1, \"version\": 1, \"alpha\": 2, \"process\": {\"cwd\": 3, \"args\": 4}}") ==
          std::vector<std::string>{"/zeta: unknown key \"zeta\"" + valid, "/alpha: unknown key \"alpha\"" + valid,
                                   "/process/cwd: expected string, got integer 3",
                                   "/process/args: expected array, got integer 4"});
}

TEST_CASE("S: at most 50 problems are listed") {
    TempDir dir;
    std::string text = "{\"version\": 1";
    for (int i = 0; i < 60; ++i) text += ", \"k" + std::to_string(i) + "\": 1";
    text += "}";
    auto m = s_errors(dir, text);
    REQUIRE(m.size() == 51);
    CHECK(m[0].rfind("/k0: unknown key \"k0\"", 0) == 0);
    CHECK(m[49].rfind("/k49: unknown key \"k49\"", 0) == 0);
    CHECK(m[50] == "… and 10 more problems (only the first 50 are shown)");
}

TEST_CASE("process.closeFds and process.keepFds: types and ranges") {
    TempDir dir;
    CHECK(s_error(dir, kBase + "\"process\": {\"closeFds\": \"yes\"}") ==
          "/process/closeFds: expected boolean, got string \"yes\"");
    CHECK(s_error(dir, kBase + "\"process\": {\"keepFds\": 3}") ==
          "/process/keepFds: expected an array of file descriptor numbers such as [3], got integer 3");
    CHECK(s_error(dir, kBase + "\"process\": {\"keepFds\": [4, 2]}") ==
          "/process/keepFds/1: a kept file descriptor is a number from 3 to 65535 (0, 1 and 2 are always kept), got 2");
    CHECK(s_error(dir, kBase + "\"process\": {\"keepFds\": [\"3\"]}") ==
          "/process/keepFds/0: expected an unsigned integer, got string \"3\"");
}
