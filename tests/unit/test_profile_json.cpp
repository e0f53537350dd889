// Built-in bases, the canonical JSON of a resolved profile, key-order independence.
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

const char* const kProfileA = R"({
  // written one way
  "version": 1, "name": "tool", "extends": "builtin:sandbox",
  "stores": [{"source": "${PACK}/gnu/store", "items": ["b-two", "a-one"]}],
  "mounts": [{"type": "bind", "source": "${PWD}", "access": "rw", "noexec": true},
             {"type": "symlink", "destination": "/bin/sh", "target": "/gnu/store/a-one/bin/sh"},
             {"type": "tmpfs", "destination": "/scratch", "size": "64m", "mode": "0700"}],
  "process": {"cwd": "${PWD}", "args": ["-x", "${env:DATA}"], "umask": "0022",
              "env": {"set": {"PATH": "/gnu/store/a-one/bin", "B": "2", "A": "1"},
                      "prepend": {"MANPATH": ["/m"], "INFOPATH": ["/i"]}, "unset": ["Z", "Y"]},
              "rlimits": {"RLIMIT_NOFILE": {"soft": 1024, "hard": 4096}, "RLIMIT_AS": "unlimited"}},
  "security": {"capabilities": {"keep": ["CAP_NET_RAW"]}, "seccomp": {"allow": ["@io-uring"]}},
  "user": {"uid": 0, "gid": "self"}
})";

// The same profile with every object's keys in another order.
const char* const kProfileB = R"({
  "user": {"gid": "self", "uid": 0},
  "security": {"seccomp": {"allow": ["@io-uring"]}, "capabilities": {"keep": ["CAP_NET_RAW"]}},
  "process": {"rlimits": {"RLIMIT_AS": "unlimited", "RLIMIT_NOFILE": {"hard": 4096, "soft": 1024}},
              "env": {"unset": ["Z", "Y"], "prepend": {"INFOPATH": ["/i"], "MANPATH": ["/m"]},
                      "set": {"A": "1", "B": "2", "PATH": "/gnu/store/a-one/bin"}},
              "umask": "0022", "args": ["-x", "${env:DATA}"], "cwd": "${PWD}"},
  "mounts": [{"noexec": true, "access": "rw", "source": "${PWD}", "type": "bind"},
             {"target": "/gnu/store/a-one/bin/sh", "destination": "/bin/sh", "type": "symlink"},
             {"mode": "0700", "size": "64m", "destination": "/scratch", "type": "tmpfs"}],
  "stores": [{"items": ["b-two", "a-one"], "source": "${PACK}/gnu/store"}],
  "extends": "builtin:sandbox", "name": "tool", "version": 1
})";

}  // namespace

