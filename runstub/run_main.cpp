// burrow-run: the head of a single-file pack (burrow-pack -f run). The file is this static
// program, the pack's tarball and a trailer (runtime/base/run_trailer.hpp). On first use it
// extracts the tarball once into a per-user cache named after the tarball's SHA-256
// (under a lock, into a temporary directory renamed into place, checked against the
// SHA-256 the trailer records), then runs the entry as ./bin/NAME of that pack would run:
// it executes CACHE/bin/NAME, whose runtime takes it from there. Later runs find the
// entry with one lstat and exec it.
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runstub/run_choice.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/fd.hpp"
#include "runtime/base/run_trailer.hpp"

namespace burrow::runstub {
namespace {

constexpr int kExitSetup = 125;
std::string g_self = "burrow-run";  // the file, as invoked: for messages

// Every failure: main() says it and exits 125; on the way, a half-made cache is removed.
struct Fail : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void die(const std::string& what) { throw Fail(what); }

std::string hex(const std::string& raw) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : raw) out += digits[b >> 4], out += digits[b & 15];
    return out;
}

class Sha256 {
  public:
    Sha256() { sha256_init(&ctx_); }
    void update(const void* p, std::size_t n) { sha256_update(&ctx_, n, static_cast<const std::uint8_t*>(p)); }
    std::string digest() {
        std::string out(SHA256_DIGEST_SIZE, '\0');
        sha256_digest(&ctx_, SHA256_DIGEST_SIZE, reinterpret_cast<std::uint8_t*>(out.data()));
        return out;
    }

  private:
    sha256_ctx ctx_;
};

struct Self {
    Fd fd;
    RunTrailer trailer;
};

Self open_self() {
    Self s;
    s.fd.reset(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    struct stat st {};
    if (!s.fd || ::fstat(s.fd.get(), &st) != 0) die("cannot read its own file (/proc/self/exe): " + errno_text(errno));
    std::string tail(kRunTrailerSize, '\0');
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const ssize_t n = size >= kRunTrailerSize
                          ? ::pread(s.fd.get(), tail.data(), tail.size(), static_cast<off_t>(size - kRunTrailerSize))
                          : -1;
    const auto t = n == static_cast<ssize_t>(kRunTrailerSize) ? parse_run_trailer(tail, size) : std::nullopt;
    if (!t)
        die("this file holds no pack (no burrow-pack -f run trailer at its end); it is burrow-pack's stub, "
            "not meant to be run on its own");
    s.trailer = *t;
    return s;
}

// The payload, read with pread from the file: every byte hashed on its way to libarchive.
class Payload {
  public:
    explicit Payload(const Self& s) : fd_(s.fd.get()), pos_(s.trailer.offset), end_(s.trailer.offset + s.trailer.size) {
        a_.reset(archive_read_new());
        archive_read_support_filter_gzip(a_.get());
        archive_read_support_filter_xz(a_.get());
        archive_read_support_filter_zstd(a_.get());
        archive_read_support_format_tar(a_.get());
        archive_read_support_format_gnutar(a_.get());
        if (archive_read_open(a_.get(), this, nullptr, &Payload::cb, nullptr) != ARCHIVE_OK) fail();
    }
    archive* get() const { return a_.get(); }
    [[noreturn]] void fail() const {
        const char* why = archive_error_string(a_.get());
        die(std::string("this file's pack cannot be read (") + (why ? why : "not a tarball") +
            "); the file is damaged: fetch it again");
    }
    // The SHA-256 of the whole payload, reading what libarchive left.
    std::string finish() {
        while (fill() > 0) {}
        return sha_.digest();
    }

  private:
    struct Free {
        void operator()(archive* a) const { archive_read_free(a); }
    };
    static la_ssize_t cb(archive*, void* self, const void** out) {
        auto* p = static_cast<Payload*>(self);
        const la_ssize_t n = p->fill();
        *out = p->buf_.data();
        return n;
    }
    la_ssize_t fill() {
        if (pos_ >= end_) return 0;
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), end_ - pos_));
        ssize_t n;
        do n = ::pread(fd_, buf_.data(), want, static_cast<off_t>(pos_));
        while (n < 0 && errno == EINTR);
        if (n <= 0) die("cannot read this file's pack: " + (n < 0 ? errno_text(errno) : std::string("truncated")));
        pos_ += static_cast<std::uint64_t>(n);
        sha_.update(buf_.data(), static_cast<std::size_t>(n));
        return n;
    }
    int fd_;
    std::uint64_t pos_, end_;
    std::vector<char> buf_ = std::vector<char>(1 << 17);
    Sha256 sha_;
    std::unique_ptr<archive, Free> a_;
};

