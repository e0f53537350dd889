// The mount kinds: one row each (name, profile keys, default mode, required keys, default
// destination), read by the schema check, the typed builder, the canonical JSON and the
// plan. A profile's "type" names a row; "store" is the plan's own kind for the profile's
// "stores" and has no profile keys.
//
// Adding a mount kind: a value in MountKind and a row in mount_kinds.cpp (a key no kind had
// yet also gets a row in mount_section(), profile_schema_tables.cpp), its operation in
// mnt_ops.cpp (RootBuilder::apply_op, declared in mnt_root.hpp), and its documentation
// (profiles/schema.json, man/burrow-profile.5).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace burrow {

enum class MountKind { bind, store, tmpfs, proc, dev, dir, symlink, file, mask, chmod, remount, mqueue, overlay };

struct MountKindInfo {
    MountKind kind;
    std::string_view name;                 // the profile's "type", --print-plan's "kind"
    std::vector<std::string> keys;         // the keys a profile mount of this kind may have
    std::optional<unsigned> mode;          // the default mode, for the kinds that have one
    std::vector<std::string> required;     // the keys a profile mount of this kind must have
    std::string_view default_destination;  // without "destination": this path, if any
    bool destination_from_source = false;  // without "destination": the source's path
};

// Every kind, in MountKind order.
const std::vector<MountKindInfo>& mount_kinds();
const MountKindInfo& mount_kind(MountKind k);
// The row a profile's "type" names; nullptr for a name that is no profile mount type
// (so an unknown name can never become some other kind).
const MountKindInfo* profile_mount_kind(std::string_view name);
// The profile's mount type names, in table order.
std::vector<std::string> profile_mount_types();

}  // namespace burrow
