// compile(): Profile + caller facts → Plan, and its JSON rendering.
#include <doctest/doctest.h>

#include "runtime/base/error.hpp"
#include "runtime/plan/plan.hpp"
#include "runtime/profile/profile_schema.hpp"

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

TEST_CASE("plan: proot runs host root + stores + plain binds, and says why not otherwise") {
    Profile p = pack_like();
    CHECK(compile(p, caller(), {"x"}).proot_obstacle.empty());
    MountSpec slice;
    slice.type = MountSpec::Type::bind;
    slice.source = "/pack/.burrow/slices/abc-tool";
    slice.destination = "/opt/tool";
    p.mounts.push_back(slice);  // a pack's slice: read-only bind of a directory
    const Plan with_slice = compile(p, caller(), {"x"});
    CHECK_FALSE(with_slice.direct_eligible);
    CHECK(with_slice.proot_obstacle.empty());
    Profile n = p;
    n.mounts[0].noexec = true;
    CHECK(compile(n, caller(), {"x"}).proot_obstacle.find("bind mount at /opt/tool is not a plain bind") !=
          std::string::npos);
    MountSpec t;
    t.type = MountSpec::Type::tmpfs;
    t.destination = "/scratch";
    p.mounts.push_back(t);
    CHECK(compile(p, caller(), {"x"}).proot_obstacle.find("tmpfs mount at /scratch is not a bind or a store") !=
          std::string::npos);
    Profile q = pack_like();
    q.namespaces.net = true;
    CHECK(compile(q, caller(), {"x"}).proot_obstacle.find("it needs namespaces") == 0);
}

TEST_CASE("plan: only a pack entry's chdir accepts the root's copy of the caller's directory") {
    Profile p = pack_like();
    // Each plan is kept while its steps are looked at: find_step points into it.
    const Plan cli_plan = compile(p, caller(), {"x"});
    const auto* cli = find_step<step::Chdir>(cli_plan.steps);
    REQUIRE(cli);
    CHECK_FALSE(cli->pack_entry);
    HostFacts entry = caller();
    entry.pack_entry = true;
    const Plan plan = compile(p, entry, {"x"});
    const auto* in_pack = find_step<step::Chdir>(plan.steps);
    REQUIRE(in_pack);
    CHECK(in_pack->pack_entry);
    CHECK(plan_text(plan).find("\"recreatedCopyAccepted\": true") != std::string::npos);
    entry.bwrap = true;
    const Plan bwrap_plan = compile(p, entry, {"x"});
    const auto* as_bwrap = find_step<step::Chdir>(bwrap_plan.steps);
    REQUIRE(as_bwrap);
    CHECK_FALSE(as_bwrap->pack_entry);
}

TEST_CASE("plan: rlimits and capabilities are resolved to numbers") {
    Profile p = pack_like();
    p.process.rlimits = {{"RLIMIT_CORE", false, 0, 0}, {"RLIMIT_NOFILE", true, 0, 0}};
    p.security.caps_keep = {"CAP_NET_RAW"};
    Plan plan = compile(p, caller(), {"x"});
    const auto* limits = find_step<step::Rlimits>(plan.steps);
    REQUIRE(limits);
    REQUIRE(limits->limits.size() == 1);  // "inherit" leaves the limit alone
    CHECK(limits->limits[0].name == "RLIMIT_CORE");
    REQUIRE(find_step<step::DropCapabilities>(plan.steps));
    CHECK(find_step<step::DropCapabilities>(plan.steps)->keep == std::vector<int>{13});
}

static bool clears_bounding_set(const Profile& p) {
    Plan plan = compile(p, caller(), {"x"});
    const auto* caps = find_step<step::DropCapabilities>(plan.steps);
    REQUIRE(caps);
    return caps->clear_bounding_set;
}

TEST_CASE("plan: the bounding set is left only when no_new_privs makes it moot") {
    Profile p = pack_like();
    CHECK_FALSE(clears_bounding_set(p));  // the default
    p.security.clear_bounding_set = true;
    CHECK(clears_bounding_set(p));
    p.security.clear_bounding_set = false;
    p.security.no_new_privileges = false;  // a setuid or file-capability program could gain
    CHECK(clears_bounding_set(p));
}

