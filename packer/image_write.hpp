// burrow-pack -f docker / -f oci: the store items as image layers (image_plan.hpp), written
// as a `docker load` archive or an OCI image layout (a directory, or a tar of it when OUT
// ends in ".tar"), under a temporary name renamed when complete.
//
// Image root:
//   gnu/store/<item>/…        one layer per item, largest first (--max-layers)
//   <slice destination>/…     --slice directories, as items
//   last layer: the store's parent directories, tmp/ (1777), bin/NAME → PROGRAM for each
//   entry, the -S links (absolute targets) and .burrow/manifest.json
#pragma once

#include <string>

namespace burrow::pack {

// The writers are open_docker_writer() and open_oci_writer() (writer.hpp).

// -f oci writes a tar of the layout instead of a directory when OUT ends in ".tar".
bool oci_output_is_tar(const std::string& out);

}  // namespace burrow::pack
