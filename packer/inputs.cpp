#include "packer/inputs.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <optional>
#include <set>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "packer/fsutil.hpp"
#include "packer/progress.hpp"
#include "packer/store_names.hpp"
#include "runtime/profile/profile_load.hpp"

#ifndef BURROW_VERSION
#define BURROW_VERSION "unknown"
#endif

extern char** environ;

namespace burrow::pack {

namespace {

// Absolute and lexically normalised, resolving ".." by dropping the previous component.
std::string lexical_absolute(const std::string& path) {
    std::string abs = path;
    if (abs.empty() || abs[0] != '/') {
        char cwd[PATH_MAX];
        if (::getcwd(cwd, sizeof cwd) == nullptr) throw_sys("cannot find the current directory for", path, errno);
        abs = std::string(cwd) + "/" + path;
    }
    return normalise_absolute(abs);
}

std::vector<std::string> list_store(const std::string& src) {
    DIR* d = ::opendir(src.c_str());
    if (d == nullptr) throw_sys("cannot read the store", src, errno);
    std::vector<std::string> names = sorted_names(d, "cannot read the store", src);
    // Hidden names are not items (Nix/Guix keep ".links" there).
    names.erase(std::remove_if(names.begin(), names.end(), [](const std::string& n) { return n[0] == '.'; }),
                names.end());
    return names;
}

struct Store {
    std::string src_given, src_abs, src_real, dest;
    std::set<std::string> present;
    RefIndex index;
};

struct SliceMap {
    std::string dest, host, name;
    std::string entry;  // "": every entry's
};

// Where an in-sandbox path's contents live on this host, and which item holds it.
struct Mapped {
    std::string host;
    std::string item;  // empty for slices
};

class Resolver {
  public:
    Resolver(const Store* store, const std::vector<SliceMap>& slices) : store_(store), slices_(slices) {}

    std::optional<Mapped> map(const std::string& path) const {
        if (store_ && is_under(path, store_->dest)) {
            if (path == store_->dest) return Mapped{store_->src_real, {}};
            const std::string rest = path.substr(store_->dest.size() + 1);
            const std::string item = rest.substr(0, rest.find('/'));
            if (!store_->present.count(item))
                throw Error(path + ": the store " + store_->src_given + " has no item " + item, 1);
            return Mapped{store_->src_real + "/" + rest, item};
        }
        for (const auto& s : slices_)
            if (is_under(path, s.dest)) return Mapped{s.host + path.substr(s.dest.size()), {}};
        return std::nullopt;
    }

    // Follows PROGRAM through the pack's symlinks; returns the host file it ends at
    // (nullopt: it leaves the pack, so the host must provide it). `items` collects the
    // store items passed through.
    std::optional<std::string> program(const std::string& what, std::string path, std::set<std::string>& items) const {
        for (int hops = 0; hops < 40; ++hops) {
            std::vector<std::string> comps;
            for (std::size_t i = 1; i <= path.size();) {
                const std::size_t j = std::min(path.find('/', i), path.size());
                comps.push_back(path.substr(i, j - i));
                i = j + 1;
            }
            std::string prefix;
            bool restarted = false;
            std::optional<std::string> last_host;
            for (std::size_t k = 0; k < comps.size(); ++k) {
                prefix += "/" + comps[k];
                const auto m = map(prefix);
                if (!m) {
                    last_host.reset();
                    continue;
                }
                if (!m->item.empty()) items.insert(m->item);
                struct stat st;
                if (::lstat(m->host.c_str(), &st) != 0)
                    throw Error(
                        what + ": " + prefix + " is not in the pack (" + m->host + ": " + std::strerror(errno) + ")",
                        1);
                if (S_ISLNK(st.st_mode)) {
                    std::string t(static_cast<std::size_t>(st.st_size) + 1, '\0');
                    const ssize_t n = ::readlink(m->host.c_str(), t.data(), t.size());
                    if (n < 0) throw_sys("cannot read the symlink", m->host, errno);
                    t.resize(static_cast<std::size_t>(n));
                    std::string next = t[0] == '/' ? t : dirname_of(prefix) + "/" + t;
                    for (std::size_t r = k + 1; r < comps.size(); ++r) next += "/" + comps[r];
                    path = lexical_absolute(next);
                    restarted = true;
                    break;
                }
                if (k + 1 < comps.size() && !S_ISDIR(st.st_mode))
                    throw Error(what + ": " + prefix + " is not a directory", 1);
                if (k + 1 == comps.size()) {
                    if (S_ISDIR(st.st_mode)) throw Error(what + ": " + path + " is a directory, not a program", 1);
                    if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
                        throw Error(what + ": " + path + " is not executable (" + m->host + ")", 1);
                    last_host = m->host;
                }
            }
            if (!restarted) return last_host;
        }
        throw Error(what + ": too many levels of symbolic links", 1);
    }

