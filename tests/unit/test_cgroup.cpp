// cgroup v2 limits: the text they read, the profile and options that ask for them, the plan
// step, and the files the step writes (on a plain directory laid out like a cgroup).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "launcher/cli.hpp"
#include "runtime/base/cgroup_text.hpp"
#include "runtime/base/fileio.hpp"
#include "runtime/launch/apply.hpp"
#include "runtime/plan/plan.hpp"
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;
using V = std::vector<std::string>;

namespace {

const char* kHybridMountinfo =
    "25 30 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "31 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "32 31 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 "
    "rw,nsdelegate\n"
    "35 31 0:30 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,memory\n";

const char* kHybridCgroup = "4:memory:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n0::/user.slice/x\n";

std::string slurp(const std::string& p) { return read_file(p).value_or("(missing)"); }

// A directory with the files a cgroup has (plain files here): the parent offers `offered`.
struct FakeCgroup {
    TempDir dir;
    explicit FakeCgroup(const std::string& offered) {
        dir.write("cgroup.controllers", offered + "\n");
        dir.write("cgroup.subtree_control", "");
        dir.write("cgroup.procs", "");
    }
    // The files the kernel would make in the child.
    void child_files(pid_t pid) const {
        const std::string c = "burrow-" + std::to_string(pid) + "/";
        for (const char* f : {"cgroup.procs", "memory.max", "cpu.max", "pids.max"}) dir.write(c + f, "");
    }
};

}  // namespace

