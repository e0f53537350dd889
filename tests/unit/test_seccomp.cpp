// The seccomp facility's pure parts: the syscall table, groups, validation messages,
// compilation (baseline, allow, errnos, argument rules) and the --print-plan form.
#include <doctest/doctest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <seccomp.h>
#include <csignal>
#include <sched.h>
#include <set>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "runtime/base/suggest.hpp"
#include "runtime/base/error.hpp"
#include "runtime/seccomp/seccomp.hpp"
#include "runtime/seccomp/seccomp_groups.hpp"
#include "runtime/seccomp/seccomp_names.hpp"
#include "runtime/seccomp/seccomp_table.hpp"

using nlohmann::json;
namespace sc = burrow::seccomp;

namespace {

std::vector<std::string> problems_of(const json& cfg) {
    std::vector<std::string> p;
    sc::validate(cfg, "/security/seccomp", p);
    return p;
}

std::string one_problem(const json& cfg) {
    auto p = problems_of(cfg);
    REQUIRE(p.size() == 1);
    return p[0];
}

std::vector<const sc::Rule*> rules_for(const sc::Filter& f, const std::string& name) {
    std::vector<const sc::Rule*> out;
    for (const auto& r : f.rules)
        if (r.syscall == name) out.push_back(&r);
    return out;
}

// The unconditional rule's errno for `name`, or 0 when there is none.
int denied_errno(const sc::Filter& f, const std::string& name) {
    for (const auto* r : rules_for(f, name))
        if (r->conds.empty()) return r->errno_value;
    return 0;
}

// What the kernel would do: does some rule for `name` match these arguments?
bool rule_matches(const sc::Filter& f, const std::string& name, std::vector<unsigned long long> args) {
    args.resize(6, 0);
    for (const auto* r : rules_for(f, name)) {
        bool all = true;
        for (const auto& c : r->conds) {
            const unsigned long long a = args.at(c.index);
            const bool eq = (a & c.mask) == c.value;
            if (c.ne ? eq : !eq) all = false;
        }
        if (all) return true;
    }
    return false;
}

long nr_of(const std::string& name) {
    const auto* s = sc::find_syscall(name);
    REQUIRE(s != nullptr);
    return sc::native_number(*s);
}

}  // namespace

TEST_CASE("seccomp table: sorted, unique, and agrees with the kernel headers and libseccomp") {
    REQUIRE(sc::kSyscallTableSize > 300);
    for (std::size_t i = 1; i < sc::kSyscallTableSize; ++i)
        CHECK(std::strcmp(sc::kSyscallTable[i - 1].name, sc::kSyscallTable[i].name) < 0);

    CHECK(nr_of("ptrace") == SYS_ptrace);
    CHECK(nr_of("openat") == SYS_openat);
    CHECK(nr_of("clone3") == SYS_clone3);
    CHECK(nr_of("io_uring_setup") == SYS_io_uring_setup);
    CHECK(sc::find_syscall("ptrce") == nullptr);

    // Every number libseccomp knows must be ours too, on every architecture in the table.
    const uint32_t arches[sc::kArchCount] = {SCMP_ARCH_X86_64, SCMP_ARCH_AARCH64, SCMP_ARCH_RISCV64};
    int compared = 0;
    for (std::size_t i = 0; i < sc::kSyscallTableSize; ++i) {
        const auto& s = sc::kSyscallTable[i];
        for (std::size_t a = 0; a < sc::kArchCount; ++a) {
            const int theirs = seccomp_syscall_resolve_name_arch(arches[a], s.name);
            if (theirs >= 0) {
                INFO(s.name << " on " << sc::kArchNames[a]);
                CHECK(s.number[a] == theirs);
                ++compared;
            }
        }
    }
    CHECK(compared > 900);
}

