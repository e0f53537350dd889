// burrow-pack: make relocatable packs (see packer/pack.hpp and man burrow-pack(1)).
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "packer/check.hpp"
#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/manifest.hpp"
#include "packer/options.hpp"
#include "packer/pack.hpp"
#include "packer/pgzip.hpp"
#include "packer/archive_out.hpp"
#include "packer/progress.hpp"
#include "packer/run_read.hpp"
#include "packer/verify.hpp"
#include "runtime/base/lines.hpp"
#include "runtime/base/error.hpp"

#ifndef BURROW_VERSION
#define BURROW_VERSION "unknown"
#endif

namespace {

void say(const std::string& text) {
    std::string out;
    burrow::for_each_line(text, burrow::LastEmptyLine::keep, [&](std::string_view line) {
        out += "burrow-pack: ";
        out += line;
        out += "\n";
    });
    std::fputs(out.c_str(), stderr);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace burrow::pack;
    std::vector<std::string> args(argv + 1, argv + argc);
    try {
        const Command cmd = parse_command_line(args);
        switch (cmd.kind) {
            case Command::Kind::help: std::cout << usage_text(); return 0;
            case Command::Kind::version: std::cout << "burrow-pack " << BURROW_VERSION << "\n"; return 0;
            case Command::Kind::info: {
                const std::string text = manifest_text_of(cmd.target);
                if (cmd.json)
                    std::cout << text;
                else
                    std::cout << manifest_summary(parse_manifest(text, cmd.target), cmd.target)
                              << run_file_summary(cmd.target);
                std::cout << std::flush;
                return 0;
            }
            case Command::Kind::verify: {
                install_interrupt_handlers();
                Progress progress(Progress::mode_from(std::getenv("BURROW_PACK_PROGRESS"), ::isatty(2) == 1));
                const VerifyResult r = verify_pack(cmd.target, &progress);
                progress.finish();
                if (!r.problems.empty()) {
                    for (const auto& p : r.problems) say("verify: " + cmd.target + ": " + p);
                    say("verify: " + cmd.target + ": " + std::to_string(r.problems.size()) +
                        " difference(s) from its manifest");
                    return 1;
                }
                std::cout << cmd.target << ": ok (" << r.items << " items, " << r.entries << " entries, " << r.files
                          << " files match the manifest"
                          << (r.layers ? ", in " + std::to_string(r.layers) + " layers of an image" : std::string())
                          << ")\n";
                return 0;
            }
            case Command::Kind::check:
                install_interrupt_handlers();
                try {
                    return check_pack(cmd.target, cmd.check_entry, cmd.check_args);
                } catch (const Interrupted& e) {
                    say("check: interrupted by " + signal_name(e.signal()) + "; removed the unpacked pack");
                    return e.status();
                }
            case Command::Kind::pack: {
                set_compression_threads(compression_threads(std::getenv("BURROW_PACK_THREADS"), available_cpus()));
                install_interrupt_handlers();
                Progress progress(Progress::mode_from(std::getenv("BURROW_PACK_PROGRESS"), ::isatty(2) == 1));
                const std::string self_dir = burrow::dirname_of(real_path("/proc/self/exe"));
                std::string summary;
                try {
                    summary = run_pack(cmd.pack, self_dir, &progress);
                } catch (const Interrupted& e) {
                    if (cmd.pack.output != "-") throw;
                    progress.finish();
                    // Its reader closed standard output (`| head`): quiet, as for a program
                    // that SIGPIPE kills. Otherwise what went to standard output is cut short.
                    if (e.signal() != SIGPIPE)
                        say("interrupted by " + signal_name(e.signal()) +
                            "; the tarball on standard output is incomplete");
                    return e.status();
                }
                if (::isatty(2) == 1) say(summary);
                return 0;
            }
        }
    } catch (const burrow::Error& e) {
        say(e.what());
        return e.status();
    } catch (const std::exception& e) {
        say(std::string("internal error: ") + e.what());
        return 1;
    }
    return 0;
}
