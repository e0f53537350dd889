#include "packer/archive_out.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include "packer/fsutil.hpp"
#include "packer/interrupt.hpp"
#include "packer/pgzip.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/tempfiles.hpp"
#include "packer/writer.hpp"

namespace burrow::pack {

namespace {

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_write_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;
struct EntryDeleter {
    void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using EntryPtr = std::unique_ptr<archive_entry, EntryDeleter>;

unsigned g_threads = 1;

struct Sink {
    int fd;
    std::string name;
    int err = 0;  // errno of the failed write
    // gzip: libarchive writes the tar stream here, compressed on every core (pgzip.hpp).
    std::unique_ptr<ParallelGzip> gz;
    std::exception_ptr failure;  // what gz threw
};

// For a gzip output: the sink compresses what libarchive writes, in parallel.
void start_gzip(Sink& s) {
    s.gz = std::make_unique<ParallelGzip>(6, g_threads, [&s](std::string_view b) {
        try {
            write_all(s.fd, b, s.name);
        } catch (const Error&) {
            check_interrupted();  // a closed pipe is SIGPIPE's, not an error of ours
            throw;
        }
    });
}

la_ssize_t sink_write(archive* a, void* ctx, const void* buf, size_t len) {
    auto* s = static_cast<Sink*>(ctx);
    if (s->gz) {
        try {
            s->gz->write(static_cast<const char*>(buf), len);
        } catch (...) {
            s->failure = std::current_exception();
            archive_set_error(a, EIO, "compression failed");
            return -1;
        }
        return static_cast<la_ssize_t>(len);
    }
    const char* p = static_cast<const char*>(buf);
    size_t left = len;
    while (left > 0) {
        const ssize_t n = ::write(s->fd, p, left);
        if (n < 0) {
            if (errno == EINTR && pending_signal() == 0) continue;
            s->err = errno == EINTR ? EINTR : errno;
            archive_set_error(a, s->err, "%s", std::strerror(s->err));
            return -1;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    return static_cast<la_ssize_t>(len);
}

// Turns a libarchive failure into an Error naming the output; an interruption wins.
[[noreturn]] void archive_fail(archive* a, const std::string& what, const Sink* sink) {
    check_interrupted();
    if (sink && sink->failure) std::rethrow_exception(sink->failure);
    std::string why = archive_error_string(a) ? archive_error_string(a) : "unknown libarchive error";
    if (sink && sink->err != 0) why = std::strerror(sink->err);
    // libarchive's disk writer says only "Write failed"; the errno says why.
    else if (const int err = archive_errno(a); err > 0 && why.find(std::strerror(err)) == std::string::npos)
        why += std::string(": ") + std::strerror(err);
    throw Error(what + ": " + why, 1);
}

EntryPtr make_entry(const Node& n, const std::string& path, const std::string& hardlink_base, std::int64_t epoch) {
    EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), path.c_str());
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    archive_entry_set_uname(e.get(), "root");
    archive_entry_set_gname(e.get(), "root");
    archive_entry_set_mtime(e.get(), static_cast<time_t>(epoch), 0);
    switch (n.type) {
        case Node::Type::dir:
            archive_entry_set_filetype(e.get(), AE_IFDIR);
            archive_entry_set_perm(e.get(), n.mode ? n.mode : 0755);
            break;
        case Node::Type::file:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_perm(e.get(), n.mode ? n.mode : n.exec ? 0755 : 0644);
            archive_entry_set_size(e.get(), static_cast<la_int64_t>(n.size));
            break;
        case Node::Type::symlink:
            archive_entry_set_filetype(e.get(), AE_IFLNK);
            archive_entry_set_perm(e.get(), 0777);
            archive_entry_set_symlink(e.get(), n.target.c_str());
            break;
        case Node::Type::hardlink:
            archive_entry_set_filetype(e.get(), AE_IFREG);
            archive_entry_set_perm(e.get(), n.exec ? 0755 : 0644);
            archive_entry_set_hardlink(e.get(), (hardlink_base + n.target).c_str());
            archive_entry_set_size(e.get(), 0);
            break;
    }
    return e;
}

// Streams one file node's contents into the archive, checking size and hash.
template <class WriteFn>
void copy_contents(const Node& n, WriteFn&& write, Progress* progress, const OpenFiles* open_files = nullptr) {
    if (n.host_path.empty()) {
        write(n.data.data(), n.data.size());
        if (progress) progress->bytes(n.data.size());
        return;
    }
    Fd owned;
    int fd = -1;
    bool positional = false;
    if (open_files) {
        if (const auto it = open_files->find(n.host_path); it != open_files->end()) {
            fd = it->second;
            positional = true;
        }
    }
    if (!positional) {
        owned = Fd(::open(n.host_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
        if (!owned) throw_sys("cannot read", n.host_path, errno);
        fd = owned.get();
    }
    Sha256 h;
    // Sized to the file (one byte more shows that it grew): zeroing 1 MiB for each small
    // file took 15 % of a pack of many small files.
    std::string buf(static_cast<std::size_t>(std::min<std::uint64_t>(n.size + 1, 1 << 20)), '\0');
    std::uint64_t total = 0;
    for (;;) {
        check_interrupted();
        const std::size_t got = positional ? pread_some(fd, buf.data(), buf.size(), total, n.host_path)
                                           : read_some(fd, buf.data(), buf.size(), n.host_path);
        if (got == 0) break;
        if (total + got > n.size) break;
        h.update(buf.data(), got);
        write(buf.data(), got);
        total += got;
        if (progress) progress->bytes(got);
    }
    if (total != n.size || (!n.sha256.empty() && h.hex_digest() != n.sha256))
        throw Error(n.host_path + " changed while it was packed; pack again when nothing writes to it", 1);
}

}  // namespace

void set_compression_threads(unsigned n) { g_threads = n < 1 ? 1 : n; }

int add_compression(archive* a, Compression c) {
    int r = ARCHIVE_OK;
    switch (c) {
        case Compression::gzip:
            // The sink compresses (start_gzip): libarchive's gzip runs on one core.
            r = archive_write_add_filter_none(a);
            break;
        case Compression::zstd: {
            r = archive_write_add_filter_zstd(a);
            // Always zstd's multi-threaded mode, even with one thread: its output depends
            // on the input alone, not on the number of threads (the one-threaded mode's
            // would differ).
            const std::string opts = "zstd:compression-level=3,zstd:threads=" + std::to_string(g_threads);
            if (r == ARCHIVE_OK) r = archive_write_set_options(a, opts.c_str());
            break;
        }
        case Compression::xz:
            r = archive_write_add_filter_xz(a);
            // One thread: multi-threaded xz splits blocks by thread count, which would make
            // the bytes depend on the machine.
            if (r == ARCHIVE_OK) r = archive_write_set_options(a, "xz:compression-level=6,xz:threads=1");
            break;
        case Compression::none: r = archive_write_add_filter_none(a); break;
    }
    return r;
}

void write_tarball(const std::vector<Node>& nodes, Compression c, std::int64_t epoch, int fd,
                   const std::string& out_name, Progress* progress, const OpenFiles* open_files) {
    // Before the archive: freeing it (also on an error) may still write to the sink.
    Sink sink{fd, out_name};
    if (c == Compression::gzip) start_gzip(sink);
    ArchivePtr a(archive_write_new());
    if (!a) throw Error("out of memory (archive_write_new)", 1);
    // GNU tar format, as guix pack: long names without pax headers, no locale-dependent
    // charset conversion.
    if (archive_write_set_format_gnutar(a.get()) != ARCHIVE_OK) archive_fail(a.get(), "tar format", nullptr);
    const int r = add_compression(a.get(), c);
    if (r != ARCHIVE_OK) archive_fail(a.get(), std::string(compression_name(c)) + " compression", nullptr);
    // Pad the tar stream to whole 10 KiB blocks (as tar does), but never the compressed
    // stream: zeros after a zstd/xz frame make it unreadable.
    if (c != Compression::none) archive_write_set_bytes_in_last_block(a.get(), 1);
    if (archive_write_open(a.get(), &sink, nullptr, sink_write, nullptr) != ARCHIVE_OK)
        archive_fail(a.get(), "cannot write " + out_name, &sink);

    if (progress) progress->phase("writing", nodes.size(), "files");
    for (const auto& n : nodes) {
        check_interrupted();
        EntryPtr e = make_entry(n, n.path, "", epoch);
        if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN)
            archive_fail(a.get(), "cannot write " + out_name + " (entry " + n.path + ")", &sink);
        if (n.type == Node::Type::file) {
            copy_contents(
                n,
                [&](const char* p, std::size_t len) {
                    if (archive_write_data(a.get(), p, len) < 0)
                        archive_fail(a.get(), "cannot write " + out_name + " (" + n.path + ")", &sink);
                },
                progress, open_files);
        }
        if (progress) progress->item_done();
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) archive_fail(a.get(), "cannot write " + out_name, &sink);
    if (sink.gz) sink.gz->finish();
}

void compress_file(int src_fd, const std::string& src, Compression c, int fd, const std::string& out_name) {
    // Before the archive: freeing it (also on an error) may still write to the sink.
    Sink sink{fd, out_name};
    if (c == Compression::gzip) start_gzip(sink);
    ArchivePtr a(archive_write_new());
    if (!a) throw Error("out of memory (archive_write_new)", 1);
    // The raw "format" writes one file's bytes through the filter, without any header.
    if (archive_write_set_format_raw(a.get()) != ARCHIVE_OK) archive_fail(a.get(), "raw format", nullptr);
    if (add_compression(a.get(), c) != ARCHIVE_OK)
        archive_fail(a.get(), std::string(compression_name(c)) + " compression", nullptr);
    archive_write_set_bytes_in_last_block(a.get(), 1);
    if (archive_write_open(a.get(), &sink, nullptr, sink_write, nullptr) != ARCHIVE_OK)
        archive_fail(a.get(), "cannot write " + out_name, &sink);
    struct stat st;
    if (::fstat(src_fd, &st) != 0) throw_sys("cannot read", src, errno);
    EntryPtr e(archive_entry_new());
    archive_entry_set_pathname(e.get(), "data");
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(st.st_size));
    if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN) archive_fail(a.get(), "cannot write " + out_name, &sink);
    std::string buf(1 << 20, '\0');
    for (std::uint64_t off = 0;;) {
        check_interrupted();
        const std::size_t got = pread_some(src_fd, buf.data(), buf.size(), off, src);
        if (got == 0) break;
        off += got;
        if (archive_write_data(a.get(), buf.data(), got) < 0) archive_fail(a.get(), "cannot write " + out_name, &sink);
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) archive_fail(a.get(), "cannot write " + out_name, &sink);
    if (sink.gz) sink.gz->finish();
}

void write_directory(const std::vector<Node>& nodes, const std::string& dir, const std::string& out_name,
                     std::int64_t epoch, Progress* progress) {
    ArchivePtr a(archive_write_disk_new());
    if (!a) throw Error("out of memory (archive_write_disk_new)", 1);
    archive_write_disk_set_options(a.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                                ARCHIVE_EXTRACT_NO_OVERWRITE);
    const std::string base = dir + "/", shown = out_name + "/";
    if (progress) progress->phase("writing", nodes.size(), "files");
    for (const auto& n : nodes) {
        check_interrupted();
        EntryPtr e = make_entry(n, base + n.path, base, epoch);
        if (archive_write_header(a.get(), e.get()) < ARCHIVE_WARN)
            archive_fail(a.get(), "cannot create " + shown + n.path, nullptr);
        if (n.type == Node::Type::file) {
            copy_contents(
                n,
                [&](const char* p, std::size_t len) {
                    if (archive_write_data(a.get(), p, len) < 0)
                        archive_fail(a.get(), "cannot write " + shown + n.path, nullptr);
                },
                progress);
        }
        if (archive_write_finish_entry(a.get()) < ARCHIVE_WARN)
            archive_fail(a.get(), "cannot write " + shown + n.path, nullptr);
        if (progress) progress->item_done();
    }
    if (archive_write_close(a.get()) != ARCHIVE_OK) archive_fail(a.get(), "cannot finish " + out_name, nullptr);
    // The pack's root too: the mode and time its entries have, not the umask's and the clock's.
    settle(dir, 0755, epoch, out_name);
}

void settle(const std::string& path, mode_t mode, std::int64_t epoch, const std::string& shown) {
    const struct timespec t[2] = {{static_cast<time_t>(epoch), 0}, {static_cast<time_t>(epoch), 0}};
    if (::fchmodat(AT_FDCWD, path.c_str(), mode, 0) != 0) throw_sys("cannot set the mode of", shown, errno);
    if (::utimensat(AT_FDCWD, path.c_str(), t, AT_SYMLINK_NOFOLLOW) != 0)
        throw_sys("cannot set the time of", shown, errno);
}

namespace {

mode_t current_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

}  // namespace

TempOutput::TempOutput(const std::string& out, OutputKind kind, Format format)
    : out_(out), dir_(dirname_of(out)), base_(basename_of(out)), is_dir_(kind == OutputKind::directory) {
    dir_fd_ = Fd(::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd_) throw_sys("cannot write the output: its directory", dir_, errno);
    struct stat st;
    if (::lstat(out.c_str(), &st) == 0) {
        if (is_dir_)
            throw Error(out + " already exists; -f " + format_name(format) +
                            " writes a new directory (remove it or choose another -o)",
                        1);
        if (S_ISDIR(st.st_mode)) throw Error(out + " is a directory; give the tarball's file name with -o", 1);
    }
    for (const auto& t : remove_stale_temps(out)) {
        const std::string line = t.err == 0
                                     ? "burrow-pack: removed " + t.path + " (left by a run that did not finish)\n"
                                     : "burrow-pack: cannot remove all of " + t.path +
                                           " (left by a run that did not finish): " + std::strerror(t.err) + "\n";
        std::fputs(line.c_str(), stderr);
    }
    if (!is_dir_) {
        fd_ = open_unnamed(dir_fd_.get(), dir_);
        if (!fd_) {
            fd_ = create_temp_file(dir_fd_.get(), dir_, base_, TempKind::tmp, tmp_name_);
            tmp_path_ = join_path(dir_, tmp_name_);
        }
    }
}

const std::string& TempOutput::directory() {
    if (!fd_) {
        // Made as mkdir would; write_directory() and write_oci_dir() then settle its mode and time.
        fd_ = create_temp_dir(dir_fd_.get(), dir_, base_, TempKind::tmp, 0777, tmp_name_);
        tmp_path_ = join_path(dir_, tmp_name_);
    }
    return tmp_path_;
}

TempOutput::~TempOutput() {
    if (committed_ || tmp_name_.empty() || !fd_) return;  // unnamed: gone with its fd
    // Only what is still ours: the name may have been taken over in a shared directory.
    if (still_named(dir_fd_.get(), tmp_name_, fd_.get())) {
        if (is_dir_)
            remove_tree_at(dir_fd_.get(), tmp_name_);
        else
            ::unlinkat(dir_fd_.get(), tmp_name_.c_str(), 0);
    }
}

void TempOutput::commit() {
    if (!is_dir_) {
        if (::fchmod(fd_.get(), mode_ & ~current_umask()) != 0) throw_sys("cannot set the mode of", out_, errno);
        if (::fsync(fd_.get()) != 0) throw_sys("cannot write", out_, errno);
        // linkat(2) cannot replace OUT: a temporary name (locked, as the file is), then
        // rename(2). Only a kill between the two leaves it, for the next run to remove.
        if (tmp_name_.empty()) {
            tmp_name_ = link_unnamed_as_temp(fd_.get(), dir_fd_.get(), dir_, base_);
            tmp_path_ = join_path(dir_, tmp_name_);
        }
        if (::renameat(dir_fd_.get(), tmp_name_.c_str(), dir_fd_.get(), base_.c_str()) != 0)
            throw_sys("cannot rename the finished pack to", out_, errno);
        committed_ = true;
        // fsync has reported any write error; the lock goes with the descriptor.
        fd_ = Fd();
    } else {
        directory();
        if (::syncfs(fd_.get()) != 0) throw_sys("cannot write", out_, errno);
        if (::renameat2(dir_fd_.get(), tmp_name_.c_str(), dir_fd_.get(), base_.c_str(), RENAME_NOREPLACE) != 0)
            throw_sys("cannot rename the finished pack to", out_, errno);
        committed_ = true;
    }
    Fd d(::openat(dir_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d) ::fsync(d.get());
}

namespace {

// -f tarball (to OUT, or with -o - to standard output) and -f dir: the pack's nodes
// (layout.cpp, pack_nodes).
class ArchiveWriter final : public PackWriter {
  public:
    ArchiveWriter(const PackOptions& o, std::int64_t epoch, OutputKind kind) : o_(o), epoch_(epoch), kind_(kind) {
        if (o.output == "-") {
            if (::isatty(1)) throw Error("-o -: standard output is a terminal; redirect it to a file or a pipe", 125);
            return;
        }
        out_.emplace(o.output, kind, o.format);
    }

    std::string write(const PackInputs& in, Progress* progress) override {
        const std::vector<Node> nodes = under_prefix(pack_nodes(in), o_.prefix_dir);
        if (!out_)
            write_tarball(nodes, o_.compression, epoch_, 1, "standard output", progress);
        else if (kind_ == OutputKind::directory)
            write_directory(nodes, out_->directory(), o_.output, epoch_, progress);
        else
            write_tarball(nodes, o_.compression, epoch_, out_->fd(), o_.output, progress);
        std::uint64_t bytes = 0;
        for (const auto& [n, it] : in.items) bytes += it.digest.size;
        for (const auto& s : in.slices) bytes += s.item.digest.size;
        return "wrote " + (out_ ? o_.output : std::string("the pack to standard output")) + ": " +
               std::to_string(in.items.size() + in.slices.size()) + " items (" +
               human_bytes(static_cast<double>(bytes)) + "), " + std::to_string(in.entries.size()) + " entries";
    }

    void commit() override {
        if (out_) out_->commit();
    }

  private:
    const PackOptions& o_;
    std::int64_t epoch_;
    OutputKind kind_;
    std::optional<TempOutput> out_;  // none: standard output
};

}  // namespace

std::unique_ptr<PackWriter> open_tarball_writer(const PackOptions& o, std::int64_t epoch) {
    return std::make_unique<ArchiveWriter>(o, epoch, OutputKind::file);
}

std::unique_ptr<PackWriter> open_dir_writer(const PackOptions& o, std::int64_t epoch) {
    return std::make_unique<ArchiveWriter>(o, epoch, OutputKind::directory);
}

}  // namespace burrow::pack