TEST_CASE("seccomp table: calls newer than libseccomp 2.5.4 are there, with their numbers") {
    const std::pair<const char*, long> recent[] = {
        {"statmount", 457},        {"listmount", 458},     {"lsm_get_self_attr", 459}, {"lsm_set_self_attr", 460},
        {"lsm_list_modules", 461}, {"mseal", 462},         {"setxattrat", 463},        {"getxattrat", 464},
        {"listxattrat", 465},      {"removexattrat", 466}, {"open_tree_attr", 467}};
    // Not a structured binding: REQUIRE_MESSAGE captures `name` in a lambda, which clang 14
    // does not allow for a binding.
    for (const auto& call : recent) {
        const char* const name = call.first;
        const long nr = call.second;
        const auto* s = sc::find_syscall(name);
        REQUIRE_MESSAGE(s != nullptr, name);
        for (std::size_t a = 0; a < sc::kArchCount; ++a) CHECK(s->number[a] == nr);
    }
    CHECK(sc::highest_native_number() >= 467);
    // Calls of other architectures are known names, absent here.
    REQUIRE(sc::find_syscall("vm86") != nullptr);
    CHECK(sc::native_number(*sc::find_syscall("vm86")) == -1);
}

TEST_CASE("seccomp groups: members exist, nesting is acyclic, systemd's names are there") {
    std::set<std::string> names;
    for (const auto& g : sc::groups()) {
        INFO(g.name);
        CHECK(g.name.starts_with("@"));
        CHECK(!g.purpose.empty());
        CHECK(!g.members.empty());
        CHECK(names.insert(g.name).second);
        for (const auto& m : g.members) {
            INFO(m);
            if (m.starts_with("@"))
                CHECK(sc::find_group(m) != nullptr);
            else
                CHECK(sc::find_syscall(m) != nullptr);
        }
    }
    // Acyclic: expanding follows at most a few levels, and every group reaches some call.
    for (const auto& g : sc::groups()) CHECK(!sc::expand(g.name).empty());
    for (const char* want :
         {"@aio",      "@basic-io", "@chown",          "@clock",   "@cpu-emulation", "@debug",  "@file-system",
          "@io-event", "@ipc",      "@keyring",        "@memlock", "@module",        "@mount",  "@network-io",
          "@obsolete", "@pkey",     "@privileged",     "@process", "@raw-io",        "@reboot", "@resources",
          "@sandbox",  "@setuid",   "@signal",         "@swap",    "@sync",          "@timer",  "@mount-api",
          "@io-uring", "@numa",     "@sandbox-default"})
        CHECK_MESSAGE(names.count(want) == 1, want);
}

TEST_CASE("seccomp groups: expansion is recursive, sorted and unique") {
    const auto mount = sc::expand("@mount");
    CHECK(mount == sc::expand("@mount-api"));
    CHECK(std::is_sorted(mount.begin(), mount.end()));
    for (const char* n : {"mount", "umount2", "pivot_root", "chroot", "open_tree", "open_tree_attr", "move_mount",
                          "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"})
        CHECK(std::count(mount.begin(), mount.end(), n) == 1);
    const auto priv = sc::expand("@privileged");
    CHECK(std::count(priv.begin(), priv.end(), "settimeofday") == 1);  // via @clock
    CHECK(std::count(priv.begin(), priv.end(), "init_module") == 1);   // via @module
    CHECK(sc::expand("ptrace") == std::vector<std::string>{"ptrace"});
    CHECK(sc::expand("@nonsense").empty());
    const auto dbg = sc::expand("@debug");
    CHECK(dbg == std::vector<std::string>{"kcmp", "lookup_dcookie", "perf_event_open", "pidfd_getfd",
                                          "process_vm_readv", "process_vm_writev", "ptrace"});
}

