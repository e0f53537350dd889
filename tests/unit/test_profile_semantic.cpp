// Profile loader, stage V: checks that need the whole (merged) profile.
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

const std::string kBase = "\"extends\": \"builtin:pack\", ";

std::string v_error(const TempDir& dir, const std::string& members) {
    std::string file = dir.path() + "/p.json";
    std::string m = error_of(dir, members);
    REQUIRE(m.rfind(file + ": ", 0) == 0);
    return m.substr(file.size() + 2);
}

}  // namespace

TEST_CASE("V34: root.host is required after extends") {
    TempDir dir;
    CHECK(v_error(dir, "") ==
          "/root/host: required (after applying extends); use \"all\" to see the host root or \"none\" for an empty "
          "root");
    CHECK(v_error(dir, "\"root\": {\"exclude\": []}") ==
          "/root/host: required (after applying extends); use \"all\" to see the host root or \"none\" for an empty "
          "root");
    Profile p = load_ok(dir.write("ok.json", doc("\"root\": {\"host\": \"none\"}")));
    CHECK(p.root.host == RootSpec::Host::none);
    // Defaults of the bare schema.
    CHECK(p.namespaces.user);
    CHECK(p.namespaces.mount);
    CHECK(!p.namespaces.pid);
    CHECK(!p.namespaces.net);
    CHECK(p.uid.self);
    CHECK(p.security.no_new_privileges);
    CHECK(!p.process.cwd);
    CHECK(!p.process.argv0);
    CHECK(!p.process.exec);
    CHECK(!p.process.env.clear);
}

TEST_CASE("V35: one destination twice in one document: both, in order (the later covers the earlier)") {
    TempDir dir;
    Profile p = load_ok(dir.write(
        "twice.json", doc(kBase + "\"mounts\": [{\"type\": \"dir\", \"destination\": \"/a\"}, {\"type\": \"tmpfs\", "
                                  "\"destination\": \"/tmp\"}, {\"type\": \"bind\", \"source\": \"/srv\", "
                                  "\"destination\": \"/tmp\"}, {\"type\": \"tmpfs\", \"destination\": \"/tmp/\"}]")));
    REQUIRE(p.mounts.size() == 4);
    CHECK(p.mounts[1].type == MountSpec::Type::tmpfs);
    CHECK(p.mounts[2].type == MountSpec::Type::bind);
    CHECK(p.mounts[2].destination == "/tmp");
    CHECK(p.mounts[3].type == MountSpec::Type::tmpfs);
    CHECK(p.mounts[3].destination == "/tmp");
    // Stores are still one per destination.
    CHECK(
        v_error(dir,
                kBase + "\"stores\": [{\"source\": \"/a\"}, {\"source\": \"/b\", \"destination\": \"/gnu/store\"}]") ==
        "/stores/1/destination: /gnu/store is already the destination of /stores/0");
}

TEST_CASE("V36: a mount over an earlier one is kept after it; a later layer replaces one in place") {
    TempDir dir;
    Profile p =
        load_ok(dir.write("cover.json", doc(kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/home/u/src\"}, "
                                                    "{\"type\": \"bind\", \"source\": \"/home\"}]")));
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[0].destination == "/home/u/src");
    CHECK(p.mounts[1].destination == "/home");
    // Across files: the base's mount comes first, the child's covers it.
    dir.write("base.json", doc(kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/etc/ssl\"}, {\"type\": "
                                       "\"tmpfs\", \"destination\": \"/t\"}]"));
    Profile q = load_ok(dir.write("p.json", doc("\"extends\": \"./base.json\", \"mounts\": [{\"type\": \"bind\", "
                                                "\"source\": \"/etc\"}, {\"type\": \"dir\", \"destination\": \"/t\"}, "
                                                "{\"type\": \"tmpfs\", \"destination\": \"/t\"}]")));
    REQUIRE(q.mounts.size() == 4);
    CHECK(q.mounts[0].destination == "/etc/ssl");
    // The first /t of the child replaced the base's in place; its second one follows.
    CHECK(q.mounts[1].destination == "/t");
    CHECK(q.mounts[1].type == MountSpec::Type::dir);
    CHECK(q.mounts[2].destination == "/etc");
    CHECK(q.mounts[3].type == MountSpec::Type::tmpfs);
    // / is the root's: a profile file cannot mount there, even by a variable.
    CHECK(v_error(dir, kBase + "\"mounts\": [{\"type\": \"bind\", \"source\": \"/srv\", \"destination\": \"/\"}]") ==
          "/mounts/0/destination: a mount at / would cover the whole root; use \"root\" to choose what / holds");
}