// Removes NAME in DIR and everything below it, without following a symlink.
void remove_tree(int dir, const std::string& name) {
    Fd d(::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!d) {
        ::unlinkat(dir, name.c_str(), 0);
        return;
    }
    ::fchmod(d.get(), 0700);
    std::vector<std::string> names;
    if (DIR* ds = ::fdopendir(::dup(d.get()))) {
        while (auto* e = ::readdir(ds))
            if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, "..")) names.emplace_back(e->d_name);
        ::closedir(ds);
    }
    for (const auto& n : names)
        if (::unlinkat(d.get(), n.c_str(), 0) != 0) remove_tree(d.get(), n);
    ::unlinkat(dir, name.c_str(), AT_REMOVEDIR);
}

// Creates the payload's members below `root`: directories, files, symlinks and hard links,
// each in a directory this extraction made, reached without following a symlink; a member
// whose name climbs out, or that is not one of those kinds, stops it.
class Extractor {
  public:
    Extractor(int root, std::string shown) : root_(root), shown_(std::move(shown)) {}

    void member(Payload& p, archive_entry* e) {
        const char* raw = archive_entry_pathname(e);
        const std::string name = safe_member(raw ? raw : "");
        if (name.empty()) {
            const std::string r = raw ? raw : "";
            if (r == "." || r == "./") return;
            die("this file's pack has a member named \"" + r + "\", which would land outside " + shown_ +
                "; it was not made by burrow-pack");
        }
        const auto slash = name.rfind('/');
        const int dir = parent(slash == std::string::npos ? std::string() : name.substr(0, slash));
        const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
        const unsigned perm = archive_entry_perm(e) & 0755;
        auto failed = [&](const char* what) {
            die(std::string(what) + " " + shown_ + "/" + name + ": " + errno_text(errno));
        };
        if (const char* link = archive_entry_hardlink(e)) {
            const std::string to = safe_member(link);
            const auto ts = to.rfind('/');
            if (to.empty()) die("this file's pack has a hard link to \"" + std::string(link) + "\", outside the pack");
            const int tdir = parent(ts == std::string::npos ? std::string() : to.substr(0, ts));
            const std::string tbase = ts == std::string::npos ? to : to.substr(ts + 1);
            if (::linkat(tdir, tbase.c_str(), dir, base.c_str(), 0) != 0) failed("cannot link");
            return;
        }
        switch (archive_entry_filetype(e)) {
            case AE_IFDIR:
                if (::mkdirat(dir, base.c_str(), 0755) != 0 && errno != EEXIST) failed("cannot create");
                forget(name);
                return;
            case AE_IFLNK: {
                const char* target = archive_entry_symlink(e);
                if (::symlinkat(target ? target : "", dir, base.c_str()) != 0) failed("cannot create");
                forget(name);
                return;
            }
            case AE_IFREG: {
                Fd out(::openat(dir, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, perm | 0400));
                if (!out) failed("cannot create");
                const void* buf;
                size_t len;
                la_int64_t off;
                int r;
                while ((r = archive_read_data_block(p.get(), &buf, &len, &off)) == ARCHIVE_OK) {
                    for (size_t done = 0; done < len;) {
                        const ssize_t n = ::pwrite(out.get(), static_cast<const char*>(buf) + done, len - done,
                                                   static_cast<off_t>(off) + static_cast<off_t>(done));
                        if (n < 0 && errno == EINTR) continue;
                        if (n <= 0) failed("cannot write");
                        done += static_cast<size_t>(n);
                    }
                }
                if (r != ARCHIVE_EOF) p.fail();
                if (archive_entry_size_is_set(e) && ::ftruncate(out.get(), archive_entry_size(e)) != 0)
                    failed("cannot write");
                return;
            }
            default: die("this file's pack has " + name + ", which is not a file, directory or symlink");
        }
    }

