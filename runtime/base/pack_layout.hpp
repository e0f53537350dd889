// The names of a pack's own files, for the packer that writes them (packer/layout.cpp,
// packer/verify.cpp) and the launcher that finds them (launcher/pack_entry.cpp,
// launcher/engine.cpp). Paths are relative to the pack root; man burrow-pack(1), LAYOUT.
//
//   bin/NAME                  → ../.burrow/burrow, one per entry
//   .burrow/burrow            the static runtime
//   .burrow/proot             with --proot
//   .burrow/manifest.json     provenance
//   .burrow/files             every other member, hashed
//   .burrow/profiles/NAME.json
//   .burrow/slices/<item>/    --slice directories
#pragma once

#include <string_view>

namespace burrow {

inline constexpr const char* kPackDir = ".burrow";
inline constexpr const char* kBinDir = "bin";
// The runtime's file name, and the name under which it is the burrow command line itself
// rather than an entry.
inline constexpr const char* kRuntimeName = "burrow";
inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kProfileSuffix = ".json";

// Paths from the pack root, made of the names above (checked below).
inline constexpr char kRuntimePath[] = ".burrow/burrow";
inline constexpr char kProotPath[] = ".burrow/proot";
inline constexpr char kManifestPath[] = ".burrow/manifest.json";
inline constexpr char kFileListPath[] = ".burrow/files";
inline constexpr char kProfilesDir[] = ".burrow/profiles";
inline constexpr char kSlicesDir[] = ".burrow/slices";
// What bin/NAME points to, relative to bin/.
inline constexpr char kEntryLinkTarget[] = "../.burrow/burrow";

namespace pack_layout_check {
constexpr bool joined(std::string_view dir, std::string_view name, std::string_view path) {
    return path.size() == dir.size() + 1 + name.size() && path.substr(0, dir.size()) == dir &&
           path[dir.size()] == '/' && path.substr(dir.size() + 1) == name;
}
static_assert(joined(kPackDir, kRuntimeName, kRuntimePath));
static_assert(joined(kPackDir, "proot", kProotPath));
static_assert(joined(kPackDir, kManifestName, kManifestPath));
static_assert(joined(kPackDir, "files", kFileListPath));
static_assert(joined(kPackDir, "profiles", kProfilesDir));
static_assert(joined(kPackDir, "slices", kSlicesDir));
static_assert(joined("..", kRuntimePath, kEntryLinkTarget));
}  // namespace pack_layout_check

}  // namespace burrow
