#pragma once
// The commands and options `nnscope --help` lists, read from the help text itself, so the man page and the shell
// completions are checked against what the executable really offers.
#include <regex>
#include <set>
#include <string>

#include "cli/run_util.h"

namespace nnscope::testing {

struct HelpText {
  std::set<std::string> commands;  // "analyze", "check", ...
  std::set<std::string> options;   // "--set", "-o", "--help", ...
};

inline HelpText help_text() {
  CommandResult help = run_nnscope("--help");
  HelpText h;
  bool in_commands = false;
  std::size_t start = 0;
  while (start < help.out.size()) {
    std::size_t end = help.out.find('\n', start);
    if (end == std::string::npos) end = help.out.size();
    std::string line = help.out.substr(start, end - start);
    start = end + 1;
    if (line == "Commands:") {
      in_commands = true;
      continue;
    }
    if (line.empty()) in_commands = false;
    std::smatch m;
    if (in_commands && std::regex_search(line, m, std::regex("^  ([a-z]+) "))) h.commands.insert(m[1]);
    static const std::regex option("(^|[ (,])(--?[a-z][a-z-]*)");
    for (auto it = std::sregex_iterator(line.begin(), line.end(), option); it != std::sregex_iterator(); ++it) {
      h.options.insert((*it)[2]);
    }
  }
  return h;
}

// True when `word` occurs in `text` not as part of a longer option or word ("--set" is not in "--settings").
inline bool has_word(const std::string& text, const std::string& word) {
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    auto part_of_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
    bool starts = at == 0 || !part_of_word(text[at - 1]) || word.front() == '-';
    bool ends = at + word.size() == text.size() || !part_of_word(text[at + word.size()]);
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace nnscope::testing
