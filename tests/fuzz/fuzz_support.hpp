// Shared by the libFuzzer targets in tests/fuzz/ (built and run by `make fuzz`).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/plan/plan.hpp"
#include "runtime/profile/profile_load.hpp"

namespace burrow_fuzz {

// This process's scratch directory (created on first use under $TMPDIR, removed at
// exit). The only place the code under test may open files (tests/fuzz/guard.cpp).
const std::string& scratch_dir();

// True while expect_only_burrow_errors() runs the code under test: only then does
// tests/fuzz/guard.cpp restrict calls (libFuzzer itself, also linked statically, needs
// mkdir and unlink for its corpus).
bool guard_armed();

// Writes `bytes` to `path` (which must be in the scratch directory), replacing it.
void write_file(const std::string& path, const std::string& bytes);
// Creates `path` and its parents.
void make_dirs(const std::string& path);

// The launcher's LoadContext, with fixed values instead of the host's, so that an input
// means the same thing on every machine. `in_pack` defines ${PACK}.
burrow::LoadContext load_context(bool in_pack);

// The caller facts compile() wants, fixed likewise.
burrow::HostFacts host_facts(bool need_command);

// compile() then plan_text(), as --print-plan does; the text must be JSON in nlohmann's
// dump(2) layout (a finding otherwise).
void plan_text(const burrow::Profile& profile, const burrow::HostFacts& host, const std::vector<std::string>& args);

// Runs `body` with the guard armed: burrow::Error (and ProfileError) is the expected way to reject an input;
// any other exception is a finding and aborts with its text.
void expect_only_burrow_errors(const char* target, const std::function<void()>& body);

}  // namespace burrow_fuzz
