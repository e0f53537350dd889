#include "tests/fuzz/fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "runtime/base/error.hpp"

namespace burrow_fuzz {

namespace {

bool g_armed = false;

// Armed for its lifetime, also when the body throws.
struct Armed {
    Armed() { g_armed = true; }
    ~Armed() { g_armed = false; }
    Armed(const Armed&) = delete;
    Armed& operator=(const Armed&) = delete;
};

void remove_scratch() {
    std::error_code ec;
    std::filesystem::remove_all(scratch_dir(), ec);
}

}  // namespace

bool guard_armed() { return g_armed; }

const std::string& scratch_dir() {
    static const std::string dir = [] {
        const char* t = std::getenv("TMPDIR");
        std::string tmpl = std::string(t && t[0] == '/' ? t : "/tmp") + "/burrow-fuzz.XXXXXX";
        // mkdtemp runs inside libc, which the guard does not wrap.
        if (!::mkdtemp(tmpl.data())) {
            std::perror("fuzz: mkdtemp");
            std::abort();
        }
        return tmpl;
    }();
    static const bool registered = (std::atexit(remove_scratch), true);
    (void)registered;
    return dir;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
        std::abort();
    }
}

void make_dirs(const std::string& path) { std::filesystem::create_directories(path); }

burrow::LoadContext load_context(bool in_pack) {
    const std::string& d = scratch_dir();
    burrow::LoadContext ctx;
    ctx.vars = {{"ORIGIN", d + "/bin"}, {"PWD", d},       {"UID", "1000"},    {"GID", "1000"},
                {"HOME", d + "/home"},  {"USER", "fuzz"}, {"TMPDIR", "/tmp"}, {"RUNTIME_DIR", "/run/user/1000"}};
    if (in_pack) ctx.vars["PACK"] = d + "/pack";
    ctx.env = {{"PATH", "/usr/bin:/bin"}, {"TERM", "xterm"}, {"LANG", "C.UTF-8"}, {"EMPTY", ""}};
    return ctx;
}

burrow::HostFacts host_facts(bool need_command) {
    burrow::HostFacts host;
    host.uid = 1000;
    host.gid = 1000;
    host.cwd = scratch_dir();
    host.argv0 = "burrow";
    host.need_command = need_command;
    return host;
}

void plan_text(const burrow::Profile& profile, const burrow::HostFacts& host, const std::vector<std::string>& args) {
    const burrow::Plan plan = burrow::compile(profile, host, args);
    const std::string text = burrow::plan_text(plan);
    if (!nlohmann::json::accept(text) || nlohmann::ordered_json::parse(text).dump(
                                             2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) != text) {
        std::fprintf(stderr, "fuzz: --print-plan output is not JSON in its canonical layout:\n%s\n", text.c_str());
        std::abort();
    }
}

void expect_only_burrow_errors(const char* target, const std::function<void()>& body) {
    try {
        const Armed armed;
        body();
    } catch (const burrow::Error&) {
        // The input was rejected with a message: what hostile input should get.
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: exception that is not a burrow::Error: %s\n", target, e.what());
        std::abort();
    } catch (...) {
        std::fprintf(stderr, "%s: exception that is not a std::exception\n", target);
        std::abort();
    }
}

}  // namespace burrow_fuzz
