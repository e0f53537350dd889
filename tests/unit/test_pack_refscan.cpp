// burrow-pack: finding references to store items in file contents.
#include <doctest/doctest.h>

#include "packer/refscan.hpp"

using namespace burrow::pack;

namespace {
const std::string kHello = "k613kh7wv6l3x4wjml3x2c4j2jzg06gh-hello-1.0";
const std::string kGlibc = "zs8awn3kbyi0ackxyfibs2a6pg8d1dsb-glibc-fixture";
const std::string kAbsentHash = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

RefScanner scan_in_chunks(const RefIndex& idx, const std::string& text, std::size_t chunk) {
    RefScanner sc(idx);
    for (std::size_t i = 0; i < text.size(); i += chunk) sc.feed(std::string_view(text).substr(i, chunk));
    sc.end_of_file();
    return sc;
}
}  // namespace

TEST_CASE("pack refscan: hashes are found anywhere, also split across chunks") {
    const RefIndex idx({kHello, kGlibc, "python"}, "/gnu/store");
    const std::string text = std::string(5000, 'x') + std::string("\0/gnu/store/", 12) + kGlibc + "/lib/libc.so.6" +
                             std::string(70, 'z') + kHello.substr(0, 32) + "ELF";
    for (std::size_t chunk : {1u, 7u, 31u, 32u, 33u, 4096u, 100000u}) {
        CAPTURE(chunk);
        const RefScanner sc = scan_in_chunks(idx, text, chunk);
        CHECK(sc.found() == std::set<std::string>{kHello, kGlibc});
        CHECK(sc.absent().empty());
    }
}

TEST_CASE("pack refscan: a hash inside a longer run of base32 characters still counts") {
    const RefIndex idx({kHello}, "/gnu/store");
    const RefScanner sc = scan_in_chunks(idx, "0000" + kHello.substr(0, 32) + "1111", 3);
    CHECK(sc.found() == std::set<std::string>{kHello});
}

TEST_CASE("pack refscan: nothing is found in unrelated bytes") {
    const RefIndex idx({kHello, kGlibc}, "/gnu/store");
    const RefScanner sc = scan_in_chunks(idx, std::string(100000, '0') + kHello.substr(0, 31) + "-x", 4096);
    CHECK(sc.found().empty());
}

TEST_CASE("pack refscan: names without a hash are found as DEST/NAME at a name boundary") {
    const RefIndex idx({"python", "py"}, "/opt/x");
    CHECK(scan_in_chunks(idx, "exec /opt/x/python/bin/python3", 5).found() == std::set<std::string>{"python"});
    CHECK(scan_in_chunks(idx, "/opt/x/python3", 5).found().empty());
    CHECK(scan_in_chunks(idx, "end: /opt/x/py", 5).found() == std::set<std::string>{"py"});
    CHECK(scan_in_chunks(idx, "python py", 2).found().empty());
}

TEST_CASE("pack refscan: store paths of missing items are reported with their names") {
    const RefIndex idx({kHello}, "/gnu/store");
    const std::string text = "ld: /gnu/store/" + kAbsentHash + "-gcc-12.3-lib/lib:/gnu/store/" + kHello + "/lib";
    for (std::size_t chunk : {1u, 10u, 4096u}) {
        CAPTURE(chunk);
        const RefScanner sc = scan_in_chunks(idx, text, chunk);
        REQUIRE(sc.absent().size() == 1);
        CHECK(sc.absent().begin()->first == kAbsentHash);
        CHECK(sc.absent().begin()->second == "/gnu/store/" + kAbsentHash + "-gcc-12.3-lib");
        CHECK(sc.found() == std::set<std::string>{kHello});
    }
    // Not a store path: wrong prefix, no dash, characters outside the alphabet.
    CHECK(scan_in_chunks(idx, "/nix/store/" + kAbsentHash + "-x", 8).absent().empty());
    CHECK(scan_in_chunks(idx, "/gnu/store/" + kAbsentHash + "x", 8).absent().empty());
    CHECK(scan_in_chunks(idx, "/gnu/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-x", 8).absent().empty());
}

TEST_CASE("pack refscan: files are scanned separately") {
    const RefIndex idx({kHello}, "/gnu/store");
    RefScanner sc(idx);
    sc.feed(kHello.substr(0, 16));
    sc.end_of_file();
    sc.feed(kHello.substr(16, 16));
    sc.end_of_file();
    CHECK(sc.found().empty());
}

TEST_CASE("pack refscan: unstored destinations report every store path under them as missing") {
    // No --store: a slice's references to /gnu/store and /nix/store are all missing.
    const RefIndex idx({}, "/gnu/store", {"/nix/store"});
    const std::string text = "#!/gnu/store/" + kHello + "/bin/sh\nexec /nix/store/" + kAbsentHash + "-bash-5/bin/bash";
    for (std::size_t chunk : {1u, 10u, 4096u}) {
        CAPTURE(chunk);
        const RefScanner sc = scan_in_chunks(idx, text, chunk);
        CHECK(sc.found().empty());
        REQUIRE(sc.absent().size() == 2);
        CHECK(sc.absent().at(kHello.substr(0, 32)) == "/gnu/store/" + kHello);
        CHECK(sc.absent().at(kAbsentHash) == "/nix/store/" + kAbsentHash + "-bash-5");
    }
    // An item present under DEST is not missing there, but is under an unstored destination.
    const RefIndex with({kHello}, "/gnu/store", {"/nix/store"});
    CHECK(scan_in_chunks(with, "/gnu/store/" + kHello, 8).absent().empty());
    CHECK(scan_in_chunks(with, "/nix/store/" + kHello, 8).absent().size() == 1);
    CHECK(scan_in_chunks(idx, "/opt/" + kHello, 8).absent().empty());
}
