#include "packer/verify.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <functional>
#include <fcntl.h>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/layout.hpp"
#include "packer/manifest.hpp"
#include "packer/options.hpp"
#include "packer/progress.hpp"
#include "packer/run_read.hpp"
#include "packer/sha256.hpp"
#include "packer/store_names.hpp"
#include "packer/tree.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

namespace {

struct ReadDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};
using ReadPtr = std::unique_ptr<archive, ReadDeleter>;

// One member of a pack, wherever it was read from.
struct Seen {
    TreeRecord::Type type = TreeRecord::Type::dir;
    std::string payload;  // sha256 hex / symlink target
    std::uint64_t size = 0;
};

// Everything in a pack: its members by relative path, what is wrong with members that
// cannot be described (unsafe names, devices, set-id bits, repeats), and the text of
// the manifest and the file list.
struct Contents {
    std::map<std::string, Seen> members;
    std::vector<std::string> problems;
    std::optional<std::string> manifest, file_list;
    // A tarball made with --prefix-dir: the one top-level directory, which member names
    // (hard links' targets too) lose as they are read; "" for none.
    std::string prefix;
};

std::string shown(const std::string& name) { return shown_name(name); }

// Which text a member's bytes are kept for, and its cap.
std::string* kept_text(Contents& c, const std::string& path, std::uint64_t* cap) {
    if (path == kManifestPath) {
        *cap = kManifestMaxBytes;
        return &c.manifest.emplace();
    }
    if (path == kFileListPath) {
        *cap = kFileListMaxBytes;
        return &c.file_list.emplace();
    }
    return nullptr;
}

[[noreturn]] void too_big(const std::string& pack, const std::string& path, std::uint64_t cap) {
    throw Error(pack + ": " + path + " is larger than " + std::to_string(cap >> 20) +
                    " MiB; the pack is damaged or not made by burrow-pack",
                1);
}

// Problems of the mode bits burrow-pack never writes.
std::string mode_problem(unsigned perm) {
    if (perm & 04000) return "has the setuid bit";
    if (perm & 02000) return "has the setgid bit";
    if (perm & 01000) return "has the sticky bit";
    return {};
}

// ---- tarballs

std::string clean_member(std::string p) {
    while (p.rfind("./", 0) == 0) p.erase(0, 2);
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p == "." ? std::string() : p;
}

// A tarball being read: a pack's, an image's, or the one inside a -f run file (`run`).
struct Tarball {
    std::unique_ptr<RunPayload> run;  // outlives `a`, which reads from it
    ReadPtr a;
    archive* get() const { return a.get(); }
};

Tarball open_tarball(const std::string& pack) {
    Tarball t{RunPayload::open(pack), ReadPtr(archive_read_new())};
    archive* a = t.get();
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    if ((t.run ? t.run->open_archive(a) : archive_read_open_filename(a, pack.c_str(), 1 << 16)) != ARCHIVE_OK)
        throw Error("cannot read the pack " + pack + ": " + archive_error_string(a), 1);
    return t;
}

[[noreturn]] void read_fail(archive* a, const std::string& pack) {
    check_interrupted();
    const char* why = archive_error_string(a);
    throw Error("cannot read the pack " + pack + ": " + (why ? why : "not a tarball"), 1);
}

// Reads the data of the current entry: hashed, and appended to KEEP (up to CAP bytes).
void read_data(archive* a, const std::string& pack, const std::string& path, Seen& s, std::string* keep,
               std::uint64_t cap, Progress* progress) {
    Sha256 h;
    const void* buf;
    size_t len;
    la_int64_t off;
    int r;
    while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
        check_interrupted();
        h.update(buf, len);
        s.size += len;
        if (keep) {
            if (s.size > cap) too_big(pack, path, cap);
            keep->append(static_cast<const char*>(buf), len);
        }
        if (progress) progress->bytes(len);
    }
    if (r != ARCHIVE_EOF) read_fail(a, pack);
    s.payload = h.hex_digest();
}

const char* special_type(unsigned type) {
    switch (type) {
        case AE_IFCHR: return "a character device";
        case AE_IFBLK: return "a block device";
        case AE_IFIFO: return "a fifo";
        case AE_IFSOCK: return "a socket";
        default: return "not a file, directory or symlink";
    }
}

// The manifest alone, for manifest_text_of(): it must be a regular file.
void read_manifest_member(archive* a, archive_entry* e, const std::string& pack, Contents& c) {
    if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e))
        throw Error(pack + ": " + kManifestPath + " is not a regular file; the pack is damaged", 1);
    if (archive_entry_size_is_set(e) && static_cast<std::uint64_t>(archive_entry_size(e)) > kManifestMaxBytes)
        too_big(pack, kManifestPath, kManifestMaxBytes);
    Seen s;
    read_data(a, pack, kManifestPath, s, &c.manifest.emplace(), kManifestMaxBytes, nullptr);
}

