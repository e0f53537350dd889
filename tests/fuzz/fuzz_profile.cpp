// libFuzzer target: bytes → a profile file → load_profile() (read, parse, schema check,
// extends and merge with its bases, variables, semantic checks) → compile() → the plan's
// JSON. Also the same bytes, when they parse, as an overlay document on a built-in base,
// the way the command line's options are applied.
//
// The loader reads files only, so the input is written to one fixed file in the scratch
// directory; next to it lie a base that relative and by-name "extends" can reach.
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/profile/profile_load.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

std::string g_profile;

void setup() {
    const std::string& d = burrow_fuzz::scratch_dir();
    burrow_fuzz::make_dirs(d + "/sub");
    g_profile = d + "/sub/input.json";
    // "extends": "base" / "./base.json" / "../other.json" find these.
    burrow_fuzz::write_file(d + "/sub/base.json",
                            "// base — a base with a mount and variables\n"
                            "{\"version\": 1, \"extends\": \"builtin:sandbox\",\n"
                            " \"mounts\": [{\"type\": \"bind\", \"source\": \"${PROFILE_DIR}\",\n"
                            "              \"destination\": \"/src\", \"optional\": true}],\n"
                            " \"process\": {\"env\": {\"set\": {\"WHO\": \"${USER}\"}}}}\n");
    burrow_fuzz::write_file(d + "/other.json", "{\"version\": 1, \"root\": {\"host\": \"all\", \"access\": \"ro\"}}\n");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setup();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    // Odd and even lengths: inside and outside a pack (${PACK} defined or not).
    const bool in_pack = size % 2 == 1;
    const burrow::LoadContext ctx = burrow_fuzz::load_context(in_pack);

    burrow_fuzz::write_file(g_profile, text);
    burrow_fuzz::expect_only_burrow_errors("fuzz_profile", [&] {
        const burrow::Profile p = burrow::load_profile(g_profile, {}, ctx);
        burrow_fuzz::plan_text(p, burrow_fuzz::host_facts(true), {"/bin/echo", "fuzz"});
        burrow_fuzz::plan_text(p, burrow_fuzz::host_facts(false), {});
    });

    // As an overlay: same schema minus "version"/"extends", "$" literal.
    burrow_fuzz::expect_only_burrow_errors("fuzz_profile (overlay)", [&] {
        const nlohmann::json doc = burrow::parse_profile_text(text, "overlay.json");
        burrow::Overlay o{"fuzz overlay", doc, {{"/hostname", "--hostname x"}}};
        // Both kinds of base: the host as root (pack) and an empty root (sandbox).
        const burrow::Profile p =
            burrow::load_profile(std::string(in_pack ? "builtin:pack" : "builtin:sandbox"), {o}, ctx);
        burrow_fuzz::plan_text(p, burrow_fuzz::host_facts(true), {"/bin/true"});
    });
    return 0;
}
