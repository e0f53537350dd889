// compile(): Profile + caller facts → Plan, and its JSON rendering.
#include <doctest/doctest.h>

#include "error.hpp"
#include "plan.hpp"

using namespace burrow;
using V = std::vector<std::string>;

static HostFacts caller() {
    HostFacts h;
    h.uid = 1000;
    h.gid = 100;
    h.cwd = "/home/u/src";
    h.argv0 = "burrow";
    return h;
}

static Profile pack_like() {
    Profile p;
    p.root.host = RootSpec::Host::all;
    StoreSpec s;
    s.source = "/pack/gnu/store";
    s.all_items = false;
    s.items = {"abc-hello", "def-libc"};
    p.stores.push_back(s);
    return p;
}

TEST_CASE("plan: the first argument is the command unless process.exec is set") {
    Profile p = pack_like();
    Plan a = compile(p, caller(), {"ls", "-l"});
    CHECK(a.program == "ls");
    CHECK(a.argv == V{"ls", "-l"});
    p.process.exec = "/gnu/store/abc-hello/bin/hello";
    p.process.args = {"--fixed"};
    Plan b = compile(p, caller(), {"ls", "-l"});
    CHECK(b.program == "/gnu/store/abc-hello/bin/hello");
    CHECK(b.argv == V{"/gnu/store/abc-hello/bin/hello", "--fixed", "ls", "-l"});
}

TEST_CASE("plan: a pack entry keeps the caller's argv[0]; an explicit argv0 wins") {
    Profile p = pack_like();
    p.process.exec = "/gnu/store/abc-hello/bin/hello";
    HostFacts h = caller();
    h.pack_entry = true;
    h.argv0 = "./bin/hello";
    CHECK(compile(p, h, {"x"}).argv == V{"./bin/hello", "x"});
    p.process.argv0 = "hi";
    CHECK(compile(p, h, {}).argv == V{"hi"});
}

TEST_CASE("plan: no command is an error that says where to put it") {
    Profile p = pack_like();
    try {
        compile(p, caller(), {});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.status() == 125);
        CHECK(std::string(e.what()).find("no command given") == 0);
    }
}

TEST_CASE("plan: ids map self or fixed values onto the caller's") {
    Profile p = pack_like();
    Plan a = compile(p, caller(), {"x"});
    CHECK(a.uid_inside == 1000);
    CHECK(a.uid_outside == 1000);
    CHECK(a.gid_inside == 100);
    p.uid = {false, 0};
    p.gid = {false, 0};
    Plan b = compile(p, caller(), {"x"});
    CHECK(b.uid_inside == 0);
    CHECK(b.gid_inside == 0);
    CHECK(b.uid_outside == 1000);
    CHECK_FALSE(b.direct_eligible);  // fake root needs the namespace
}

TEST_CASE("plan: stores come before mounts, in order") {
    Profile p = pack_like();
    MountSpec t;
    t.type = MountSpec::Type::tmpfs;
    t.destination = "/tmp";
    t.mode = 01777;
    p.mounts.push_back(t);
    Plan plan = compile(p, caller(), {"x"});
    REQUIRE(plan.mounts.size() == 2);
    CHECK(plan.mounts[0].kind == MountOp::Kind::store);
    CHECK(plan.mounts[0].readonly);
    CHECK(plan.mounts[0].items == V{"abc-hello", "def-libc"});
    CHECK(plan.mounts[1].kind == MountOp::Kind::tmpfs);
    CHECK(plan.mounts[1].mode == 01777);
    CHECK_FALSE(plan.direct_eligible);  // a tmpfs needs the namespace
}

TEST_CASE("plan: direct exec only for host root + stores") {
    Profile p = pack_like();
    CHECK(compile(p, caller(), {"x"}).direct_eligible);
    p.namespaces.pid = true;
    CHECK_FALSE(compile(p, caller(), {"x"}).direct_eligible);
    Profile q = pack_like();
    q.root.access = Access::ro;
    CHECK_FALSE(compile(q, caller(), {"x"}).direct_eligible);
    Profile r = pack_like();
    r.root.host = RootSpec::Host::none;
    CHECK_FALSE(compile(r, caller(), {"x"}).direct_eligible);
}

TEST_CASE("plan: rlimits and capabilities are resolved to numbers") {
    Profile p = pack_like();
    p.process.rlimits = {{"RLIMIT_CORE", false, 0, 0}, {"RLIMIT_NOFILE", true, 0, 0}};
    p.security.caps_keep = {"CAP_NET_RAW"};
    Plan plan = compile(p, caller(), {"x"});
    REQUIRE(plan.rlimits.size() == 1);  // "inherit" leaves the limit alone
    CHECK(plan.rlimits[0].name == "RLIMIT_CORE");
    CHECK(plan.caps_keep == std::vector<int>{13});
}

TEST_CASE("plan: the bounding set is left only when no_new_privs makes it moot") {
    Profile p = pack_like();
    CHECK_FALSE(compile(p, caller(), {"x"}).clear_bounding_set);  // the default
    p.security.clear_bounding_set = true;
    CHECK(compile(p, caller(), {"x"}).clear_bounding_set);
    p.security.clear_bounding_set = false;
    p.security.no_new_privileges = false;  // a setuid or file-capability program could gain
    CHECK(compile(p, caller(), {"x"}).clear_bounding_set);
}

TEST_CASE("plan: JSON lists the steps in launch order") {
    Profile p = pack_like();
    p.namespaces.pid = true;
    p.namespaces.net = true;
    p.process.exec = "/gnu/store/abc-hello/bin/hello";
    auto j = plan_to_json(compile(p, caller(), {"a b"}));
    V ops;
    for (const auto& s : j["steps"]) ops.push_back(s["op"]);
    CHECK(ops == V{"unshare", "map-ids", "fork-pid1", "loopback-up", "root-tmpfs", "bind-host-root", "store",
                   "detach-old-root", "remount-root-ro", "chdir", "env", "no-new-privs", "drop-capabilities",
                   "exec"});
    CHECK(j["steps"][0]["namespaces"] == nlohmann::ordered_json({"user", "mount", "pid", "net"}));
    CHECK(j["steps"][6]["items"] == nlohmann::ordered_json({"abc-hello", "def-libc"}));
    CHECK(j["steps"].back()["argv"] == nlohmann::ordered_json({"/gnu/store/abc-hello/bin/hello", "a b"}));
    CHECK(j["steps"][9]["path"] == "/home/u/src");
}
