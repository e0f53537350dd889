// The seam between run_pack() (pack.cpp) and the output formats. Each row of kFormats
// (options.cpp) names the function that opens its format's writer; the functions are
// defined by the writers themselves (archive_out.cpp, image_write.cpp). This header only
// declares, so that the table can name the writers without including them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace burrow::pack {

struct PackOptions;
struct PackInputs;
class Progress;

class PackWriter {
  public:
    virtual ~PackWriter() = default;
    // Writes the pack under a temporary name and returns the one-line summary.
    virtual std::string write(const PackInputs& in, Progress* progress) = 0;
    // Gives the finished pack its name; until then the destructor removes it.
    virtual void commit() = 0;
};

// Runs before the inputs are gathered, so that an output that cannot be written (an
// existing directory, a terminal) is refused before any work, and what killed runs left
// for OUT is removed first.
using OpenWriter = std::unique_ptr<PackWriter> (*)(const PackOptions& o, std::int64_t epoch);

// archive_out.cpp
std::unique_ptr<PackWriter> open_tarball_writer(const PackOptions& o, std::int64_t epoch);
std::unique_ptr<PackWriter> open_dir_writer(const PackOptions& o, std::int64_t epoch);
// run_out.cpp
std::unique_ptr<PackWriter> open_run_writer(const PackOptions& o, std::int64_t epoch);
// image_write.cpp
std::unique_ptr<PackWriter> open_docker_writer(const PackOptions& o, std::int64_t epoch);
std::unique_ptr<PackWriter> open_oci_writer(const PackOptions& o, std::int64_t epoch);

}  // namespace burrow::pack
