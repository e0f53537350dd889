#include "runtime/profile/mount_kinds.hpp"

namespace burrow {

const std::vector<MountKindInfo>& mount_kinds() {
    using K = MountKind;
    static const std::vector<MountKindInfo> rows = {
        {K::bind,
         "bind",
         {"type", "source", "fd", "destination", "access", "optional", "recursive", "devices", "noexec"},
         {},
         {},  // "source", or "fd": the file that file descriptor is open on
         "",
         true},
        {K::store, "store", {}, {}, {}, ""},
        {K::tmpfs, "tmpfs", {"type", "destination", "size", "mode"}, 0755, {"destination"}, ""},
        {K::proc, "proc", {"type", "destination"}, {}, {}, "/proc"},
        {K::dev, "dev", {"type", "destination"}, {}, {}, "/dev"},
        {K::dir, "dir", {"type", "destination", "mode"}, 0755, {"destination"}, ""},
        {K::symlink, "symlink", {"type", "destination", "target"}, {}, {"destination", "target"}, ""},
        // "content", or "fd": the content read from that file descriptor at launch
        {K::file, "file", {"type", "destination", "content", "fd", "mode", "access"}, 0444, {"destination"}, ""},
        {K::mask, "mask", {"type", "destination"}, {}, {"destination"}, ""},
        {K::chmod, "chmod", {"type", "destination", "mode"}, {}, {"destination", "mode"}, ""},
        // bwrap's --remount-ro: the mount at the destination read-only (not those below it)
        {K::remount, "remount", {"type", "destination"}, {}, {"destination"}, ""},
        {K::mqueue, "mqueue", {"type", "destination"}, {}, {"destination"}, ""},
        // overlayfs: "lower" host directories (lowest first); writes go to "upper" (with its
        // "work" directory), or with "access": "rw" and no upper to a tmpfs of the launch's own
        {K::overlay,
         "overlay",
         {"type", "destination", "lower", "upper", "work", "access"},
         {},
         {"destination", "lower"},
         ""},
    };
    return rows;
}

const MountKindInfo& mount_kind(MountKind k) { return mount_kinds().at(static_cast<size_t>(k)); }

const MountKindInfo* profile_mount_kind(std::string_view name) {
    for (const MountKindInfo& r : mount_kinds())
        if (r.name == name && !r.keys.empty()) return &r;
    return nullptr;
}

std::vector<std::string> profile_mount_types() {
    std::vector<std::string> out;
    for (const MountKindInfo& r : mount_kinds())
        if (!r.keys.empty()) out.emplace_back(r.name);
    return out;
}

}  // namespace burrow
