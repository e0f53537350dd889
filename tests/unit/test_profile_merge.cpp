// Profile loader, stage M: extends, merge rules, override, overlays.
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;
using Paths = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::vector<std::string> destinations(const Profile& p) {
    std::vector<std::string> out;
    for (const auto& m : p.mounts) out.push_back(m.destination);
    return out;
}

Overlay overlay(const std::string& json_text) { return Overlay{"command line", nlohmann::json::parse(json_text)}; }

}  // namespace

TEST_CASE("M31: a NAME that is neither a file nor a built-in") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"base\""));
    CHECK(load_error(p) ==
          p + ": /extends: cannot find profile \"base\" (looked for " + dir.path() + "/base.json and builtin:base)");
    p = dir.write("p.json", doc("\"extends\": [\"builtin:pack\", \"base\"]"));
    CHECK(load_error(p) ==
          p + ": /extends/1: cannot find profile \"base\" (looked for " + dir.path() + "/base.json and builtin:base)");
}

TEST_CASE("M32: extends cycles print the chain") {
    TempDir dir;
    std::string a = dir.write("a.json", doc("\"extends\": \"./b.json\""));
    dir.write("b.json", doc("\"extends\": \"./a.json\""));
    CHECK(load_error(a) == a + ": extends cycle: " + a + " → " + dir.path() + "/b.json → " + a);
    // Through a NAME and a subdirectory, and a file extending itself.
    dir.write("b.json", doc("\"extends\": \"sub/../a.json\""));
    CHECK(load_error(a).find("is not a profile reference") != std::string::npos);
    dir.write("b.json", doc("\"extends\": \"a\""));
    CHECK(load_error(a) == a + ": extends cycle: " + a + " → " + dir.path() + "/b.json → " + a);
    std::string self = dir.write("self.json", doc("\"extends\": \"./self.json\""));
    CHECK(load_error(self) == self + ": extends cycle: " + self + " → " + self);
}

TEST_CASE("M33: override entries must be key paths") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"override\": [\"mount\"]"));
    CHECK(load_error(p) == p + ": /override/0: \"mount\" is not a key path of the profile; did you mean \"mounts\"?");
    p = dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"override\": [\"mounts\", \"seccomp.deny\"]"));
    CHECK(load_error(p) == p + ": /override/1: \"seccomp.deny\" is not a key path of the profile; did you mean "
                               "\"security.seccomp.deny\"?");
    p = dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"override\": [\"zzzz\"]"));
    CHECK(load_error(p) == p + ": /override/0: \"zzzz\" is not a key path of the profile (write dotted key paths "
                               "such as \"mounts\" or \"process.env.set\")");
    p = dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"override\": \"mounts\""));
    CHECK(load_error(p) == p + ": /override: expected array, got string \"mounts\"");
}

TEST_CASE("M: extends references") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"sub/x.json\""));
    CHECK(load_error(p) == p + ": /extends: \"sub/x.json\" is not a profile reference; write \"./FILE.json\" for a "
                               "file next to this one, \"builtin:NAME\" for a built-in base, or a NAME for "
                               "${PROFILE_DIR}/NAME.json");
    p = dir.write("p.json", doc("\"extends\": \"builtin:nope\""));
    CHECK(load_error(p) == p + ": /extends: unknown built-in profile \"builtin:nope\" (known: builtin:pack, "
                               "builtin:sandbox)");
    p = dir.write("p.json", doc("\"extends\": \"./missing.json\""));
    CHECK(load_error(p) == p + ": /extends: cannot open \"./missing.json\" (" + dir.path() +
                               "/missing.json): No such file or directory");
    p = dir.write("p.json", doc("\"extends\": 1"));
    CHECK(load_error(p) == p + ": /extends: expected a string or an array of strings, got integer 1");
    p = dir.write("p.json", doc("\"extends\": [\"builtin:pack\", 2]"));
    CHECK(load_error(p) == p + ": /extends/1: expected string, got integer 2");
    CHECK(load_error("builtin:nope") ==
          "builtin:nope: unknown built-in profile (known: builtin:pack, builtin:sandbox)");
}

