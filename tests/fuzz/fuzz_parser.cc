// libFuzzer target: lexer and parser on arbitrary bytes. Any crash, hang, leak or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "source/diagnostic.h"
#include "syntax/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nnscope::SourceManager sources;
  nnscope::FileId file = sources.add("fuzz.nn", std::string(reinterpret_cast<const char*>(data), size));
  std::vector<nnscope::Diagnostic> diagnostics;
  nnscope::ast::Module module = nnscope::syntax::parse_module(sources, file, diagnostics);
  // Rendering computes lines and columns from every offset the parser produced: it must not read out of range.
  std::string text = nnscope::render_all(diagnostics, sources);
  (void)module;
  (void)text;
  return 0;
}
