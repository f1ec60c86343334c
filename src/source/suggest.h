#pragma once
// "Did you mean ...?": the candidate closest to a mistyped word. Every phase that reports an unknown name
// (the loader, the static checker, the interpreter, the command line) asks the same function, so a typo gets
// the same suggestion wherever it is found.
#include <string>
#include <vector>

namespace nnscope {

// The closest of `candidates` to `word` by edit distance, or "" when none is close.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

// "; did you mean 'NAME'?" for the closest candidate, or "" when none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace nnscope
