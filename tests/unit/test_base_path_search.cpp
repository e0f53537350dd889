// runtime/base/path_search.hpp: the candidates a PATH lookup tries, in order.
#include <doctest/doctest.h>

#include <vector>

#include "runtime/base/path_search.hpp"

using namespace burrow;
using V = std::vector<std::string>;

namespace {

// Every candidate offered, none accepted.
V tried(std::string_view dirs, EmptyPathEntry empty) {
    V out;
    CHECK_FALSE(search_path_dirs(dirs, "cmd", empty, [&](const std::string& c) {
        out.push_back(c);
        return false;
    }));
    return out;
}

}  // namespace

TEST_CASE("base path search: the directories in order, an empty entry as '.' or skipped") {
    CHECK(tried("/a:/b", EmptyPathEntry::current_dir) == V{"/a/cmd", "/b/cmd"});
    CHECK(tried(":/a::/b:", EmptyPathEntry::current_dir) == V{"./cmd", "/a/cmd", "./cmd", "/b/cmd", "./cmd"});
    CHECK(tried(":/a::/b:", EmptyPathEntry::skip) == V{"/a/cmd", "/b/cmd"});
    CHECK(tried("", EmptyPathEntry::current_dir) == V{"./cmd"});
    CHECK(tried("", EmptyPathEntry::skip).empty());
    CHECK(tried("/a/", EmptyPathEntry::current_dir) == V{"/a//cmd"});
}

TEST_CASE("base path search: the first accepted candidate wins") {
    V seen;
    auto r = search_path_dirs("/a:/b:/c", "cmd", EmptyPathEntry::current_dir, [&](const std::string& c) {
        seen.push_back(c);
        return c != "/a/cmd";
    });
    CHECK(r == "/b/cmd");
    CHECK(seen == V{"/a/cmd", "/b/cmd"});
}
