// -f run: a single-file pack. The burrow-run stub (found beside the runtime, or installed in
// libexec/burrow), then the pack exactly as -f tarball writes it, then the trailer that
// tells the stub where that tarball is and what its SHA-256 is (run_trailer.hpp). Nothing
// in it depends on where it was made: the stub and the tarball are reproducible, and the
// trailer holds only their sizes and the tarball's hash.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "packer/archive_out.hpp"
#include "packer/fsutil.hpp"
#include "packer/layout.hpp"
#include "packer/progress.hpp"
#include "packer/sha256.hpp"
#include "packer/writer.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/path.hpp"
#include "runtime/base/run_trailer.hpp"

namespace burrow::pack {

namespace {

// The stub: beside the runtime the pack embeds (a build tree), or beside burrow-pack, or
// in ../libexec/burrow (make install).
std::string find_stub(const std::string& runtime) {
    const std::string self_dir = dirname_of(real_path("/proc/self/exe"));
    const std::string candidates[] = {dirname_of(runtime) + "/burrow-run", self_dir + "/burrow-run",
                                      dirname_of(self_dir) + "/libexec/burrow/burrow-run"};
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) return c;
    throw Error("-f run: burrow-run, the head of a single-file pack, is not beside the runtime " + runtime +
                    " nor beside burrow-pack; build it (make) or install it (make install)",
                1);
}

void write_all(int fd, const char* p, std::size_t n, const std::string& out) {
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) throw_sys("cannot write", out, errno);
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

class RunWriter final : public PackWriter {
  public:
    RunWriter(const PackOptions& o, std::int64_t epoch)
        : o_(o), epoch_(epoch), out_(o.output, OutputKind::file, o.format) {
        out_.executable();
    }

    std::string write(const PackInputs& in, Progress* progress) override {
        const std::string stub = find_stub(in.runtime_host_path);
        const int fd = out_.fd();
        std::uint64_t offset = 0;
        {
            Fd s(::open(stub.c_str(), O_RDONLY | O_CLOEXEC));
            if (!s) throw_sys("cannot read", stub, errno);
            std::string buf(1 << 16, '\0');
            for (;;) {
                const std::size_t n = read_some(s.get(), buf.data(), buf.size(), stub);
                if (n == 0) break;
                write_all(fd, buf.data(), n, o_.output);
                offset += n;
            }
        }
        write_tarball(pack_nodes(in), o_.compression, epoch_, fd, o_.output, progress);
        const off_t end = ::lseek(fd, 0, SEEK_END);
        if (end < 0) throw_sys("cannot write", o_.output, errno);
        RunTrailer t;
        t.offset = offset;
        t.size = static_cast<std::uint64_t>(end) - offset;
        Sha256 h;
        std::string buf(1 << 16, '\0');
        for (std::uint64_t pos = offset; pos < static_cast<std::uint64_t>(end);) {
            const std::size_t n = pread_some(fd, buf.data(), buf.size(), pos, o_.output);
            if (n == 0) throw Error(o_.output + ": shorter than what was written", 1);
            h.update(buf.data(), n);
            pos += n;
        }
        t.sha256 = h.digest();
        const std::string trailer = format_run_trailer(t);
        write_all(fd, trailer.data(), trailer.size(), o_.output);
        return "wrote " + o_.output + ": " + std::to_string(in.items.size() + in.slices.size()) + " items, " +
               std::to_string(in.entries.size()) + " entries, one executable file (" +
               human_bytes(static_cast<double>(static_cast<std::uint64_t>(end) + trailer.size())) + ")";
    }

    void commit() override { out_.commit(); }

  private:
    const PackOptions& o_;
    std::int64_t epoch_;
    TempOutput out_;
};

}  // namespace

std::unique_ptr<PackWriter> open_run_writer(const PackOptions& o, std::int64_t epoch) {
    return std::make_unique<RunWriter>(o, epoch);
}

}  // namespace burrow::pack