TEST_CASE("seccomp validate: exact messages") {
    CHECK(problems_of(json::parse(R"({"baseline":"default","deny":["@mount","ptrace"],"allow":["ptrace"],
        "errno":"EACCES","nestedNamespaces":"deny","ttyInjection":"allow","socketFamilies":["unix","inet6"],
        "personality":"linux","debuggers":true,"newSyscalls":"enosys","log":false,
        "architectures":["native"],"x-note":"ignored"})"))
              .empty());
    CHECK(problems_of(json()).empty());

    CHECK(one_problem(json::parse(R"({"deny":["ptrce"]})")) ==
          R"(/security/seccomp/deny/0: unknown system call "ptrce"; did you mean "ptrace"?)");
    CHECK(
        one_problem(json::parse(R"({"deny":["@debugging"]})")) ==
        R"(/security/seccomp/deny/0: unknown syscall group "@debugging"; did you mean "@debug"? (list: burrow --seccomp-groups))");
    CHECK(one_problem(json::parse(R"({"allow":["ptrace","debug"]})")) ==
          R"(/security/seccomp/allow/1: unknown system call "debug"; did you mean "@debug"?)");
    CHECK(
        one_problem(json::parse(R"({"deny":["@ptrace"]})")) ==
        R"(/security/seccomp/deny/0: unknown syscall group "@ptrace"; did you mean "ptrace"? (list: burrow --seccomp-groups))");
    CHECK(
        one_problem(json::parse(R"({"deny":["@zzzzzzzz"]})")) ==
        R"(/security/seccomp/deny/0: unknown syscall group "@zzzzzzzz"; list the groups with burrow --seccomp-groups)");
    CHECK(
        one_problem(json::parse(R"({"deny":["qqqqqqqqqq"]})")) ==
        R"(/security/seccomp/deny/0: unknown system call "qqqqqqqqqq"; write a name from the kernel's system call table, or a group (list: burrow --seccomp-groups))");
    CHECK(
        one_problem(json::parse(R"({"deny":"ptrace"})")) ==
        R"(/security/seccomp/deny: expected an array of system call names and @groups, got string "ptrace"; write ["ptrace"])");
    CHECK(one_problem(json::parse(R"({"deny":[5]})")) ==
          R"(/security/seccomp/deny/0: expected a system call name or @group (a string), got integer 5)");
    CHECK(one_problem(json::parse(R"({"denny":[]})")) ==
          R"(/security/seccomp/denny: unknown key "denny"; did you mean "deny"?)");
    CHECK(
        one_problem(json::parse(R"({"a/b":1})")) ==
        R"(/security/seccomp/a~1b: unknown key "a/b"; valid keys: allow, architectures, baseline, debuggers, deny, errno, groupSignals, log, nestedNamespaces, newSyscalls, personality, socketFamilies, ttyInjection)");
    CHECK(one_problem(json::parse(R"({"baseline":"strict"})")) ==
          R"(/security/seccomp/baseline: expected one of "none", "default", got "strict")");
    CHECK(one_problem(json::parse(R"({"baseline":"defualt"})")) ==
          R"(/security/seccomp/baseline: expected one of "none", "default", got "defualt"; did you mean "default"?)");
    CHECK(one_problem(json::parse(R"({"baseline":true})")) ==
          R"(/security/seccomp/baseline: expected one of "none", "default", got boolean true)");
    CHECK(one_problem(json::parse(R"({"debuggers":"yes"})")) ==
          R"(/security/seccomp/debuggers: expected boolean, got string "yes")");
    CHECK(one_problem(json::parse(R"({"errno":"EPREM"})")) ==
          R"(/security/seccomp/errno: unknown errno name "EPREM"; did you mean "EPERM"?)");
    CHECK(one_problem(json::parse(R"({"errno":1})")) ==
          R"(/security/seccomp/errno: expected an errno name such as "EPERM", got integer 1)");
    CHECK(one_problem(json::parse(R"({"nestedNamespaces":"no"})")) ==
          R"(/security/seccomp/nestedNamespaces: expected one of "allow", "deny", got "no")");
    CHECK(one_problem(json::parse(R"({"newSyscalls":"ENOSYS"})")) ==
          R"(/security/seccomp/newSyscalls: expected one of "allow", "enosys", got "ENOSYS"; did you mean "enosys"?)");
    CHECK(one_problem(json::parse(R"({"socketFamilies":["unix","inet4"]})")) ==
          R"(/security/seccomp/socketFamilies/1: unknown address family "inet4"; did you mean "inet"?)");
    CHECK(
        one_problem(json::parse(R"({"socketFamilies":"unix"})")) ==
        R"(/security/seccomp/socketFamilies: expected "any" or an array of address family names, got string "unix"; write ["unix"])");
    CHECK(
        one_problem(json::parse(R"({"architectures":["x86"]})")) ==
        R"(/security/seccomp/architectures/0: expected "native", got "x86"; only the native architecture is filtered, and calls made through another ABI (i386, x32) are refused)");
    CHECK(
        one_problem(json("default")) ==
        R"(/security/seccomp: expected an object such as {"baseline": "default"}, got string "default"; write {"baseline": "default"})");

    // Every problem is reported, not just the first.
    CHECK(problems_of(json::parse(R"({"deny":["ptrce","@debugging"],"errno":"X","log":1})")).size() == 4);
}