  private:
    const Store* store_;
    const std::vector<SliceMap>& slices_;
};

std::string join_lines(const std::vector<std::string>& lines, std::size_t cap = 20) {
    std::string out;
    for (std::size_t i = 0; i < lines.size() && i < cap; ++i) out += (i ? "\n" : "") + lines[i];
    if (lines.size() > cap) out += "\n… and " + std::to_string(lines.size() - cap) + " more";
    return out;
}

struct FileInfo {
    std::string path, sha256;
    std::uint64_t size = 0;
};

FileInfo checked_binary(const std::string& path, const char* option) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0)
        throw Error(std::string(option) + ": " + path + ": " + std::strerror(errno) +
                        (std::string(option) == "runtime" ? "; build it (make) or give --runtime FILE" : ""),
                    1);
    if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
        throw Error(std::string(option) + ": " + path + " is not an executable file", 1);
    return FileInfo{path, sha256_of_file(path), static_cast<std::uint64_t>(st.st_size)};
}

// ---- The steps of gather_inputs(), in the order it takes them.

std::optional<Store> open_store(const PackOptions& o) {
    if (!o.store_source) return std::nullopt;
    const std::string& given = *o.store_source;
    struct stat st;
    if (::stat(given.c_str(), &st) != 0) throw_sys("--store: cannot use", given, errno);
    if (!S_ISDIR(st.st_mode)) throw Error("--store: " + given + " is not a directory", 125);
    std::string abs = lexical_absolute(given);
    std::string real = real_path(given);
    std::string dest = o.store_destination.empty() ? abs : o.store_destination;
    if (dest == "/") throw Error("--store " + given + ": the store cannot appear at '/'; give :DEST", 125);
    const auto names = list_store(real);
    RefIndex index(names, dest);
    return Store{given,
                 std::move(abs),
                 std::move(real),
                 std::move(dest),
                 std::set<std::string>(names.begin(), names.end()),
                 std::move(index)};
}

// The store item an ITEM argument names: itself, or the item of a path under the store
// (as given, absolute or real) or its destination; nullopt for a path outside them.
std::optional<std::string> named_item(const std::string& arg, const Store& store) {
    if (arg.find('/') == std::string::npos) return arg;
    const std::string abs = lexical_absolute(arg);
    for (const std::string& base : {store.dest, store.src_abs, store.src_real})
        if (has_dir_prefix(abs, base) && abs != base) {
            const std::string rest = abs.substr(base.size() + 1);
            return rest.substr(0, rest.find('/'));
        }
    return std::nullopt;
}

// The ITEMs as store names; all the arguments that name no item of the store in one error.
std::set<std::string> named_items(const PackOptions& o, const std::optional<Store>& store) {
    std::set<std::string> named;
    std::vector<std::string> missing;
    for (const auto& arg : o.items) {
        const std::optional<std::string> item = named_item(arg, *store);
        if (!item) {
            missing.push_back(arg + ": not a store item: it is neither a name nor a path under " + store->src_given +
                              " or " + store->dest);
            continue;
        }
        const std::string& name = *item;
        if (!store->present.count(name)) {
            missing.push_back("no item " + name + " in the store " + store->src_given + " (" +
                              join_path(store->src_real, name) + " does not exist)");
            continue;
        }
        named.insert(name);
    }
    if (!missing.empty()) throw Error(join_lines(missing), 1);
    return named;
}

