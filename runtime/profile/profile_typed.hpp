// The merged JSON → typed Profile, with the checks that need the whole profile (root.host
// set, mounts hiding mounts, mounts inside stores, namespaces the options need, …).
#pragma once

#include <vector>

#include "runtime/profile/profile.hpp"
#include "runtime/profile/profile_doc.hpp"
#include "runtime/profile/profile_merge.hpp"

namespace burrow::profile {

// `docs[i]` is the document merged with index i; `main_doc` names problems that belong to
// no document in particular (a required key that nobody set).
Profile build_profile(const Merged& merged, const std::vector<const Doc*>& docs, int main_doc, Problems& out);

}  // namespace burrow::profile
