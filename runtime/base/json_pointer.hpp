// JSON pointers (RFC 6901) as burrow's messages spell them: "/process/env/set/A~1B".
#pragma once

#include <string>
#include <string_view>

namespace burrow {

// One reference token: "~" → "~0", "/" → "~1".
std::string pointer_escape(std::string_view key);

}  // namespace burrow