TEST_CASE("seccomp compile: none and empty objects give no filter") {
    CHECK_FALSE(sc::compile(json()).enabled);
    CHECK_FALSE(sc::compile(json::object()).enabled);
    CHECK_FALSE(sc::compile(json::parse(R"({"baseline":"none"})")).enabled);
    // Names that do not exist on this architecture are skipped, not errors.
    const auto f = sc::compile(json::parse(R"({"deny":["vm86","umount"]})"));
    CHECK(f.rules.empty());
    CHECK_FALSE(f.enabled);
    CHECK_THROWS_AS(sc::compile(json::parse(R"({"deny":["ptrce"]})")), burrow::Error);
}

TEST_CASE("seccomp compile: the default baseline denies what burrow-profile(5) lists") {
    const auto f = sc::compile(json::parse(R"({"baseline":"default"})"));
    REQUIRE(f.enabled);
    CHECK(f.enosys_unknown);
    CHECK(f.highest_known == sc::highest_native_number());

    for (const char* n : {"mount",
                          "umount2",
                          "pivot_root",
                          "chroot",
                          "unshare",
                          "setns",
                          "add_key",
                          "keyctl",
                          "request_key",
                          "bpf",
                          "userfaultfd",
                          "perf_event_open",
                          "ptrace",
                          "process_vm_readv",
                          "process_vm_writev",
                          "io_uring_setup",
                          "io_uring_enter",
                          "io_uring_register",
                          "init_module",
                          "finit_module",
                          "delete_module",
                          "kexec_load",
                          "kexec_file_load",
                          "reboot",
                          "swapon",
                          "swapoff",
                          "acct",
                          "quotactl",
                          "quotactl_fd",
                          "syslog",
                          "open_by_handle_at",
                          "pidfd_getfd",
                          "kcmp",
                          "mbind",
                          "set_mempolicy",
                          "migrate_pages",
                          "move_pages",
                          "settimeofday",
                          "clock_settime",
                          "fanotify_init",
                          "vhangup"}) {
        INFO(n);
        CHECK(denied_errno(f, n) == EPERM);
    }
    // The fd-based mount API and clone3 fail with ENOSYS so that callers fall back.
    for (const char* n : {"open_tree", "open_tree_attr", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
                          "mount_setattr", "clone3"}) {
        INFO(n);
        CHECK(denied_errno(f, n) == ENOSYS);
    }
#if defined(__x86_64__)
    CHECK(denied_errno(f, "modify_ldt") == EPERM);
    CHECK(denied_errno(f, "iopl") == EPERM);
#endif
    // Left alone on purpose.
    for (const char* n :
         {"execve", "execveat", "seccomp", "landlock_restrict_self", "memfd_create", "name_to_handle_at", "sethostname",
          "setuid", "chown", "prctl", "read", "openat", "fork", "vfork", "listmount", "statmount", "mseal"}) {
        INFO(n);
        CHECK(rules_for(f, n).empty());
    }
    // Clone: any namespace flag is denied, fork and thread creation are not.
    CHECK(rules_for(f, "clone").size() == 7);
    for (unsigned long long flag :
         {CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET}) {
        CHECK(rule_matches(f, "clone", {flag | SIGCHLD}));
        CHECK(rule_matches(f, "clone", {flag | CLONE_VM | CLONE_VFORK | SIGCHLD}));
    }
    CHECK_FALSE(rule_matches(f, "clone", {SIGCHLD}));
    CHECK_FALSE(rule_matches(f, "clone",
                             {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                              CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID}));
    CHECK_FALSE(rule_matches(f, "clone", {CLONE_VM | CLONE_VFORK | SIGCHLD}));
}

