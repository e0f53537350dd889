// Writes burrow's "default" seccomp baseline as raw BPF, so that bwrap can load the same
// filter with --seccomp FD and the sandbox-style comparison does the same work. It is the
// runtime's own export_bpf(): the bytes libseccomp generates for what burrow loads.
// Usage: seccomp-export OUT.bpf
#include <cstdio>

#include <nlohmann/json.hpp>

#include "runtime/base/error.hpp"
#include "runtime/seccomp/seccomp.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: seccomp-export OUT.bpf\n");
        return 2;
    }
    try {
        const auto filter = burrow::seccomp::compile(nlohmann::json{{"baseline", "default"}});
        const auto bpf = burrow::seccomp::export_bpf(filter);
        std::FILE* out = std::fopen(argv[1], "wb");
        if (!out || std::fwrite(bpf.data(), 1, bpf.size(), out) != bpf.size() || std::fclose(out) != 0) {
            std::perror(argv[1]);
            return 1;
        }
        std::printf("%zu rules, %zu BPF instructions\n", filter.rules.size(), bpf.size() / 8);
    } catch (const burrow::Error& e) {
        std::fprintf(stderr, "seccomp-export: %s\n", e.what());
        return 1;
    }
    return 0;
}