// One member: recorded in c.members, or a problem in c.problems when it cannot be
// described (an unsafe name, a repeat, a device, a hard link to no earlier file).
void read_member(archive* a, archive_entry* e, const std::string& pack, const std::string& path, Contents& c,
                 Progress* progress, bool image_layer = false) {
    auto problem = [&](const std::string& why) { c.problems.push_back("member " + shown(path) + ": " + why); };
    if (const std::string why = member_name_problem(path); !why.empty()) {
        problem("has " + why + "; unpacking it would write outside the pack or where the manifest cannot say");
        return;
    }
    if (c.members.count(path)) {
        problem("appears twice (unpacking lets the second replace the first)");
        return;
    }
    // An image's /tmp is sticky (01777), as engines expect.
    const bool sticky_dir =
        image_layer && archive_entry_filetype(e) == AE_IFDIR && (archive_entry_perm(e) & 07000) == 01000;
    if (const std::string why = mode_problem(archive_entry_perm(e)); !why.empty() && !sticky_dir)
        problem(why + "; burrow-pack never writes one");
    Seen s;
    if (const char* hl = archive_entry_hardlink(e)) {
        std::string to = clean_member(hl);
        if (!c.prefix.empty()) {
            if (to.rfind(c.prefix + "/", 0) != 0) {
                problem("a hard link to " + shown(to) + ", outside the pack's top-level directory " + shown(c.prefix));
                return;
            }
            to.erase(0, c.prefix.size() + 1);
        }
        auto it = c.members.find(to);
        if (!member_name_problem(to).empty() || it == c.members.end() || it->second.type == TreeRecord::Type::dir ||
            it->second.type == TreeRecord::Type::symlink) {
            problem("a hard link to " + shown(to) + ", which is not an earlier file of the pack");
            return;
        }
        s = it->second;
        // The link shares the file's inode, so the mode in its header is the file's.
        s.type = (archive_entry_perm(e) & 0100) ? TreeRecord::Type::exec : TreeRecord::Type::file;
    } else {
        switch (archive_entry_filetype(e)) {
            case AE_IFDIR: s.type = TreeRecord::Type::dir; break;
            case AE_IFLNK:
                s.type = TreeRecord::Type::symlink;
                s.payload = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
                break;
            case AE_IFREG: {
                s.type = (archive_entry_perm(e) & 0100) ? TreeRecord::Type::exec : TreeRecord::Type::file;
                std::uint64_t cap = 0;
                std::string* keep = kept_text(c, path, &cap);
                if (keep && archive_entry_size_is_set(e) && static_cast<std::uint64_t>(archive_entry_size(e)) > cap)
                    too_big(pack, path, cap);
                read_data(a, pack, path, s, keep, cap, progress);
                break;
            }
            default:
                problem(std::string("is ") + special_type(archive_entry_filetype(e)) +
                        "; a pack holds only directories, files and symlinks");
                return;
        }
    }
    c.members.emplace(path, std::move(s));
}

// Directories a tar tool left implicit: unpacking creates them.
void add_implied_dirs(Contents& c) {
    std::vector<std::string> implied;
    for (const auto& [path, s] : c.members)
        for (auto slash = path.rfind('/'); slash != std::string::npos && slash > 0; slash = path.rfind('/', slash - 1))
            if (!c.members.count(path.substr(0, slash))) implied.push_back(path.substr(0, slash));
    for (const auto& d : implied) c.members.emplace(d, Seen{});
}

// Calls f(entry, cleaned path) for each member of the tarball, until f returns false.
template <class F>
void for_each_member(archive* a, const std::string& pack, F f) {
    archive_entry* e = nullptr;
    for (;;) {
        check_interrupted();
        const int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) return;
        if (r < ARCHIVE_WARN) read_fail(a, pack);
        const char* raw = archive_entry_pathname(e);
        if (!f(e, raw, clean_member(raw ? raw : ""))) return;
    }
}

// "NAME" when `path` is NAME/.burrow/manifest.json, NAME one usable directory name (a
// tarball made with --prefix-dir NAME); else "".
std::string prefix_of_manifest(const std::string& path) {
    const std::string tail = std::string("/") + kManifestPath;
    if (path.size() <= tail.size() || path.compare(path.size() - tail.size(), tail.size(), tail) != 0) return {};
    const std::string top = path.substr(0, path.size() - tail.size());
    return prefix_dir_problem(top).empty() ? top : std::string();
}

// only_manifest: reads up to the manifest, at the top or below one top-level directory
// (then c.prefix is that directory). Otherwise every member, below `prefix` when it is
// not empty: a member outside it is a problem.
Contents read_tarball(const std::string& pack, bool only_manifest, Progress* progress, const std::string& prefix = {}) {
    Tarball a = open_tarball(pack);
    Contents c;
    c.prefix = prefix;
    bool found = false;
    for_each_member(a.get(), pack, [&](archive_entry* e, const char* raw, const std::string& path) {
        if (raw && path.empty()) return true;  // "./", the directory it unpacks into
        if (!only_manifest) {
            if (prefix.empty()) {
                read_member(a.get(), e, pack, path, c, progress);
            } else if (path == prefix) {
                if (archive_entry_filetype(e) != AE_IFDIR || archive_entry_hardlink(e))
                    c.problems.push_back("member " + shown(path) +
                                         ": the pack's top-level directory is not a directory");
            } else if (path.rfind(prefix + "/", 0) == 0) {
                read_member(a.get(), e, pack, path.substr(prefix.size() + 1), c, progress);
            } else {
                c.problems.push_back("member " + shown(path) + ": outside the pack's top-level directory " +
                                     shown(prefix) + " (unpacking it writes beside the pack)");
            }
        } else if (path == kManifestPath || !prefix_of_manifest(path).empty()) {
            c.prefix = prefix_of_manifest(path);
            read_manifest_member(a.get(), e, pack, c);
            found = true;
            return false;
        }
        return true;
    });
    if (!found) add_implied_dirs(c);
    if (a.run && !only_manifest && a.run->finish() != a.run->trailer().sha256)
        c.problems.push_back("the pack inside this single file does not have the SHA-256 its trailer records (" +
                             to_hex(a.run->trailer().sha256) + "): the file is damaged");
    return c;
}

// ---- unpacked directories, read through directory fds without following any link

class DirReader {
  public:
    DirReader(const std::string& pack, Contents& c, Progress* progress)
        : pack_(pack), c_(c), progress_(progress), buf_(1 << 20, '\0') {}

