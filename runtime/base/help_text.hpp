// One row of an option list in --help (burrow's and burrow-pack's): the label, then its
// text from `column`, each further line of the text indented to the same column. A label
// that reaches the column puts the text on the next line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace burrow {

inline void append_help_row(std::string& out, const std::string& label, std::string_view text, std::size_t column) {
    out += label;
    if (text.empty()) {
        out += "\n";
        return;
    }
    out += label.size() + 1 < column ? std::string(column - label.size(), ' ') : "\n" + std::string(column, ' ');
    for (;;) {
        const auto nl = text.find('\n');
        out += std::string(text.substr(0, nl)) + "\n";
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
        out += std::string(column, ' ');
    }
}

}  // namespace burrow