TEST_CASE("M: NAME finds ${PROFILE_DIR}/NAME.json first, then the built-in") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"sandbox\""));
    CHECK(load_ok(p).hostname == "sandbox");  // builtin:sandbox
    dir.write("sandbox.json", doc("\"extends\": \"builtin:sandbox\", \"hostname\": \"mine\""));
    CHECK(load_ok(p).hostname == "mine");
    // Absolute references work too.
    p = dir.write("q.json", doc("\"extends\": \"" + dir.path() + "/sandbox.json\""));
    CHECK(load_ok(p).hostname == "mine");
}

TEST_CASE("M: extends is applied left to right, then the file itself") {
    TempDir dir;
    dir.write("x.json", doc("\"hostname\": \"x\", \"namespaces\": {\"pid\": true}"));
    dir.write("y.json", doc("\"hostname\": \"y\""));
    std::string p = dir.write("p.json", doc("\"extends\": [\"builtin:sandbox\", \"./x.json\", \"./y.json\"]"));
    Profile pr = load_ok(p);
    CHECK(pr.hostname == "y");
    CHECK(pr.namespaces.pid);
    p = dir.write("p.json", doc("\"extends\": [\"builtin:sandbox\", \"./y.json\", \"./x.json\"], "
                                "\"namespaces\": {\"net\": false}"));
    pr = load_ok(p);
    CHECK(pr.hostname == "x");
    CHECK(!pr.namespaces.net);
    CHECK(pr.namespaces.uts);
    CHECK(pr.name == "p");
    CHECK(pr.source == p);
}

TEST_CASE("M: a diamond merges the shared file once, at its first position") {
    TempDir dir;
    dir.write("d.json", doc("\"extends\": \"builtin:sandbox\", \"hostname\": \"d\", \"mounts\": [{\"type\": \"dir\", "
                            "\"destination\": \"/d\"}]"));
    dir.write("b.json", doc("\"extends\": \"./d.json\", \"hostname\": \"b\""));
    dir.write("c.json", doc("\"extends\": \"./d.json\""));
    std::string a = dir.write("a.json", doc("\"extends\": [\"./b.json\", \"./c.json\"]"));
    Profile p = load_ok(a);
    CHECK(p.hostname == "b");  // merged twice, d's "d" would have come back after b
    auto d = destinations(p);
    CHECK(std::count(d.begin(), d.end(), "/d") == 1);
}

TEST_CASE("M: extends depth is limited to 8") {
    TempDir dir;
    dir.write("f9.json", doc("\"extends\": \"builtin:pack\""));
    for (int i = 0; i < 9; ++i)
        dir.write("f" + std::to_string(i) + ".json", doc("\"extends\": \"./f" + std::to_string(i + 1) + ".json\""));
    // f1 → … → f9 → builtin:pack: builtin:pack is 9 levels below f1, too deep.
    std::string chain;
    for (int i = 1; i <= 9; ++i) chain += dir.path() + "/f" + std::to_string(i) + ".json → ";
    std::string via;
    for (int i = 8; i >= 1; --i) via += (via.empty() ? "" : " → ") + dir.path() + "/f" + std::to_string(i) + ".json";
    CHECK(load_error(dir.path() + "/f1.json") == dir.path() + "/f9.json (via " + via +
                                                     "): /extends: more than 8 levels of \"extends\" (" + chain +
                                                     "builtin:pack); flatten the chain");
    // f2 → … → f9 → builtin:pack is exactly 8 levels.
    CHECK_NOTHROW(load_ok(dir.path() + "/f2.json"));
}

