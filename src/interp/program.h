#pragma once
// Loading: a model file (or a standard-library name) and everything it imports, parsed, with the block
// and model definitions collected. Import cycles, missing files and duplicate definitions are errors.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "source/diagnostic.h"
#include "syntax/ast.h"

namespace nnscope::interp {

struct Program {
  SourceManager sources;
  std::vector<std::unique_ptr<ast::Module>> modules;  // modules[0] is the main file
  std::vector<Diagnostic> diagnostics;
  std::map<std::string, const ast::Definition*, std::less<>> definitions;  // blocks and models by name

  bool ok() const { return diagnostics.empty(); }
  const ast::Module& main() const { return *modules.front(); }
  // The model to analyse: `name` if given, else the main file's model named like the file, else its only model.
  // Returns nullptr and adds a diagnostic when there is none or the choice is ambiguous.
  const ast::Definition* select_model(const std::string& name);
};

// Loads a .nn file from disk (when `target` names an existing path or ends in ".nn") or a standard-library
// model by name. Never throws; problems are in Program::diagnostics. `found` is false when `target` is
// neither a file nor a standard-library model (the caller then suggests names).
std::unique_ptr<Program> load_program(const std::string& target, bool* found);
// Loads source text given directly (tests, fuzzing); imports resolve against the standard library and
// the current directory.
std::unique_ptr<Program> load_program_from_text(const std::string& name, std::string text);

// Reads a model or configuration file of at most 64 MiB. On failure returns false with the reason in `problem`
// ("no such file", "it is a directory", "cannot open it", "file is larger than 64 MiB").
bool read_source_file(const std::string& path, std::string* text, std::string* problem);

// The closest of `candidates` to `word` by edit distance, or "" when none is close.
std::string closest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace nnscope::interp