    void dir(int dfd, const std::string& rel, int depth) {
        if (depth > 512) {
            c_.problems.push_back("member " + shown(rel) + ": more than 512 directories deep");
            return;
        }
        const int dup = ::fcntl(dfd, F_DUPFD_CLOEXEC, 0);
        if (dup < 0) throw_sys("cannot read the directory", where(rel), errno);
        DIR* d = ::fdopendir(dup);
        if (d == nullptr) {
            ::close(dup);
            throw_sys("cannot read the directory", where(rel), errno);
        }
        for (const auto& n : sorted_names(d, "cannot read the directory", where(rel)))
            any(dfd, n, rel.empty() ? n : rel + "/" + n, depth);
    }

  private:
    std::string where(const std::string& rel) const { return rel.empty() ? pack_ : join_path(pack_, rel); }

    void any(int dfd, const std::string& name, const std::string& rel, int depth) {
        check_interrupted();
        struct stat st;
        if (::fstatat(dfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw_sys("cannot read", where(rel), errno);
        if (const std::string why = mode_problem(st.st_mode & 07777); !why.empty())
            c_.problems.push_back("member " + shown(rel) + ": " + why + "; burrow-pack never writes one");
        Seen s;
        if (S_ISDIR(st.st_mode)) {
            Fd sub(::openat(dfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!sub) throw_sys("cannot read the directory", where(rel), errno);
            c_.members.emplace(rel, s);
            dir(sub.get(), rel, depth + 1);
            return;
        }
        if (S_ISLNK(st.st_mode)) {
            std::string t(static_cast<std::size_t>(st.st_size) + 2, '\0');
            const ssize_t n = ::readlinkat(dfd, name.c_str(), t.data(), t.size());
            if (n < 0) throw_sys("cannot read the symlink", where(rel), errno);
            t.resize(static_cast<std::size_t>(n));
            s.type = TreeRecord::Type::symlink;
            s.payload = std::move(t);
        } else if (S_ISREG(st.st_mode)) {
            file(dfd, name, rel, st, s);
        } else {
            c_.problems.push_back("member " + shown(rel) + ": is " +
                                  (S_ISCHR(st.st_mode)    ? "a character device"
                                   : S_ISBLK(st.st_mode)  ? "a block device"
                                   : S_ISFIFO(st.st_mode) ? "a fifo"
                                                          : "a socket") +
                                  "; a pack holds only directories, files and symlinks");
            return;
        }
        c_.members.emplace(rel, std::move(s));
    }

    void file(int dfd, const std::string& name, const std::string& rel, const struct stat& st, Seen& s) {
        // O_NONBLOCK: a fifo put there after the fstatat does not hang the read.
        Fd fd(::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat now;
        if (!fd) throw_sys("cannot read", where(rel), errno);
        if (::fstat(fd.get(), &now) != 0 || !S_ISREG(now.st_mode) || now.st_ino != st.st_ino)
            throw Error(where(rel) + " changed while it was read; verify again when nothing writes the pack", 1);
        s.type = (st.st_mode & S_IXUSR) ? TreeRecord::Type::exec : TreeRecord::Type::file;
        std::uint64_t cap = 0;
        std::string* keep = kept_text(c_, rel, &cap);
        if (keep && static_cast<std::uint64_t>(st.st_size) > cap) too_big(pack_, rel, cap);
        Sha256 h;
        for (;;) {
            const std::size_t n = read_some(fd.get(), buf_.data(), buf_.size(), where(rel));
            if (n == 0) break;
            h.update(buf_.data(), n);
            s.size += n;
            if (keep) {
                if (s.size > cap) too_big(pack_, rel, cap);
                keep->append(buf_.data(), n);
            }
            if (progress_) progress_->bytes(n);
        }
        s.payload = h.hex_digest();
    }

    const std::string& pack_;
    Contents& c_;
    Progress* progress_;
    std::string buf_;
};

Fd open_dir_pack(const std::string& pack) {
    Fd root(::open(pack.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_sys("cannot open the pack", pack, errno);
    return root;
}

// The manifest of an unpacked pack, opened without following links and without blocking.
std::string dir_manifest(const std::string& pack) {
    const Fd root = open_dir_pack(pack);
    const std::string none = pack + " is not a burrow pack: it has no " + kManifestPath;
    Fd dot(::openat(root.get(), kPackDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dot) {
        if (errno == ENOENT) throw Error(none, 1);
        throw_sys("cannot open", join_path(pack, kPackDir), errno);
    }
    const char* base = kManifestPath + std::string_view(kPackDir).size() + 1;
    Fd fd(::openat(dot.get(), base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw Error(none, 1);
        if (errno == ELOOP) throw Error(pack + ": " + kManifestPath + " is a symlink, not the pack's manifest", 1);
        throw_sys("cannot open", join_path(pack, kManifestPath), errno);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) throw_sys("cannot read", join_path(pack, kManifestPath), errno);
    if (!S_ISREG(st.st_mode))
        throw Error(pack + ": " + kManifestPath + " is not a regular file; the pack is damaged", 1);
    if (static_cast<std::uint64_t>(st.st_size) > kManifestMaxBytes) too_big(pack, kManifestPath, kManifestMaxBytes);
    std::string text;
    char buf[65536];
    for (;;) {
        const std::size_t n = read_some(fd.get(), buf, sizeof buf, join_path(pack, kManifestPath));
        if (n == 0) break;
        text.append(buf, n);
        if (text.size() > kManifestMaxBytes) too_big(pack, kManifestPath, kManifestMaxBytes);
    }
    return text;
}

bool is_dir_pack(const std::string& pack) {
    struct stat st;
    if (::stat(pack.c_str(), &st) != 0) throw_sys("cannot open the pack", pack, errno);
    return S_ISDIR(st.st_mode);
}

// ---- comparing

const char* type_word(TreeRecord::Type t) {
    switch (t) {
        case TreeRecord::Type::dir: return "a directory";
        case TreeRecord::Type::file: return "a file";
        case TreeRecord::Type::exec: return "an executable file";
        case TreeRecord::Type::symlink: return "a symlink";
    }
    return "?";
}

// Every record of the file list against the members, and every member the list lacks.
// Below a missing or an extra directory only the directory is named.
void compare_files(const std::vector<TreeRecord>& listed, const std::map<std::string, Seen>& members,
                   std::vector<std::string>& out) {
    std::string missing_dir;
    std::set<std::string> known = {kManifestPath, kFileListPath};
    for (const auto& r : listed) {
        known.insert(r.path);
        if (!missing_dir.empty() && is_below(r.path, missing_dir)) continue;
        const auto it = members.find(r.path);
        if (it == members.end()) {
            out.push_back(shown(r.path) + ": missing");
            if (r.type == TreeRecord::Type::dir) missing_dir = r.path;
            continue;
        }
        const Seen& s = it->second;
        const bool file = r.type == TreeRecord::Type::file || r.type == TreeRecord::Type::exec;
        const bool seen_file = s.type == TreeRecord::Type::file || s.type == TreeRecord::Type::exec;
        if (file && seen_file) {
            if (s.payload != r.payload)
                out.push_back(shown(r.path) + ": changed (sha256 " + r.payload + ", found " + s.payload + ")");
            else if (s.type != r.type)
                out.push_back(shown(r.path) +
                              (r.type == TreeRecord::Type::exec ? ": lost its executable bit" : ": became executable"));
        } else if (s.type != r.type) {
            out.push_back(shown(r.path) + ": is " + type_word(s.type) + ", the manifest lists " + type_word(r.type));
        } else if (r.type == TreeRecord::Type::symlink && s.payload != r.payload) {
            out.push_back(shown(r.path) + ": a symlink to " + shown(s.payload) + ", the manifest lists " +
                          shown(r.payload));
        }
    }
    std::string extra_dir;
    for (const auto& [path, s] : members) {
        if (known.count(path)) continue;
        if (!extra_dir.empty() && is_below(path, extra_dir)) continue;
        out.push_back(shown(path) + ": in the pack but not in the manifest");
        if (s.type == TreeRecord::Type::dir) extra_dir = path;
    }
}

// Item records out of the members: PATH and everything below it.
std::vector<TreeRecord> records_below(const std::map<std::string, Seen>& members, const std::string& base,
                                      bool* found) {
    std::vector<TreeRecord> out;
    auto self = members.find(base);
    *found = self != members.end();
    if (*found) out.push_back(TreeRecord{"", self->second.type, self->second.payload, self->second.size});
    const std::string prefix = base + "/";
    for (auto it = members.lower_bound(prefix); it != members.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it)
        out.push_back(
            TreeRecord{it->first.substr(prefix.size()), it->second.type, it->second.payload, it->second.size});
    return out;
}

// ---- verify_pack's steps

Contents read_pack(const std::string& pack, Progress* progress) {
    Contents c;
    if (progress) progress->phase("reading", 0, "files");
    if (is_dir_pack(pack)) {
        // The manifest first: a directory that is not a pack is not walked.
        (void)dir_manifest(pack);
        const Fd root = open_dir_pack(pack);
        DirReader(pack, c, progress).dir(root.get(), "", 0);
    } else {
        const std::string prefix = read_tarball(pack, true, nullptr).prefix;
        c = read_tarball(pack, false, progress, prefix);
    }
    return c;
}

// A pack read back, its manifest and what is found wrong with it.
struct Verification {
    Contents c;
    nlohmann::json m;
    VerifyResult res;

    void problem(std::string s) { res.problems.push_back(std::move(s)); }
    const Seen* member(const std::string& rel) const {
        auto it = c.members.find(rel);
        return it == c.members.end() ? nullptr : &it->second;
    }
};

// Every member against the file list, which the manifest hashes. False when the list
// cannot be used.
bool check_file_list(Verification& v, const std::string& pack) {
    const nlohmann::json& m = v.m;
    if (!m.contains("files")) {
        v.problem(std::string(kManifestPath) +
                  " has no \"files\" (an image's manifest?); the pack's members cannot be checked");
    } else if (const Seen* f = v.member(kFileListPath); !f || f->type != TreeRecord::Type::file) {
        v.problem(std::string(kFileListPath) + ": missing; the pack's members cannot be checked");
    } else if (f->payload != m["files"]["sha256"].get<std::string>()) {
        v.problem(std::string(kFileListPath) + ": changed (sha256 " + m["files"]["sha256"].get<std::string>() +
                  ", found " + f->payload + "); the pack's members cannot be checked");
    } else {
        const std::vector<TreeRecord> listed = parse_file_list(*v.c.file_list, pack);
        if (listed.size() != m["files"]["count"].get<std::uint64_t>())
            v.problem(std::string(kFileListPath) + ": " + std::to_string(listed.size()) +
                      " records, the manifest says " + m["files"]["count"].dump());
        compare_files(listed, v.c.members, v.res.problems);
        v.res.files = listed.size();
        return true;
    }
    return false;
}

// The runtime (and proot).
void check_binaries(Verification& v) {
    const nlohmann::json& m = v.m;
    for (const char* key : {"runtime", "proot"}) {
        if (!m.contains(key) || m[key].is_null()) continue;
        const std::string path = m[key]["path"].get<std::string>();
        const std::string want = m[key]["sha256"].get<std::string>();
        const Seen* s = v.member(path);
        if (!s)
            v.problem(std::string(key) + " " + path + ": missing");
        else if (s->type != TreeRecord::Type::exec || s->payload != want)
            v.problem(std::string(key) + " " + path + ": content differs from the manifest (sha256 " + want +
                      ", found " + (s->type == TreeRecord::Type::exec ? s->payload : type_word(s->type)) + ")");
    }
}

// Items, by their content hash. Returns the directories that hold items → their names.
std::map<std::string, std::set<std::string>> check_items(Verification& v, Progress* progress) {
    const nlohmann::json& m = v.m;
    const auto& items = m["items"];
    if (progress) progress->phase("verifying", items.size(), "items");
    std::map<std::string, std::set<std::string>> listed;  // directory → item names
    for (const auto& it : items) {
        check_interrupted();
        const std::string name = it["name"].get<std::string>();
        const std::string path = it["path"].get<std::string>();
        const std::string want = it["sha256"].get<std::string>();
        listed[dirname_of(path)].insert(basename_of(path));
        bool found = false;
        std::vector<TreeRecord> records = records_below(v.c.members, path, &found);
        ++v.res.items;
        if (progress) progress->item_done();
        if (!found) {
            v.problem("item " + name + ": missing (" + path + " is not in the pack)");
            continue;
        }
        const ItemDigest d = digest_records(records);
        if (d.sha256 != want)
            v.problem("item " + name + ": content differs from the manifest (" + path + ": sha256 " + want +
                      ", found " + d.sha256 + ")");
        else if (d.size != it["size"].get<std::uint64_t>())
            v.problem("item " + name + ": size differs from the manifest");
    }
    return listed;
}

// Items nobody listed, in the directories that hold items (when the file list could not
// be checked: otherwise it names them).
void check_unlisted_items(Verification& v, const std::map<std::string, std::set<std::string>>& listed) {
    const auto& members = v.c.members;
    for (const auto& [d, names] : listed) {
        const std::string prefix = d + "/";
        for (auto it = members.lower_bound(prefix);
             it != members.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
            const std::string rest = it->first.substr(prefix.size());
            if (rest.find('/') == std::string::npos && !names.count(rest))
                v.problem(shown(it->first) + ": an item in the pack but not in the manifest");
        }
    }
}

// Entries: bin/NAME → ../.burrow/burrow and a profile. Then the -S links.
void check_entries_and_links(Verification& v) {
    const nlohmann::json& m = v.m;
    for (const auto& e : m["entries"]) {
        const std::string name = e["name"].get<std::string>();
        ++v.res.entries;
        const Seen* link = v.member(std::string(kBinDir) + "/" + name);
        if (!link || link->type != TreeRecord::Type::symlink || link->payload != kEntryLinkTarget)
            v.problem("entry " + name + ": " + kBinDir + "/" + name + " is not the symlink " + kEntryLinkTarget);
        if (e["profile"].is_null()) continue;
        const std::string profile = e["profile"].get<std::string>();
        const Seen* p = v.member(profile);
        if (!p || p->type != TreeRecord::Type::file)
            v.problem("entry " + name + ": its profile " + profile + " is missing");
    }
    for (const auto& l : m["links"]) {
        const std::string link = l["link"].get<std::string>();
        const Seen* s = v.member(link);
        if (!s || s->type != TreeRecord::Type::symlink || s->payload != l["target"].get<std::string>())
            v.problem("link " + link + ": not the symlink to " + l["target"].get<std::string>());
    }
}

// ---- images: a docker archive, an OCI layout (directory or tarball)
//
// Every blob (a member of the archive, or a file of blobs/sha256/) is hashed as it is read;
// one that parses as a tarball (compressed or not) is read as a layer, its members as a
// pack's are. The image's own JSON then says which blobs are the layers and in which order,
// and what their hashes must be; the layers, applied in order, give the image's files.

constexpr std::uint64_t kImageJsonMaxBytes = 4u << 20;

struct Blob {
    std::string sha256;  // of the bytes as stored
    std::uint64_t size = 0;
    std::optional<std::string> text;  // small blobs that are not tarballs: JSON, probably
    std::optional<Contents> layer;    // blobs that are tarballs
};

// Reads one blob through `pull` (bytes of the blob, 0 at its end): hashed, and parsed as a
// tarball if it is one.
class BlobReader {
  public:
    using Pull = std::function<std::size_t(char*, std::size_t)>;
    BlobReader(const std::string& pack, const std::string& name, Pull pull, Progress* progress)
        : pack_(pack), name_(name), pull_(std::move(pull)), progress_(progress), buf_(1 << 16, '\0') {}

    Blob read() {
        ReadPtr a(archive_read_new());
        archive_read_support_filter_all(a.get());
        archive_read_support_format_tar(a.get());
        archive_read_support_format_gnutar(a.get());
        Contents layer;
        bool is_tar = archive_read_open(a.get(), this, nullptr, &BlobReader::cb, nullptr) == ARCHIVE_OK;
        archive_entry* e = nullptr;
        while (is_tar) {
            check_interrupted();
            const int r = archive_read_next_header(a.get(), &e);
            if (r == ARCHIVE_EOF) break;
            if (r < ARCHIVE_WARN) {
                // Not a tarball after all (JSON), or a damaged layer: which one the image's
                // JSON decides; a layer that cannot be read is named then.
                is_tar = false;
                break;
            }
            const char* raw = archive_entry_pathname(e);
            const std::string path = clean_member(raw ? raw : "");
            if (raw && path.empty()) continue;
            try {
                read_member(a.get(), e, pack_ + ": layer " + name_, path, layer, progress_, true);
            } catch (const Interrupted&) {
                throw;
            } catch (const Error&) {
                is_tar = false;
                break;
            }
        }
        a.reset();
        // Whatever libarchive left unread is hashed too.
        for (;;) {
            const std::size_t n = pull_(buf_.data(), buf_.size());
            if (n == 0) break;
            take(buf_.data(), n);
        }
        Blob b;
        b.sha256 = hash_.hex_digest();
        b.size = size_;
        if (is_tar) {
            add_implied_dirs(layer);
            b.layer = std::move(layer);
        } else if (small_) {
            b.text = std::move(head_);
        }
        return b;
    }

  private:
    static la_ssize_t cb(archive*, void* self, const void** out) {
        auto* r = static_cast<BlobReader*>(self);
        const std::size_t n = r->pull_(r->buf_.data(), r->buf_.size());
        r->take(r->buf_.data(), n);
        *out = r->buf_.data();
        return static_cast<la_ssize_t>(n);
    }
    void take(const char* p, std::size_t n) {
        hash_.update(p, n);
        size_ += n;
        if (small_ && head_.size() + n <= kImageJsonMaxBytes)
            head_.append(p, n);
        else
            small_ = false, head_.clear();
        if (progress_) progress_->bytes(n);
    }

    const std::string& pack_;
    std::string name_;
    Pull pull_;
    Progress* progress_;
    std::string buf_, head_;
    Sha256 hash_;
    std::uint64_t size_ = 0;
    bool small_ = true;
};

// An image read back: its blobs by name (a docker archive's member names; an OCI layout's
// "sha256:HEX" digests, plus index.json), and what could not be read.
struct Image {
    bool oci = false;
    std::map<std::string, Blob> blobs;
    std::vector<std::string> problems;
};

bool has_file(int dir, const char* name) {
    struct stat st;
    return ::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

// An OCI layout directory: index.json and every file of blobs/sha256/, none followed.
Image read_oci_dir(const std::string& pack, int root, Progress* progress) {
    Image img;
    img.oci = true;
    auto read_file = [&](int dir, const std::string& name, const std::string& key, const std::string& shown_path) {
        Fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat st;
        if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
            img.problems.push_back(shown_path + ": not a regular file");
            return;
        }
        const int raw = fd.get();
        img.blobs.emplace(
            key,
            BlobReader(
                pack, shown_path,
                [&](char* b, std::size_t n) { return read_some(raw, b, n, join_path(pack, shown_path)); }, progress)
                .read());
    };
    read_file(root, "index.json", "index.json", "index.json");
    Fd blobs(::openat(root, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!blobs) throw_sys("cannot open", join_path(pack, "blobs/sha256"), errno);
    const int dup = ::fcntl(blobs.get(), F_DUPFD_CLOEXEC, 0);
    DIR* d = dup < 0 ? nullptr : ::fdopendir(dup);
    if (!d) throw_sys("cannot read the directory", join_path(pack, "blobs/sha256"), errno);
    for (const auto& n : sorted_names(d, "cannot read the directory", join_path(pack, "blobs/sha256"))) {
        check_interrupted();
        read_file(blobs.get(), n, "sha256:" + n, "blobs/sha256/" + n);
    }
    return img;
}

// A docker archive or an OCI layout in a tarball: each regular member is a blob.
Image read_image_tarball(const std::string& pack, Progress* progress) {
    Tarball a = open_tarball(pack);
    Image img;
    for_each_member(a.get(), pack, [&](archive_entry* e, const char*, const std::string& path) {
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e)) return true;
        archive* outer = a.get();
        Blob b = BlobReader(
                     pack, path,
                     [&](char* buf, std::size_t n) -> std::size_t {
                         const la_ssize_t got = archive_read_data(outer, buf, n);
                         if (got < 0) read_fail(outer, pack);
                         return static_cast<std::size_t>(got);
                     },
                     progress)
                     .read();
        if (path == "oci-layout") img.oci = true;
        if (path.rfind("blobs/sha256/", 0) == 0) {
            img.blobs.emplace("sha256:" + path.substr(13), std::move(b));
        } else {
            img.blobs.emplace(path, std::move(b));
        }
        return true;
    });
    return img;
}

// The JSON of a blob the image's JSON names, or a problem.
std::optional<nlohmann::json> image_json(Image& img, const std::string& key, const std::string& what,
                                         std::vector<std::string>& problems) {
    auto it = img.blobs.find(key);
    if (it == img.blobs.end()) {
        problems.push_back(what + " " + key + ": missing");
        return std::nullopt;
    }
    if (!it->second.text) {
        problems.push_back(what + " " + key + ": not JSON");
        return std::nullopt;
    }
    nlohmann::json j = nlohmann::json::parse(*it->second.text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        if (!(j.is_array() && key == "manifest.json")) {
            problems.push_back(what + " " + key + ": not a JSON object");
            return std::nullopt;
        }
    }
    return j;
}

std::string json_string(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// The layers, bottom first, as the image's JSON lists them, each checked against the hash
// the JSON gives it; then applied in order. Returns the image's files.
Contents image_contents(Image& img, std::vector<std::string>& problems, std::size_t* layer_count,
                        std::string* pack_manifest_digest) {
    std::vector<std::pair<std::string, std::string>> layers;  // blob key → the sha256 it must have
    if (img.oci) {
        // Every blob's name is its digest.
        for (const auto& [key, b] : img.blobs)
            if (key.rfind("sha256:", 0) == 0 && key.substr(7) != b.sha256)
                problems.push_back("blob " + key + ": changed (its content has sha256 " + b.sha256 + ")");
        const auto index = image_json(img, "index.json", "the OCI index", problems);
        if (index && (*index)["manifests"].is_array() && !(*index)["manifests"].empty()) {
            const std::string mdigest = json_string((*index)["manifests"][0], "digest");
            if (const auto man = image_json(img, mdigest, "the image manifest", problems)) {
                if (man->contains("annotations"))
                    *pack_manifest_digest = json_string((*man)["annotations"], "burrow.pack.manifest.digest");
                (void)image_json(img, json_string((*man)["config"], "digest"), "the image config", problems);
                if ((*man)["layers"].is_array())
                    for (const auto& l : (*man)["layers"]) {
                        const std::string d = json_string(l, "digest");
                        layers.emplace_back(d, d.rfind("sha256:", 0) == 0 ? d.substr(7) : d);
                    }
            }
        } else if (index) {
            problems.push_back("the OCI index index.json: lists no manifest");
        }
    } else {
        const auto man = image_json(img, "manifest.json", "the docker manifest", problems);
        if (man && man->is_array() && !man->empty() && (*man)[0].is_object()) {
            const nlohmann::json& m0 = (*man)[0];
            std::vector<std::string> diff_ids;
            if (const auto cfg = image_json(img, json_string(m0, "Config"), "the image config", problems))
                if ((*cfg)["rootfs"].is_object() && (*cfg)["rootfs"]["diff_ids"].is_array())
                    for (const auto& d : (*cfg)["rootfs"]["diff_ids"])
                        diff_ids.push_back(d.is_string() ? d.get<std::string>() : std::string());
            const nlohmann::json& ls = m0.contains("Layers") ? m0["Layers"] : nlohmann::json();
            if (!ls.is_array() || ls.size() != diff_ids.size())
                problems.push_back("manifest.json: its Layers do not match the config's rootfs.diff_ids");
            for (std::size_t i = 0; ls.is_array() && i < ls.size(); ++i) {
                const std::string want =
                    i < diff_ids.size() && diff_ids[i].rfind("sha256:", 0) == 0 ? diff_ids[i].substr(7) : std::string();
                layers.emplace_back(ls[i].is_string() ? ls[i].get<std::string>() : std::string(), want);
            }
        } else if (man) {
            problems.push_back("manifest.json: not the list of one image a docker archive holds");
        }
    }
    Contents merged;
    *layer_count = layers.size();
    for (const auto& [key, want] : layers) {
        auto it = img.blobs.find(key);
        if (it == img.blobs.end()) {
            problems.push_back("layer " + key + ": missing");
            continue;
        }
        Blob& b = it->second;
        if (!img.oci && b.sha256 != want)
            problems.push_back("layer " + key + ": changed (sha256 " + want + ", found " + b.sha256 + ")");
        if (!b.layer) {
            problems.push_back("layer " + key + ": not a tarball libarchive can read");
            continue;
        }
        for (auto& p : b.layer->problems) problems.push_back("layer " + key + ": " + p);
        for (auto& [path, seen] : b.layer->members) {
            if (basename_of(path).rfind(".wh.", 0) == 0) {
                problems.push_back("layer " + key + ": member " + shown(path) +
                                   " is a whiteout; burrow-pack never writes one");
                continue;
            }
            merged.members[path] = seen;
        }
        if (b.layer->manifest) merged.manifest = b.layer->manifest;
    }
    return merged;
}

bool is_oci_dir(const std::string& pack) {
    Fd root(::open(pack.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    return root && has_file(root.get(), "oci-layout") && has_file(root.get(), "index.json");
}

// Entries of an image: bin/NAME → the program itself (an image has no runtime).
void check_image_entries(Verification& v) {
    for (const auto& e : v.m["entries"]) {
        const std::string name = e["name"].get<std::string>();
        ++v.res.entries;
        const std::string program =
            e.contains("program") && e["program"].is_string() ? e["program"].get<std::string>() : std::string();
        const Seen* link = v.member(std::string(kBinDir) + "/" + name);
        if (!link || link->type != TreeRecord::Type::symlink || link->payload != program)
            v.problem("entry " + name + ": " + kBinDir + "/" + name + " is not the symlink " + program);
    }
}

VerifyResult verify_image(const std::string& pack, bool dir, Progress* progress) {
    if (progress) progress->phase("reading", 0, "blobs");
    Image img;
    if (dir) {
        const Fd root = open_dir_pack(pack);
        img = read_oci_dir(pack, root.get(), progress);
    } else {
        img = read_image_tarball(pack, progress);
    }
    Verification v;
    std::string digest;
    v.c = image_contents(img, img.problems, &v.res.layers, &digest);
    if (!v.c.manifest)
        throw Error(pack + " is not a burrow pack or image: none of its layers has " + std::string(kManifestPath), 1);
    v.m = parse_manifest(*v.c.manifest, pack);
    for (auto& p : img.problems) v.problem(std::move(p));
    if (!digest.empty() && digest != "sha256:" + sha256_hex(*v.c.manifest))
        v.problem(std::string(kManifestPath) +
                  ": not the manifest the image's annotation burrow.pack.manifest.digest " + "names (" + digest + ")");
    const auto listed = check_items(v, progress);
    check_unlisted_items(v, listed);
    check_image_entries(v);
    for (const auto& l : v.m["links"]) {
        const std::string link = l["link"].get<std::string>();
        if (!v.member(link)) v.problem("link " + link + ": missing");
    }
    v.res.files = v.c.members.size();
    return std::move(v.res);
}

}  // namespace

std::string manifest_text_of(const std::string& pack) {
    std::string text;
    if (is_dir_pack(pack) ? is_oci_dir(pack) : !read_tarball(pack, true, nullptr).manifest) {
        Image img = is_dir_pack(pack) ? read_oci_dir(pack, open_dir_pack(pack).get(), nullptr)
                                      : read_image_tarball(pack, nullptr);
        std::vector<std::string> problems;
        std::size_t layers = 0;
        std::string digest;
        Contents c = image_contents(img, problems, &layers, &digest);
        if (!c.manifest)
            throw Error(pack + " is not a burrow pack or image: it has no " + std::string(kManifestPath), 1);
        text = std::move(*c.manifest);
    } else if (is_dir_pack(pack)) {
        text = dir_manifest(pack);
    } else {
        Contents c = read_tarball(pack, true, nullptr);
        if (!c.manifest) throw Error(pack + " is not a burrow pack: it has no " + std::string(kManifestPath), 1);
        text = std::move(*c.manifest);
    }
    (void)parse_manifest(text, pack);
    return text;
}

VerifyResult verify_pack(const std::string& pack, Progress* progress) {
    // An image has no manifest of its own at the top: it is in one of its layers.
    if (is_dir_pack(pack) ? is_oci_dir(pack) : !read_tarball(pack, true, nullptr).manifest)
        return verify_image(pack, is_dir_pack(pack), progress);
    Verification v;
    v.c = read_pack(pack, progress);
    if (!v.c.manifest) throw Error(pack + " is not a burrow pack: it has no " + std::string(kManifestPath), 1);
    v.m = parse_manifest(*v.c.manifest, pack);
    for (auto& p : v.c.problems) v.problem(std::move(p));
    const bool files_checked = check_file_list(v, pack);
    check_binaries(v);
    const auto listed = check_items(v, progress);
    if (!files_checked) check_unlisted_items(v, listed);
    check_entries_and_links(v);
    return std::move(v.res);
}

PackKind pack_kind(const std::string& pack) {
    if (is_dir_pack(pack)) {
        if (is_oci_dir(pack)) return PackKind::image;
        try {
            (void)dir_manifest(pack);
        } catch (const Interrupted&) {
            throw;
        } catch (const Error&) {
            return PackKind::not_pack;
        }
        return PackKind::directory;
    }
    if (RunPayload::open(pack)) return PackKind::single_file;  // its last bytes are the trailer
    try {
        if (read_tarball(pack, true, nullptr).manifest) return PackKind::tarball;
        Image img = read_image_tarball(pack, nullptr);
        std::vector<std::string> problems;
        std::size_t layers = 0;
        std::string digest;
        if (image_contents(img, problems, &layers, &digest).manifest) return PackKind::image;
    } catch (const Interrupted&) {
        throw;
    } catch (const Error&) {}
    return PackKind::not_pack;
}

std::string unpack_tarball_pack(const std::string& pack, const std::string& dir) {
    const Contents head = read_tarball(pack, true, nullptr);
    const std::string prefix = head.prefix;
    // A pack holds what its manifest accounts for: the items' bytes, then the runtime, the
    // profiles and the file list. More than that (with room for those) is not unpacked: a
    // hostile tarball does not fill the disk.
    std::uint64_t limit = 64u << 20, written = 0, members = 0;
    if (head.manifest)
        for (const auto& it : parse_manifest(*head.manifest, pack)["items"]) limit += it["size"].get<std::uint64_t>();
    Tarball a = open_tarball(pack);
    std::unique_ptr<archive, int (*)(archive*)> out(archive_write_disk_new(), archive_write_free);
    if (!out) throw Error("out of memory (archive_write_disk_new)", 1);
    // No ARCHIVE_EXTRACT_PERM: the umask applies and set-id bits are dropped. The names
    // are checked below (member_name_problem) and then made absolute, below `dir`.
    archive_write_disk_set_options(
        out.get(), ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_NO_OVERWRITE);
    const std::string base = dir + "/";
    auto refuse = [&](const std::string& path, const std::string& why) {
        throw Error(
            pack + ": member " + shown(path) + ": " + why + "; not unpacking it (see burrow-pack verify " + pack + ")",
            1);
    };
    for_each_member(a.get(), pack, [&](archive_entry* e, const char* raw, const std::string& path) {
        if (raw && path.empty()) return true;
        ++members;
        if (const std::string why = member_name_problem(path); !why.empty()) refuse(path, "has " + why);
        if (!prefix.empty() && path != prefix && path.rfind(prefix + "/", 0) != 0)
            refuse(path, "is outside the pack's top-level directory " + shown(prefix));
        const char* hl = archive_entry_hardlink(e);
        const unsigned type = archive_entry_filetype(e);
        if (hl) {
            const std::string to = clean_member(hl);
            if (const std::string why = member_name_problem(to); !why.empty())
                refuse(path, "a hard link to a name that has " + why);
            if (!prefix.empty() && to.rfind(prefix + "/", 0) != 0)
                refuse(path, "a hard link outside the pack's top-level directory");
            archive_entry_set_hardlink(e, (base + to).c_str());
        } else if (type != AE_IFDIR && type != AE_IFREG && type != AE_IFLNK) {
            refuse(path,
                   std::string("is ") + special_type(type) + "; a pack holds only directories, files and symlinks");
        }
        archive_entry_set_pathname(e, (base + path).c_str());
        archive_entry_set_perm(e, archive_entry_perm(e) & 0777);
        if (archive_write_header(out.get(), e) < ARCHIVE_WARN)
            throw Error("cannot unpack " + pack + " (member " + shown(path) +
                            "): " + (archive_error_string(out.get()) ? archive_error_string(out.get()) : "?"),
                        1);
        if (!hl && type == AE_IFREG) {
            const void* buf;
            size_t len;
            la_int64_t off;
            int r;
            while ((r = archive_read_data_block(a.get(), &buf, &len, &off)) == ARCHIVE_OK) {
                check_interrupted();
                written += len;
                if (written > limit + 512 * members)
                    refuse(path, "takes the pack past the " + std::to_string(limit) +
                                     " bytes its manifest accounts for (its items, with room for the runtime, "
                                     "profiles and file list)");
                if (archive_write_data_block(out.get(), buf, len, off) < ARCHIVE_WARN)
                    throw Error("cannot unpack " + pack + " (member " + shown(path) +
                                    "): " + (archive_error_string(out.get()) ? archive_error_string(out.get()) : "?"),
                                1);
            }
            if (r != ARCHIVE_EOF) read_fail(a.get(), pack);
        }
        if (archive_write_finish_entry(out.get()) < ARCHIVE_WARN)
            throw Error("cannot unpack " + pack + " (member " + shown(path) +
                            "): " + (archive_error_string(out.get()) ? archive_error_string(out.get()) : "?"),
                        1);
        return true;
    });
    if (archive_write_close(out.get()) != ARCHIVE_OK)
        throw Error("cannot finish unpacking " + pack + ": " +
                        (archive_error_string(out.get()) ? archive_error_string(out.get()) : "?"),
                    1);
    return prefix.empty() ? dir : base + prefix;
}

}  // namespace burrow::pack
