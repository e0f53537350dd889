// The resolved profile as canonical JSON (keys sorted, every default written out), for
// --print-plan and golden tests. The output is itself a valid version-1 profile.
#pragma once

#include <nlohmann/json.hpp>

#include "runtime/profile/profile.hpp"

namespace burrow {

nlohmann::json profile_to_json(const Profile& profile);

}  // namespace burrow
