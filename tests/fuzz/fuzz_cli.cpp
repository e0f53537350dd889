// libFuzzer target: bytes → argv (split at NUL and newline) → parse_cli() → the overlay
// and the profile it names → load_profile() → compile() → the plan's JSON: what
// `burrow ARGS --print-plan` does, without ever launching anything.
//
// Mirrors launcher/main.cpp up to the launch: --help, --version and --seccomp-groups only
// build their text (main prints it and returns); --list-profiles and --profile NAME search
// the scratch directory instead of the user's. What main.cpp does itself is not reached:
// the "#!" executable-profile mode and the pack-runtime checks (they read /proc/self/exe).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "launcher/cli.hpp"
#include "runtime/profile/profile_load.hpp"
#include "runtime/profile/profile_search.hpp"
#include "runtime/seccomp/seccomp.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

constexpr std::size_t kMaxArgs = 4096;

burrow::ProfileSearch g_search;

void setup() {
    const std::string& d = burrow_fuzz::scratch_dir();
    g_search.cwd = d;
    g_search.xdg_config_home = d + "/config";
    g_search.home = d + "/home";
    g_search.exe_dir = d + "/bin";
    // --profile NAME finds these (and --list-profiles lists them): one in the user's
    // directory, one installed beside the binary, one of the same name hidden by it.
    const std::string user = d + "/config/burrow/profiles", installed = d + "/share/burrow/profiles";
    burrow_fuzz::make_dirs(user);
    burrow_fuzz::make_dirs(installed);
    burrow_fuzz::make_dirs(d + "/bin");
    burrow_fuzz::write_file(
        user + "/dev.json",
        "// dev — the host read-only, a writable scratch dir. More text.\n"
        "{\"version\": 1, \"extends\": \"builtin:pack\", \"root\": {\"host\": \"all\", \"access\": \"ro\"},\n"
        " \"mounts\": [{\"type\": \"tmpfs\", \"destination\": \"/scratch\", \"size\": \"64m\"}]}\n");
    burrow_fuzz::write_file(installed + "/dev.json", "{\"version\": 1}\n");
    burrow_fuzz::write_file(installed + "/box.json",
                            "{\"version\": 1, \"extends\": \"builtin:sandbox\", \"process\": {\"exec\": \"/bin/sh\",\n"
                            " \"args\": [\"-c\"], \"timeout\": \"10s\", \"rlimits\": {\"RLIMIT_NOFILE\": 64}}}\n");
    // FILE.json in the cwd.
    burrow_fuzz::write_file(d + "/local.json",
                            "{\"version\": 1, \"hostname\": \"local\", \"namespaces\": {\"uts\": true}}\n");
}

std::vector<std::string> split_args(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> args;
    std::string cur;
    for (std::size_t i = 0; i < size && args.size() < kMaxArgs; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\0' || c == '\n') {
            args.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty() && args.size() < kMaxArgs) args.push_back(std::move(cur));
    return args;
}

void run(const std::vector<std::string>& args) {
    burrow::Cli cli = burrow::parse_cli(args, g_search.cwd);
    if (cli.help) {
        (void)burrow::help_text();
        return;
    }
    if (cli.version) return;
    if (cli.seccomp_groups) {
        (void)burrow::seccomp::describe_groups(cli.seccomp_group);
        return;
    }
    if (cli.list_profiles) {
        (void)burrow::list_profiles_text(burrow::list_profiles(g_search), g_search);
        return;
    }
    if (cli.profile && burrow::is_profile_name(*cli.profile))
        cli.profile = burrow::find_profile(*cli.profile, g_search);

    std::vector<burrow::Overlay> overlays;
    if (!cli.overlay.empty()) overlays.push_back({"command line", cli.overlay, cli.option_at});
    const burrow::Profile profile = burrow::load_profile(cli.profile, overlays, burrow_fuzz::load_context(false));
    burrow_fuzz::plan_text(profile, burrow_fuzz::host_facts(!cli.check), cli.args);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setup();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> args = split_args(data, size);
    burrow_fuzz::expect_only_burrow_errors("fuzz_cli", [&] { run(args); });
    return 0;
}
