// Fixtures for the profile loader tests: a temporary directory for profile files, a fixed
// LoadContext, and helpers that return the messages of a ProfileError.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/profile/profile_json.hpp"
#include "runtime/profile/profile_load.hpp"

namespace doctest {
// Print message lists in failures.
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v) {
        std::string s = "{";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ",\n  \"" : "\"") + v[i] + "\"";
        return (s + "}").c_str();
    }
};
template <>
struct StringMaker<std::vector<std::pair<std::string, std::string>>> {
    static String convert(const std::vector<std::pair<std::string, std::string>>& v) {
        std::string s = "{";
        for (const auto& [k, x] : v) s += " " + k + "=" + x;
        return (s + " }").c_str();
    }
};
}  // namespace doctest

namespace burrow::test {

// A directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "burrow-profile-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // Writes `text` to path()/name (creating directories) and returns the full path.
    std::string write(const std::string& name, const std::string& text) const {
        std::filesystem::path p = std::filesystem::path(path_) / name;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary);
        out << text;
        return p.string();
    }

  private:
    std::string path_;
};

// The values a launcher in a pack at /home/u/pack would gather.
// profiles/schema.json, the published schema that tables of the code are held to.
inline nlohmann::json published_schema() {
    // __FILE__ is relative to the source tree root, where the tests run.
    std::ifstream in(std::filesystem::path(__FILE__).parent_path() / "../../profiles/schema.json");
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

inline LoadContext pack_context() {
    LoadContext ctx;
    ctx.vars = {{"ORIGIN", "/home/u/pack/bin"},
                {"PACK", "/home/u/pack"},
                {"HOME", "/home/u"},
                {"PWD", "/home/u/work"},
                {"UID", "1000"},
                {"GID", "1001"},
                {"USER", "u"},
                {"TMPDIR", "/tmp"},
                {"RUNTIME_DIR", "/run/user/1000"}};
    ctx.env = {{"PATH", "/usr/bin:/bin"}, {"DATA", "/srv/data"}, {"EMPTY", ""}};
    return ctx;
}

// The same outside a pack: no PACK.
inline LoadContext plain_context() {
    LoadContext ctx = pack_context();
    ctx.vars.erase("PACK");
    ctx.vars["ORIGIN"] = "/usr/bin";
    return ctx;
}

// The messages of the ProfileError that loading throws; fails the test if none is thrown.
inline std::vector<std::string> load_errors(const std::optional<std::string>& ref,
                                            const std::vector<Overlay>& overlays = {},
                                            const LoadContext& ctx = pack_context()) {
    try {
        load_profile(ref, overlays, ctx);
    } catch (const ProfileError& e) {
        CHECK(e.status() == kExitSetupFailure);
        return e.messages();
    }
    FAIL("loading " << (ref ? *ref : std::string("(no profile)")) << " did not fail");
    return {};
}

// Exactly one message expected.
inline std::string load_error(const std::optional<std::string>& ref, const std::vector<Overlay>& overlays = {},
                              const LoadContext& ctx = pack_context()) {
    auto m = load_errors(ref, overlays, ctx);
    INFO("messages: " << [&] {
        std::string all;
        for (const auto& s : m) all += "\n  " + s;
        return all;
    }());
    REQUIRE(m.size() == 1);
    return m[0];
}

inline std::vector<std::string> parse_errors(const std::string& text, const std::string& file = "p.json") {
    try {
        parse_profile_text(text, file);
    } catch (const ProfileError& e) {
        return e.messages();
    }
    FAIL("parsing did not fail: " << text);
    return {};
}

// A profile document with "version": 1 and the given members (JSON text without braces).
inline std::string doc(const std::string& members) {
    return members.empty() ? "{\"version\": 1}" : "{\"version\": 1, " + members + "}";
}

// Writes doc(members) as p.json in `dir` and returns the single message of loading it.
inline std::string error_of(const TempDir& dir, const std::string& members, const LoadContext& ctx = pack_context()) {
    return load_error(dir.write("p.json", doc(members)), {}, ctx);
}

inline Profile load_ok(const std::optional<std::string>& ref, const std::vector<Overlay>& overlays = {},
                       const LoadContext& ctx = pack_context()) {
    try {
        return load_profile(ref, overlays, ctx);
    } catch (const ProfileError& e) {
        FAIL("unexpected profile error:\n" << e.what());
    }
    return {};
}

}  // namespace burrow::test