// --warn-host: the pack's own places (the store's and the slices' destinations), whose
// paths are not the host's; nothing without the option.
std::optional<std::vector<std::string>> host_scan_places(const PackOptions& o, const std::optional<Store>& store) {
    if (!o.warn_host) return std::nullopt;
    std::vector<std::string> places;
    if (store) places.push_back(store->dest);
    for (const auto& sl : o.slices) places.push_back(sl.destination);
    return places;
}

// Where a slice's references are looked for without --store: the default store
// destinations of Guix and Nix. Every reference there is missing (there is no store).
const RefIndex& unstored_index() {
    static const RefIndex index({}, "/gnu/store", {"/nix/store"});
    return index;
}

// Without --store, a slice that names an item under /gnu/store or /nix/store would fail
// at run time: every such reference, in one error (a command line without the --store it
// needs).
void check_unstored_references(const std::vector<PackSlice>& slices) {
    std::vector<std::string> lines;
    for (const auto& s : slices)
        for (const auto& [hash, ref] : s.item.missing)
            lines.push_back("slice " + s.destination + " (file " + ref.file + ") references " + ref.text +
                            ", but the pack has no store (no --store given); pack with --store SRC[:DEST] "
                            "holding that item, or with --no-closure");
    if (!lines.empty()) throw Error(join_lines(lines), 125);
}

// Slices: scanned now, so that their names (content hashes) are known. The items they
// reference join `roots`. Without a store, their references to the default store
// destinations are errors (unless --no-closure).
std::vector<SliceMap> scan_slices(const PackOptions& o, const std::optional<Store>& store, Progress* progress,
                                  std::set<std::string>& roots, std::vector<PackSlice>& slices) {
    const RefIndex* idx = store ? &store->index : o.closure ? &unstored_index() : nullptr;
    const auto host_places = host_scan_places(o, store);
    std::vector<SliceMap> slice_maps;
    std::set<std::string> slice_names;
    std::map<std::pair<std::string, std::string>, std::size_t> seen;  // (real dir, dest) → slices[i]
    for (const auto& sl : o.slices) {
        struct stat st;
        if (::stat(sl.dir.c_str(), &st) != 0) throw_sys("--slice: cannot use", sl.dir, errno);
        if (!S_ISDIR(st.st_mode))
            throw Error("--slice " + sl.dir + "=" + sl.destination + ": " + sl.dir + " is not a directory", 125);
        const std::string real = real_path(sl.dir);
        if (store && (has_dir_prefix(real, store->src_real) || has_dir_prefix(store->src_real, real)))
            throw Error("--slice " + sl.dir + ": overlaps the store " + store->src_given, 125);
        // The same directory at the same place for two wrappers is one slice of both.
        if (auto it = seen.find({real, sl.destination});
            it != seen.end() && !sl.entry.empty() && !slices[it->second].entries.empty()) {
            slices[it->second].entries.push_back(sl.entry);
            slice_maps.push_back(SliceMap{sl.destination, real, slices[it->second].item.name, sl.entry});
            continue;
        }
        if (progress) progress->phase("scanning slice " + basename_of(real), 0);
        ScannedItem item = scan_item("", real, idx, progress, host_places ? &*host_places : nullptr);
        item.name = slice_item_name(item.digest.raw, basename_of(real));
        if (!slice_names.insert(item.name).second)
            throw Error("--slice " + sl.dir + ": another slice has the same contents and base name", 125);
        roots.insert(item.references.begin(), item.references.end());
        slice_maps.push_back(SliceMap{sl.destination, real, item.name, sl.entry});
        seen[{real, sl.destination}] = slices.size();
        std::vector<std::string> entries;
        if (!sl.entry.empty()) entries.push_back(sl.entry);
        slices.push_back(PackSlice{std::move(item), sl.destination, std::move(entries)});
    }
    if (!store && o.closure) check_unstored_references(slices);
    return slice_maps;
}