TEST_CASE("M: messages about inherited values name the file and the chain") {
    TempDir dir;
    dir.write("base.json",
              doc("\"extends\": \"builtin:pack\", \"mounts\": [{\"type\": \"dir\", \"destination\": \"/d\"}, "
                  "{\"type\": \"bind\", \"source\": \"data\"}]"));
    dir.write("mid.json", doc("\"extends\": \"./base.json\""));
    std::string top = dir.write("top.json", doc("\"extends\": \"./mid.json\""));
    CHECK(load_error(top) == dir.path() + "/base.json (via " + dir.path() + "/mid.json → " + top +
                                 "): /mounts/1/source: \"data\" is a relative path; write an absolute path or start it "
                                 "with ${PACK}, ${ORIGIN}, ${PROFILE_DIR}, ${HOME} or ${PWD}");
}

TEST_CASE("M: scalars: later wins; objects merge by key") {
    TempDir dir;
    dir.write("base.json", doc("\"extends\": \"builtin:pack\", \"process\": {\"cwd\": \"/a\", \"argv0\": \"x\", "
                               "\"env\": {\"set\": {\"A\": \"1\", \"B\": \"2\"}}, \"rlimits\": {\"RLIMIT_CORE\": 0, "
                               "\"RLIMIT_NOFILE\": {\"soft\": 1, \"hard\": 2}}}, \"user\": {\"uid\": 0}"));
    std::string p = dir.write("p.json", doc("\"extends\": \"./base.json\", \"process\": {\"cwd\": \"/b\", \"env\": "
                                            "{\"set\": {\"B\": \"3\", \"C\": \"4\"}}, \"rlimits\": {\"RLIMIT_NOFILE\": "
                                            "\"unlimited\"}}, \"user\": {\"gid\": 0}"));
    Profile pr = load_ok(p);
    CHECK(pr.process.cwd == "/b");
    CHECK(pr.process.argv0 == "x");
    CHECK(pr.process.env.set == Pairs{{"A", "1"}, {"B", "3"}, {"C", "4"}});
    REQUIRE(pr.process.rlimits.size() == 2);
    CHECK(pr.process.rlimits[0].name == "RLIMIT_CORE");
    CHECK(pr.process.rlimits[1].name == "RLIMIT_NOFILE");
    CHECK(pr.process.rlimits[1].soft == UINT64_MAX);
    CHECK(!pr.uid.self);
    CHECK(!pr.gid.self);
    CHECK(pr.root.host == RootSpec::Host::all);  // from builtin:pack
}

TEST_CASE("M: mounts and stores concatenate; the same destination replaces in place") {
    TempDir dir;
    dir.write("base.json", doc("\"extends\": \"builtin:sandbox\", \"stores\": [{\"source\": \"/s1\"}, {\"source\": "
                               "\"/n1\", \"destination\": \"/nix/store\"}]"));
    std::string p = dir.write(
        "p.json",
        doc("\"extends\": \"./base.json\", \"stores\": [{\"source\": \"/s2\", \"destination\": \"/gnu/store/\", "
            "\"items\": [\"a\"]}, {\"source\": \"/o\", \"destination\": \"/opt/x\"}], \"mounts\": ["
            "{\"type\": \"tmpfs\", \"destination\": \"/tmp\", \"size\": \"1m\"}, "
            "{\"type\": \"bind\", \"source\": \"/w\", \"access\": \"rw\"}]"));
    Profile pr = load_ok(p);
    REQUIRE(pr.stores.size() == 3);
    CHECK(pr.stores[0].source == "/s2");
    CHECK(pr.stores[0].destination == "/gnu/store");
    CHECK(!pr.stores[0].all_items);
    CHECK(pr.stores[0].items == std::vector<std::string>{"a"});
    CHECK(pr.stores[0].origin.where == p + ": /stores/0");
    CHECK(pr.stores[1].destination == "/nix/store");
    CHECK(pr.stores[1].all_items);
    CHECK(pr.stores[1].origin.where == dir.path() + "/base.json (via " + p + "): /stores/1");
    CHECK(pr.stores[2].destination == "/opt/x");
    auto d = destinations(pr);
    REQUIRE(d.size() == 11);
    CHECK(d[7] == "/tmp");  // builtin:sandbox's /tmp, replaced where it was
    CHECK(pr.mounts[7].size == 1024u * 1024);
    CHECK(pr.mounts[7].origin.where == p + ": /mounts/0");
    CHECK(pr.mounts[0].origin.where == "builtin:sandbox (via " + dir.path() + "/base.json → " + p + "): /mounts/0");
    CHECK(d[10] == "/w");
    CHECK(pr.mounts[10].access == Access::rw);
}

