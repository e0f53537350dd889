// The parallel gzip writer: its output is one gzip member that zlib reads back, whatever the
// input's size against the block size, and the same bytes for any number of threads and
// any way the input is cut into writes. BURROW_PACK_THREADS is checked.
#include <doctest/doctest.h>
#include <zlib.h>

#include <random>
#include <string>

#include "packer/pgzip.hpp"
#include "runtime/base/error.hpp"

using namespace burrow;
using namespace burrow::pack;

namespace {

std::string gzip_of(const std::string& in, unsigned threads, std::size_t chunk) {
    std::string out;
    ParallelGzip gz(6, threads, [&](std::string_view b) { out.append(b); });
    for (std::size_t off = 0; off < in.size(); off += chunk)
        gz.write(in.data() + off, std::min(chunk, in.size() - off));
    gz.finish();
    return out;
}

// zlib's own gzip reader (windowBits 15 + 16): one member, to its end, nothing after it.
std::string gunzip(const std::string& gz, bool* whole) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    std::string out(1 << 16, '\0'), all;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    int r;
    do {
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = static_cast<uInt>(out.size());
        r = inflate(&z, Z_NO_FLUSH);
        all.append(out.data(), out.size() - z.avail_out);
    } while (r == Z_OK);
    *whole = r == Z_STREAM_END && z.avail_in == 0;
    inflateEnd(&z);
    return all;
}

std::string sample(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    // Half text-like (compressible, with matches across block boundaries), half random.
    for (std::size_t i = 0; i < n; ++i)
        s[i] = (i / 4096) % 2 ? static_cast<char>(rng()) : "burrow packs the store "[i % 23];
    return s;
}

}  // namespace

TEST_CASE("pgzip: round trip at and around the block size, for 1, 2 and 5 threads") {
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, kGzipBlock - 1, kGzipBlock, kGzipBlock + 1,
                          3 * kGzipBlock + kGzipBlock / 2}) {
        CAPTURE(n);
        const std::string in = sample(n, static_cast<unsigned>(n));
        const std::string one = gzip_of(in, 1, 65536);
        bool whole = false;
        CHECK(gunzip(one, &whole) == in);
        CHECK(whole);
        CHECK(gzip_of(in, 2, 65536) == one);
        CHECK(gzip_of(in, 5, 777) == one);
        CHECK(gzip_of(in, 2, kGzipBlock) == one);
    }
}

TEST_CASE("pgzip: the header says no name and no time; the trailer has the CRC and size") {
    const std::string in = sample(2 * kGzipBlock + 5, 7);
    const std::string gz = gzip_of(in, 2, 1 << 16);
    REQUIRE(gz.size() > 18);
    CHECK(gz.substr(0, 10) == std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10));
    const auto le32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(gz[at + static_cast<std::size_t>(i)]);
        return v;
    };
    CHECK(le32(gz.size() - 8) == static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(in.data()),
                                                                  static_cast<uInt>(in.size()))));
    CHECK(le32(gz.size() - 4) == in.size());
}

TEST_CASE("pgzip: compressible input shrinks as with one stream (the dictionary carries over)") {
    std::string in;
    while (in.size() < 4 * kGzipBlock) in += "a line that repeats across every block boundary\n";
    const std::string gz = gzip_of(in, 2, 1 << 16);
    // Without the previous block's dictionary each block would restart cold; with it the
    // whole input compresses like one stream: far below 1 %.
    CHECK(gz.size() < in.size() / 100);
}

TEST_CASE("pgzip: a writer's error reaches the caller; the threads are joined") {
    int calls = 0;
    auto failing = [&](std::string_view) {
        if (++calls > 1) throw Error("disk full", 1);
    };
    const std::string in = sample(3 * kGzipBlock, 3);
    ParallelGzip gz(6, 2, failing);
    CHECK_THROWS_WITH_AS(
        {
            gz.write(in.data(), in.size());
            gz.finish();
        },
        "disk full", Error);
}

TEST_CASE("BURROW_PACK_THREADS: unset is one per CPU; a number from 1 to 256; anything else is an error") {
    CHECK(compression_threads(nullptr, 4) == 4);
    CHECK(compression_threads("", 3) == 3);
    CHECK(compression_threads(nullptr, 0) == 1);
    CHECK(compression_threads("1", 8) == 1);
    CHECK(compression_threads("256", 8) == 256);
    for (const char* bad : {"0", "257", "-1", "+2", "2x", "two", " 2"}) {
        const std::string shown = bad;
        CAPTURE(shown);
        try {
            compression_threads(bad, 2);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.status() == 125);
            CHECK(std::string(e.what()).find("BURROW_PACK_THREADS='" + std::string(bad) + "'") != std::string::npos);
        }
    }
    CHECK(available_cpus() >= 1);
}
