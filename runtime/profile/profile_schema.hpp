// Checking one profile document on its own: keys, types, enums, names (schema), variable
// expansion and path rules, and the checks that concern a single document (duplicate
// destinations, a variable both set and unset, soft > hard limits).
#pragma once

#include <string>
#include <vector>

#include "runtime/profile/profile_doc.hpp"
#include "runtime/profile/profile_load.hpp"

namespace burrow::profile {

// Checks doc.raw and fills doc.clean, doc.extends, doc.overrides and doc.options.
// Every problem found is added to `out`, in document order.
void check_document(Doc& doc, const LoadContext& ctx, Problems& out);

// The dotted key paths that "override" accepts ("mounts", "process.env.set", …).
const std::vector<std::string>& override_paths();

// How a later document's value at a key path ("process.env.keep") joins the earlier ones'
// (profile_merge.cpp), as the schema tables say: by its value (an object key by key,
// anything else replaced), as entries keyed by their destination, as a set (union), or
// concatenated. concat_entries is the tables' word for a key whose entries concatenate;
// merge_rule() answers concat for the entries themselves.
enum class Merge { by_value, keyed, union_, concat, concat_entries };
Merge merge_rule(const std::string& dotted);

// "process.env.set" → "/process/env/set"
std::string dotted_to_pointer(const std::string& dotted);

// Capability names known to libcap ("CAP_CHOWN", …) and resource-limit names.
const std::vector<std::string>& capability_names();
const std::vector<std::string>& rlimit_names();

}  // namespace burrow::profile
