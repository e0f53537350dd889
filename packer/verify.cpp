#include "packer/verify.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <cerrno>
#include <dirent.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/item_scan.hpp"
#include "packer/layout.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/tree.hpp"
#include "runtime/error.hpp"

namespace burrow::pack {

namespace {

struct ReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
using ReadPtr = std::unique_ptr<archive, ReadDeleter>;

// One entry of a pack, wherever it was read from.
struct Seen {
    char type = 'd';          // d f l ('f' with exec for executables) or '?'
    bool exec = false;
    std::string payload;      // sha256 hex / symlink target
    std::uint64_t size = 0;
};

std::string clean_member(std::string p) {
    while (p.rfind("./", 0) == 0) p.erase(0, 2);
    while (!p.empty() && p.back() == '/') p.pop_back();
    return p == "." ? std::string() : p;
}

bool is_dir_pack(const std::string& pack) {
    struct stat st;
    if (::stat(pack.c_str(), &st) != 0) throw_sys("cannot open the pack", pack, errno);
    return S_ISDIR(st.st_mode);
}

ReadPtr open_tarball(const std::string& pack) {
    ReadPtr a(archive_read_new());
    archive_read_support_filter_all(a.get());
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    if (archive_read_open_filename(a.get(), pack.c_str(), 1 << 16) != ARCHIVE_OK)
        throw Error("cannot read the pack " + pack + ": " + archive_error_string(a.get()), 1);
    return a;
}

[[noreturn]] void read_fail(archive* a, const std::string& pack) {
    check_interrupted();
    const char* why = archive_error_string(a);
    throw Error("cannot read the pack " + pack + ": " + (why ? why : "not a tarball"), 1);
}

// Every entry of a tarball, with file contents hashed; the manifest's text on the side.
std::map<std::string, Seen> read_tarball(const std::string& pack, std::string* manifest,
                                         Progress* progress) {
    ReadPtr a = open_tarball(pack);
    std::map<std::string, Seen> seen;
    archive_entry* e = nullptr;
    for (;;) {
        check_interrupted();
        const int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) read_fail(a.get(), pack);
        const std::string path = clean_member(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
        if (path.empty()) continue;
        Seen s;
        s.exec = (archive_entry_perm(e) & 0100) != 0;
        if (const char* hl = archive_entry_hardlink(e)) {
            auto it = seen.find(clean_member(hl));
            if (it == seen.end()) { s.type = '?'; s.payload = "hard link to a missing file"; }
            else { s.type = 'f'; s.payload = it->second.payload; s.size = it->second.size; }
        } else {
            switch (archive_entry_filetype(e)) {
            case AE_IFDIR: s.type = 'd'; break;
            case AE_IFLNK:
                s.type = 'l';
                s.payload = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
                break;
            case AE_IFREG: {
                s.type = 'f';
                Sha256 h;
                const bool keep = manifest && path == kManifestPath;
                const void* buf;
                size_t len;
                la_int64_t off;
                int rr;
                while ((rr = archive_read_data_block(a.get(), &buf, &len, &off)) == ARCHIVE_OK) {
                    h.update(buf, len);
                    s.size += len;
                    if (keep) manifest->append(static_cast<const char*>(buf), len);
                    if (progress) progress->bytes(len);
                }
                if (rr != ARCHIVE_EOF) read_fail(a.get(), pack);
                s.payload = h.hex_digest();
                break;
            }
            default: s.type = '?'; s.payload = "not a file, directory or symlink"; break;
            }
        }
        seen[path] = std::move(s);
    }
    return seen;
}

nlohmann::json parse_manifest(const std::string& text, const std::string& pack) {
    try {
        nlohmann::json m = nlohmann::json::parse(text);
        if (!m.is_object()) throw Error(pack + ": " + kManifestPath + " is not a JSON object", 1);
        if (m.value("format", 0) != kManifestFormat)
            throw Error(pack + ": " + kManifestPath + " has format " + m.value("format", nlohmann::json()).dump() +
                            "; this burrow-pack reads format " + std::to_string(kManifestFormat),
                        1);
        return m;
    } catch (const nlohmann::json::exception& ex) {
        throw Error(pack + ": " + kManifestPath + " is not valid JSON: " + ex.what(), 1);
    }
}

// Item records out of a tarball's entries: PATH and everything below it.
std::vector<TreeRecord> records_below(const std::map<std::string, Seen>& seen, const std::string& base,
                                      bool* found) {
    std::vector<TreeRecord> out;
    std::set<std::string> have;
    auto add = [&](const std::string& rel, const Seen& s) {
        TreeRecord r;
        r.path = rel;
        switch (s.type) {
        case 'd': r.type = TreeRecord::Type::dir; break;
        case 'l': r.type = TreeRecord::Type::symlink; r.payload = s.payload; break;
        case 'f':
            r.type = s.exec ? TreeRecord::Type::exec : TreeRecord::Type::file;
            r.payload = s.payload;
            r.size = s.size;
            break;
        default: r.type = TreeRecord::Type::file; r.payload = "?" + s.payload; break;
        }
        have.insert(rel);
        out.push_back(std::move(r));
    };
    auto self = seen.find(base);
    *found = self != seen.end();
    if (*found) add("", self->second);
    const std::string prefix = base + "/";
    for (auto it = seen.lower_bound(prefix); it != seen.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        *found = true;
        add(it->first.substr(prefix.size()), it->second);
    }
    // Directories a tar tool left implicit.
    std::vector<std::string> implied;
    for (const auto& r : out)
        for (auto slash = r.path.rfind('/'); slash != std::string::npos; slash = r.path.rfind('/', slash - 1)) {
            implied.push_back(r.path.substr(0, slash));
            if (slash == 0) break;
        }
    if (*found && !have.count("")) implied.push_back("");
    for (const auto& d : implied)
        if (have.insert(d).second) out.push_back(TreeRecord{d, TreeRecord::Type::dir, {}, 0});
    return out;
}

// Names directly below DIR (a directory in the pack).
std::set<std::string> children(const std::map<std::string, Seen>* seen, const std::string& root,
                               const std::string& dir) {
    std::set<std::string> out;
    if (seen) {
        const std::string prefix = dir + "/";
        for (auto it = seen->lower_bound(prefix); it != seen->end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            const std::string rest = it->first.substr(prefix.size());
            out.insert(rest.substr(0, rest.find('/')));
        }
        return out;
    }
    DIR* d = ::opendir(join_path(root, dir).c_str());
    if (d == nullptr) return out;
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") out.insert(n);
    }
    ::closedir(d);
    return out;
}

// A pack member as Seen, from a directory (nullopt: absent).
std::optional<Seen> stat_member(const std::string& root, const std::string& rel) {
    const std::string p = join_path(root, rel);
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) return std::nullopt;
    Seen s;
    s.exec = (st.st_mode & S_IXUSR) != 0;
    if (S_ISDIR(st.st_mode)) s.type = 'd';
    else if (S_ISLNK(st.st_mode)) {
        s.type = 'l';
        std::string t(static_cast<std::size_t>(st.st_size) + 1, '\0');
        const ssize_t n = ::readlink(p.c_str(), t.data(), t.size());
        t.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
        s.payload = t;
    } else if (S_ISREG(st.st_mode)) {
        s.type = 'f';
        s.payload = sha256_of_file(p);
        s.size = static_cast<std::uint64_t>(st.st_size);
    } else s.type = '?';
    return s;
}

}  // namespace

