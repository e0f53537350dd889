#include "packer/pack.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <set>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "packer/archive_out.hpp"
#include "packer/fsutil.hpp"
#include "packer/image_write.hpp"
#include "packer/interrupt.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/store_names.hpp"
#include "runtime/profile_load.hpp"

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
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (!n.empty() && n[0] != '.') names.push_back(n);   // also skips Nix/Guix ".links"
    }
    const int err = errno;
    ::closedir(d);
    if (err != 0) throw_sys("cannot read the store", src, err);
    std::sort(names.begin(), names.end());
    return names;
}

struct Store {
    std::string src_given, src_abs, src_real, dest;
    std::set<std::string> present;
};

struct SliceMap {
    std::string dest, host, name;
};

// Where an in-sandbox path's contents live on this host, and which item holds it.
struct Mapped {
    std::string host;
    std::string item;   // empty for slices
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
                if (!m) { last_host.reset(); continue; }
                if (!m->item.empty()) items.insert(m->item);
                struct stat st;
                if (::lstat(m->host.c_str(), &st) != 0)
                    throw Error(what + ": " + prefix + " is not in the pack (" + m->host + ": " +
                                    std::strerror(errno) + ")", 1);
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

}  // namespace

std::int64_t source_date_epoch(const char* value) {
    if (value == nullptr) return 1;
    const std::string v = value;
    if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos)
        throw Error("SOURCE_DATE_EPOCH='" + v + "' is not a number of seconds since 1970-01-01; unset it or give digits only", 125);
    return std::stoll(v);
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
    const std::string v = line.substr(7, line.find(' ', 7) == std::string::npos ? std::string::npos : line.find(' ', 7) - 7);
    return v.empty() ? "unknown" : v;
}

