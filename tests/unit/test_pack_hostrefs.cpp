// --warn-host's scanner: the host paths that text and binaries name, where a path starts,
// whatever the chunks; the pack's own destinations are not listed.
#include <doctest/doctest.h>

#include <string>

#include "packer/hostrefs.hpp"

using namespace burrow::pack;

namespace {

std::set<std::string> scan(const std::string& data, std::size_t chunk, std::vector<std::string> inside = {}) {
    HostRefScanner sc(std::move(inside));
    for (std::size_t off = 0; off < data.size(); off += chunk) sc.feed(std::string_view(data).substr(off, chunk));
    sc.end_of_file();
    return sc.found();
}

}  // namespace

TEST_CASE("hostrefs: paths below the host's system directories, as text and NUL-ended strings") {
    const std::string data = std::string("PYTHONPATH=/usr/lib/python3.11:/opt/x/lib\n") + "open(\"/etc/os-release\")" +
                             '\0' + "/lib64/ld-linux-x86-64.so.2" + '\0' + "#!/bin/sh -e\n";
    for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{4096}}) {
        CAPTURE(chunk);
        CHECK(scan(data, chunk) == std::set<std::string>{"/bin/sh", "/etc/os-release", "/lib64/ld-linux-x86-64.so.2",
                                                         "/opt/x/lib", "/usr/lib/python3.11"});
    }
}

TEST_CASE("hostrefs: not inside another path, not the bare directory, not the pack's own places") {
    const std::string data =
        "/gnu/store/abc-python/lib/python3.11 x/usr/lib /usr/ /usr /etc /var/tmp/x "
        "/opt/store/abc-y/bin/y /opt/other";
    CHECK(scan(data, 5, {"/opt/store"}) == std::set<std::string>{"/opt/other", "/var/tmp/x"});
}

TEST_CASE("hostrefs: a path at the end of the file; a very long one is listed cut") {
    CHECK(scan("x /etc/passwd", 4) == std::set<std::string>{"/etc/passwd"});
    const std::string longp = "/usr/" + std::string(1000, 'a');
    const auto found = scan(longp + " /etc/hosts", 100);
    REQUIRE(found.size() == 2);
    CHECK(found.count("/etc/hosts") == 1);
    CHECK(found.rbegin()->size() == 256);
    CHECK(found.rbegin()->rfind("/usr/aaa", 0) == 0);
}
