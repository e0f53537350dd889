// Mounts (mnt_root.hpp): the root's top-level entries from the host or an image.
#include "runtime/launch/mnt_root.hpp"

namespace burrow::detail {

RootBuilder::Synthetic RootBuilder::synthetic() const {
    Synthetic out;
    auto add = [&](const std::string& path, bool store) {
        out.at.insert(path);
        for_each_dir_holding(path, [&](std::string_view q) {
            out.above.emplace(q);
            if (store) out.above_store.emplace(q);
        });
    };
    // Destinations of the mounts that are not masks (or chmods, which make nothing): a
    // mount below one of them is "inside another" (held by a different destination).
    auto makes_nothing = [](const MountOp& m) {
        return m.kind == MountOp::Kind::mask || m.kind == MountOp::Kind::chmod;
    };
    std::unordered_set<std::string_view> dests;
    for (const auto& m : plan_.mounts)
        if (!makes_nothing(m)) dests.insert(m.destination);
    for (const auto& m : plan_.mounts) {
        if (m.kind == MountOp::Kind::store) {
            add(m.destination, true);
            out.at_store.insert(m.destination);
            continue;
        }
        if (makes_nothing(m)) continue;
        bool inside_other = false;
        for_each_dir_holding(m.destination, [&](std::string_view q) {
            if (q != m.destination && dests.count(q)) inside_other = true;
        });
        struct stat st {};
        // Only asks whether the source has the entry: nothing is opened or created.
        if (!inside_other && ::lstat(from(m.destination).c_str(), &st) != 0) add(m.destination, false);
    }
    return out;
}

void RootBuilder::bind_host_root() {
    trace(opts_, "bind the top-level entries of " + plan_.root_source + " (" +
                     (plan_.host_access == Access::ro ? "ro" : "rw") + ")");
    auto synth = synthetic();
    Fd src(::open(root_base_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!src) throw Error("cannot open " + plan_.root_source + ": " + errno_text(errno));
    for (const auto& entry : list_dir(src.get(), plan_.root_source)) {
        if (std::find(plan_.host_exclude.begin(), plan_.host_exclude.end(), entry.name) != plan_.host_exclude.end())
            continue;
        place_host(src.get(), root_.get(), entry.name, "/" + entry.name, entry.type, synth);
    }
}

std::vector<RootBuilder::Entry> RootBuilder::list_dir(int dirfd, const std::string& shown_path) {
    std::vector<Entry> out;
    int fd = ::openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* d = fd < 0 ? nullptr : ::fdopendir(fd);
    if (!d) {
        int err = errno;
        if (fd >= 0) ::close(fd);
        throw Error("cannot list " + shown_path + ": " + errno_text(err));
    }
    while (auto* e = ::readdir(d)) {
        if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
        out.push_back({e->d_name, e->d_type});
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return out;
}

// Put entry `name` of source directory `sdir` into directory `ddir` of the new root
// (sandbox path `path`): bind it whole, or — when a synthetic path lies below it —
// recreate it as a directory and place its children one by one, so the source stays
// visible everywhere except at the synthetic path. Symlinks are recreated, never
// followed.
void RootBuilder::place_host(int sdir, int ddir, const std::string& name, const std::string& path, unsigned char type,
                             const Synthetic& synth) {
    if (synth.at.count(path)) {  // the op creates it
        if (synth.at_store.count(path) && !image_root_ && !host_stores_.count(path)) {
            // A directory, not a symlink to one: the host's store, which the store joins.
            Fd dir(::openat(sdir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (dir) host_stores_.emplace(path, std::move(dir));
        }
        return;
    }
    const bool split = synth.above.count(path) != 0;            // a synthetic path below it
    const bool for_store = synth.above_store.count(path) != 0;  // ... that is a store's
    Fd src(::openat(sdir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!src) return;  // vanished meanwhile
    struct stat st {};
    if (type == DT_DIR && !split)
        st.st_mode = S_IFDIR;
    else if (type == DT_REG && !split)
        st.st_mode = S_IFREG;
    else if (type == DT_LNK)
        st.st_mode = S_IFLNK;
    else if (::fstat(src.get(), &st) != 0)
        return;
    if (S_ISLNK(st.st_mode)) {
        if (for_store) {  // e.g. a host /gnu that is a symlink: shadow it with a directory
            make_entry(ddir, name, Make::dir, 0755, path);
            return;
        }
        std::string target = read_link_fd(src.get());
        if (::symlinkat(target.c_str(), ddir, name.c_str()) != 0)
            throw Error("cannot recreate the symlink " + path + ": " + errno_text(errno));
        return;
    }
    if (split && S_ISDIR(st.st_mode)) {
        make_entry(ddir, name, Make::dir, st.st_mode & 07777, path);
        recreated_[path] = {st.st_dev, st.st_ino};
        Fd child(::openat(ddir, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!child) throw Error("cannot open " + path + " in the new root: " + errno_text(errno));
        for (const auto& e : list_dir(src.get(), path))
            place_host(src.get(), child.get(), e.name, path + "/" + e.name, e.type, synth);
        return;
    }
    bool dir = S_ISDIR(st.st_mode);
    if (dir)
        make_entry(ddir, name, Make::dir, 0755, path);
    else
        make_entry(ddir, name, Make::file, 0444, path);
    Fd dst(::openat(ddir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!dst) throw Error("cannot open " + path + " in the new root: " + errno_text(errno));
    if (::mount(fd_path(src.get()).c_str(), fd_path(dst.get()).c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        int err = errno;
        if (err == ENOENT) {  // vanished meanwhile
            ::unlinkat(ddir, name.c_str(), dir ? AT_REMOVEDIR : 0);
            return;
        }
        throw Error("bind " + plan_.root_source + (path == "/" ? "" : path) + " → " + path + ": " + errno_text(err));
    }
    forget_within(path);
    // What comes from an image is never trusted with set-id programs or device nodes.
    std::uint64_t attrs = image_root_ ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV : 0;
    if (plan_.host_access == Access::ro) attrs |= MOUNT_ATTR_RDONLY;
    if (attrs) {
        Fd top(::openat(ddir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
        if (!top) throw Error("cannot open " + path + " after mounting on it: " + errno_text(errno));
        set_attrs(top.get(), path, true, attrs, nullptr);
    }
}

}  // namespace burrow::detail