TEST_CASE("V37: mounts and stores") {
    TempDir dir;
    CHECK(v_error(dir, kBase +
                           "\"stores\": [{\"source\": \"/s\"}], \"mounts\": [{\"type\": \"dir\", \"destination\": "
                           "\"/a\"}, {\"type\": \"dir\", \"destination\": \"/b\"}, {\"type\": \"bind\", \"source\": "
                           "\"/lib\", \"destination\": \"/gnu/store/x/lib\"}]") ==
          "/mounts/2/destination: /gnu/store/x/lib is inside the read-only store at /gnu/store");
    CHECK(v_error(dir, kBase +
                           "\"stores\": [{\"source\": \"/s\"}], \"mounts\": [{\"type\": \"tmpfs\", \"destination\": "
                           "\"/gnu\"}]") ==
          "/mounts/0: mounting /gnu would hide the store at /gnu/store (/stores/0); choose another destination");
    CHECK(v_error(dir, kBase + "\"stores\": [{\"source\": \"/s\"}, {\"source\": \"/t\", \"destination\": "
                               "\"/gnu/store/sub\"}]") ==
          "/stores/1/destination: /gnu/store/sub is inside the store at /gnu/store (/stores/0)");
    CHECK(v_error(dir, kBase + "\"stores\": [{\"source\": \"/s\"}, {\"source\": \"/t\", \"destination\": \"/gnu\"}]") ==
          "/stores/1/destination: a store at /gnu would hide the store at /gnu/store (/stores/0)");
}

TEST_CASE("V38-V39: what mounts and options need from namespaces") {
    TempDir dir;
    // A proc without a pid namespace loads: compile() binds the host's (test_plan.cpp).
    CHECK(load_ok(dir.write("proc.json", doc(kBase + "\"mounts\": [{\"type\": \"dev\"}, {\"type\": \"proc\"}]")))
              .mounts.size() == 2);
    CHECK(v_error(dir, kBase + "\"hostname\": \"x\"") == "/hostname: needs \"namespaces\": {\"uts\": true}");
    // Inherited from a base and turned off later: moot, dropped.
    Profile pr =
        load_ok(dir.write("ok.json", doc("\"extends\": \"builtin:sandbox\", \"namespaces\": {\"uts\": false}")));
    CHECK(!pr.hostname);
    // Set after uts was turned off: a mistake.
    dir.write("base.json", doc("\"extends\": \"builtin:sandbox\", \"namespaces\": {\"uts\": false}"));
    std::string q = dir.write("q.json", doc("\"extends\": \"./base.json\", \"hostname\": \"h\""));
    CHECK(load_error(q) == q + ": /hostname: needs \"namespaces\": {\"uts\": true}");
    // "user": false loads; compile() refuses it unless the caller is root (test_plan.cpp).
    CHECK(!load_ok(dir.write("nouser.json", doc(kBase + "\"namespaces\": {\"user\": false}"))).namespaces.user);
    CHECK(v_error(dir, kBase + "\"namespaces\": {\"mount\": false}") ==
          "/namespaces/mount: burrow always sets up its own mount namespace; remove \"mount\": false");
}

TEST_CASE("V40, V41, V45: seccomp problems come from seccomp::validate, named with the file") {
    TempDir dir;
    std::string m = v_error(dir, kBase + "\"security\": {\"seccomp\": {\"deny\": [\"ptrce\"]}}");
    CHECK(m.rfind("/security/seccomp/deny/0: ", 0) == 0);
    CHECK(m.find("\"ptrce\"") != std::string::npos);
    CHECK(m.find("\"ptrace\"") != std::string::npos);
    m = v_error(dir, kBase + "\"security\": {\"seccomp\": {\"deny\": [\"@debugging\"]}}");
    CHECK(m.rfind("/security/seccomp/deny/0: ", 0) == 0);
    CHECK(m.find("\"@debug\"") != std::string::npos);
    m = v_error(dir, kBase + "\"security\": {\"seccomp\": {\"oci\": \"d.json\", \"deny\": [\"bpf\"]}}");
    CHECK(m.rfind("/security/seccomp", 0) == 0);
    CHECK(m.find("oci") != std::string::npos);
    // In an extended file, with the chain.
    dir.write("base.json", doc(kBase + "\"security\": {\"seccomp\": {\"deny\": [\"ptrce\"]}}"));
    std::string p = dir.write("p.json", doc("\"extends\": \"./base.json\""));
    CHECK(load_error(p).rfind(dir.path() + "/base.json (via " + p + "): /security/seccomp/deny/0: ", 0) == 0);
    m = v_error(dir, kBase + "\"security\": {\"seccomp\": \"default\"}");
    CHECK(m.rfind("/security/seccomp: expected ", 0) == 0);
    CHECK(m.find("got string \"default\"") != std::string::npos);
    m = v_error(dir, kBase + "\"security\": {\"seccomp\": null}");
    CHECK(m.rfind("/security/seccomp: expected ", 0) == 0);
}

