// Thousands of mounts: the placement checks, the merge and the plan behave at that size as
// they do for a few (the same entries named in the same messages, the same order). Only
// behaviour is asserted here, never time.
#include <algorithm>
#include <cstdio>
#include <random>

#include "launcher/cli.hpp"
#include "runtime/base/path.hpp"
#include "runtime/base/path_index.hpp"
#include "runtime/plan/plan.hpp"
#include "runtime/profile/profile_util.hpp"
#include "test_profile_support.hpp"

using namespace burrow;
using namespace burrow::test;

namespace {

constexpr int kMany = 10000;

std::string numbered(const std::string& dir, int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", i);
    return dir + "/" + buf;
}

// The command line's overlay, loaded on top of no profile.
Profile load_cli(const std::vector<std::string>& argv) {
    Cli c = parse_cli(argv, "/");
    return load_ok(std::nullopt, {{"command line", c.overlay, c.option_at}});
}

// --tmpfs DIR/00000 ... DIR/(n-1), then `more`.
std::vector<std::string> tmpfs_args(const std::string& dir, int n, std::vector<std::string> more = {}) {
    std::vector<std::string> a;
    for (int i = 0; i < n; ++i) a.insert(a.end(), {"--tmpfs", numbered(dir, i)});
    a.insert(a.end(), more.begin(), more.end());
    a.insert(a.end(), {"--", "true"});
    return a;
}

HostFacts caller() {
    HostFacts h;
    h.uid = 1000;
    h.gid = 100;
    h.cwd = "/";
    h.argv0 = "burrow";
    return h;
}

}  // namespace

TEST_CASE("scale: PathIndex names the entry the pairwise path_within test names") {
    // Paths from a few components, with the odd ones the string test must handle: "/",
    // a doubled or trailing slash, a component that extends another ("ab" after "a"),
    // relative paths and "".
    const std::vector<std::string> parts = {"a", "b", "ab", "a.b", ""};
    std::mt19937 rng(12345);
    auto random_path = [&] {
        std::uniform_int_distribution<int> len(0, 4), pick(0, static_cast<int>(parts.size()) - 1), coin(0, 9);
        std::string p = coin(rng) == 0 ? "" : "/";
        for (int n = len(rng), i = 0; i < n; ++i) p += (i ? "/" : "") + parts[static_cast<std::size_t>(pick(rng))];
        if (coin(rng) == 0) p += "/";
        return p;
    };
    std::vector<std::string> paths;
    PathIndex index;
    for (std::size_t i = 0; i < 300; ++i) {
        paths.push_back(random_path());
        index.add(paths.back(), i);
    }
    auto first = [&](auto&& pred) -> std::optional<std::size_t> {
        for (std::size_t j = 0; j < paths.size(); ++j)
            if (pred(paths[j])) return j;
        return std::nullopt;
    };
    for (int k = 0; k < 2000; ++k) {
        const std::string q = k < 300 ? paths[static_cast<std::size_t>(k)] : random_path();
        INFO("path \"" << q << "\"");
        CHECK(index.first_at_or_below(q) == first([&](const std::string& p) { return path_within(p, q); }));
        CHECK(index.first_at_or_above(q) == first([&](const std::string& p) { return path_within(q, p); }));
        CHECK(index.first_above(q) == first([&](const std::string& p) { return path_within(q, p) && p != q; }));
    }
}

TEST_CASE("scale: a mount over 10,000 earlier ones is kept last, in order") {
    Profile p = load_cli(tmpfs_args("/w", kMany, {"--tmpfs", "/w"}));
    REQUIRE(p.mounts.size() == kMany + 1);
    CHECK(p.mounts.front().destination == "/w/00000");
    CHECK(p.mounts.back().destination == "/w");
    // A child listed before its parent, far into the list: both, the parent last.
    p = load_cli(tmpfs_args("/w", kMany, {"--tmpfs", "/v/x/y", "--tmpfs", "/v/x"}));
    REQUIRE(p.mounts.size() == kMany + 2);
    CHECK(p.mounts[kMany].destination == "/v/x/y");
    CHECK(p.mounts[kMany + 1].destination == "/v/x");
}

TEST_CASE("scale: a destination repeated among 10,000 is mounted again, where it is listed") {
    Profile p = load_cli(tmpfs_args("/w", kMany, {"--dir", numbered("/w", 4321)}));
    REQUIRE(p.mounts.size() == kMany + 1);
    CHECK(p.mounts[4321].type == MountSpec::Type::tmpfs);
    CHECK(p.mounts.back().type == MountSpec::Type::dir);
    CHECK(p.mounts.back().destination == numbered("/w", 4321));
}

