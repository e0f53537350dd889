// runtime/base/lines.hpp: the lines an error printer prints, with and without the last
// empty one.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/base/lines.hpp"

using namespace burrow;
using V = std::vector<std::string>;

namespace {

V lines(std::string_view text, LastEmptyLine last) {
    V out;
    for_each_line(text, last, [&](std::string_view l) { out.emplace_back(l); });
    return out;
}

}  // namespace

TEST_CASE("base lines: burrow drops the empty line after a final newline") {
    CHECK(lines("", LastEmptyLine::drop).empty());
    CHECK(lines("a", LastEmptyLine::drop) == V{"a"});
    CHECK(lines("a\n", LastEmptyLine::drop) == V{"a"});
    CHECK(lines("a\n\nb", LastEmptyLine::drop) == V{"a", "", "b"});
    CHECK(lines("a\n\n", LastEmptyLine::drop) == V{"a", ""});
    CHECK(lines("\n", LastEmptyLine::drop) == V{""});
}

TEST_CASE("base lines: burrow-pack keeps it") {
    CHECK(lines("", LastEmptyLine::keep) == V{""});
    CHECK(lines("a", LastEmptyLine::keep) == V{"a"});
    CHECK(lines("a\n", LastEmptyLine::keep) == V{"a", ""});
    CHECK(lines("a\n\nb", LastEmptyLine::keep) == V{"a", "", "b"});
    CHECK(lines("\n", LastEmptyLine::keep) == V{"", ""});
}
