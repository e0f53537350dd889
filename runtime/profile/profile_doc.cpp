#include "runtime/profile/profile_doc.hpp"

#include "runtime/base/error.hpp"

namespace burrow::profile {

std::string Doc::label() const {
    if (via.empty()) return file;
    return file + " (via " + join(via, " → ") + ")";
}

std::string Doc::where(const std::string& ptr) const {
    // An overlay entry made from a command-line option is named by that option.
    for (std::string p = ptr;;) {
        auto it = options.find(p);
        if (it != options.end()) return label() + ": " + it->second;
        if (p.empty()) break;
        p.resize(p.rfind('/'));
    }
    return label() + ": " + pointer_text(ptr);
}

void Problems::add(std::string line) {
    if (lines_.size() >= kCap) {
        ++dropped_;
        return;
    }
    lines_.push_back(std::move(line));
}

void Problems::throw_if_any() const {
    if (lines_.empty()) return;
    std::vector<std::string> out = lines_;
    if (dropped_)
        out.push_back("… and " + std::to_string(dropped_) + " more problem" + (dropped_ == 1 ? "" : "s") +
                      " (only the first " + std::to_string(kCap) + " are shown)");
    throw ProfileError(std::move(out));
}

}  // namespace burrow::profile