TEST_CASE("built-in bases parse and load cleanly") {
    for (const char* name : {"pack", "sandbox"}) {
        CAPTURE(name);
        const char* text = builtin_profile_text(name);
        REQUIRE(text != nullptr);
        CHECK_NOTHROW(parse_profile_text(text, std::string("builtin:") + name));
        CHECK_NOTHROW(load_ok(std::string("builtin:") + name, {}, pack_context()));
        CHECK_NOTHROW(load_ok(std::string("builtin:") + name, {}, plain_context()));
    }
    CHECK(builtin_profile_text("nope") == nullptr);

    Profile pack = load_ok("builtin:pack");
    CHECK(pack.name == "pack");
    CHECK(pack.source == "builtin:pack");
    CHECK(pack.root.host == RootSpec::Host::all);
    CHECK(pack.root.access == Access::rw);
    CHECK(pack.mounts.empty());
    CHECK(!pack.namespaces.pid);
    CHECK(!pack.namespaces.net);
    CHECK(!pack.process.env.clear);
    CHECK(!pack.process.die_with_parent);
    CHECK(pack.security.caps_keep.empty());
    CHECK(pack.security.seccomp == nlohmann::json{{"baseline", "none"}});

    Profile sb = load_ok("builtin:sandbox");
    CHECK(sb.root.host == RootSpec::Host::none);
    CHECK(sb.namespaces.pid);
    CHECK(sb.namespaces.net);
    CHECK(sb.namespaces.ipc);
    CHECK(sb.namespaces.uts);
    CHECK(sb.hostname == "sandbox");
    CHECK(sb.process.env.clear);
    CHECK(sb.process.die_with_parent);
    CHECK(sb.security.seccomp == nlohmann::json{{"baseline", "default"}});
    REQUIRE(sb.mounts.size() == 10);
    CHECK(sb.mounts[0].type == MountSpec::Type::dev);
    CHECK(sb.mounts[1].type == MountSpec::Type::proc);
    CHECK(sb.mounts[7].mode == 01777u);
    CHECK(sb.mounts[8].destination == "/etc/passwd");
    CHECK(sb.mounts[8].content ==
          "u:x:1000:1001::/homeless-shelter:/bin/sh\nnobody:x:65534:65534::/nonexistent:/bin/false\n");
    CHECK(sb.mounts[8].mode == 0444u);
    CHECK(sb.mounts[8].origin.where == "builtin:sandbox: /mounts/8");
    REQUIRE(sb.process.rlimits.size() == 1);
    CHECK(sb.process.rlimits[0].name == "RLIMIT_CORE");
    CHECK(sb.process.rlimits[0].hard == 0u);
}

TEST_CASE("defaults filled in by the loader") {
    TempDir dir;
    Profile p =
        load_ok(dir.write("p.json", doc("\"extends\": \"builtin:pack\", \"stores\": [{\"source\": \"/s\"}], "
                                        "\"mounts\": [{\"type\": \"bind\", \"source\": \"/b\"}, {\"type\": \"tmpfs\", "
                                        "\"destination\": \"/t\"}, {\"type\": \"dir\", \"destination\": \"/d\"}, "
                                        "{\"type\": \"file\", \"destination\": \"/f\", \"content\": \"x\"}, "
                                        "{\"type\": \"symlink\", \"destination\": \"/l\", \"target\": \"t\"}, "
                                        "{\"type\": \"mask\", \"destination\": \"/m\"}]")));
    REQUIRE(p.stores.size() == 1);
    CHECK(p.stores[0].destination == "/gnu/store");
    CHECK(p.stores[0].all_items);
    REQUIRE(p.mounts.size() == 6);
    const MountSpec& b = p.mounts[0];
    CHECK(b.destination == "/b");
    CHECK(b.access == Access::ro);
    CHECK(!b.optional);
    CHECK(b.recursive);
    CHECK(!b.devices);
    CHECK(!b.noexec);
    CHECK(!b.mode);
    CHECK(p.mounts[1].mode == 0755u);
    CHECK(!p.mounts[1].size);
    CHECK(p.mounts[2].mode == 0755u);
    CHECK(p.mounts[3].mode == 0444u);
    CHECK(!p.mounts[4].mode);
    CHECK(!p.mounts[5].mode);
    p = load_ok(dir.write("q.json", doc("\"extends\": \"builtin:sandbox\", \"override\": [\"mounts\"], \"mounts\": "
                                        "[{\"type\": \"proc\"}, {\"type\": \"dev\"}]")));
    REQUIRE(p.mounts.size() == 2);
    CHECK(p.mounts[0].destination == "/proc");
    CHECK(p.mounts[1].destination == "/dev");
}

