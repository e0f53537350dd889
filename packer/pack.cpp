#include "packer/pack.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "packer/inputs.hpp"
#include "packer/interrupt.hpp"
#include "packer/progress.hpp"
#include "packer/writer.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

std::int64_t source_date_epoch(const char* value) {
    if (value == nullptr) return 1;
    const std::string v = value;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Error(
            "SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since 1970-01-01; unset it or give digits only",
            125);
    return std::stoll(v);
}

std::string run_pack(const PackOptions& o, const std::string& self_dir, Progress* progress) {
    const std::int64_t epoch = source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));
    const std::unique_ptr<PackWriter> writer = format_writer(o.format)(o, epoch);
    const PackInputs in = gather_inputs(o, self_dir, epoch, progress);
    if (o.warn_host) {
        if (progress) progress->finish();
        for (const auto& line : host_ref_lines(in)) std::fprintf(stderr, "burrow-pack: warning: %s\n", line.c_str());
    }
    const std::string summary = writer->write(in, progress);
    check_interrupted();
    writer->commit();
    if (progress) progress->finish();
    return summary;
}

}  // namespace burrow::pack
