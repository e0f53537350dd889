#include "packer/pgzip.hpp"

#include <sched.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "packer/options.hpp"
#include "runtime/base/error.hpp"

namespace burrow::pack {

namespace {

constexpr std::size_t kDict = 32u << 10;  // deflate's window
// Blocks compressed or waiting beyond the one being filled, per thread: enough to keep
// every thread busy while the writer waits for the oldest.
constexpr std::size_t kAhead = 2;

void put_le32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

unsigned compression_threads(const char* env, unsigned cpus) {
    if (!env || !*env) return cpus < 1 ? 1 : cpus;
    char* end = nullptr;
    errno = 0;
    const unsigned long n = std::strtoul(env, &end, 10);
    if (errno != 0 || *end != '\0' || env[0] < '0' || env[0] > '9' || n < 1 || n > 256)
        throw Error("BURROW_PACK_THREADS='" + std::string(env) +
                        "': expected a number of threads from 1 to 256 (or leave it unset for one per CPU)",
                    kExitUsage);
    return static_cast<unsigned>(n);
}

unsigned available_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
    const int n = CPU_COUNT(&set);
    return n < 1 ? 1 : static_cast<unsigned>(n);
}

ParallelGzip::ParallelGzip(int level, unsigned threads, Out out) : level_(level), out_(std::move(out)) {
    // The gzip header, as gzip -n writes it: no name, no time stamp, OS "Unix".
    out_(std::string_view("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
    block_.reserve(kGzipBlock);
    for (unsigned i = 0; threads > 1 && i < threads; ++i) workers_.emplace_back([this] { work(); });
}

ParallelGzip::~ParallelGzip() {
    {
        std::lock_guard<std::mutex> l(m_);
        stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
}

ParallelGzip::Done ParallelGzip::compress(int level, const Job& j) {
    z_stream z{};
    // Raw deflate: the gzip header and trailer are written once, around all the blocks.
    if (deflateInit2(&z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error("gzip: cannot start zlib's deflate (out of memory)", 1);
    struct End {
        z_stream* z;
        ~End() { deflateEnd(z); }
    } end{&z};
    if (!j.dict.empty() && deflateSetDictionary(&z, reinterpret_cast<const Bytef*>(j.dict.data()),
                                                static_cast<uInt>(j.dict.size())) != Z_OK)
        throw Error("gzip: zlib refused the block's dictionary", 1);
    Done d;
    d.size = j.input.size();
    d.crc = static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(j.input.data()), static_cast<uInt>(j.input.size())));
    d.output.resize(deflateBound(&z, static_cast<uLong>(j.input.size())) + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(j.input.data()));
    z.avail_in = static_cast<uInt>(j.input.size());
    z.next_out = reinterpret_cast<Bytef*>(d.output.data());
    z.avail_out = static_cast<uInt>(d.output.size());
    // A sync flush ends the block on a byte boundary, so the next block's bits follow it.
    const int r = deflate(&z, j.last ? Z_FINISH : Z_SYNC_FLUSH);
    if (r != (j.last ? Z_STREAM_END : Z_OK) || z.avail_in != 0 || z.avail_out == 0)
        throw Error("gzip: zlib's deflate failed", 1);
    d.output.resize(d.output.size() - z.avail_out);
    return d;
}

void ParallelGzip::work() {
    for (;;) {
        Job j;
        {
            std::unique_lock<std::mutex> l(m_);
            work_cv_.wait(l, [this] { return stop_ || !queue_.empty(); });
            if (stop_) return;
            j = std::move(queue_.front());
            queue_.pop_front();
        }
        Done d;
        std::exception_ptr err;
        try {
            d = compress(level_, j);
        } catch (...) {
            err = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> l(m_);
            if (err && !error_) error_ = err;
            done_.emplace(j.index, std::move(d));
        }
        done_cv_.notify_all();
    }
}

void ParallelGzip::submit(bool last) {
    Job j{next_index_++, std::move(block_), dict_, last};
    // The next block's dictionary: the last 32 KiB of input before it.
    if (j.input.size() >= kDict) {
        dict_.assign(j.input, j.input.size() - kDict, kDict);
    } else {
        dict_ += j.input;
        if (dict_.size() > kDict) dict_.erase(0, dict_.size() - kDict);
    }
    block_ = std::string();
    block_.reserve(kGzipBlock);
    if (workers_.empty()) {
        Done d = compress(level_, j);
        crc_ = static_cast<std::uint32_t>(crc32_combine(crc_, d.crc, static_cast<z_off_t>(d.size)));
        ++next_out_;
        out_(d.output);
        return;
    }
    {
        std::lock_guard<std::mutex> l(m_);
        queue_.push_back(std::move(j));
    }
    work_cv_.notify_one();
    drain(false);
}

// Writes the finished blocks in order: waiting for the oldest while too many are out (or
// until none is, with `all`).
void ParallelGzip::drain(bool all) {
    for (;;) {
        Done d;
        {
            std::unique_lock<std::mutex> l(m_);
            const auto pending = [this] { return next_index_ - next_out_; };
            const bool must_wait = all ? pending() > 0 : pending() > kAhead * workers_.size();
            done_cv_.wait(l, [&] { return error_ || done_.count(next_out_) || !must_wait; });
            if (error_) std::rethrow_exception(error_);
            const auto it = done_.find(next_out_);
            if (it == done_.end()) return;
            d = std::move(it->second);
            done_.erase(it);
        }
        crc_ = static_cast<std::uint32_t>(crc32_combine(crc_, d.crc, static_cast<z_off_t>(d.size)));
        ++next_out_;
        out_(d.output);
    }
}

void ParallelGzip::write(const char* data, std::size_t size) {
    total_ += size;
    while (size > 0) {
        // A full block waits for more input: only then is it known not to be the last.
        if (block_.size() == kGzipBlock) submit(false);
        const std::size_t n = std::min(size, kGzipBlock - block_.size());
        block_.append(data, n);
        data += n;
        size -= n;
    }
}

void ParallelGzip::finish() {
    if (finished_) return;
    finished_ = true;
    submit(true);
    if (!workers_.empty()) drain(true);
    std::string trailer;
    put_le32(trailer, crc_);
    put_le32(trailer, static_cast<std::uint32_t>(total_ & 0xffffffffu));
    out_(trailer);
}

}  // namespace burrow::pack
