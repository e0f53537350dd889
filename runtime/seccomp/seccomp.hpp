// Seccomp: the profile's "security.seccomp" object → a filter → installed last, before exec.
//
// Names are syscalls from our own table (runtime/seccomp/syscalls.tbl, generated into code at build
// time) or @groups whose contents are ours (documented in burrow-profile(5)); they do not
// depend on what the installed libseccomp knows.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace burrow::seccomp {

// One rule of the compiled filter.
struct Rule {
    std::string syscall;  // name from our table
    long number = -1;     // native number
    int errno_value = 0;  // EPERM, ENOSYS, EAFNOSUPPORT, ...
    // Optional argument condition, libseccomp style: arg[index] & mask == value
    // (ne = true: !=). Empty = unconditional.
    struct Cond {
        unsigned index = 0;
        unsigned long long mask = 0, value = 0;
        bool ne = false;
    };
    std::vector<Cond> conds;
};

struct Filter {
    bool enabled = false;     // false: no filter at all (baseline "none", nothing denied)
    std::vector<Rule> rules;  // default action: allow
    // Syscall numbers above the table's highest known one get ENOSYS ("newSyscalls": "enosys").
    bool enosys_unknown = false;
    long highest_known = -1;
    // The canonical text of the object it was compiled from: compile() is pure, so equal
    // sources mean equal filters (used to recognise the prebuilt default cheaply).
    std::string source;
};

// Check a "security.seccomp" object of ONE profile document (before merge); append one
// message per problem: "<pointer>: <what>; <fix>" with pointers under `pointer`
// (e.g. "/security/seccomp"). Unknown names get a suggestion.
void validate(const nlohmann::json& cfg, const std::string& pointer, std::vector<std::string>& problems);

// Compile the merged object (null = none). Pure. Throws burrow::Error on conflicts.
// The default baseline comes ready-made from the build (prebuilt_default()).
Filter compile(const nlohmann::json& cfg);
// The same, always computed: for the build-time generator and the tests that compare.
Filter compile_uncached(const nlohmann::json& cfg);

// For --print-plan.
nlohmann::json to_json(const Filter& f);

// Load the filter into the kernel (libseccomp). Call last, right before execve.
// Throws burrow::Error.
void install(const Filter& f);

// The BPF libseccomp generates for `f` (what install() would load). For the build-time
// prebuilt default filter, and for benchmarks that hand the same filter to other tools.
std::vector<unsigned char> export_bpf(const Filter& f);

// Identity of a filter (its source object's canonical text): install() loads the prebuilt
// BPF of the default baseline when the fingerprints match.
std::string fingerprint(const Filter& f);

// The default baseline, compiled at build time (build/gen/seccomp_default.cpp): its rules
// as compile_uncached() makes them, and its BPF as libseccomp generates it.
struct Prebuilt {
    struct RuleRow {
        const char* syscall;
        long number;
        int errno_value;
        unsigned first_cond, n_conds;  // conds[first_cond .. first_cond + n_conds)
    };
    std::string fingerprint;
    const unsigned char* bpf;
    std::size_t size;
    const RuleRow* rules;
    std::size_t n_rules;
    const Rule::Cond* conds;
    bool enosys_unknown;
    long highest_known;
};
const Prebuilt* prebuilt_default();

// Text for `burrow --seccomp-groups [@name]`. Throws burrow::Error for an unknown group.
std::string describe_groups(const std::optional<std::string>& group);

}  // namespace burrow::seccomp
