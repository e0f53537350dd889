// Splitting a message into lines, for the error printers that put the program's name
// before each line (runtime/base/error.cpp for burrow, packer/main.cpp for burrow-pack).
#pragma once

#include <string_view>

namespace burrow {

// What happens to the empty line after a final '\n' (and to an empty text).
enum class LastEmptyLine {
    drop,  // "a\n" is one line, "" none (burrow)
    keep,  // "a\n" is "a" and "", "" is one empty line (burrow-pack)
};

// Calls f(line) for each '\n'-separated line of `text`, without the '\n'.
template <class F>
void for_each_line(std::string_view text, LastEmptyLine last, F&& f) {
    std::size_t start = 0;
    while (start < text.size() || (last == LastEmptyLine::keep && start == text.size())) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        f(text.substr(start, end - start));
        start = end + 1;
    }
}

}  // namespace burrow
