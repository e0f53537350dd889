#include "packer/run_read.hpp"

#include <archive.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "packer/fsutil.hpp"
#include "runstub/run_choice.hpp"

namespace burrow::pack {

std::unique_ptr<RunPayload> RunPayload::open(const std::string& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < kRunTrailerSize) return nullptr;
    std::string tail(kRunTrailerSize, '\0');
    if (pread_some(fd.get(), tail.data(), tail.size(), size - kRunTrailerSize, path) != tail.size() ||
        std::memcmp(tail.data(), kRunMagic, sizeof kRunMagic) != 0)
        return nullptr;
    const auto t = parse_run_trailer(tail, size);
    if (!t)
        throw Error(path + " ends in a burrow-pack -f run trailer that does not fit the file (" + std::to_string(size) +
                        " bytes): it is damaged or cut short; fetch it again",
                    1);
    return std::unique_ptr<RunPayload>(new RunPayload(std::move(fd), path, *t));
}

RunPayload::RunPayload(Fd fd, std::string path, RunTrailer t)
    : fd_(std::move(fd)),
      path_(std::move(path)),
      trailer_(std::move(t)),
      pos_(trailer_.offset),
      end_(trailer_.offset + trailer_.size),
      buf_(1 << 17) {}

long RunPayload::fill() {
    if (pos_ >= end_) return 0;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(buf_.size(), end_ - pos_));
    const std::size_t n = pread_some(fd_.get(), buf_.data(), want, pos_, path_);
    if (n == 0) throw Error(path_ + " is shorter than its trailer says: it was cut short while being read", 1);
    pos_ += n;
    sha_.update(buf_.data(), n);
    return static_cast<long>(n);
}

int RunPayload::open_archive(archive* a) {
    auto read = [](archive* ar, void* self, const void** out) -> la_ssize_t {
        auto* p = static_cast<RunPayload*>(self);
        try {
            const long n = p->fill();
            *out = p->buf_.data();
            return n;
        } catch (const std::exception& e) {
            // Not through libarchive: the caller's read_fail rethrows an interruption.
            archive_set_error(ar, EIO, "%s", e.what());
            return -1;
        }
    };
    return archive_read_open(a, this, nullptr, read, nullptr);
}

std::string RunPayload::finish() {
    while (fill() > 0) {}
    return sha_.digest();
}

std::string run_file_summary(const std::string& path) {
    const auto run = RunPayload::open(path);
    if (!run) return {};
    const RunTrailer& t = run->trailer();
    return "single file: the burrow-run stub (" + std::to_string(t.offset) + " bytes), then the pack (" +
           std::to_string(t.size) + " bytes, sha256 " + to_hex(t.sha256) + "); it unpacks into " +
           runstub::cache_name(t.sha256) + " in the user's cache\n";
}

}  // namespace burrow::pack