TEST_CASE("profiles that differ only in key order resolve identically") {
    TempDir dir;
    Profile a = load_ok(dir.write("a.json", kProfileA));
    Profile b = load_ok(dir.write("b.json", kProfileB));
    nlohmann::json ja = profile_to_json(a), jb = profile_to_json(b);
    CHECK(ja.dump(2) == jb.dump(2));
    // …but the order of mounts matters.
    std::string swapped = kProfileA;
    auto at = swapped.find("{\"type\": \"symlink\"");
    auto end = swapped.find("},", at) + 2;
    std::string entry = swapped.substr(at, end - at);
    swapped.erase(at, end - at);
    swapped.insert(swapped.find("{\"type\": \"bind\""), entry);
    Profile c = load_ok(dir.write("c.json", swapped));
    CHECK(profile_to_json(c).dump() != ja.dump());
    CHECK(profile_to_json(c)["mounts"][10]["type"] == "symlink");
}

TEST_CASE("profile_to_json: canonical form") {
    TempDir dir;
    nlohmann::json j = profile_to_json(load_ok(dir.write("a.json", kProfileA)));
    CHECK(j["version"] == 1);
    CHECK(j["name"] == "tool");
    CHECK(j["hostname"] == "sandbox");
    CHECK(j["root"] == nlohmann::json{{"host", "none"}});
    CHECK(j["stores"] == nlohmann::json::parse(R"([{"source": "/home/u/pack/gnu/store", "destination": "/gnu/store",
                                                     "items": ["b-two", "a-one"]}])"));
    CHECK(j["mounts"][10] == nlohmann::json::parse(R"({"type": "bind", "source": "/home/u/work",
        "destination": "/home/u/work", "access": "rw", "optional": false, "recursive": true, "devices": false,
        "noexec": true})"));
    CHECK(j["mounts"][12] == nlohmann::json::parse(R"({"type": "tmpfs", "destination": "/scratch", "size": 67108864,
                                                        "mode": "0700"})"));
    CHECK(j["mounts"][7]["mode"] == "1777");
    CHECK(j["process"]["args"] == nlohmann::json::parse(R"(["-x", "/srv/data"])"));
    CHECK(j["process"]["umask"] == "0022");
    CHECK(j["process"]["argv0"] == "inherit");
    CHECK(j["process"]["cwd"] == "/home/u/work");
    CHECK(!j["process"].contains("exec"));
    CHECK(j["process"]["rlimits"] == nlohmann::json::parse(R"({"RLIMIT_CORE": {"soft": 0, "hard": 0},
        "RLIMIT_NOFILE": {"soft": 1024, "hard": 4096}, "RLIMIT_AS": {"soft": "unlimited", "hard": "unlimited"}})"));
    CHECK(j["process"]["env"]["unset"] == nlohmann::json::parse(R"(["Z", "Y"])"));
    CHECK(j["process"]["env"]["prepend"] == nlohmann::json::parse(R"({"INFOPATH": ["/i"], "MANPATH": ["/m"]})"));
    CHECK(j["user"] == nlohmann::json::parse(R"({"uid": 0, "gid": "self"})"));
    CHECK(j["security"]["seccomp"] == nlohmann::json::parse(R"({"baseline": "default", "allow": ["@io-uring"]})"));
    CHECK(j["security"]["capabilities"] ==
          nlohmann::json::parse(R"({"keep": ["CAP_NET_RAW"], "ambient": [], "clearBoundingSet": true})"));
}

TEST_CASE("profile_to_json output loads back to the same profile") {
    TempDir dir;
    for (const std::string& ref :
         {std::string("builtin:sandbox"), std::string("builtin:pack"), dir.write("a.json", kProfileA)}) {
        CAPTURE(ref);
        nlohmann::json first = profile_to_json(load_ok(ref));
        nlohmann::json second = profile_to_json(load_ok(dir.write("round.json", first.dump(2))));
        CHECK(first.dump() == second.dump());
    }
    // Without a profile there is no name; loaded from a file, the name is the file's stem.
    nlohmann::json none = profile_to_json(load_ok(std::nullopt));
    CHECK(!none.contains("name"));
    nlohmann::json again = profile_to_json(load_ok(dir.write("none.json", none.dump())));
    CHECK(again["name"] == "none");
    again.erase("name");
    CHECK(none.dump() == again.dump());
}
