// "Did you mean ...?": the known name closest to a misspelt one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace userscale {

// Levenshtein distance, comparing letters without regard to case (so that `maxreplicas` is
// one step from nothing but a capital and still finds `maxReplicas`).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is near enough to be a plausible typo: at most
// max(2, |word| / 3) edits and fewer edits than letters in `word`. Ties go to the earlier
// candidate.
std::optional<std::string> closest_name(std::string_view word,
                                        const std::vector<std::string_view>& candidates);

}  // namespace userscale
