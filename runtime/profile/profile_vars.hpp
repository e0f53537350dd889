// Variable expansion (${PACK}, ${HOME}, ${env:NAME}, $$ …) and path checks for the string
// fields of one profile document.
#pragma once

#include <optional>
#include <string>

#include "runtime/profile/profile_doc.hpp"
#include "runtime/profile/profile_load.hpp"

namespace burrow::profile {

enum class Field {
    host_path,     // stores[].source, bind source: absolute on the host after expansion
    inside_path,   // destinations, root.exclude, process.cwd: absolute inside the sandbox
    exec,          // process.exec: an absolute inside path or a bare command name
    link_target,   // symlink target: any path text, relative allowed, not normalised
    text,          // process.argv0: no ${env:…}
    env_text,      // env.set values, process.args: ${env:…} allowed
    content,       // file content: ${env:…} allowed, any byte, at most 64 KiB
    search_entry,  // env.prepend / env.append entries: non-empty, no ${env:…}
};

// Expands `literal` (written at `ptr` of `doc`) for a field of kind `field`; paths are
// checked and normalised. Returns nullopt after adding a problem to `out`.
// Overlays have no variables: there "$$" is "$" and everything else is literal.
std::optional<std::string> expand_field(const std::string& literal, Field field, const Doc& doc, const std::string& ptr,
                                        const LoadContext& ctx, Problems& out);

// The variable names, in the order messages list them.
extern const char* const kVariableNames[10];

}  // namespace burrow::profile