PackInputs gather_inputs(const PackOptions& o, const std::string& self_dir, std::int64_t epoch,
                         Progress* progress) {
    PackInputs in;
    in.created = epoch;
    in.arguments = o.recorded_arguments;
    in.packer_version = BURROW_VERSION;

    // The store.
    std::optional<Store> store;
    std::optional<RefIndex> index;
    if (o.store_source) {
        Store s;
        s.src_given = *o.store_source;
        struct stat st;
        if (::stat(s.src_given.c_str(), &st) != 0) throw_sys("--store: cannot use", s.src_given, errno);
        if (!S_ISDIR(st.st_mode)) throw Error("--store: " + s.src_given + " is not a directory", 125);
        s.src_abs = lexical_absolute(s.src_given);
        s.src_real = real_path(s.src_given);
        s.dest = o.store_destination.empty() ? s.src_abs : o.store_destination;
        if (s.dest == "/") throw Error("--store " + s.src_given + ": the store cannot appear at '/'; give :DEST", 125);
        const auto names = list_store(s.src_real);
        s.present.insert(names.begin(), names.end());
        index.emplace(names, s.dest);
        in.store_destination = s.dest;
        store = std::move(s);
    }
    const RefIndex* idx = index ? &*index : nullptr;

    const bool image = is_image_format(o.format);

    // Named items.
    std::set<std::string> roots, named;
    std::vector<std::string> missing;
    for (const auto& arg : o.items) {
        std::string name = arg;
        if (arg.find('/') != std::string::npos) {
            const std::string abs = lexical_absolute(arg);
            name.clear();
            for (const std::string& base : {store->dest, store->src_abs, store->src_real})
                if (has_dir_prefix(abs, base) && abs != base) {
                    const std::string rest = abs.substr(base.size() + 1);
                    name = rest.substr(0, rest.find('/'));
                    break;
                }
            if (name.empty()) {
                missing.push_back(arg + ": not a store item: it is neither a name nor a path under " +
                                  store->src_given + " or " + store->dest);
                continue;
            }
        }
        if (!store->present.count(name)) {
            missing.push_back("no item " + name + " in the store " + store->src_given + " (" +
                              join_path(store->src_real, name) + " does not exist)");
            continue;
        }
        roots.insert(name);
        named.insert(name);
    }
    if (!missing.empty()) throw Error(join_lines(missing), 1);

    // Slices: scanned now, so that their names (content hashes) are known.
    std::vector<SliceMap> slice_maps;
    std::set<std::string> slice_names;
    for (const auto& sl : o.slices) {
        struct stat st;
        if (::stat(sl.dir.c_str(), &st) != 0) throw_sys("--slice: cannot use", sl.dir, errno);
        if (!S_ISDIR(st.st_mode)) throw Error("--slice " + sl.dir + "=" + sl.destination + ": " + sl.dir + " is not a directory", 125);
        const std::string real = real_path(sl.dir);
        if (store && (has_dir_prefix(real, store->src_real) || has_dir_prefix(store->src_real, real)))
            throw Error("--slice " + sl.dir + ": overlaps the store " + store->src_given, 125);
        if (progress) progress->phase("scanning slice " + basename_of(real), 0);
        ScannedItem item = scan_item("", real, idx, progress);
        item.name = slice_item_name(item.digest.raw, basename_of(real));
        if (!slice_names.insert(item.name).second)
            throw Error("--slice " + sl.dir + ": another slice has the same contents and base name", 125);
        roots.insert(item.references.begin(), item.references.end());
        slice_maps.push_back(SliceMap{sl.destination, real, item.name});
        in.slices.push_back(PackSlice{std::move(item), sl.destination});
    }
    const Resolver resolver(store ? &*store : nullptr, slice_maps);

    // Entries: their programs must be in the pack (or outside it altogether).
    std::map<std::string, PackEntryPlan> entries;
    for (const auto& e : o.entries) {
        std::set<std::string> touched;
        const auto host = resolver.program("-e " + e.name + "=" + e.program, e.program, touched);
        if (image && !host)
            throw Error("-e " + e.name + "=" + e.program + ": the program is not in the image (an image has only the store's items" +
                            (store ? " under " + store->dest : std::string()) + "); name a program inside an item",
                        1);
        roots.insert(touched.begin(), touched.end());
        entries[e.name] = PackEntryPlan{e.name, e.program, {}};
    }
    std::map<std::string, std::string> profile_files;
    for (const auto& p : o.profiles) {
        profile_files[p.name] = p.file;
        entries.try_emplace(p.name, PackEntryPlan{p.name, std::nullopt, {}});
    }

    // -S links: relative symlinks to paths inside the pack.
    const std::string store_dir = store ? store_dir_in_pack(store->dest) : std::string();
    for (const auto& l : o.links) {
        if (store && is_under(l.link, store_dir))
            throw Error("-S " + l.link + ": a link inside the store directory would change its items; choose another LINK", 125);
        std::string resolved;
        if (l.target[0] == '/') {
            const std::string t = lexical_absolute(l.target);
            if (store && is_under(t, store->dest) && t != store->dest) {
                resolved = store_dir + t.substr(store->dest.size());
            } else {
                for (const auto& s : slice_maps)
                    if (is_under(t, s.dest)) resolved = std::string(kSlicesDir) + "/" + s.name + t.substr(s.dest.size());
                if (resolved.empty())
                    throw Error("-S " + l.link + "=" + l.target + ": an absolute TARGET must lie under the store's destination" +
                                    (store ? " " + store->dest : std::string()) + " or a slice's; otherwise give it relative to the pack root",
                                125);
            }
        } else {
            const std::string t = normalise_absolute_strict("/" + l.target);
            if (t.empty() || t == "/") throw Error("-S " + l.link + "=" + l.target + ": TARGET must name a path in the pack, without '..'", 125);
            resolved = t.substr(1);
        }
        if (store && is_under(resolved, store_dir) && resolved != store_dir) {
            const std::string rest = resolved.substr(store_dir.size() + 1);
            const std::string item = rest.substr(0, rest.find('/'));
            if (!store->present.count(item))
                throw Error("-S " + l.link + "=" + l.target + ": the store " + store->src_given + " has no item " + item, 1);
            roots.insert(item);
        }
        std::string text;
        for (std::size_t depth = std::count(l.link.begin(), l.link.end(), '/'); depth > 0; --depth) text += "../";
        in.links.push_back(PackLink{l.link, text + resolved, resolved});
    }

    // The closure.
    if (store) {
        if (progress) progress->phase("scanning", 0);
        auto scan = [&](const std::string& name) {
            ScannedItem it = scan_item(name, store->src_real + "/" + name, idx, progress);
            if (progress) progress->item_done();
            return it;
        };
        in.items = closure(roots, scan, o.closure);
        // A name becomes a path in the pack, a profile's item and a line of the manifest.
        for (const auto& [name, it] : in.items)
            if (const std::string why = name_problem(name); !why.empty())
                throw Error("item " + shown_name(name) + " of the store " + store->src_given +
                                ": cannot pack it: its name is not usable (" + why + "); rename it in the store",
                            1);
        if (o.closure) {
            std::vector<std::string> lines;
            auto report = [&](const ScannedItem& it, const std::string& where) {
                for (const auto& [hash, ref] : it.missing)
                    lines.push_back(where + " (file " + ref.file + ") references " + ref.text +
                                    ", which is not in the store " + store->src_given +
                                    "; add that item to the store, or pack with --no-closure");
            };
            for (const auto& [name, it] : in.items) report(it, "item " + name);
            for (const auto& s : in.slices) report(s.item, "slice " + s.destination);
            if (!lines.empty()) throw Error(join_lines(lines), 1);
        }
    }

    // Profiles.
    std::vector<std::string> item_names;
    for (const auto& [name, it] : in.items) item_names.push_back(name);
    for (auto& [name, e] : entries) {
        auto pf = profile_files.find(name);
        if (image) {
            // Images run the program directly: no profile.
        } else if (pf == profile_files.end()) {
            e.profile_text = json_text(generated_profile(name, *e.program, in.store_destination, item_names, in.slices));
        } else {
            e.profile_text = read_file(pf->second, 1 << 20);
            const nlohmann::json doc = parse_profile_text(e.profile_text, pf->second);
            if (!doc.is_object()) throw Error("--profile " + name + "=" + pf->second + ": not a JSON object", 125);
            if (doc.contains("extends")) {
                // Built outside the lambda: clang 14 does not let a lambda capture the
                // structured binding `name`.
                const std::string option = "--profile " + name + "=" + pf->second;
                auto check = [&](const nlohmann::json& x) {
                    if (!x.is_string() || x.get<std::string>().rfind("builtin:", 0) != 0)
                        throw Error(option + ": /extends: only builtin:NAME works inside a pack "
                                    "(other files are not copied); merge that file into this one",
                                    125);
                };
                if (doc["extends"].is_array()) for (const auto& x : doc["extends"]) check(x);
                else check(doc["extends"]);
            }
            if (!e.program && doc.contains("process") && doc["process"].is_object() &&
                doc["process"].contains("exec") && doc["process"]["exec"].is_string())
                e.program = doc["process"]["exec"].get<std::string>();
        }
        in.entries.push_back(std::move(e));
    }

    if (image) {
        // The order the items were named in must not change the image: record the
        // options as given and the named items sorted, each once.
        in.arguments.clear();
        for (const auto& a : o.recorded_options)
            if (a != "--") in.arguments.push_back(a);
        bool dashes = false;
        for (const auto& n : named) dashes = dashes || n[0] == '-';
        if (dashes) in.arguments.push_back("--");
        in.arguments.insert(in.arguments.end(), named.begin(), named.end());
        return in;
    }

    // The runtime (and proot).
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
    return in;
}

