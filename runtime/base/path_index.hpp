// "Is an earlier destination at, below or above this path?" for profiles with thousands of
// mounts. Asking each earlier path in turn makes planning quadratic in the number of
// mounts (10,000 binds took seconds); here each question costs a few hash lookups, one
// per component of the path asked about.
//
// The relation is the string one of path_within() (runtime/base/path.hpp; for absolute
// paths also the mount code's is_under()): Q holds P ("P is within Q") when Q is "/", or
// P == Q, or P starts with Q followed by "/". for_each_holder() lists, for one path, every
// string that holds it, so questions about ancestors become exact lookups and nothing
// about the paths has to be assumed (normalised or not, they are answered as the pairwise
// test would).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace burrow {

// Calls f(q) for every string q that holds `path`: "/", and each prefix of `path` that
// ends where `path` does or right before one of its "/" (so "" for an absolute path).
// Some may be repeated ("/" for "/").
template <class F>
void for_each_holder(std::string_view path, F&& f) {
    f(std::string_view("/"));
    for (std::size_t k = 0; k <= path.size(); ++k)
        if (k == path.size() || path[k] == '/') f(path.substr(0, k));
}

// Paths recorded with an index each (their position in a list of mounts); what is asked
// is the first (lowest) index that stands in a relation to a path.
class PathIndex {
  public:
    // Records `path` as entry `index`. An entry added later never replaces an earlier one
    // in an answer, so add entries in increasing index order.
    void add(std::string_view path, std::size_t index) {
        keep_first(at_, path, index);
        for_each_holder(path, [&](std::string_view q) { keep_first(within_, q, index); });
    }

    // Room for about n paths (each also records its ancestors).
    void reserve(std::size_t n) {
        at_.reserve(n);
        within_.reserve(2 * n);
    }

    // The first entry whose path is `path` or lies below it (within it).
    std::optional<std::size_t> first_at_or_below(std::string_view path) const { return find(within_, path); }

    // The first entry whose path holds `path`: `path` itself or one above it.
    std::optional<std::size_t> first_at_or_above(std::string_view path) const { return above(path, true); }

    // The same, leaving out an entry at `path` itself.
    std::optional<std::size_t> first_above(std::string_view path) const { return above(path, false); }

  private:
    // Looked up by string_view: no string is built for a question.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>>;

    static void keep_first(Map& m, std::string_view key, std::size_t index) {
        if (m.find(key) == m.end()) m.emplace(std::string(key), index);
    }

    static std::optional<std::size_t> find(const Map& m, std::string_view key) {
        auto it = m.find(key);
        if (it == m.end()) return std::nullopt;
        return it->second;
    }

    std::optional<std::size_t> above(std::string_view path, bool or_at) const {
        std::optional<std::size_t> best;
        for_each_holder(path, [&](std::string_view q) {
            if (!or_at && q == path) return;
            auto i = find(at_, q);
            if (i && (!best || *i < *best)) best = i;
        });
        return best;
    }

    Map at_;      // path → first entry with exactly that path
    Map within_;  // q → first entry whose path q holds
};

}  // namespace burrow