TEST_CASE("M: name lists union; args replace; prepend/append concatenate") {
    TempDir dir;
    dir.write(
        "base.json",
        doc("\"extends\": \"builtin:sandbox\", \"root\": {\"host\": \"all\", \"exclude\": [\"/media\", \"/mnt\"]}, "
            "\"process\": {\"args\": [\"-a\", \"-b\"], \"env\": {\"keep\": [\"HOME\"], \"unset\": [\"X\"], "
            "\"prepend\": {\"PATH\": [\"/p1\"]}, \"append\": {\"MANPATH\": [\"/m1\"]}}}, "
            "\"security\": {\"capabilities\": {\"keep\": [\"CAP_CHOWN\"]}, \"seccomp\": {\"deny\": [\"bpf\"]}}"));
    std::string p = dir.write(
        "p.json", doc("\"extends\": \"./base.json\", \"override\": [\"root.host\"], \"root\": {\"host\": \"all\", "
                      "\"exclude\": [\"/mnt\", \"/srv\"]}, \"process\": {\"args\": [\"-c\"], \"env\": {\"keep\": "
                      "[\"LANG\", \"HOME\"], \"unset\": [\"Y\", \"X\"], \"prepend\": {\"PATH\": [\"/p2\", \"/p1\"], "
                      "\"GUILE_LOAD_PATH\": [\"/g\"]}, \"append\": {\"MANPATH\": [\"/m2\"]}}}, "
                      "\"security\": {\"capabilities\": {\"keep\": [\"CAP_NET_RAW\", \"CAP_CHOWN\"]}, "
                      "\"seccomp\": {\"deny\": [\"ptrace\", \"bpf\"]}}"));
    Profile pr = load_ok(p);
    CHECK(pr.root.exclude == std::vector<std::string>{"/media", "/mnt", "/srv"});
    CHECK(pr.process.args == std::vector<std::string>{"-c"});
    CHECK(pr.process.env.keep == std::vector<std::string>{"TERM", "LANG", "LC_*", "TZ", "SOURCE_DATE_EPOCH", "HOME"});
    CHECK(pr.process.env.unset == std::vector<std::string>{"X", "Y"});
    CHECK(pr.process.env.prepend == Paths{{"PATH", {"/p1", "/p2", "/p1"}}, {"GUILE_LOAD_PATH", {"/g"}}});
    CHECK(pr.process.env.append == Paths{{"MANPATH", {"/m1", "/m2"}}});
    CHECK(pr.security.caps_keep == std::vector<std::string>{"CAP_CHOWN", "CAP_NET_RAW"});
    CHECK(pr.security.seccomp == nlohmann::json{{"baseline", "default"}, {"deny", {"bpf", "ptrace"}}});
}

TEST_CASE("M: process.keepFds is merged as a union with the base's (burrow-profile(5))") {
    TempDir dir;
    dir.write("base.json", doc("\"extends\": \"builtin:sandbox\", \"process\": {\"keepFds\": [3, 5]}"));
    std::string p = dir.write("p.json", doc("\"extends\": \"./base.json\", \"process\": {\"keepFds\": [5, 7]}"));
    CHECK(load_ok(p).process.keep_fds == std::vector<int>{3, 5, 7});
}

