#include "source/suggest.h"

#include <algorithm>

namespace nnscope {
namespace {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours ("rleu" is one edit from "relu"), the typos people make.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string>& candidates) {
  // Names that long are not typos of anything; comparing them would only cost time (hostile input).
  if (word.size() > 128) return "";
  std::string best;
  std::size_t best_distance = ~std::size_t{0};
  for (const std::string& c : candidates) {
    if (c.size() > 128) continue;
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  // Close enough to be a plausible typo: at most a third of the word (at least 2 edits), or a prefix.
  std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  if (best_distance <= allowed) return best;
  // Or one is an abbreviation of the other ("bert" for "bert_base", "sequence" for "seq"); a name of one or
  // two letters abbreviates too many words to suggest ("u" is not what "unknown_thing" meant).
  constexpr std::size_t kMinAbbreviation = 3;
  for (const std::string& c : candidates) {
    if (std::min(word.size(), c.size()) >= kMinAbbreviation && (c.starts_with(word) || word.starts_with(c))) return c;
  }
  return "";
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string hint = closest_name(word, candidates);
  return hint.empty() ? "" : "; did you mean '" + hint + "'?";
}

}  // namespace nnscope