TEST_CASE("cgroup: the caller's cgroup v2 directory from mountinfo and /proc/self/cgroup") {
    CHECK(cgroup::own_directory(kHybridMountinfo, kHybridCgroup) == "/sys/fs/cgroup/unified/user.slice/x");
    CHECK(cgroup::own_directory(kHybridMountinfo, "0::/\n") == "/sys/fs/cgroup/unified");
    // Only v1 lines, or no cgroup2 mount: none.
    CHECK(cgroup::own_directory(kHybridMountinfo, "4:memory:/\n") == "");
    CHECK(cgroup::own_directory("35 31 0:30 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "0::/a\n") == "");
    // A unified host: the mount at /sys/fs/cgroup; an escaped mount point; a subtree mount.
    CHECK(cgroup::own_directory("30 1 0:26 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw\n", "0::/a/b\n") ==
          "/sys/fs/cgroup/a/b");
    CHECK(cgroup::own_directory("30 1 0:26 / /m\\040x rw - cgroup2 none rw\n", "0::/a\n") == "/m x/a");
    CHECK(cgroup::own_directory("30 1 0:26 /a /c rw - cgroup2 none rw\n", "0::/a/b\n") == "/c/b");
    CHECK(cgroup::own_directory("30 1 0:26 /a /c rw - cgroup2 none rw\n", "0::/ab\n") == "");
}

TEST_CASE("cgroup: cpu.max, controller lists, v1 controllers") {
    CHECK(cgroup::cpu_max(0.5) == "50000 100000");
    CHECK(cgroup::cpu_max(2) == "200000 100000");
    CHECK(cgroup::cpu_max(0.001) == "1000 100000");  // the kernel's minimum quota
    CHECK(cgroup::words("cpuset cpu  io\nmemory\n") == V{"cpuset", "cpu", "io", "memory"});
    CHECK(cgroup::words("") == V{});
    CHECK(cgroup::needed(true, false, true) == V{"memory", "pids"});
    CHECK(cgroup::on_v1(kHybridCgroup, "memory"));
    CHECK_FALSE(cgroup::on_v1(kHybridCgroup, "pids"));
    CHECK(cgroup::on_v1("3:cpu,cpuacct:/\n", "cpuacct"));
    CHECK_FALSE(cgroup::on_v1("1:name=systemd:/\n0::/\n", "systemd"));
}

TEST_CASE("cgroup: profile limits and their errors") {
    TempDir dir;
    Profile p = load_ok(dir.write(
        "l.json",
        doc("\"root\": {\"host\": \"none\"}, \"limits\": {\"memory\": \"64m\", \"cpus\": 0.5, \"pids\": 20}")));
    CHECK(p.limits.memory == 64u << 20);
    CHECK(p.limits.cpus == 0.5);
    CHECK(p.limits.pids == 20u);
    CHECK(p.limits.where == dir.path() + "/l.json: /limits/memory");
    const std::string f = dir.path() + "/p.json: ";
    CHECK(error_of(dir, "\"limits\": {\"memory\": \"lots\"}") ==
          f + "/limits/memory: expected a size in bytes such as 67108864 or \"64m\", got string \"lots\"");
    CHECK(error_of(dir, "\"limits\": {\"memory\": 100}").find("below one page") != std::string::npos);
    CHECK(error_of(dir, "\"limits\": {\"cpus\": 0}") ==
          f + "/limits/cpus: expected a number of CPUs from 0.001 to 4096 such as 0.5 or 2, got integer 0");
    CHECK(error_of(dir, "\"limits\": {\"pids\": 0}").find("/limits/pids: expected a number of processes from 1") !=
          std::string::npos);
    CHECK(error_of(dir, "\"limits\": {\"swap\": 1}").find("/limits/swap") != std::string::npos);
    // Misplaced keys get a hint.
    CHECK(error_of(dir, "\"memory\": \"1g\"").find("write it inside \"limits\"") != std::string::npos);
}

TEST_CASE("cgroup: --memory, --cpus, --pids write limits; bad values are named by the option") {
    auto c = parse_cli({"--memory", "1g", "--cpus", "1.5", "--pids", "100", "true"}, "/");
    CHECK(c.overlay["limits"] == nlohmann::json({{"memory", "1g"}, {"cpus", "1.5"}, {"pids", "100"}}));
    TempDir home;
    LoadContext ctx = pack_context();
    Profile p = load_profile(std::nullopt, {{"command line", c.overlay, c.option_at}}, ctx);
    CHECK(p.limits.memory == 1u << 30);
    CHECK(p.limits.cpus == 1.5);
    CHECK(p.limits.pids == 100u);
    CHECK(p.limits.where == "command line: --memory 1g");
    auto bad = parse_cli({"--cpus", "half", "true"}, "/");
    try {
        load_profile(std::nullopt, {{"command line", bad.overlay, bad.option_at}}, ctx);
        FAIL("expected an error");
    } catch (const ProfileError& e) {
        REQUIRE(e.messages().size() == 1);
        CHECK(e.messages()[0] ==
              "command line: --cpus half: expected a number of CPUs from 0.001 to 4096 such as 0.5 or 2, got string "
              "\"half\"");
    }
}

TEST_CASE("cgroup: the plan makes the cgroup first and keeps a process to remove it") {
    Profile p;
    p.limits.memory = 1 << 20;
    p.limits.cpus = 0.25;
    p.limits.where = "--memory 1m";
    HostFacts h;
    h.uid = 1000;
    h.gid = 100;
    h.cwd = "/";
    h.argv0 = "burrow";
    Plan a = compile(p, h, {"/bin/true"});
    REQUIRE(!a.steps.empty());
    const auto* cg = std::get_if<step::Cgroup>(&a.steps[0]);
    REQUIRE(cg);
    CHECK(cg->origin == "--memory 1m");
    auto j = plan_to_json(a);
    CHECK(j["steps"][0]["op"] == "cgroup");
    CHECK(j["steps"][0]["memory"] == 1 << 20);
    CHECK(j["steps"][0]["cpuMax"] == "25000 100000");
    CHECK_FALSE(j["steps"][0].contains("pids"));
    // No pid namespace: fork-timeout is the process that waits, then removes the cgroup.
    CHECK(find_step<step::ForkTimeout>(a.steps) != nullptr);
    CHECK_FALSE(a.direct_eligible);
    p.limits = {};
    CHECK(find_step<step::Cgroup>(compile(p, h, {"/bin/true"}).steps) == nullptr);
}

TEST_CASE("cgroup: the step's files: the child, burrow moved into it, the controllers, the limits, and back") {
    FakeCgroup cg("cpuset cpu io memory pids");
    const pid_t self = 4242;
    cg.child_files(self);
    step::Cgroup s{std::uint64_t(64) << 20, std::uint64_t(30), 0.5, "--memory 64m"};
    detail::CgroupState st = detail::make_cgroup(cg.dir.path(), false, s, self, "0::/x\n");
    const std::string child = cg.dir.path() + "/burrow-4242";
    CHECK(st.dir == child);
    CHECK(slurp(child + "/cgroup.procs") == "4242");
    CHECK(slurp(child + "/memory.max") == "67108864");
    CHECK(slurp(child + "/cpu.max") == "50000 100000");
    CHECK(slurp(child + "/pids.max") == "30");
    CHECK(slurp(cg.dir.path() + "/cgroup.subtree_control") == "+memory +cpu +pids");
    CHECK(st.enabled == V{"memory", "cpu", "pids"});
    // Leaving: the controllers handed back, burrow moved back; the directory here is a
    // plain one with files in it, so it stays, with a warning.
    std::filesystem::remove_all(child);
    std::filesystem::create_directory(child);
    cg.dir.write("cgroup.subtree_control", std::string(32, ' '));
    detail::remove_cgroup(st, self);
    CHECK(slurp(cg.dir.path() + "/cgroup.procs") == "4242");
    CHECK(slurp(cg.dir.path() + "/cgroup.subtree_control").rfind("-memory -cpu -pids", 0) == 0);
    CHECK_FALSE(std::filesystem::exists(child));
}

TEST_CASE("cgroup: controllers already handed down are left on; at the root none is taken back") {
    FakeCgroup cg("memory pids");
    cg.dir.write("cgroup.subtree_control", "memory pids\n");
    cg.child_files(7);
    step::Cgroup s{std::nullopt, std::uint64_t(5), std::nullopt, "--pids 5"};
    detail::CgroupState st = detail::make_cgroup(cg.dir.path(), true, s, 7, "0::/\n");
    CHECK(st.enabled.empty());
    CHECK(slurp(cg.dir.path() + "/cgroup.subtree_control") == "memory pids\n");
    CHECK(slurp(st.dir + "/pids.max") == "5");
    CHECK(slurp(st.dir + "/memory.max") == "");
}

TEST_CASE("cgroup: a missing controller is named, with the v1 hint on a hybrid host; nothing is made") {
    FakeCgroup cg("hugetlb");
    step::Cgroup s{std::uint64_t(1) << 30, std::uint64_t(10), std::nullopt, "--memory 1g"};
    try {
        detail::make_cgroup(cg.dir.path(), true, s, 9, "4:memory:/x\n0::/\n");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.status() == 125);
        const std::string m = e.what();
        CHECK(m.rfind("--memory 1g: cannot limit the sandbox in cgroup " + cg.dir.path() +
                          ": it does not offer the memory, pids controllers (cgroup.controllers lists: hugetlb); "
                          "this host runs memory as cgroup v1",
                      0) == 0);
        CHECK(m.find("systemd.unified_cgroup_hierarchy=1") != std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(cg.dir.path() + "/burrow-9"));
    FakeCgroup none("");
    step::Cgroup c{std::nullopt, std::nullopt, 1.0, "x.json: /limits/cpus"};
    try {
        detail::make_cgroup(none.dir.path(), false, c, 9, "0::/a\n");
        FAIL("expected an error");
    } catch (const Error& e) {
        const std::string m = e.what();
        CHECK(m.find("(cgroup.controllers lists: none); enable them in the parent cgroup's cgroup.subtree_control") !=
              std::string::npos);
        CHECK(m.find("systemd-run --user --scope -p Delegate=yes") != std::string::npos);
    }
}