TEST_CASE("M: override discards inherited values first") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"builtin:sandbox\", \"override\": [\"mounts\", "
                                            "\"process.env.keep\", \"security.seccomp\", \"hostname\", "
                                            "\"namespaces.uts\"], \"mounts\": [{\"type\": \"tmpfs\", \"destination\": "
                                            "\"/scratch\"}], \"process\": {\"env\": {\"keep\": [\"TERM\"]}}"));
    Profile pr = load_ok(p);
    CHECK(destinations(pr) == std::vector<std::string>{"/scratch"});
    CHECK(pr.process.env.keep == std::vector<std::string>{"TERM"});
    CHECK(pr.security.seccomp.is_null());
    CHECK(!pr.hostname);
    CHECK(!pr.namespaces.uts);  // back to the default
    CHECK(pr.namespaces.pid);   // untouched
    // Overriding something nothing set is fine.
    CHECK_NOTHROW(
        load_ok(dir.write("q.json", doc("\"extends\": \"builtin:pack\", \"override\": [\"process.umask\"]"))));
}

TEST_CASE("M: env set/unset across layers") {
    TempDir dir;
    dir.write("base.json", doc("\"extends\": \"builtin:pack\", \"process\": {\"env\": {\"unset\": [\"LD_PRELOAD\", "
                               "\"X\"], \"set\": {\"A\": \"1\", \"B\": \"2\"}, \"prepend\": {\"P\": [\"/p\"], \"Q\": "
                               "[\"/q\"]}, \"append\": {\"P\": [\"/a\"]}}}"));
    std::string p =
        dir.write("p.json", doc("\"extends\": \"./base.json\", \"process\": {\"env\": {\"set\": "
                                "{\"LD_PRELOAD\": \"/lib.so\", \"P\": \"/only\"}, \"unset\": [\"A\", \"Q\"]}}"));
    Profile pr = load_ok(p);
    CHECK(pr.process.env.unset == std::vector<std::string>{"X", "A", "Q"});
    CHECK(pr.process.env.set == Pairs{{"B", "2"}, {"LD_PRELOAD", "/lib.so"}, {"P", "/only"}});
    CHECK(pr.process.env.prepend.empty());
    CHECK(pr.process.env.append.empty());
    // A later prepend keeps an earlier unset: the variable is then just the list.
    p = dir.write("q.json",
                  doc("\"extends\": \"./base.json\", \"process\": {\"env\": {\"prepend\": {\"X\": [\"/x\"]}}}"));
    pr = load_ok(p);
    CHECK(pr.process.env.unset == std::vector<std::string>{"LD_PRELOAD", "X"});
    CHECK(pr.process.env.prepend == Paths{{"P", {"/p"}}, {"Q", {"/q"}}, {"X", {"/x"}}});
    // Within one document both is an error.
    p = dir.write("r.json", doc("\"extends\": \"builtin:pack\", \"process\": {\"env\": {\"unset\": [\"LD_PRELOAD\"], "
                                "\"set\": {\"LD_PRELOAD\": \"x\"}}}"));
    CHECK(load_error(p) == p + ": /process/env: \"LD_PRELOAD\" is in both \"unset\" and \"set\"");
    p = dir.write("r.json", doc("\"extends\": \"builtin:pack\", \"process\": {\"env\": {\"unset\": [\"PATH\"], "
                                "\"append\": {\"PATH\": [\"/x\"]}}}"));
    CHECK(load_error(p) == p + ": /process/env: \"PATH\" is in both \"unset\" and \"append\"");
}