static V ops_of(const nlohmann::ordered_json& steps) {
    V ops;
    for (const auto& s : steps) ops.push_back(s["op"]);
    return ops;
}

TEST_CASE("plan: JSON lists the steps in launch order") {
    Profile p = pack_like();
    p.namespaces.pid = true;
    p.namespaces.net = true;
    p.process.exec = "/gnu/store/abc-hello/bin/hello";
    Plan plan = compile(p, caller(), {"a b"});
    auto j = plan_to_json(plan);
    CHECK(ops_of(j["steps"]) == V{"unshare", "map-ids", "loopback-up", "fork-pid1", "root-tmpfs", "bind-host-root",
                                  "store", "remount-root-ro", "detach-old-root", "fork-program", "chdir", "env",
                                  "no-new-privs", "drop-capabilities", "exec"});
    CHECK(j["steps"][0]["namespaces"] == nlohmann::ordered_json({"user", "mount", "pid", "net"}));
    CHECK(j["steps"][6]["items"] == nlohmann::ordered_json({"abc-hello", "def-libc"}));
    CHECK(j["steps"].back()["argv"] == nlohmann::ordered_json({"/gnu/store/abc-hello/bin/hello", "a b"}));
    CHECK(j["steps"][10]["path"] == "/home/u/src");
    CHECK_FALSE(j.contains("directSteps"));
    // One object per step, named as the trace names it.
    REQUIRE(j["steps"].size() == plan.steps.size());
    for (std::size_t i = 0; i < plan.steps.size(); ++i) CHECK(j["steps"][i]["op"] == step_op(plan, plan.steps[i]));
}

TEST_CASE("plan: the order of the security steps") {
    Profile p = pack_like();
    p.namespaces.uts = true;
    p.namespaces.net = true;
    p.hostname = "box";
    p.process.die_with_parent = true;
    p.process.new_session = true;
    p.process.close_fds = true;
    p.process.keep_fds = {5, 3, 5};
    p.process.umask = 077;
    p.security.seccomp = {{"baseline", "default"}};
    Plan plan = compile(p, caller(), {"ls"});
    auto j = plan_to_json(plan);
    // The parent-death signal first (nothing set up for a caller already gone), hostname
    // and lo before the root; a bare name is looked up before privileges go; seccomp last.
    CHECK(ops_of(j["steps"]) == V{"die-with-parent",
                                  "unshare",
                                  "map-ids",
                                  "sethostname",
                                  "loopback-up",
                                  "root-tmpfs",
                                  "bind-host-root",
                                  "store",
                                  "remount-root-ro",
                                  "detach-old-root",
                                  "fork-for-setsid",
                                  "chdir",
                                  "env",
                                  "umask",
                                  "setsid",
                                  "die-with-parent",
                                  "search-path",
                                  "no-new-privs",
                                  "drop-capabilities",
                                  "close-fds",
                                  "seccomp",
                                  "exec"});
    CHECK(j["steps"][15]["again"] == true);
    CHECK_FALSE(j["steps"][0].contains("again"));
    CHECK(j["steps"][19]["keep"] == nlohmann::ordered_json({3, 5}));
}

TEST_CASE("plan: the direct engine's steps, for a plan that may run without namespaces") {
    Profile p = pack_like();
    p.process.new_session = true;
    p.process.die_with_parent = true;
    Plan plan = compile(p, caller(), {"/bin/x"});
    REQUIRE(plan.direct_eligible);
    auto j = plan_to_json(plan);
    CHECK(ops_of(j["directSteps"]) == V{"fork-for-setsid", "chdir", "env", "setsid", "die-with-parent", "no-new-privs",
                                        "drop-capabilities", "exec"});
    CHECK(j["directSteps"][6]["onlyAsRoot"] == true);
    CHECK_FALSE(j["steps"][0].contains("onlyAsRoot"));
    p.namespaces.pid = true;
    CHECK(compile(p, caller(), {"x"}).direct_steps.empty());
}