std::string manifest_text_of(const std::string& pack) {
    if (is_dir_pack(pack)) {
        const std::string p = join_path(pack, kManifestPath);
        if (!path_exists(p)) throw Error(pack + " is not a burrow pack: it has no " + kManifestPath, 1);
        return read_file(p);
    }
    ReadPtr a = open_tarball(pack);
    archive_entry* e = nullptr;
    for (;;) {
        const int r = archive_read_next_header(a.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) read_fail(a.get(), pack);
        const char* name = archive_entry_pathname(e);
        if (!name || clean_member(name) != kManifestPath) continue;
        std::string text;
        const void* buf;
        size_t len;
        la_int64_t off;
        int rr;
        while ((rr = archive_read_data_block(a.get(), &buf, &len, &off)) == ARCHIVE_OK)
            text.append(static_cast<const char*>(buf), len);
        if (rr != ARCHIVE_EOF) read_fail(a.get(), pack);
        return text;
    }
    throw Error(pack + " is not a burrow pack: it has no " + std::string(kManifestPath), 1);
}

VerifyResult verify_pack(const std::string& pack, Progress* progress) {
    VerifyResult res;
    const bool dir = is_dir_pack(pack);
    std::map<std::string, Seen> seen;
    std::string manifest_text;
    if (dir) {
        manifest_text = manifest_text_of(pack);
    } else {
        if (progress) progress->phase("reading", 0, "items");
        seen = read_tarball(pack, &manifest_text, progress);
        if (!seen.count(kManifestPath))
            throw Error(pack + " is not a burrow pack: it has no " + std::string(kManifestPath), 1);
    }
    const nlohmann::json m = parse_manifest(manifest_text, pack);
    auto member = [&](const std::string& rel) -> std::optional<Seen> {
        if (dir) return stat_member(pack, rel);
        auto it = seen.find(rel);
        if (it == seen.end()) return std::nullopt;
        return it->second;
    };
    auto problem = [&](std::string s) { res.problems.push_back(std::move(s)); };

    try {
        // The runtime (and proot).
        for (const char* key : {"runtime", "proot"}) {
            if (!m.contains(key) || m[key].is_null()) continue;
            const std::string path = m[key].value("path", std::string(key) == "runtime" ? kRuntimePath : kProotPath);
            const auto s = member(path);
            if (!s) problem(std::string(key) + " " + path + ": missing");
            else if (s->type != 'f' || s->payload != m[key].at("sha256").get<std::string>())
                problem(std::string(key) + " " + path + ": content differs from the manifest (sha256 " +
                        m[key].at("sha256").get<std::string>() + ", found " + (s->type == 'f' ? s->payload : "not a file") + ")");
        }

        // Items.
        const auto& items = m.at("items");
        if (progress) progress->phase("verifying", items.size(), "items");
        std::map<std::string, std::set<std::string>> listed;   // directory → item names
        for (const auto& it : items) {
            check_interrupted();
            const std::string name = it.at("name").get<std::string>();
            const std::string path = it.at("path").get<std::string>();
            const std::string want = it.at("sha256").get<std::string>();
            listed[dirname_of(path)].insert(basename_of(path));
            std::vector<TreeRecord> records;
            bool found = false;
            if (dir) {
                if (path_exists(join_path(pack, path))) {
                    found = true;
                    records = scan_item(name, join_path(pack, path), nullptr, progress).records;
                }
            } else {
                records = records_below(seen, path, &found);
            }
            ++res.items;
            if (progress) progress->item_done();
            if (!found) { problem("item " + name + ": missing (" + path + " is not in the pack)"); continue; }
            const ItemDigest d = digest_records(records);
            if (d.sha256 != want)
                problem("item " + name + ": content differs from the manifest (" + path + ": sha256 " + want +
                        ", found " + d.sha256 + ")");
            else if (d.size != it.at("size").get<std::uint64_t>())
                problem("item " + name + ": size differs from the manifest");
        }
        // Items nobody listed, in the directories that hold items.
        for (const auto& [d, names] : listed)
            for (const auto& c : children(dir ? nullptr : &seen, pack, d))
                if (!names.count(c)) problem(d + "/" + c + ": in the pack but not in the manifest");

        // Entries: bin/NAME → ../.burrow/burrow and a profile.
        for (const auto& e : m.at("entries")) {
            const std::string name = e.at("name").get<std::string>();
            const std::string profile = e.value("profile", std::string(kProfilesDir) + "/" + name + ".json");
            ++res.entries;
            const auto link = member("bin/" + name);
            if (!link || link->type != 'l' || link->payload != "../.burrow/burrow")
                problem("entry " + name + ": bin/" + name + " is not the symlink ../.burrow/burrow");
            const auto p = member(profile);
            if (!p || p->type != 'f') problem("entry " + name + ": its profile " + profile + " is missing");
        }
        for (const auto& l : m.at("links")) {
            const std::string link = l.at("link").get<std::string>();
            const auto s = member(link);
            if (!s || s->type != 'l' || s->payload != l.at("target").get<std::string>())
                problem("link " + link + ": not the symlink to " + l.at("target").get<std::string>());
        }
    } catch (const nlohmann::json::exception& ex) {
        throw Error(pack + ": " + kManifestPath + " is malformed: " + ex.what(), 1);
    }
    return res;
}

}  // namespace burrow::pack
