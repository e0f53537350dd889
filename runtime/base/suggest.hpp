// "Did you mean": edit distances and the rules that pick a suggestion from candidates.
// The profile checks, the seccomp names and burrow's options each keep the rule their
// messages have always followed; they share the distance.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace burrow {

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), case
// ignored: "Ptrcae" is 1 from "ptrace".
std::size_t edit_distance(std::string_view a, std::string_view b);
// Plain Levenshtein distance, case counted, no transpositions: "--vresion" is 2 from
// "--version".
std::size_t levenshtein_distance(std::string_view a, std::string_view b);

// The profile checks' rule: the nearest candidate other than `word` itself within edit
// distance 2, and closer than the word is long (a case-only difference counts, at 0);
// ties go to the first in the list.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// The seccomp names' rule: within edit distance 1 for a word of up to 3 characters, 2 for
// a longer one, or one being a prefix of the other when the shorter has 4 characters or
// more ("@debugging" → "@debug", ranked after the close typos). Ties go to the first in
// byte order.
std::optional<std::string> nearest_or_prefix(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace burrow
