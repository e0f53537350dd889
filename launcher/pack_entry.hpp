// Running as a pack entry: <pack>/bin/NAME is a symlink to <pack>/.burrow/burrow, and NAME
// picks the profile <pack>/.burrow/profiles/NAME.json (man burrow-pack(1), "ENTRIES").
//
// The pack root comes from /proc/self/exe (canonical), checked against the manifest that
// must sit next to the runtime. The entry name comes from the path the program was
// executed by: AT_EXECFN first (robust to `exec -a` and PATH lookup), then argv[0]
// (needed for "#!/abs/pack/bin/NAME" scripts, where AT_EXECFN is the script). Each is
// followed symlink by symlink; the name is the base name of the last link in the chain
// whose directory is <pack>/bin. No NSS, no allocation-heavy work: this runs on every
// launch of the static runtime. (When bin/NAME is a copy of the runtime rather than a
// link, because an unpacker dereferenced the links, the copy's own name is the entry.)
#pragma once

#include <optional>
#include <string>

namespace burrow {

struct PackEntry {
    std::string root;     // the pack's directory, canonical
    std::string name;     // the entry
    std::string profile;  // root + "/.burrow/profiles/" + name + ".json"
};

// The running binary's canonical path: the kernel's own name for /proc/self/exe (already
// absolute and free of symlinks, so one readlink instead of realpath's walk), looked up once
// per process. nullopt when /proc is missing or the binary was deleted.
const std::optional<std::string>& self_exe();
// nullopt: not running as a pack entry (normal `burrow` CLI). Throws burrow::Error when
// this is a pack but the entry cannot be told or is not in its manifest.
std::optional<PackEntry> detect_pack_entry(const char* argv0);

// The same with the process's facts passed in, for tests: `exe` is the canonical path of
// the running binary, `execfn` the AT_EXECFN string, `path_env` $PATH (each may be null).
std::optional<PackEntry> detect_pack_entry_from(const std::string& exe, const char* execfn, const char* argv0,
                                                const char* path_env);

}  // namespace burrow
