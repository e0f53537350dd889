// burrow-pack's progress: which kind of output BURROW_PACK_PROGRESS and the terminal choose.
#include <doctest/doctest.h>

#include "packer/progress.hpp"

using burrow::pack::Progress;
using M = Progress::Mode;

TEST_CASE("progress: the mode from BURROW_PACK_PROGRESS, else from whether stderr is a terminal") {
    CHECK(Progress::mode_from(nullptr, true) == M::terminal);
    CHECK(Progress::mode_from(nullptr, false) == M::lines);
    CHECK(Progress::mode_from("", false) == M::lines);
    CHECK(Progress::mode_from("none", true) == M::none);
    CHECK(Progress::mode_from("lines", true) == M::eager_lines);
    CHECK(Progress::mode_from("terminal", false) == M::terminal);
    CHECK(Progress::mode_from("bogus", true) == M::terminal);
    CHECK(burrow::pack::human_bytes(1536) == "1.5 KiB");
}