TEST_CASE("V42-V44, V46") {
    TempDir dir;
    CHECK(v_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"CAP_SYS_ADMN\"]}}") ==
          "/security/capabilities/keep/0: unknown capability \"CAP_SYS_ADMN\"; did you mean \"CAP_SYS_ADMIN\"?");
    CHECK(v_error(dir, kBase + "\"process\": {\"rlimits\": {\"RLIMIT_NOFILE\": {\"soft\": 8192, \"hard\": 4096}}}") ==
          "/process/rlimits/RLIMIT_NOFILE: soft limit 8192 exceeds hard limit 4096");
    CHECK(v_error(dir,
                  kBase + "\"process\": {\"rlimits\": {\"RLIMIT_NOFILE\": {\"soft\": \"unlimited\", \"hard\": 1}}}") ==
          "/process/rlimits/RLIMIT_NOFILE: soft limit unlimited exceeds hard limit 1");
    CHECK(v_error(dir,
                  kBase + "\"process\": {\"env\": {\"unset\": [\"LD_PRELOAD\"], \"set\": {\"LD_PRELOAD\": \"x\"}}}") ==
          "/process/env: \"LD_PRELOAD\" is in both \"unset\" and \"set\"");
    CHECK(v_error(dir, kBase + "\"stores\": [{\"source\": \"/s\", \"items\": [\"../etc\"]}]") ==
          "/stores/0/items/0: \"../etc\" is not a store item name (one path component, not \".\" or \"..\")");
}

TEST_CASE("V: ambient capabilities must be kept") {
    TempDir dir;
    CHECK(v_error(dir, kBase + "\"security\": {\"capabilities\": {\"keep\": [\"CAP_CHOWN\"], \"ambient\": "
                               "[\"CAP_CHOWN\", \"CAP_NET_RAW\"]}}") ==
          "/security/capabilities/ambient/1: \"CAP_NET_RAW\" is not in \"keep\"; an ambient capability must also be "
          "kept");
    // keep may come from a base.
    dir.write("base.json", doc(kBase + "\"security\": {\"capabilities\": {\"keep\": [\"CAP_NET_RAW\"]}}"));
    Profile p = load_ok(dir.write("ok.json", doc("\"extends\": \"./base.json\", \"security\": {\"capabilities\": "
                                                 "{\"ambient\": [\"CAP_NET_RAW\"]}}")));
    CHECK(p.security.caps_ambient == std::vector<std::string>{"CAP_NET_RAW"});
}

TEST_CASE("V: root.access and root.exclude need host all") {
    TempDir dir;
    CHECK(v_error(dir, "\"root\": {\"host\": \"none\", \"access\": \"ro\"}") ==
          "/root/access: only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
    CHECK(v_error(dir, "\"root\": {\"host\": \"none\", \"exclude\": [\"/media\"]}") ==
          "/root/exclude/0: \"exclude\" is only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
    // Written in a base that had host "all", they are moot once a child says "none".
    std::string p = dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"root\": {\"host\": \"none\"}"));
    Profile pr = load_ok(p);
    CHECK(pr.root.host == RootSpec::Host::none);
    CHECK(pr.root.exclude.empty());
    // …but not when written after it.
    dir.write("base.json", doc("\"root\": {\"host\": \"none\"}"));
    p = dir.write("p.json", doc("\"extends\": \"./base.json\", \"root\": {\"access\": \"ro\"}"));
    CHECK(load_error(p) ==
          p + ": /root/access: only valid with \"host\": \"all\"; remove it, or write \"host\": \"all\"");
    pr = load_ok(
        dir.write("ok.json", doc("\"root\": {\"host\": \"all\", \"access\": \"ro\", \"exclude\": [\"/media\"]}")));
    CHECK(pr.root.access == Access::ro);
    CHECK(pr.root.exclude == std::vector<std::string>{"/media"});
}

TEST_CASE("V: env.keep needs clear") {
    TempDir dir;
    CHECK(v_error(dir, kBase + "\"process\": {\"env\": {\"keep\": [\"TERM\"]}}") ==
          "/process/env/keep/0: \"keep\" only applies with \"clear\": true; remove it, or write \"clear\": true");
    // Inherited from a clearing base and then not clearing: moot.
    Profile p = load_ok(dir.write("ok.json", doc("\"extends\": \"builtin:sandbox\", \"process\": {\"env\": "
                                                 "{\"clear\": false}}")));
    CHECK(!p.process.env.clear);
    CHECK(p.process.env.keep.empty());
    // Added in a later layer than the "clear": false: a mistake.
    dir.write("base.json", doc(kBase + "\"process\": {\"env\": {\"clear\": false}}"));
    std::string q =
        dir.write("q.json", doc("\"extends\": \"./base.json\", \"process\": {\"env\": {\"keep\": [\"A\"]}}"));
    CHECK(load_error(q) == q + ": /process/env/keep/0: \"keep\" only applies with \"clear\": true; remove it, or write "
                               "\"clear\": true");
    p = load_ok(
        dir.write("ok.json", doc("\"extends\": \"builtin:sandbox\", \"process\": {\"env\": {\"keep\": [\"A?\"]}}")));
    CHECK(p.process.env.clear);
    CHECK(p.process.env.keep.back() == "A?");
}

