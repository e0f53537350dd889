#include "packer/pack.hpp"

#include <cstdlib>
#include <optional>
#include <unistd.h>

#include "packer/archive_out.hpp"
#include "packer/image_write.hpp"
#include "packer/inputs.hpp"
#include "packer/interrupt.hpp"
#include "packer/progress.hpp"
#include "runtime/error.hpp"

namespace burrow::pack {

std::int64_t source_date_epoch(const char* value) {
    if (value == nullptr) return 1;
    const std::string v = value;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Error("SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since 1970-01-01; unset it or give digits only", 125);
    return std::stoll(v);
}

std::string run_pack(const PackOptions& o, const std::string& self_dir, Progress* progress) {
    if (is_image_format(o.format)) return run_image_pack(o, self_dir, progress);
    const std::int64_t epoch = source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));
    const bool to_stdout = o.output == "-";
    if (to_stdout && ::isatty(1))
        throw Error("-o -: standard output is a terminal; redirect it to a file or a pipe", 125);
    std::optional<TempOutput> out;
    if (!to_stdout) out.emplace(o.output, o.format);

    const PackInputs in = gather_inputs(o, self_dir, epoch, progress);
    const std::vector<Node> nodes = pack_nodes(in);

    if (to_stdout) write_tarball(nodes, o.compression, epoch, 1, "standard output", progress);
    else if (o.format == Format::tarball) write_tarball(nodes, o.compression, epoch, out->fd(), o.output, progress);
    else write_directory(nodes, out->directory(), o.output, epoch, progress);
    check_interrupted();
    if (out) out->commit();
    if (progress) progress->finish();

    std::uint64_t bytes = 0;
    for (const auto& [n, it] : in.items) bytes += it.digest.size;
    for (const auto& s : in.slices) bytes += s.item.digest.size;
    return "wrote " + (to_stdout ? std::string("the pack to standard output") : o.output) + ": " +
           std::to_string(in.items.size() + in.slices.size()) + " items (" + human_bytes(static_cast<double>(bytes)) +
           "), " + std::to_string(in.entries.size()) + " entries";
}

}  // namespace burrow::pack