TEST_CASE("seccomp compile: groupSignals denies kill(0, sig) only, on the low 32 bits of pid") {
    const auto f = sc::compile(json::parse(R"({"groupSignals":"deny"})"));
    CHECK(rule_matches(f, "kill", {0, SIGTERM}));
    CHECK(rule_matches(f, "kill", {0xffffffff00000000ULL, SIGUSR1}));
    CHECK_FALSE(rule_matches(f, "kill", {static_cast<std::uint64_t>(-1), SIGTERM}));  // all in the pid namespace
    CHECK_FALSE(rule_matches(f, "kill", {42, SIGTERM}));
    CHECK_FALSE(rule_matches(f, "kill", {static_cast<std::uint32_t>(-42), SIGTERM}));  // a group it can name
    CHECK(rules_for(sc::compile(json::parse(R"({"baseline":"default"})")), "kill").size() == 1);
    CHECK(rules_for(sc::compile(json::parse(R"({"baseline":"default","groupSignals":"allow"})")), "kill").empty());
}

TEST_CASE("seccomp compile: TIOCSTI and TIOCLINUX are matched on the low 32 bits of cmd") {
    const auto f = sc::compile(json::parse(R"({"ttyInjection":"deny"})"));
    const auto rules = rules_for(f, "ioctl");
    REQUIRE(rules.size() == 2);
    for (const auto* r : rules) {
        REQUIRE(r->conds.size() == 1);
        CHECK(r->conds[0].index == 1);
        CHECK(r->conds[0].mask == 0xffffffffULL);
        CHECK_FALSE(r->conds[0].ne);
        CHECK(r->errno_value == EPERM);
    }
    CHECK(rule_matches(f, "ioctl", {0, TIOCSTI}));
    CHECK(rule_matches(f, "ioctl", {0, TIOCSTI | (1ULL << 32)}));
    CHECK(rule_matches(f, "ioctl", {5, TIOCSTI | 0xdeadbeef00000000ULL}));
    CHECK(rule_matches(f, "ioctl", {0, TIOCLINUX | (1ULL << 40)}));
    CHECK_FALSE(rule_matches(f, "ioctl", {0, TIOCGWINSZ}));
    CHECK_FALSE(rule_matches(f, "ioctl", {0, TIOCSCTTY}));
    CHECK(sc::compile(json::parse(R"({"baseline":"default","ttyInjection":"allow"})")).rules.size() ==
          sc::compile(json::parse(R"({"baseline":"default"})")).rules.size() - 2);
}