// Entries: their programs must be in the pack (or outside it altogether); the items
// their paths pass through join `roots`. By name, with the --profile entries.
std::map<std::string, PackEntryPlan> entry_plans(const PackOptions& o, const std::vector<SliceMap>& slice_maps,
                                                 const std::optional<Store>& store, std::set<std::string>& roots) {
    const bool image = is_image_format(o.format);
    std::map<std::string, PackEntryPlan> entries;
    for (const auto& e : o.entries) {
        std::vector<SliceMap> own;  // the slices this entry mounts
        for (const auto& m : slice_maps)
            if (m.entry.empty() || m.entry == e.name) own.push_back(m);
        const Resolver resolver(store ? &*store : nullptr, own);
        std::set<std::string> touched;
        const auto host = resolver.program("-e " + e.name + "=" + e.program, e.program, touched);
        if (image && !host)
            throw Error("-e " + e.name + "=" + e.program +
                            ": the program is not in the image (an image has only the store's items" +
                            (store ? " under " + store->dest : std::string()) + "); name a program inside an item",
                        1);
        roots.insert(touched.begin(), touched.end());
        entries[e.name] = PackEntryPlan{e.name, e.program, {}};
    }
    for (const auto& p : o.profiles) entries.try_emplace(p.name, PackEntryPlan{p.name, std::nullopt, {}});
    return entries;
}

// Where a -S link's TARGET is, relative to the pack root.
std::string link_target_in_pack(const LinkOption& l, const std::optional<Store>& store, const std::string& store_dir,
                                const std::vector<SliceMap>& slice_maps) {
    if (l.target[0] != '/') {
        const std::string t = normalise_absolute_strict("/" + l.target);
        if (t.empty() || t == "/")
            throw Error("-S " + l.link + "=" + l.target + ": TARGET must name a path in the pack, without '..'", 125);
        return t.substr(1);
    }
    const std::string t = lexical_absolute(l.target);
    if (store && is_under(t, store->dest) && t != store->dest) return store_dir + t.substr(store->dest.size());
    std::string resolved;
    for (const auto& s : slice_maps)
        if (is_under(t, s.dest)) resolved = std::string(kSlicesDir) + "/" + s.name + t.substr(s.dest.size());
    if (resolved.empty())
        throw Error("-S " + l.link + "=" + l.target + ": an absolute TARGET must lie under the store's destination" +
                        (store ? " " + store->dest : std::string()) +
                        " or a slice's; otherwise give it relative to the pack root",
                    125);
    return resolved;
}

// -S links: relative symlinks to paths inside the pack. The store items they point into
// join `roots`.
std::vector<PackLink> pack_links(const PackOptions& o, const std::optional<Store>& store,
                                 const std::vector<SliceMap>& slice_maps, std::set<std::string>& roots) {
    std::vector<PackLink> links;
    const std::string store_dir = store ? store_dir_in_pack(store->dest) : std::string();
    for (const auto& l : o.links) {
        if (store && is_under(l.link, store_dir))
            throw Error(
                "-S " + l.link + ": a link inside the store directory would change its items; choose another LINK",
                125);
        const std::string resolved = link_target_in_pack(l, store, store_dir, slice_maps);
        if (store && is_under(resolved, store_dir) && resolved != store_dir) {
            const std::string rest = resolved.substr(store_dir.size() + 1);
            const std::string item = rest.substr(0, rest.find('/'));
            if (!store->present.count(item))
                throw Error(
                    "-S " + l.link + "=" + l.target + ": the store " + store->src_given + " has no item " + item, 1);
            roots.insert(item);
        }
        std::string text;
        for (std::size_t depth = std::count(l.link.begin(), l.link.end(), '/'); depth > 0; --depth) text += "../";
        links.push_back(PackLink{l.link, text + resolved, resolved});
    }
    return links;
}

