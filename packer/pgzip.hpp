// gzip on every core, as pigz does it: the input is cut into fixed 1 MiB blocks, each
// block is deflated (zlib) on its own thread with the 32 KiB before it as its dictionary
// and ends on a byte boundary (a sync flush; the last block finishes the stream), and the
// pieces are written in order behind one gzip header, with the CRCs combined. The output
// is one ordinary gzip member, and its bytes depend on the input and the level only,
// never on the number of threads or the timing: a pack made on 1 core and on 64 is the
// same file.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace burrow::pack {

inline constexpr std::size_t kGzipBlock = 1u << 20;

// How many threads to compress with: BURROW_PACK_THREADS when set (1 to 256; anything else
// is a usage error, exit 125), else the CPUs this process may run on. Pure but for the
// CPU count, which is passed in.
unsigned compression_threads(const char* env, unsigned cpus);
// The CPUs this process may run on (sched_getaffinity), at least 1.
unsigned available_cpus();

class ParallelGzip {
  public:
    using Out = std::function<void(std::string_view)>;
    // `out` receives the compressed bytes in order, on the calling thread. threads <= 1
    // compresses on the calling thread (the same bytes).
    ParallelGzip(int level, unsigned threads, Out out);
    ~ParallelGzip();
    ParallelGzip(const ParallelGzip&) = delete;
    ParallelGzip& operator=(const ParallelGzip&) = delete;

    void write(const char* data, std::size_t size);
    // Compresses what is left and writes the gzip trailer. Rethrows a worker's error.
    void finish();

  private:
    struct Job {
        std::uint64_t index;
        std::string input, dict;
        bool last;
    };
    struct Done {
        std::string output;
        std::uint32_t crc;
        std::size_t size;
    };
    static Done compress(int level, const Job& j);
    void submit(bool last);
    void drain(bool all);
    void work();

    const int level_;
    Out out_;
    std::string block_, dict_;
    std::uint64_t next_index_ = 0, next_out_ = 0;
    std::uint32_t crc_ = 0;
    std::uint64_t total_ = 0;
    bool finished_ = false;

    std::mutex m_;
    std::condition_variable work_cv_, done_cv_;
    std::deque<Job> queue_;
    std::map<std::uint64_t, Done> done_;
    std::exception_ptr error_;
    bool stop_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace burrow::pack
