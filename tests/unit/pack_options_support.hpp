// Helpers shared by the burrow-pack command-line tests.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "packer/options.hpp"
#include "runtime/base/error.hpp"

namespace pack_test {

// The message of the error parse_command_line() throws (asserting status 125).
inline std::string error_of(const std::vector<std::string>& args) {
    try {
        burrow::pack::parse_command_line(args);
    } catch (const burrow::Error& e) {
        CHECK(e.status() == 125);
        return e.what();
    }
    return "(no error)";
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace pack_test