// Every reference of the items and slices to an item the store lacks, in one error.
void check_missing_references(const std::map<std::string, ScannedItem>& items, const std::vector<PackSlice>& slices,
                              const Store& store) {
    std::vector<std::string> lines;
    auto report = [&](const ScannedItem& it, const std::string& where) {
        for (const auto& [hash, ref] : it.missing)
            lines.push_back(where + " (file " + ref.file + ") references " + ref.text + ", which is not in the store " +
                            store.src_given + "; add that item to the store, or pack with --no-closure");
    };
    for (const auto& [name, it] : items) report(it, "item " + name);
    for (const auto& s : slices) report(s.item, "slice " + s.destination);
    if (!lines.empty()) throw Error(join_lines(lines), 1);
}

// The closure of `roots` over the store (only the roots with --no-closure), scanned.
std::map<std::string, ScannedItem> scan_closure(const PackOptions& o, const Store& store,
                                                const std::set<std::string>& roots,
                                                const std::vector<PackSlice>& slices, Progress* progress) {
    if (progress) progress->phase("scanning", 0);
    const auto host_places = host_scan_places(o, store);
    auto scan = [&](const std::string& name) {
        ScannedItem it =
            scan_item(name, store.src_real + "/" + name, &store.index, progress, host_places ? &*host_places : nullptr);
        if (progress) progress->item_done();
        return it;
    };
    std::map<std::string, ScannedItem> items = closure(roots, scan, o.closure);
    // A name becomes a path in the pack, a profile's item and a line of the manifest.
    for (const auto& [name, it] : items)
        if (const std::string why = name_problem(name); !why.empty())
            throw Error("item " + shown_name(name) + " of the store " + store.src_given +
                            ": cannot pack it: its name is not usable (" + why + "); rename it in the store",
                        1);
    if (o.closure) check_missing_references(items, slices, store);
    return items;
}

// A --profile file, verbatim: a JSON object that extends nothing but builtin:NAME (other
// files are not in the pack). Its process.exec is the entry's program when -e gave none.
void read_profile(const std::string& name, const std::string& file, PackEntryPlan& e) {
    e.profile_text = read_file(file, 1 << 20);
    const nlohmann::json doc = parse_profile_text(e.profile_text, file);
    if (!doc.is_object()) throw Error("--profile " + name + "=" + file + ": not a JSON object", 125);
    if (doc.contains("extends")) {
        const std::string option = "--profile " + name + "=" + file;
        auto check = [&](const nlohmann::json& x) {
            if (!x.is_string() || x.get<std::string>().rfind("builtin:", 0) != 0)
                throw Error(option +
                                ": /extends: only builtin:NAME works inside a pack "
                                "(other files are not copied); merge that file into this one",
                            125);
        };
        if (doc["extends"].is_array())
            for (const auto& x : doc["extends"]) check(x);
        else
            check(doc["extends"]);
    }
    if (!e.program && doc.contains("process") && doc["process"].is_object() && doc["process"].contains("exec") &&
        doc["process"]["exec"].is_string())
        e.program = doc["process"]["exec"].get<std::string>();
}

// The entries with their profiles: generated, or read from --profile. Images run the
// program directly and have none.
std::vector<PackEntryPlan> entry_profiles(const PackOptions& o, std::map<std::string, PackEntryPlan> entries,
                                          const PackInputs& in) {
    std::map<std::string, std::string> profile_files;
    for (const auto& p : o.profiles) profile_files[p.name] = p.file;
    std::vector<std::string> item_names;
    for (const auto& [name, it] : in.items) item_names.push_back(name);
    std::vector<PackEntryPlan> out;
    for (auto& [name, e] : entries) {
        auto pf = profile_files.find(name);
        if (is_image_format(o.format)) {
            // Images run the program directly: no profile.
        } else if (pf == profile_files.end()) {
            e.profile_text =
                json_text(generated_profile(name, *e.program, in.store_destination, item_names, in.slices));
        } else {
            read_profile(name, pf->second, e);
        }
        out.push_back(std::move(e));
    }
    return out;
}