TEST_CASE("V: process.timeout and killAfter, in seconds or with a unit") {
    TempDir dir;
    auto t = [&](const std::string& process) {
        const Profile p = load_ok(dir.write("t.json", doc(kBase + "\"process\": " + process)));
        return std::make_pair(p.process.timeout, p.process.kill_after);
    };
    CHECK(t("{\"timeout\": 0}") == std::make_pair(0.0, 5.0));
    CHECK(t("{\"timeout\": 1.5}") == std::make_pair(1.5, 5.0));
    CHECK(t("{\"timeout\": \"2m\", \"killAfter\": \"0.5s\"}") == std::make_pair(120.0, 0.5));
    CHECK(t("{\"timeout\": \"1h\", \"killAfter\": 0}") == std::make_pair(3600.0, 0.0));
}

TEST_CASE("V: problems of several stages and files are all reported") {
    TempDir dir;
    dir.write("base.json",
              doc("\"root\": {\"host\": \"maybe\"}, \"mounts\": [{\"type\": \"bind\", \"source\": \"x\"}]"));
    std::string p = dir.write("p.json", doc("\"extends\": \"./base.json\", \"hostname\": 7"));
    auto m = load_errors(p);
    std::string via = dir.path() + "/base.json (via " + p + "): ";
    CHECK(m == std::vector<std::string>{
                   p + ": /hostname: expected string, got integer 7",
                   via + "/root/host: expected one of \"all\", \"none\", got \"maybe\"",
                   via + "/mounts/0/source: \"x\" is a relative path; write an absolute path or start it with "
                         "${PACK}, ${ORIGIN}, ${PROFILE_DIR}, ${HOME} or ${PWD}"});
}

TEST_CASE("V: clearBoundingSet") {
    TempDir dir;
    // Off by default (builtin:pack); builtin:sandbox asks for it.
    CHECK_FALSE(
        load_ok(dir.write("pack.json", doc(kBase + "\"process\": {\"args\": [\"x\"]}"))).security.clear_bounding_set);
    CHECK(load_ok(dir.write("sb.json", doc("\"extends\": \"builtin:sandbox\""))).security.clear_bounding_set);
    Profile p =
        load_ok(dir.write("ok.json", doc(kBase + "\"security\": {\"capabilities\": {\"clearBoundingSet\": true}}")));
    CHECK(p.security.clear_bounding_set);
}

TEST_CASE("home: a private home is the last mount, at ${HOME}, and sets HOME") {
    TempDir dir;
    Profile p = load_ok(dir.write("h.json", doc("\"root\": {\"host\": \"none\"}, \"home\": {\"path\": \"/srv/h\"}, "
                                                "\"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/home\"}]")));
    REQUIRE(p.mounts.size() == 2);
    const MountSpec& m = p.mounts.back();
    CHECK(m.type == MountKind::bind);
    CHECK(m.source == "/srv/h");
    CHECK(m.destination == "/home/u");
    CHECK(m.access == Access::rw);
    CHECK(m.create);
    REQUIRE(!p.process.env.set.empty());
    CHECK(p.process.env.set.back() == std::pair<std::string, std::string>{"HOME", "/home/u"});
    Profile t = load_ok(dir.write("t.json", doc("\"root\": {\"host\": \"none\"}, \"home\": {\"tmpfs\": true, "
                                                "\"destination\": \"/h\"}, \"process\": {\"env\": {\"set\": "
                                                "{\"HOME\": \"/else\"}}}")));
    REQUIRE(t.mounts.size() == 1);
    CHECK(t.mounts[0].type == MountKind::tmpfs);
    CHECK(t.mounts[0].mode == 0700u);
    CHECK(t.mounts[0].destination == "/h");
    // HOME is the private home's, whatever the profile set it to.
    CHECK(t.process.env.set.back() == std::pair<std::string, std::string>{"HOME", "/h"});
    CHECK(v_error(dir, "\"home\": {}") ==
          "/home: a private home needs \"path\" (a host directory, created if missing) or \"tmpfs\": true (a "
          "throw-away one), one of the two");
    CHECK(v_error(dir, "\"home\": {\"path\": \"/a\", \"tmpfs\": true}").rfind("/home: a private home needs", 0) == 0);
    CHECK(v_error(dir, "\"home\": {\"path\": \"rel\"}").rfind("/home/path: ", 0) == 0);
}