TEST_CASE("scale: 10,000 nested mounts listed parents first keep their order into the plan") {
    std::vector<std::string> a;
    for (int i = 0; i < 100; ++i) {
        const std::string parent = numbered("/p", i);
        a.insert(a.end(), {"--tmpfs", parent});
        for (int j = 0; j < 99; ++j) a.insert(a.end(), {"--dir", numbered(parent, j)});
    }
    a.insert(a.end(), {"--", "true"});
    Profile p = load_cli(a);
    REQUIRE(p.mounts.size() == kMany);
    for (std::size_t k = 0; k < p.mounts.size(); ++k) {
        const auto& dest = p.mounts[k].destination;
        if (k % 100 == 0) {
            CHECK(p.mounts[k].type == MountSpec::Type::tmpfs);
            CHECK(dest == numbered("/p", static_cast<int>(k / 100)));
        } else {
            CHECK(dest == numbered(numbered("/p", static_cast<int>(k / 100)), static_cast<int>(k % 100) - 1));
        }
    }
    Plan plan = compile(p, caller(), {"true"});
    REQUIRE(plan.mounts.size() == kMany);
    std::vector<std::size_t> order;
    for (const auto& s : plan.steps)
        if (const auto* m = std::get_if<step::Mount>(&s)) order.push_back(m->index);
    REQUIRE(order.size() == kMany);
    CHECK(std::is_sorted(order.begin(), order.end()));
    for (std::size_t k = 0; k < plan.mounts.size(); ++k) CHECK(plan.mounts[k].destination == p.mounts[k].destination);
    CHECK(plan_text(plan) == plan_to_json(plan).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

TEST_CASE("scale: stores and mounts among thousands of stores") {
    TempDir dir;
    std::string stores;
    for (int i = 0; i < 3000; ++i)
        stores += std::string(i ? ", " : "") + "{\"source\": \"/s\", \"destination\": \"" + numbered("/st", i) + "\"}";
    auto with = [&](const std::string& extra, const std::string& mounts = "") {
        return error_of(dir, "\"extends\": \"builtin:pack\", \"stores\": [" + stores + extra + "]" + mounts);
    };
    const std::string p = dir.path() + "/p.json: ";
    CHECK(with(", {\"source\": \"/t\", \"destination\": \"/st\"}") ==
          p + "/stores/3000/destination: a store at /st would hide the store at /st/00000 (/stores/0)");
    CHECK(with(", {\"source\": \"/t\", \"destination\": \"/st/02999/x\"}") ==
          p + "/stores/3000/destination: /st/02999/x is inside the store at /st/02999 (/stores/2999)");
    CHECK(with("", ", \"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/st/01500/lib\"}]") ==
          p + "/mounts/0/destination: /st/01500/lib is inside the read-only store at /st/01500");
    CHECK(with("", ", \"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/st\"}]") ==
          p + "/mounts/0: mounting /st would hide the store at /st/00000 (/stores/0); choose another destination");
}

TEST_CASE("scale: an overlay replaces one of 10,000 inherited mounts in place and appends new ones") {
    TempDir dir;
    std::string mounts;
    for (int i = 0; i < kMany; ++i)
        mounts += std::string(i ? ", " : "") + "{\"type\": \"tmpfs\", \"destination\": \"" + numbered("/w", i) + "\"}";
    std::string base = dir.write("base.json", doc("\"root\": {\"host\": \"none\"}, \"mounts\": [" + mounts + "]"));
    Cli c = parse_cli({"--dir", numbered("/w", 5000), "--tmpfs", numbered("/w", kMany), "true"}, "/");
    Profile p = load_ok(base, {{"command line", c.overlay, c.option_at}});
    REQUIRE(p.mounts.size() == kMany + 1);
    CHECK(p.mounts[5000].type == MountSpec::Type::dir);
    CHECK(p.mounts[5000].destination == "/w/05000");
    CHECK(p.mounts[5000].origin.where == "command line: --dir /w/05000");
    CHECK(p.mounts[4999].type == MountSpec::Type::tmpfs);
    CHECK(p.mounts[5001].destination == "/w/05001");
    CHECK(p.mounts[kMany].destination == "/w/10000");
}