TEST_CASE("plan: --print-plan's text is the JSON rendering, byte for byte") {
    auto same = [](const Plan& plan) {
        CHECK(plan_text(plan) ==
              plan_to_json(plan).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    };
    Profile p = pack_like();
    same(compile(p, caller(), {"/bin/x"}));  // direct steps too
    p.namespaces.pid = true;
    p.namespaces.net = true;
    p.hostname = "box";
    p.process.close_fds = true;
    p.process.rlimits = {{"RLIMIT_NOFILE", false, 64, 128}};
    p.security.seccomp = {{"baseline", "default"}};
    p.process.env.set = {{"A", "line\nbreak \"quoted\" \xff invalid"}};
    auto add = [&](MountSpec::Type t, const std::string& dest) {
        MountSpec m;
        m.type = t;
        m.destination = dest;
        m.source = "/src" + dest;
        m.target = "../t";
        m.content = "a\nb";
        m.mode = 0700;
        m.size = 4096;
        m.origin.where = "p.json: /mounts/0";
        p.mounts.push_back(m);
    };
    for (auto t : {MountSpec::Type::bind, MountSpec::Type::tmpfs, MountSpec::Type::proc, MountSpec::Type::dev,
                   MountSpec::Type::dir, MountSpec::Type::symlink, MountSpec::Type::file, MountSpec::Type::mask})
        add(t, "/m" + std::to_string(static_cast<int>(t)));
    same(compile(p, caller(), {"ls", "-l"}));
}

TEST_CASE("plan: a proc mount without a pid namespace binds the host's /proc") {
    Profile p;
    MountSpec m;
    m.type = MountSpec::Type::proc;
    m.destination = "/proc";
    p.mounts.push_back(m);
    Plan a = compile(p, caller(), {"true"});
    REQUIRE(a.mounts.size() == 1);
    CHECK(a.mounts[0].source == "/proc");
    CHECK(plan_to_json(a)["steps"][3]["source"] == "/proc");
    p.namespaces.pid = true;  // a pid namespace of its own: a new procfs
    CHECK(compile(p, caller(), {"true"}).mounts[0].source.empty());
}

TEST_CASE("plan: without a user namespace (root only) there are no id maps") {
    Profile p;
    p.namespaces.user = false;
    try {
        compile(p, caller(), {"true"});
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("/namespaces/user: burrow is setuid-free and needs a user namespace unless it "
                                         "is run by root") == 0);
    }
    HostFacts root = caller();
    root.uid = root.gid = 0;
    auto j = plan_to_json(compile(p, root, {"true"}));
    CHECK(ops_of(j["steps"]) == V{"unshare", "root-tmpfs", "remount-root-ro", "detach-old-root", "chdir", "env",
                                  "search-path", "no-new-privs", "drop-capabilities", "exec"});
    CHECK(j["steps"][0]["namespaces"] == nlohmann::ordered_json({"mount"}));
    p.uid.self = false;  // another uid needs the namespace that maps it
    CHECK_THROWS_AS(compile(p, root, {"true"}), Error);
}

TEST_CASE("plan: asPid1, status fds, lock files and disable-userns are steps") {
    Profile p;
    p.namespaces.pid = true;
    p.process.as_pid_1 = true;
    p.process.lock_files = {"/run/lock"};
    p.security.disable_userns = true;
    Plan a = compile(p, caller(), {"/bin/true"});
    auto j = plan_to_json(a);
    CHECK(ops_of(j["steps"]) == V{"unshare", "map-ids", "fork-pid1", "root-tmpfs", "remount-root-ro", "detach-old-root",
                                  "disable-userns", "lock-files", "fork-program", "chdir", "env", "no-new-privs",
                                  "drop-capabilities", "exec"});
    CHECK(j["steps"][8]["asPid1"] == true);
    CHECK(j["steps"][6]["disable"] == true);
    CHECK(j["steps"][7]["paths"] == nlohmann::ordered_json({"/run/lock"}));
    // Without a pid namespace a status fd needs a process that waits for the program.
    Profile q;
    q.process.json_status_fd = 9;
    Plan b = compile(q, caller(), {"/bin/true"});
    CHECK(b.json_status_fd == 9);
    CHECK(b.info_fd == -1);
    CHECK(find_step<step::ForkTimeout>(b.steps) != nullptr);
    q.process.json_status_fd.reset();
    CHECK(find_step<step::ForkTimeout>(compile(q, caller(), {"/bin/true"}).steps) == nullptr);
}