  private:
    // The directory `rel` below root (made when the archive left it implicit); the last one
    // looked up is kept, since members come sorted.
    int parent(const std::string& rel) {
        if (rel.empty()) return root_;
        if (rel == last_ && last_fd_) return last_fd_.get();
        Fd cur;
        int at = root_;
        std::size_t start = 0;
        for (;;) {
            const auto slash = rel.find('/', start);
            const std::string part = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
            Fd next(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!next && errno == ENOENT && ::mkdirat(at, part.c_str(), 0755) == 0)
                next.reset(::openat(at, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!next)
                die("cannot create " + shown_ + "/" + rel + ": " + errno_text(errno) +
                    (errno == ENOTDIR || errno == ELOOP ? " (a member of the pack would be written through a symlink)"
                                                        : ""));
            cur = std::move(next);
            at = cur.get();
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        last_ = rel;
        last_fd_ = std::move(cur);
        return last_fd_.get();
    }
    void forget(const std::string& name) {
        if (last_.compare(0, name.size(), name) == 0) last_.clear(), last_fd_.reset();
    }

    int root_;
    std::string shown_;
    std::string last_;
    Fd last_fd_;
};

// Extracts the payload into the directory `root` (shown as `shown`); dies unless every
// byte of it has the SHA-256 the trailer records.
void extract(const Self& s, int root, const std::string& shown) {
    Payload p(s);
    Extractor x(root, shown);
    archive_entry* e = nullptr;
    for (;;) {
        const int r = archive_read_next_header(p.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) p.fail();
        x.member(p, e);
    }
    if (p.finish() != s.trailer.sha256)
        die("this file is damaged: its pack's SHA-256 is not the one burrow-pack recorded (" + hex(s.trailer.sha256) +
            "); fetch it again");
}

// A directory of our own that only we can write, not reached through a symlink at its end.
bool own_dir(const std::string& path, struct stat& st) {
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid() && !(st.st_mode & 022);
}

// The first cache base that exists or can be made, and that only we can write.
std::string usable_base(const std::vector<CacheBase>& bases) {
    std::string why;
    for (const auto& [anchor, b] : bases) {
        struct stat st {};
        if (::stat(anchor.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            why += "\n  " + b + ": " + anchor + " is not a directory";
            continue;
        }
        // mkdir -p below the anchor, the new directories 0700
        for (std::size_t i = anchor.size() + 1; i <= b.size(); ++i)
            if (i == b.size() || b[i] == '/') ::mkdir(b.substr(0, i).c_str(), 0700);
        errno = 0;
        if (::lstat(b.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            why += "\n  " + b + ": " + (errno ? errno_text(errno) : std::string("not a directory"));
            continue;
        }
        if (st.st_uid != ::getuid() || (st.st_mode & 022)) {
            why += "\n  " + b + ": not a directory of your own that only you can write";
            continue;
        }
        if (::access(b.c_str(), W_OK | X_OK) != 0) {
            why += "\n  " + b + ": " + errno_text(errno);
            continue;
        }
        return b;
    }
    die("no cache directory to unpack this pack into:" + why +
        "\nset XDG_CACHE_HOME to a directory you can write, or unpack it with --burrow-extract DIR");
}

// The cache directory of this pack, extracted if it was not (or if `replace`: it is damaged).
std::string ensure_cache(const Self& s, const std::string& base, const std::string& name, bool replace) {
    const std::string dir = base + "/" + name;
    Fd b(::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!b) die("cannot open " + base + ": " + errno_text(errno));
    // One extraction at a time: the others wait, then find it done.
    Fd lock(::openat(b.get(), (name + ".lock").c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!lock) die("cannot create " + dir + ".lock: " + errno_text(errno));
    while (::flock(lock.get(), LOCK_EX) != 0)
        if (errno != EINTR) die("cannot lock " + dir + ".lock: " + errno_text(errno));
    struct stat st {};
    const bool present = ::fstatat(b.get(), (name + "/bin").c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (present && !replace) return dir;
    // What an interrupted extraction (ours, under this lock) or a replaced cache left.
    const std::string tmp_prefix = "." + name + ".tmp-";
    if (DIR* ds = ::fdopendir(::dup(b.get()))) {
        std::vector<std::string> stale;
        while (auto* e = ::readdir(ds))
            if (std::strncmp(e->d_name, tmp_prefix.c_str(), tmp_prefix.size()) == 0) stale.emplace_back(e->d_name);
        ::closedir(ds);
        for (const auto& n : stale) remove_tree(b.get(), n);
    }
    std::string tmp = base + "/" + tmp_prefix + "XXXXXX";
    if (!::mkdtemp(tmp.data())) die("cannot create a directory in " + base + ": " + errno_text(errno));
    const std::string tmp_name = tmp.substr(base.size() + 1);
    try {
        Fd root(::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!root) die("cannot open " + tmp + ": " + errno_text(errno));
        const mode_t old = ::umask(022);
        extract(s, root.get(), dir);
        ::umask(old);
        ::fchmod(root.get(), 0755);
    } catch (...) {
        remove_tree(b.get(), tmp_name);
        throw;
    }
    if (present) {  // the damaged one goes aside first, then away
        std::string aside = tmp_prefix + "old";
        ::renameat(b.get(), name.c_str(), b.get(), aside.c_str());
        remove_tree(b.get(), aside);
    }
    if (::renameat(b.get(), tmp_name.c_str(), b.get(), name.c_str()) != 0) {
        const int err = errno;
        remove_tree(b.get(), tmp_name);
        die("cannot move the unpacked pack to " + dir + ": " + errno_text(err));
    }
    return dir;
}

std::vector<std::string> entries_in(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir((dir + "/bin").c_str())) {
        while (auto* e = ::readdir(d))
            if (e->d_name[0] != '.') out.emplace_back(e->d_name);
        ::closedir(d);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Compares the cache with the payload: the lines that differ.
std::vector<std::string> compare_cache(const Self& s, const std::string& dir, bool* payload_ok) {
    std::vector<std::string> diffs;
    Payload p(s);
    archive_entry* e = nullptr;
    std::vector<char> mine(1 << 16);
    for (;;) {
        const int r = archive_read_next_header(p.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) p.fail();
        const std::string name = safe_member(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
        if (name.empty()) continue;
        const std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) {
            diffs.push_back(path + ": missing");
            continue;
        }
        const auto type = archive_entry_hardlink(e) ? AE_IFREG : archive_entry_filetype(e);
        if (type == AE_IFDIR) {
            if (!S_ISDIR(st.st_mode)) diffs.push_back(path + ": not a directory");
        } else if (type == AE_IFLNK) {
            char buf[4096];
            const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
            const char* want = archive_entry_symlink(e);
            if (!S_ISLNK(st.st_mode) || n < 0 || std::string(buf, static_cast<size_t>(n)) != (want ? want : ""))
                diffs.push_back(path + ": not the symlink to " + (want ? want : ""));
        } else if (!S_ISREG(st.st_mode)) {
            diffs.push_back(path + ": not a file");
        } else if (!archive_entry_hardlink(e)) {
            Fd f(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            bool same = f && (static_cast<bool>(st.st_mode & 0100) == static_cast<bool>(archive_entry_perm(e) & 0100));
            std::uint64_t total = 0;
            const void* buf;
            size_t len;
            la_int64_t off;
            int rr;
            while ((rr = archive_read_data_block(p.get(), &buf, &len, &off)) == ARCHIVE_OK) {
                total += len;
                if (!same) continue;
                for (size_t done = 0; done < len;) {
                    const ssize_t n = ::pread(f.get(), mine.data(), std::min(mine.size(), len - done),
                                              static_cast<off_t>(off) + static_cast<off_t>(done));
                    if (n <= 0 ||
                        std::memcmp(mine.data(), static_cast<const char*>(buf) + done, static_cast<size_t>(n)))
                        same = false;
                    if (n <= 0) break;
                    done += static_cast<size_t>(n);
                }
            }
            if (rr != ARCHIVE_EOF) p.fail();
            if (!same || static_cast<std::uint64_t>(st.st_size) != total) diffs.push_back(path + ": changed");
        }
    }
    *payload_ok = p.finish() == s.trailer.sha256;
    return diffs;
}

std::string manifest_of(const Self& s) {
    Payload p(s);
    archive_entry* e = nullptr;
    for (;;) {
        const int r = archive_read_next_header(p.get(), &e);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) p.fail();
        if (safe_member(archive_entry_pathname(e) ? archive_entry_pathname(e) : "") != ".burrow/manifest.json")
            continue;
        std::string text;
        char buf[65536];
        la_ssize_t n;
        while ((n = archive_read_data(p.get(), buf, sizeof buf)) > 0) {
            text.append(buf, static_cast<size_t>(n));
            if (text.size() > (64u << 20)) die("this file's manifest is larger than 64 MiB; the file is damaged");
        }
        return text;
    }
    die("this file's pack has no .burrow/manifest.json; the file is damaged");
}

int run(int argc, char** argv) {
    g_self = argc > 0 && argv[0] ? argv[0] : "burrow-run";
    const Self s = open_self();
    const std::string name = cache_name(s.trailer.sha256);
    const auto bases =
        cache_bases(std::getenv("XDG_CACHE_HOME"), std::getenv("HOME"), std::getenv("TMPDIR"), ::getuid());
    const std::string arg1 = argc > 1 ? argv[1] : "";

    if (arg1.rfind("--burrow-", 0) == 0) {
        if (arg1 == "--burrow-extract") {
            if (argc != 3) die("--burrow-extract DIR: give the directory to unpack into (it must not exist)");
            const std::string out = argv[2];
            if (::mkdir(out.c_str(), 0755) != 0) die("--burrow-extract " + out + ": " + errno_text(errno));
            Fd root(::open(out.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!root) die("--burrow-extract " + out + ": " + errno_text(errno));
            const mode_t old = ::umask(022);
            try {
                extract(s, root.get(), out);
            } catch (...) {
                remove_tree(AT_FDCWD, out);
                throw;
            }
            ::umask(old);
            std::printf("unpacked into %s: run %s/bin/NAME\n", out.c_str(), out.c_str());
            return 0;
        }
        if (argc != 2) die(arg1 + " takes no arguments");
        const std::string base = usable_base(bases);
        if (arg1 == "--burrow-info") {
            const nlohmann::json m = nlohmann::json::parse(manifest_of(s), nullptr, false);
            std::string entries;
            if (m.is_object() && m.contains("entries") && m["entries"].is_array())
                for (const auto& en : m["entries"])
                    if (en.is_object() && en.contains("name") && en["name"].is_string())
                        entries += (entries.empty() ? "" : ", ") + en["name"].get<std::string>();
            struct stat st {};
            const bool there = ::stat((base + "/" + name + "/bin").c_str(), &st) == 0;
            std::printf(
                "%s: a single-file burrow pack\npayload: %llu bytes at offset %llu, sha256 %s\n"
                "cache: %s/%s (%s)\nentries: %s\n",
                g_self.c_str(), static_cast<unsigned long long>(s.trailer.size),
                static_cast<unsigned long long>(s.trailer.offset), hex(s.trailer.sha256).c_str(), base.c_str(),
                name.c_str(), there ? "unpacked" : "not unpacked yet", entries.empty() ? "none" : entries.c_str());
            return 0;
        }
        if (arg1 == "--burrow-verify") {
            const std::string dir = ensure_cache(s, base, name, false);
            bool payload_ok = false;
            const auto diffs = compare_cache(s, dir, &payload_ok);
            if (!payload_ok)
                die("this file is damaged: its pack's SHA-256 is not the one burrow-pack recorded (" +
                    hex(s.trailer.sha256) + "); fetch it again");
            if (diffs.empty()) {
                std::printf("%s: ok (the pack's SHA-256 matches; the cache %s holds it unchanged)\n", g_self.c_str(),
                            dir.c_str());
                return 0;
            }
            for (const auto& d : diffs) std::fprintf(stderr, "%s: verify: %s\n", g_self.c_str(), d.c_str());
            ensure_cache(s, base, name, true);
            std::fprintf(stderr, "%s: verify: %zu difference(s); the cache was unpacked again\n", g_self.c_str(),
                         diffs.size());
            return 1;
        }
        die(arg1 +
            ": unknown; burrow-run takes --burrow-info, --burrow-extract DIR or --burrow-verify (any other "
            "arguments go to the program)");
    }

    // The warm path: an entry the invocation names, already unpacked.
    const std::optional<std::string> first = argc > 1 ? std::optional<std::string>(arg1) : std::nullopt;
    // Only in the base usable_base() would choose: the first that is a directory of our own,
    // unless one before it can still be made (its anchor is there).
    for (const auto& b : bases) {
        struct stat st {};
        if (!own_dir(b.path, st)) {
            if (::stat(b.anchor.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) break;
            continue;
        }
        for (const Choice& c : candidates(argv[0] ? argv[0] : "", first)) {
            const std::string path = b.path + "/" + name + "/bin/" + c.entry;
            if (::lstat(path.c_str(), &st) != 0) continue;
            ::execv(path.c_str(), c.shift ? argv + 1 : argv);
            break;  // damaged: unpacked again below
        }
        break;
    }

    const std::string base = usable_base(bases);
    std::string dir = ensure_cache(s, base, name, false);
    for (int attempt = 0;; ++attempt) {
        const Choice c = choose_entry(entries_in(dir), argv[0] ? argv[0] : "",
                                      argc > 1 ? std::optional<std::string>(arg1) : std::nullopt);
        if (!c.error.empty()) die(c.error);
        // Named by the first argument, the entry gets it as its argv[0] (as busybox NAME …).
        std::vector<char*> args(argv + (c.shift ? 1 : 0), argv + argc);
        args.push_back(nullptr);
        const std::string path = dir + "/bin/" + c.entry;
        ::execv(path.c_str(), args.data());
        const int err = errno;
        if (attempt > 0 || (err != ENOENT && err != ENOEXEC && err != EACCES && err != ENOTDIR && err != ELOOP))
            die("cannot run " + path + ": " + errno_text(err));
        std::fprintf(stderr, "%s: the cache %s is damaged (%s: %s); unpacking it again\n", g_self.c_str(), dir.c_str(),
                     path.c_str(), errno_text(err).c_str());
        dir = ensure_cache(s, base, name, true);
    }
}

}  // namespace
}  // namespace burrow::runstub

int main(int argc, char** argv) {
    try {
        return burrow::runstub::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", burrow::runstub::g_self.c_str(), e.what());
        return burrow::runstub::kExitSetup;
    }
}
