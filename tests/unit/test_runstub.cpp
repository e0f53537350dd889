// -f run: the trailer's format, and burrow-run's choices made without the system (which
// entry, which cache directory, which member names it creates).
#include <doctest/doctest.h>

#include "runstub/run_choice.hpp"
#include "runtime/base/run_trailer.hpp"

using namespace burrow;
using namespace burrow::runstub;
using V = std::vector<std::string>;

TEST_CASE("run trailer: written and read back; anything else is no trailer") {
    RunTrailer t;
    t.offset = 1347016;
    t.size = 1825246;
    t.sha256 = std::string(32, '\x7a');
    const std::string tail = format_run_trailer(t);
    REQUIRE(tail.size() == kRunTrailerSize);
    const std::uint64_t file = t.offset + t.size + kRunTrailerSize;
    const auto back = parse_run_trailer(tail, file);
    REQUIRE(back);
    CHECK(back->offset == t.offset);
    CHECK(back->size == t.size);
    CHECK(back->sha256 == t.sha256);
    // The payload must fill exactly the bytes between the stub and the trailer.
    CHECK_FALSE(parse_run_trailer(tail, file + 1));
    CHECK_FALSE(parse_run_trailer(tail, file - 1));
    std::string bad = tail;
    bad[0] = 'X';
    CHECK_FALSE(parse_run_trailer(bad, file));
    CHECK_FALSE(parse_run_trailer(tail.substr(1), file));
    RunTrailer zero = t;
    zero.offset = 0;
    zero.size = t.offset + t.size;
    CHECK_FALSE(parse_run_trailer(format_run_trailer(zero), file));  // no stub before it
}

TEST_CASE("run: the cache goes to XDG_CACHE_HOME, then HOME, then TMPDIR") {
    auto paths = [](const std::vector<CacheBase>& b) {
        V out;
        for (const auto& x : b) out.push_back(x.anchor + " " + x.path);
        return out;
    };
    CHECK(paths(cache_bases("/x/cache/", "/home/u", "/var/tmp", 1000)) ==
          V{"/x /x/cache/burrow", "/home/u /home/u/.cache/burrow", "/var/tmp /var/tmp/burrow-cache-1000"});
    // Relative or unset values are skipped; "/" is no home; TMPDIR defaults to /tmp.
    CHECK(paths(cache_bases("rel", nullptr, nullptr, 65534)) == V{"/tmp /tmp/burrow-cache-65534"});
    CHECK(paths(cache_bases(nullptr, "/", "relative", 0)) == V{"/tmp /tmp/burrow-cache-0"});
    CHECK(cache_name(std::string("\x01\xab\xff", 3) + std::string(29, '\0')) == "01abff" + std::string(26, '0'));
}

TEST_CASE("run: which entry the invocation names") {
    const V two{"hello", "sh"};
    auto pick = [&](const V& entries, const std::string& argv0, std::optional<std::string> arg1) {
        const Choice c = choose_entry(entries, argv0, arg1);
        return c.error.empty() ? c.entry + (c.shift ? " shift" : "") : "error: " + c.error;
    };
    CHECK(pick(two, "./hello.run", std::nullopt) == "hello");
    CHECK(pick(two, "/x/hello.run", std::string("--argv")) == "hello");
    // FILE.run NAME: the argument names the entry, even when FILE is one too.
    CHECK(pick(two, "hello.run", std::string("sh")) == "sh shift");
    CHECK(pick(two, "hello.run", std::string("hello")) == "hello shift");
    // A symlink or copy named after an entry: that name wins over the argument.
    CHECK(pick(two, "/bin/sh", std::string("hello")) == "sh");
    CHECK(pick(two, "other", std::string("sh")) == "sh shift");
    CHECK(pick(V{"only"}, "tool.run", std::string("x")) == "only");
    CHECK(pick(two, "other.run", std::nullopt) ==
          "error: which entry? name it first (other.run NAME ARGS...), or run this file through a symlink named "
          "after it (entries: hello, sh)");
    // Names an entry could not have are never tried.
    CHECK(candidates(".hidden.run", std::string("../x")).empty());
    CHECK(candidates("a/b", std::string("c/d")).size() == 1);
}

TEST_CASE("run: member names are made safe, or refused") {
    CHECK(safe_member("./bin/hello") == "bin/hello");
    CHECK(safe_member("gnu/store/x/") == "gnu/store/x");
    CHECK(safe_member("a") == "a");
    for (const char* bad : {"", "/etc/passwd", "../escape", "a/../b", "a//b", "./", ".", "a/./b", "a/.."})
        CHECK_MESSAGE(safe_member(bad).empty(), bad);
}