TEST_CASE("plan: seccomp fds are read first and installed last; block and sync fds") {
    Profile p;
    p.security.seccomp_fds = {3, 4};
    p.process.block_fd = 5;
    p.process.sync_fd = 6;
    Plan a = compile(p, caller(), {"/bin/true"});
    auto j = plan_to_json(a);
    CHECK(ops_of(j["steps"]) == V{"read-seccomp-fds", "unshare", "map-ids", "root-tmpfs", "remount-root-ro",
                                  "detach-old-root", "fork-timeout", "block-fd", "chdir", "env", "no-new-privs",
                                  "drop-capabilities", "seccomp-fds", "exec"});
    CHECK(j["steps"][0]["fds"] == nlohmann::ordered_json({3, 4}));
    CHECK(j["steps"][7]["blockFd"] == 5);
    CHECK(j["steps"][7]["closeSyncFd"] == 6);
    CHECK_FALSE(a.direct_eligible);
    // With asPid1 the program keeps the sync fd, as bwrap leaks it then.
    Profile q;
    q.namespaces.pid = true;
    q.process.as_pid_1 = true;
    q.process.sync_fd = 6;
    CHECK(find_step<step::BlockFd>(compile(q, caller(), {"/bin/true"}).steps) == nullptr);
}

TEST_CASE("plan: joined namespaces: setns first, no new user namespace, a fork for a joined pid namespace") {
    Profile p;
    p.namespaces.user_fd = 7;
    p.namespaces.pid_fd = 8;
    Plan a = compile(p, caller(), {"/bin/true"});
    auto j = plan_to_json(a);
    CHECK(ops_of(j["steps"]) == V{"join-namespaces", "unshare", "root-tmpfs", "remount-root-ro", "detach-old-root",
                                  "fork-timeout", "chdir", "env", "no-new-privs", "drop-capabilities", "exec"});
    CHECK(j["steps"][0]["userFd"] == 7);
    CHECK(j["steps"][0]["pidFd"] == 8);
    CHECK(j["steps"][1]["namespaces"] == nlohmann::ordered_json({"mount"}));
    CHECK_FALSE(a.direct_eligible);
    p.uid.self = false;  // the joined namespace's own mapping decides the ids
    CHECK_THROWS_AS(compile(p, caller(), {"/bin/true"}), Error);
}

TEST_CASE("plan: SELinux labels: nothing to do without SELinux, refused with it") {
    Profile p;
    p.security.exec_label = "system_u:system_r:container_t:s0";
    HostFacts h = caller();
    CHECK_NOTHROW(compile(p, h, {"/bin/true"}));
    h.selinux = true;
    CHECK_THROWS_AS(compile(p, h, {"/bin/true"}), Error);
}

TEST_CASE("plan: the bwrap personality") {
    Profile p;
    HostFacts h = caller();
    h.bwrap = true;
    h.argv0 = "/usr/libexec/burrow/bwrap";
    Plan a = compile(p, h, {"/proc/self/exe", "--version"});
    CHECK(a.bwrap);
    // Running itself again keeps the name it was run by, so it is bwrap again.
    CHECK(a.argv == V{"/usr/libexec/burrow/bwrap", "--version"});
    CHECK(compile(p, caller(), {"/proc/self/exe", "--version"}).argv == V{"/proc/self/exe", "--version"});
    // In a user namespace bwrap empties the bounding set; as root without one, it does not.
    CHECK(find_step<step::DropCapabilities>(a.steps)->clear_bounding_set);
    p.namespaces.user = false;
    h.uid = h.gid = 0;
    const Plan as_root = compile(p, h, {"true"});
    CHECK_FALSE(find_step<step::DropCapabilities>(as_root.steps)->clear_bounding_set);
}

