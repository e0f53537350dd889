// How to run a plan: in user namespaces (the normal way), directly when the stores are
// already in place, or under proot when this host forbids user namespaces (packs only).
// BURROW_ENGINE=auto|userns|proot|direct picks; auto tries direct → userns → proot.
#pragma once

#include <optional>
#include <string>

#include "runtime/launch/apply.hpp"
#include "runtime/plan/plan.hpp"

namespace burrow {

// Returns a wait status to mirror (pid namespace), or does not return (exec in place).
// Only pack entries fall back to proot by themselves (BURROW_ENGINE=auto): a command line
// that asked for namespaces gets the diagnosis instead.
int launch(const Plan& plan, const ApplyOptions& opts, const std::optional<std::string>& pack_root, bool pack_entry);

// The root of the pack this burrow binary belongs to (<root>/.burrow/burrow with a
// manifest beside it), if any: gives ${PACK} a value when burrow is run by path.
std::optional<std::string> pack_root_of_runtime();

}  // namespace burrow
