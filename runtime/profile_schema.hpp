// Checking one profile document on its own: keys, types, enums, names (schema), variable
// expansion and path rules, and the checks that concern a single document (duplicate
// destinations, a variable both set and unset, soft > hard limits).
#pragma once

#include <string>
#include <vector>

#include "profile_doc.hpp"
#include "profile_load.hpp"

namespace burrow::profile {

// Checks doc.raw and fills doc.clean, doc.extends, doc.overrides and doc.options.
// Every problem found is added to `out`, in document order.
void check_document(Doc& doc, const LoadContext& ctx, Problems& out);

// The dotted key paths that "override" accepts ("mounts", "process.env.set", …).
const std::vector<std::string>& override_paths();

// "process.env.set" → "/process/env/set"
std::string dotted_to_pointer(const std::string& dotted);

// Capability names known to libcap ("CAP_CHOWN", …) and resource-limit names.
const std::vector<std::string>& capability_names();
const std::vector<std::string>& rlimit_names();

}  // namespace burrow::profile