TEST_CASE("seccomp compile: socket families outside the list get EAFNOSUPPORT") {
    const auto f = sc::compile(json::parse(R"({"baseline":"default"})"));
    const std::set<unsigned long long> ok = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
    for (const char* call : {"socket", "socketpair"}) {
        INFO(call);
        for (const auto* r : rules_for(f, call)) CHECK(r->errno_value == EAFNOSUPPORT);
        for (unsigned long long fam = 0; fam < 4096; ++fam) CHECK(rule_matches(f, call, {fam}) == !ok.count(fam));
        for (unsigned long long high : {0x10000ULL, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL})
            CHECK(rule_matches(f, call, {high}));
        // The kernel reads the family as an int: a high half does not change it.
        CHECK_FALSE(rule_matches(f, call, {AF_UNIX | (1ULL << 32)}));
        CHECK(rule_matches(f, call, {AF_VSOCK | (1ULL << 32)}));
    }
    CHECK(rules_for(sc::compile(json::parse(R"({"baseline":"default","socketFamilies":"any"})")), "socket").empty());
    const auto none = sc::compile(json::parse(R"({"socketFamilies":[]})"));
    CHECK(denied_errno(none, "socket") == EAFNOSUPPORT);
    CHECK(denied_errno(none, "socketpair") == EAFNOSUPPORT);
    const auto packet = sc::compile(json::parse(R"({"socketFamilies":["packet","local"]})"));
    CHECK_FALSE(rule_matches(packet, "socket", {AF_PACKET}));
    CHECK_FALSE(rule_matches(packet, "socket", {AF_UNIX}));
    CHECK(rule_matches(packet, "socket", {AF_INET}));
}

TEST_CASE("seccomp compile: personality allows only PER_LINUX and the query") {
    const auto f = sc::compile(json::parse(R"({"personality":"linux"})"));
    CHECK_FALSE(rule_matches(f, "personality", {0}));
    CHECK_FALSE(rule_matches(f, "personality", {0xffffffffULL}));
    CHECK_FALSE(rule_matches(f, "personality", {0xffffffff00000000ULL}));  // the kernel sees 0
    for (unsigned long long p :
         {1ULL, 8ULL, (unsigned long long)READ_IMPLIES_EXEC, (unsigned long long)ADDR_NO_RANDOMIZE, 0x80000000ULL,
          0x7fffffffULL, 0xfffffffeULL, 0x00010000ULL})
        CHECK_MESSAGE(rule_matches(f, "personality", {p}), p);
    for (unsigned long long p = 1; p < 70000; ++p) CHECK(rule_matches(f, "personality", {p}));
    CHECK(rules_for(sc::compile(json::parse(R"({"baseline":"default","personality":"any"})")), "personality").empty());
}

TEST_CASE("seccomp compile: allow subtracts from the deny set, debuggers lifts @debug") {
    const auto base = sc::compile(json::parse(R"({"baseline":"default"})"));
    const auto f = sc::compile(json::parse(R"({"baseline":"default","allow":["ptrace","@io-uring"]})"));
    CHECK(denied_errno(base, "ptrace") == EPERM);
    CHECK(rules_for(f, "ptrace").empty());
    CHECK(rules_for(f, "io_uring_setup").empty());
    CHECK(denied_errno(f, "process_vm_readv") == EPERM);
    CHECK(f.rules.size() == base.rules.size() - 4);

    const auto dbg = sc::compile(json::parse(R"({"baseline":"default","debuggers":true})"));
    for (const auto& n : sc::expand("@debug")) CHECK(rules_for(dbg, n).empty());
    CHECK(denied_errno(dbg, "bpf") == EPERM);
    // debuggers: false without a baseline denies @debug on its own.
    CHECK(denied_errno(sc::compile(json::parse(R"({"debuggers":false})")), "ptrace") == EPERM);
    // allow only subtracts from the deny set; the switches are lifted by their own keys.
    const auto ns = sc::compile(json::parse(R"({"baseline":"default","allow":["unshare"]})"));
    CHECK(denied_errno(ns, "unshare") == EPERM);
    const auto ns2 = sc::compile(json::parse(R"({"baseline":"default","nestedNamespaces":"allow"})"));
    for (const char* n : {"unshare", "setns", "clone", "clone3"}) CHECK(rules_for(ns2, n).empty());
    // Denying a call outright replaces its argument rules.
    const auto io = sc::compile(json::parse(R"({"ttyInjection":"deny","deny":["ioctl"]})"));
    REQUIRE(rules_for(io, "ioctl").size() == 1);
    CHECK(rules_for(io, "ioctl")[0]->conds.empty());
}

