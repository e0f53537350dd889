// --profile NAME: the search path, the candidates a name means, descriptions.
#include <doctest/doctest.h>

#include "runtime/profile/profile_search.hpp"

using burrow::ProfileSearch;

namespace {
ProfileSearch search() {
    ProfileSearch s;
    s.cwd = "/home/u/incoming";
    s.home = "/home/u";
    s.exe_dir = "/usr/local/bin";
    return s;
}
}  // namespace

TEST_CASE("profile search: the directories, in order") {
    ProfileSearch s = search();
    CHECK(burrow::profile_dirs(s) == std::vector<std::string>{"/home/u/.config/burrow/profiles", "/etc/burrow/profiles",
                                                              "/usr/local/share/burrow/profiles"});
    s.xdg_config_home = "/x/cfg";
    CHECK(burrow::profile_dirs(s).front() == "/x/cfg/burrow/profiles");
    s.xdg_config_home = "relative";  // not absolute: ignored, as the XDG spec says
    CHECK(burrow::profile_dirs(s).front() == "/home/u/.config/burrow/profiles");
    s.home.reset();
    s.xdg_config_home.reset();
    CHECK(burrow::profile_dirs(s).front() == "/etc/burrow/profiles");
    s.exe_dir = "/usr/bin";
    CHECK(burrow::profile_dirs(s).back() == "/usr/share/burrow/profiles");
    s.exe_dir = "/bin";
    CHECK(burrow::profile_dirs(s).back() == "/share/burrow/profiles");
}

TEST_CASE("profile search: a name never means the cwd's file; FILE.json does first") {
    CHECK(burrow::is_profile_name("archiver"));
    CHECK(burrow::is_profile_name("archiver.json"));
    CHECK_FALSE(burrow::is_profile_name("./archiver.json"));
    CHECK_FALSE(burrow::is_profile_name("builtin:sandbox"));
    CHECK_FALSE(burrow::is_profile_name(""));
    const ProfileSearch s = search();
    CHECK(burrow::profile_candidates("archiver", s) ==
          std::vector<std::string>{"/home/u/.config/burrow/profiles/archiver.json",
                                   "/etc/burrow/profiles/archiver.json",
                                   "/usr/local/share/burrow/profiles/archiver.json"});
    CHECK(burrow::profile_candidates("archiver.json", s).front() == "/home/u/incoming/archiver.json");
    CHECK(burrow::profile_candidates("archiver.json", s).size() == 4);
}

TEST_CASE("profile search: the description is the header's first sentence, without the name") {
    CHECK(burrow::profile_description("#!/usr/bin/env -S burrow --profile\n// archiver — for tar on archives\n"
                                      "// you do not trust. More here.\n// Grants: x\n{}",
                                      "archiver") == "for tar on archives you do not trust.");
    CHECK(burrow::profile_description("// builtin:pack — the whole host. Not a sandbox.\n{}", "pack") ==
          "the whole host.");
    CHECK(burrow::profile_description("// mine - short\n{}", "mine") == "short");
    CHECK(burrow::profile_description("{ \"version\": 1 }", "x").empty());
    CHECK(burrow::profile_description("// first paragraph\n//\n// second\n", "x") == "first paragraph");
}

#include "runtime/profile/profile_util.hpp"

TEST_CASE("durations as timeout(1) reads them, sizes with k/m/g") {
    using burrow::profile::parse_duration;
    double d = -1;
    CHECK((parse_duration("10", d) && d == 10));
    CHECK((parse_duration("1.5", d) && d == 1.5));
    CHECK((parse_duration("30s", d) && d == 30));
    CHECK((parse_duration("2m", d) && d == 120));
    CHECK((parse_duration("1h", d) && d == 3600));
    CHECK((parse_duration("1d", d) && d == 86400));
    CHECK((parse_duration(".5", d) && d == 0.5));
    for (const char* bad : {"", "s", "1x", "10ms", "-1", "1.5.5", "1 s", "999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration(bad, d));
    }
    using burrow::profile::SizeText;
    std::uint64_t n = 0;
    CHECK((burrow::profile::parse_size("4g", n) == SizeText::ok && n == (4ull << 30)));
    CHECK((burrow::profile::parse_size("16M", n) == SizeText::ok && n == (16ull << 20)));
    CHECK((burrow::profile::parse_size("1k", n) == SizeText::ok && n == 1024));
    CHECK((burrow::profile::parse_size("0", n) == SizeText::ok && n == 0));
    CHECK(burrow::profile::parse_size("1t", n) == SizeText::bad);
    CHECK(burrow::profile::parse_size("k", n) == SizeText::bad);
    CHECK(burrow::profile::parse_size("99999999999999999999", n) == SizeText::too_large);
    CHECK(burrow::profile::parse_size("17179869184g", n) == SizeText::too_large);
}
