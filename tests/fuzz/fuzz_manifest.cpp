// libFuzzer target: the readers of a pack's hostile metadata.
//
//   - packer/manifest.hpp parse_manifest() (format 2) and parse_file_list() (.burrow/files)
//     on the whole input;
//   - the input split before its first "burrow-tree-1\n" into a manifest and a file list
//     (the seeds are a real pack's two files, concatenated), written as the .burrow/ of a
//     directory pack, and read back by verify_pack() (which trusts what parse_manifest()
//     accepted to have the shape it checked) and by the launcher's pack entry detection
//     (its own streaming reader of the manifest's "entries").
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "launcher/pack_entry.hpp"
#include "packer/manifest.hpp"
#include "packer/verify.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

std::string g_pack;

void setup() {
    g_pack = burrow_fuzz::scratch_dir() + "/pack";
    burrow_fuzz::make_dirs(g_pack + "/.burrow/profiles");
    burrow_fuzz::make_dirs(g_pack + "/bin");
    burrow_fuzz::write_file(g_pack + "/.burrow/profiles/hello.json", "{\"version\": 1}\n");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setup();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    bool whole_ok = false;
    burrow_fuzz::expect_only_burrow_errors("fuzz_manifest", [&] {
        (void)burrow::pack::parse_manifest(text, "fuzz");
        whole_ok = true;
    });
    burrow_fuzz::expect_only_burrow_errors("fuzz_manifest", [&] { (void)burrow::pack::parse_file_list(text, "fuzz"); });

    const std::size_t split = text.find("burrow-tree-1\n");
    const std::string manifest = text.substr(0, split);
    bool manifest_ok = whole_ok;
    burrow_fuzz::write_file(g_pack + "/.burrow/manifest.json", manifest);
    const std::string files = g_pack + "/.burrow/files";
    if (split != std::string::npos) {
        burrow_fuzz::write_file(files, text.substr(split));
        burrow_fuzz::expect_only_burrow_errors("fuzz_manifest", [&] {
            (void)burrow::pack::parse_manifest(manifest, "fuzz");
            manifest_ok = true;
        });
    } else {
        std::filesystem::remove(files);
    }
    // verify_pack() parses the manifest after walking the pack (with a 1 MiB buffer, which
    // costs more than the rest): with a manifest it rejects, it would only repeat the
    // parse above.
    if (manifest_ok)
        burrow_fuzz::expect_only_burrow_errors("fuzz_manifest (verify)",
                                               [&] { (void)burrow::pack::verify_pack(g_pack, nullptr); });
    burrow_fuzz::expect_only_burrow_errors("fuzz_manifest (entry)", [&] {
        (void)burrow::detect_pack_entry_from(g_pack + "/.burrow/burrow", nullptr, (g_pack + "/bin/hello").c_str(),
                                             nullptr);
    });
    return 0;
}
