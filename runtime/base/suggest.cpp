#include "runtime/base/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace burrow {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

std::size_t distance(std::string_view a, std::string_view b, bool ignore_case, bool transpositions) {
    auto same = [&](char x, char y) { return ignore_case ? lower(x) == lower(y) : x == y; };
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (transpositions && i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[n][m];
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) { return distance(a, b, true, true); }

std::size_t levenshtein_distance(std::string_view a, std::string_view b) { return distance(a, b, false, false); }

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    for (const auto& c : candidates) {
        if (word == c) continue;
        std::size_t d = edit_distance(word, c);
        // d == 0 is a case-only difference. Otherwise the word must be longer than the
        // distance, so that two edits cannot turn a short word into anything at all.
        if (d > 2 || (d > 0 && d >= word.size())) continue;
        if (!best || d < best_d) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

std::optional<std::string> nearest_or_prefix(std::string_view word, const std::vector<std::string>& candidates) {
    const std::string w = lowered(word);
    std::optional<std::string> best;
    std::size_t best_d = 0;
    for (const auto& c : candidates) {
        const std::string lc = lowered(c);
        std::size_t d = edit_distance(w, lc);
        const std::size_t shorter = std::min(w.size(), lc.size());
        const bool prefix = shorter >= 4 && (w.starts_with(lc) || lc.starts_with(w));
        const std::size_t limit = w.size() <= 3 ? 1 : 2;
        if (d > limit && !prefix) continue;
        if (prefix && d > limit) d = limit + 1;  // rank prefix matches after close typos
        if (!best || d < best_d || (d == best_d && c < *best)) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

}  // namespace burrow