TEST_CASE("plan: userBlockFd waits for the caller's maps instead of writing them; user2Fd after the root") {
    Profile p;
    p.namespaces.user_block_fd = 6;
    p.process.info_fd = 5;
    p.namespaces.user2_fd = 9;
    Plan a = compile(p, caller(), {"/bin/true"});
    auto j = plan_to_json(a);
    CHECK(ops_of(j["steps"]) == V{"unshare", "await-id-maps", "root-tmpfs", "remount-root-ro", "detach-old-root",
                                  "join-userns2", "fork-timeout", "chdir", "env", "no-new-privs", "drop-capabilities",
                                  "exec"});
    CHECK(j["steps"][1]["fd"] == 6);
    CHECK(j["steps"][5]["fd"] == 9);
    auto error = [](const Profile& q) {
        try {
            compile(q, caller(), {"/bin/true"});
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    const std::string what =
        "/namespaces/userBlockFd: the caller writes the id maps of the user namespace burrow makes; ";
    Profile q = p;
    q.process.info_fd.reset();
    CHECK(error(q) == what + "it learns which process to write them for from process.infoFd; add --info-fd");
    q = p;
    q.uid.self = false;
    CHECK(error(q) == what + "so it decides the ids inside; remove the uid/gid (--uid, --gid)");
    q = p;
    q.security.disable_userns = true;
    CHECK(error(q) == what + "it cannot be combined with security.disableUserns (--disable-userns)");
    q = p;
    q.namespaces.user_fd = 3;
    CHECK(error(q) == what + "there is none to map (\"user\": false, or one joined with --userns)");
}

TEST_CASE("plan: an overlay mount keeps its layers, lowest first, and where writes go") {
    Profile p;
    MountSpec m;
    m.type = MountKind::overlay;
    m.destination = "/o";
    m.lower = {"/a", "/b"};
    m.upper = "/u";
    m.work = "/w";
    m.access = Access::rw;
    p.mounts.push_back(m);
    auto j = plan_to_json(compile(p, caller(), {"/bin/true"}));
    nlohmann::ordered_json mnt;
    for (const auto& s : j["steps"])
        if (s["op"] == "overlay") mnt = s;
    CHECK(mnt["destination"] == "/o");
    CHECK(mnt["lower"] == nlohmann::ordered_json({"/a", "/b"}));
    CHECK(mnt["upper"] == "/u");
    CHECK(mnt["work"] == "/w");
    CHECK(mnt["access"] == "rw");
}

TEST_CASE("plan: root runs a host-root pack entry as installed: no user namespace, every capability") {
    Profile p = pack_like();
    HostFacts root = caller();
    root.uid = root.gid = 0;
    root.pack_entry = true;
    root.sys_admin = true;
    Profile q = p;
    REQUIRE(root_as_installed(q, root));
    CHECK_FALSE(q.namespaces.user);
    CHECK(q.security.caps_keep == profile::capability_names());
    Plan a = compile(q, root, {"/bin/true"});
    CHECK(find_step<step::MapIds>(a.steps) == nullptr);
    CHECK(find_step<step::Unshare>(a.steps)->ns.user == false);
    CHECK(a.direct_eligible);  // exec'd directly, root keeps its capabilities as well
    // Not for: an ordinary user, root without CAP_SYS_ADMIN, burrow's own command line,
    // a sandbox-style root, ids of its own.
    auto applies = [&](HostFacts h, Profile r) { return root_as_installed(r, h); };
    HostFacts user = root;
    user.uid = 1000;
    CHECK_FALSE(applies(user, p));
    HostFacts weak = root;
    weak.sys_admin = false;
    CHECK_FALSE(applies(weak, p));
    HostFacts cli = root;
    cli.pack_entry = false;
    CHECK_FALSE(applies(cli, p));
    Profile sandbox = p;
    sandbox.root.host = RootSpec::Host::none;
    CHECK_FALSE(applies(root, sandbox));
    Profile ids = p;
    ids.uid.self = false;
    CHECK_FALSE(applies(root, ids));
}
