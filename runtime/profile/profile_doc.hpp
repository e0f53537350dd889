// Internal types of the profile loader: one document of the chain, and the problem list.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "runtime/profile/profile_util.hpp"

namespace burrow::profile {

// One JSON document taking part in a profile: a file, a built-in base, an overlay (the
// command line), or the defaults used when there is no profile at all.
struct Doc {
    enum class Kind { file, builtin, overlay, defaults };
    Kind kind = Kind::file;
    std::string file;                    // as shown: "p.json", "builtin:pack", "command line"
    std::vector<std::string> via;        // the including files, nearest first
    std::string dir;                     // absolute directory of a file (${PROFILE_DIR})
    ojson raw;                           // as parsed
    ojson clean;                         // checked: x-* dropped, variables expanded, paths
                                         // normalised, default destinations filled in
    std::vector<std::string> overrides;  // "override" entries as JSON pointers
    struct Ref {
        std::string text, ptr;  // an "extends" entry and where it is written
    };
    std::vector<Ref> extends;
    std::map<std::string, std::string> options;  // pointer → "x-option" text (overlays)

    // "base.json (via child.json)"
    std::string label() const;
    // What a message names: "p.json: /mounts/1" or "command line: --bind /a /b".
    std::string where(const std::string& ptr) const;
};

// Collects one line per problem, in the order found, up to a cap.
class Problems {
  public:
    static constexpr std::size_t kCap = 50;

    void add(std::string line);
    void add(const Doc& doc, const std::string& ptr, const std::string& what) { add(doc.where(ptr) + ": " + what); }
    bool empty() const { return lines_.empty(); }
    std::size_t size() const { return lines_.size(); }
    const std::vector<std::string>& lines() const { return lines_; }
    // Throws ProfileError with the lines collected so far (if any).
    void throw_if_any() const;

  private:
    std::vector<std::string> lines_;
    std::size_t dropped_ = 0;
};

}  // namespace burrow::profile