TEST_CASE("seccomp compile: errno mapping") {
    const auto f = sc::compile(json::parse(R"({"deny":["chroot","fsopen","@keyring"],"errno":"EACCES",
                                               "nestedNamespaces":"deny","socketFamilies":["unix"]})"));
    CHECK(denied_errno(f, "chroot") == EACCES);
    CHECK(denied_errno(f, "keyctl") == EACCES);
    CHECK(denied_errno(f, "unshare") == EACCES);
    CHECK(denied_errno(f, "fsopen") == ENOSYS);
    CHECK(denied_errno(f, "clone3") == ENOSYS);
    for (const auto* r : rules_for(f, "clone")) CHECK(r->errno_value == EACCES);
    for (const auto* r : rules_for(f, "socket")) CHECK(r->errno_value == EAFNOSUPPORT);
    CHECK(sc::errno_from_name("EPERM") == EPERM);
    CHECK(sc::errno_from_name("EWOULDBLOCK") == EAGAIN);
    CHECK(sc::errno_name(EAGAIN) == "EAGAIN");
    CHECK(sc::errno_name(ENOSYS) == "ENOSYS");
    CHECK_FALSE(sc::errno_from_name("EPREM"));
}

TEST_CASE("seccomp compile: calls unknown to libseccomp are denied by number") {
    const auto f = sc::compile(json::parse(R"({"deny":["mseal","listmount","statmount","open_tree_attr",
                                                          "lsm_get_self_attr","setxattrat"]})"));
    const std::pair<const char*, long> want[] = {
        {"mseal", 462},          {"listmount", 458},         {"statmount", 457},
        {"open_tree_attr", 467}, {"lsm_get_self_attr", 459}, {"setxattrat", 463}};
    for (const auto& call : want) {
        // Plain variables: INFO captures `name` in a lambda (not allowed for a binding in clang 14).
        const char* const name = call.first;
        const long nr = call.second;
        INFO(name);
        const auto rules = rules_for(f, name);
        REQUIRE(rules.size() == 1);
        CHECK(rules[0]->number == nr);
        // Where this libseccomp knows the name it must agree; Debian 12's does not know it.
        const int theirs = seccomp_syscall_resolve_name(name);
        if (theirs >= 0)
            CHECK(theirs == nr);
        else
            CHECK(theirs == __NR_SCMP_ERROR);
    }
    CHECK(denied_errno(f, "open_tree_attr") == ENOSYS);
}

TEST_CASE("seccomp to_json: stable and complete") {
    const auto a = sc::to_json(sc::compile(json::parse(R"({"deny":["chroot","@swap"],"ttyInjection":"deny"})")));
    const auto b = sc::to_json(
        sc::compile(json::parse(R"({"ttyInjection":"deny","deny":["swapoff","chroot","swapon","@swap"]})")));
    CHECK(a.dump() == b.dump());
    const std::string arch = sc::native_arch_name();
    char tiocsti[32], tioclinux[32];
    std::snprintf(tiocsti, sizeof tiocsti, "0x%x", (unsigned)TIOCSTI);
    std::snprintf(tioclinux, sizeof tioclinux, "0x%x", (unsigned)TIOCLINUX);
    const json want = {
        {"architecture", arch},
        {"enabled", true},
        {"newSyscalls", "allow"},
        {"rules",
         json::array({
             {{"syscall", "chroot"}, {"number", SYS_chroot}, {"errno", "EPERM"}},
             {{"syscall", "ioctl"},
              {"number", SYS_ioctl},
              {"errno", "EPERM"},
              {"args", json::array({{{"index", 1}, {"op", "masked_eq"}, {"mask", "0xffffffff"}, {"value", tiocsti}}})}},
             {{"syscall", "ioctl"},
              {"number", SYS_ioctl},
              {"errno", "EPERM"},
              {"args",
               json::array({{{"index", 1}, {"op", "masked_eq"}, {"mask", "0xffffffff"}, {"value", tioclinux}}})}},
             {{"syscall", "swapoff"}, {"number", SYS_swapoff}, {"errno", "EPERM"}},
             {{"syscall", "swapon"}, {"number", SYS_swapon}, {"errno", "EPERM"}},
         })}};
    CHECK(a.dump() == want.dump());

    const auto d1 = sc::to_json(sc::compile(json::parse(R"({"baseline":"default"})")));
    const auto d2 = sc::to_json(sc::compile(json::parse(R"({"newSyscalls":"enosys","baseline":"default"})")));
    CHECK(d1.dump() == d2.dump());
    CHECK(d1["newSyscalls"] == "enosys");
    CHECK(d1["highestKnown"] == sc::highest_native_number());
    CHECK(
        sc::to_json(sc::compile(json())).dump() ==
        json({{"architecture", arch}, {"enabled", false}, {"newSyscalls", "allow"}, {"rules", json::array()}}).dump());
}