TEST_CASE("M: overlays: the command line on top of a profile") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"builtin:sandbox\", \"process\": {\"env\": {\"unset\": "
                                            "[\"X\"]}}, \"mounts\": [{\"type\": \"bind\", \"source\": \"/data\"}]"));
    Profile pr = load_ok(p, {overlay(R"({"process": {"env": {"set": {"X": "v$$1${HOME}"}}},
                                         "mounts": [{"type": "bind", "source": "/src", "destination": "/data",
                                                     "access": "rw", "x-option": "--bind /src /data"},
                                                    {"type": "tmpfs", "destination": "/a$$b", "x-option": "--tmpfs /a$b"}],
                                         "namespaces": {"net": false}})")});
    CHECK(pr.process.env.unset.empty());
    // In document order: builtin:sandbox's, then the command line's.
    CHECK(pr.process.env.set == Pairs{{"HOME", "/homeless-shelter"},
                                      {"TMPDIR", "/tmp"},
                                      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                      {"X", "v$1${HOME}"}});
    auto d = destinations(pr);
    REQUIRE(d.size() == 12);
    CHECK(d[10] == "/data");
    CHECK(pr.mounts[10].source == "/src");
    CHECK(pr.mounts[10].origin.where == "command line: --bind /src /data");
    CHECK(d[11] == "/a$b");
    CHECK(!pr.namespaces.net);
    // Several overlays apply in order.
    pr = load_ok(p, {overlay(R"({"hostname": "one"})"), overlay(R"({"hostname": "two"})")});
    CHECK(pr.hostname == "two");
}

TEST_CASE("M: overlay problems name the option") {
    TempDir dir;
    std::string p = dir.write("p.json", doc("\"extends\": \"builtin:pack\""));
    CHECK(load_error(p, {overlay(R"({"mounts": [{"type": "bind", "source": "a", "destination": "/b",
                                                  "x-option": "--bind a /b"}]})")}) ==
          "command line: --bind a /b: \"a\" is a relative path; write an absolute path");
    CHECK(load_error(p, {overlay(R"({"namespaces": {"pid": "yes"}})")}) ==
          "command line: /namespaces/pid: expected boolean, got string \"yes\"");
    CHECK(load_error(p, {overlay(R"({"version": 1})")}) ==
          "command line: /version: unknown key \"version\" (valid: name, description, override, root, stores, "
          "mounts, namespaces, user, hostname, home, limits, process, security)");
    CHECK(load_error(p, {overlay(R"({"extends": "builtin:sandbox"})")})
              .rfind("command line: /extends: unknown key \"extends\"", 0) == 0);
    CHECK(load_error(p, {overlay(R"([1])")}) == "command line: /: expected an object, got array");
    CHECK(load_error(p, {overlay(R"({"mounts": [{"type": "symlink", "destination": "/", "target": "x",
                                                 "x-option": "--symlink x /"}]})")}) ==
          "command line: --symlink x /: only a bind or a tmpfs can be mounted at /");
    // Semantic problems too.
    CHECK(load_error(p, {overlay(R"({"process": {"asPid1": true}, "x-option": "--as-pid-1"})")}) ==
          "command line: --as-pid-1: the program can be pid 1 only of a pid namespace of its own; add "
          "\"namespaces\": {\"pid\": true} (--unshare-pid)");
}

TEST_CASE("M: no profile: defaults with an empty root, then overlays") {
    Profile p = load_ok(std::nullopt);
    CHECK(p.root.host == RootSpec::Host::none);
    CHECK(p.mounts.empty());
    CHECK(p.stores.empty());
    CHECK(p.namespaces.user);
    CHECK(p.namespaces.mount);
    CHECK(!p.namespaces.pid);
    CHECK(p.security.no_new_privileges);
    CHECK(p.security.seccomp.is_null());
    CHECK(p.source == "command line");
    p = load_ok(std::nullopt, {overlay(R"({"root": {"host": "all", "access": "ro"},
                                           "stores": [{"source": "/s", "x-option": "--store /s"}]})")});
    CHECK(p.root.host == RootSpec::Host::all);
    CHECK(p.root.access == Access::ro);
    REQUIRE(p.stores.size() == 1);
    CHECK(p.stores[0].destination == "/gnu/store");
    CHECK(p.stores[0].origin.where == "command line: --store /s");
    CHECK(load_error(std::nullopt, {overlay(R"({"root": {"access": "ro"}})")}) ==
          "command line: /root/access: only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
}