std::string run_pack(const PackOptions& o, const std::string& self_dir, Progress* progress) {
    if (is_image_format(o.format)) return run_image_pack(o, self_dir, progress);
    const std::int64_t epoch = source_date_epoch(std::getenv("SOURCE_DATE_EPOCH"));
    const bool to_stdout = o.output == "-";
    if (to_stdout && ::isatty(1))
        throw Error("-o -: standard output is a terminal; redirect it to a file or a pipe", 125);
    std::optional<TempOutput> out;
    if (!to_stdout) out.emplace(o.output, o.format);

    const PackInputs in = gather_inputs(o, self_dir, epoch, progress);
    const std::vector<Node> nodes = pack_nodes(in);

    if (to_stdout) write_tarball(nodes, o.compression, epoch, 1, "standard output", progress);
    else if (o.format == Format::tarball) write_tarball(nodes, o.compression, epoch, out->fd(), o.output, progress);
    else write_directory(nodes, out->directory(), o.output, epoch, progress);
    check_interrupted();
    if (out) out->commit();
    if (progress) progress->finish();

    std::uint64_t bytes = 0;
    for (const auto& [n, it] : in.items) bytes += it.digest.size;
    for (const auto& s : in.slices) bytes += s.item.digest.size;
    return "wrote " + (to_stdout ? std::string("the pack to standard output") : o.output) + ": " +
           std::to_string(in.items.size() + in.slices.size()) + " items (" + human_bytes(static_cast<double>(bytes)) +
           "), " + std::to_string(in.entries.size()) + " entries";
}

}  // namespace burrow::pack