TEST_CASE("seccomp describe_groups") {
    const auto all = sc::describe_groups(std::nullopt);
    for (const auto& g : sc::groups()) CHECK(all.find(g.name + " - " + g.purpose + "\n") != std::string::npos);
    CHECK(all.find("fsopen(ENOSYS)") != std::string::npos);

    const auto dbg = sc::describe_groups("@debug");
    CHECK(dbg.starts_with("@debug - "));
    CHECK(dbg.find("ptrace(" + std::to_string(SYS_ptrace) + ")") != std::string::npos);
    CHECK(sc::describe_groups("debug") == dbg);
    CHECK(sc::describe_groups("@cpu-emulation").find("not on ") != std::string::npos);
    try {
        sc::describe_groups("@debugging");
        FAIL("no exception");
    } catch (const burrow::Error& e) {
        CHECK(std::string(e.what()) ==
              R"(unknown syscall group "@debugging"; did you mean "@debug"? (list: burrow --seccomp-groups))");
        CHECK(e.status() == 125);
    }
}

// Found by tests/fuzz/fuzz_cli: `burrow --seccomp-groups` with a name that is not UTF-8
// (any byte string is a valid argument) ended in "internal error: [json.exception.
// type_error.316] invalid UTF-8 byte" instead of the message, because the name was quoted
// with a strict json::dump().
TEST_CASE("seccomp messages: names that are not UTF-8 are quoted, not fatal") {
    try {
        sc::describe_groups(std::string("@mou\xC0nt"));
        FAIL("no exception");
    } catch (const burrow::Error& e) {
        CHECK(std::string(e.what()).starts_with("unknown syscall group \"@mou\xEF\xBF\xBDnt\""));
        CHECK(e.status() == 125);
    }
    // The same quoting in validate()'s messages, for documents built from raw bytes.
    CHECK(one_problem(json{{"deny",
                            {std::string("ptr\xFF"
                                         "ace")}}})
              .find("unknown system call \"ptr\xEF\xBF\xBD"
                    "ace\"") != std::string::npos);
    CHECK(one_problem(json{{"baseline", std::string("\xC3")}}).find("got \"\xEF\xBF\xBD\"") != std::string::npos);
    CHECK(one_problem(json{{"socketFamilies", {std::string("un\x80ix")}}}).find("unknown address family") !=
          std::string::npos);
}

TEST_CASE("seccomp names: suggestions") {
    CHECK(burrow::nearest_or_prefix("ptrce", {"ptrace", "prctl"}) == "ptrace");
    CHECK(burrow::nearest_or_prefix("@debugging", {"@debug", "@mount"}) == "@debug");
    CHECK(burrow::nearest_or_prefix("PTRACE", {"ptrace"}) == "ptrace");
    CHECK_FALSE(burrow::nearest_or_prefix("zzz", {"ptrace", "mount"}));
    CHECK(sc::family_from_name("local") == AF_UNIX);
    CHECK(sc::family_from_name("vsock") == AF_VSOCK);
    CHECK_FALSE(sc::family_from_name("inet4"));
}