// The runtime (and proot) a pack embeds.
void add_runtime(const PackOptions& o, const std::string& self_dir, PackInputs& in) {
    const FileInfo rt = checked_binary(o.runtime ? *o.runtime : self_dir + "/burrow", "runtime");
    in.runtime_host_path = rt.path;
    in.runtime_sha256 = rt.sha256;
    in.runtime_size = rt.size;
    in.runtime_version = runtime_version(rt.path);
    if (o.proot) {
        const FileInfo pr = checked_binary(*o.proot, "--proot");
        in.proot_host_path = pr.path;
        in.proot_sha256 = pr.sha256;
        in.proot_size = pr.size;
    }
}

// The values a wrapper's ${…} variables take, as burrow would give them when run here.
LoadContext wrapper_context() {
    LoadContext ctx;
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) ctx.vars["PWD"] = cwd;
    ctx.vars["UID"] = std::to_string(::getuid());
    ctx.vars["GID"] = std::to_string(::getgid());
    auto from_env = [](const std::string& name) -> std::optional<std::string> {
        const char* v = std::getenv(name.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    ctx.more_vars = from_env;
    ctx.more_env = from_env;
    return ctx;
}

// --wrapper FILE: entry NAME (FILE's name) runs the profile's process.exec; each read-only
// bind of a directory becomes a slice that only this entry mounts. Anything else the
// profile mounts would not be in the pack, so it is refused rather than dropped.
PackOptions with_wrappers(const PackOptions& given) {
    if (given.wrappers.empty()) return given;
    PackOptions o = given;
    const LoadContext ctx = wrapper_context();
    for (const auto& file : given.wrappers) {
        const std::string name = basename_of(file), what = "--wrapper " + file;
        const Profile p = load_profile(file, {}, ctx);
        if (!p.process.exec)
            throw Error(what + ": the profile has no process.exec; a wrapper names the program it runs", 125);
        if (!p.stores.empty())
            throw Error(
                what + ": /stores: a wrapper's stores cannot go into a pack; pack them with --store SRC[:DEST] ITEM",
                125);
        for (const auto& m : p.mounts) {
            struct stat st;
            const bool dir = ::stat(m.source.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
            if (m.type != MountKind::bind || m.access != Access::ro || !dir)
                throw Error(what + ": the mount at " + m.destination +
                                " cannot go into a pack: only read-only binds of directories become slices",
                            125);
            o.slices.push_back(SliceOption{m.source, m.destination, name});
        }
        o.entries.push_back(EntryOption{name, *p.process.exec});
    }
    check_slice_places(o);
    return o;
}

}  // namespace

// What the manifest records of the command line: the options' meaning, not their spelling,
// and no host path. Spelling (-Cnone, -C none, no -C for the default), the order items
// are named in (and naming them by path or twice), and where the store copy, a slice's
// directory, a wrapper or the runtime sits on the packing machine change nothing; a host
// path is written as "…" (a wrapper keeps its file name: it names the entry).
std::vector<std::string> normalised_arguments(const PackOptions& o, const std::set<std::string>& named,
                                              const std::string& store_dest) {
    constexpr const char* kHost = "\u2026";
    std::vector<std::string> a = {"-f", format_name(o.format)};
    if (o.format != Format::dir) a.insert(a.end(), {"-C", compression_name(o.compression)});
    if (!o.prefix_dir.empty()) a.insert(a.end(), {"--prefix-dir", o.prefix_dir});
    if (o.store_source) a.insert(a.end(), {"--store", std::string(kHost) + ":" + store_dest});
    for (const auto& sl : o.slices) a.insert(a.end(), {"--slice", std::string(kHost) + "=" + sl.destination});
    for (const auto& w : o.wrappers)
        a.insert(a.end(), {"--wrapper", std::string(kHost) + "/" + w.substr(w.find_last_of('/') + 1)});
    for (const auto& e : o.entries) a.insert(a.end(), {"-e", e.name + "=" + e.program});
    for (const auto& pr : o.profiles) a.insert(a.end(), {"--profile", pr.name + "=" + kHost});
    for (const auto& l : o.links) a.insert(a.end(), {"-S", l.link + "=" + l.target});
    if (is_image_format(o.format)) {
        a.insert(a.end(), {"--max-layers", std::to_string(o.max_layers)});
        if (o.tag) a.insert(a.end(), {"--tag", *o.tag});
        for (const auto& [k, v] : o.env) a.insert(a.end(), {"--env", k + "=" + v});
        for (const auto& [k, v] : o.labels) a.insert(a.end(), {"--label", k + "=" + v});
        if (o.user) a.insert(a.end(), {"--user", *o.user});
        if (o.workdir) a.insert(a.end(), {"--workdir", *o.workdir});
        for (const auto& c : o.cmd) a.insert(a.end(), {"--cmd", c});
    }
    if (!o.closure) a.push_back("--no-closure");
    if (o.runtime) a.insert(a.end(), {"--runtime", kHost});
    if (o.proot) a.insert(a.end(), {"--proot", kHost});
    if (!named.empty()) a.push_back("--");
    a.insert(a.end(), named.begin(), named.end());
    return a;
}

std::string runtime_version(const std::string& runtime) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return "unknown";
    Fd rd(fds[0]), wr(fds[1]);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, wr.get(), 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char* argv[] = {const_cast<char*>("burrow"), const_cast<char*>("--version"), nullptr};
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, runtime.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    wr = Fd();
    if (rc != 0) return "unknown";
    std::string out;
    char buf[512];
    for (;;) {
        const ssize_t n = ::read(rd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (out.size() < 4096) out.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "unknown";
    // "burrow 0.1.0 …" → "0.1.0"; anything else is not our runtime's answer.
    const std::string line = out.substr(0, out.find('\n'));
    if (line.rfind("burrow ", 0) != 0) return "unknown";
    const std::string v =
        line.substr(7, line.find(' ', 7) == std::string::npos ? std::string::npos : line.find(' ', 7) - 7);
    return v.empty() ? "unknown" : v;
}

PackInputs gather_inputs(const PackOptions& given, const std::string& self_dir, std::int64_t epoch,
                         Progress* progress) {
    const PackOptions o = with_wrappers(given);
    PackInputs in;
    in.created = epoch;
    in.packer_version = BURROW_VERSION;
    const std::optional<Store> store = open_store(o);
    if (store) in.store_destination = store->dest;
    const std::set<std::string> named = named_items(o, store);
    std::set<std::string> roots = named;
    const std::vector<SliceMap> slice_maps = scan_slices(o, store, progress, roots, in.slices);
    std::map<std::string, PackEntryPlan> entries = entry_plans(o, slice_maps, store, roots);
    in.links = pack_links(o, store, slice_maps, roots);
    if (store) in.items = scan_closure(o, *store, roots, in.slices, progress);
    in.entries = entry_profiles(o, std::move(entries), in);
    in.arguments = normalised_arguments(given, named, in.store_destination);
    if (is_image_format(o.format)) return in;
    add_runtime(o, self_dir, in);
    return in;
}

std::vector<std::string> host_ref_lines(const PackInputs& in, std::size_t per_item) {
    std::vector<std::string> out;
    auto report = [&](const ScannedItem& it, const std::string& what) {
        if (it.host_refs.empty()) return;
        out.push_back(what + " names " + std::to_string(it.host_refs.size()) + " host path" +
                      (it.host_refs.size() == 1 ? "" : "s") + " that the pack does not carry:");
        std::size_t n = 0;
        for (const auto& [path, file] : it.host_refs) {
            if (n++ == per_item) {
                out.push_back("  … and " + std::to_string(it.host_refs.size() - per_item) + " more");
                break;
            }
            out.push_back("  " + shown_name(path) + " (in " + shown_name(file) + ")");
        }
    };
    for (const auto& [name, it] : in.items) report(it, "item " + shown_name(name));
    for (const auto& sl : in.slices) report(sl.item, "slice " + sl.destination);
    if (!out.empty())
        out.push_back(
            "where the host lacks one of these, the program may fail; test the pack with "
            "BURROW_HOST=none ./bin/NAME or burrow-pack check");
    return out;
}

}  // namespace burrow::pack
