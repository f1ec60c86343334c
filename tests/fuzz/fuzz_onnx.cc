// libFuzzer target: the ONNX protobuf decoder and importer on arbitrary bytes, then the generated .nn text.
// ProtobufError/ImportError are the expected answers to bad input. Any crash, hang, leak or sanitizer report
// is a bug, and so is generated text the .nn parser does not take: whatever the file holds, the importer
// must write valid, inert text (no string from the file may end a comment or become code).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "interp/program.h"
#include "onnx/importer.h"
#include "onnx/onnx_model.h"
#include "source/diagnostic.h"
#include "syntax/parser.h"

namespace {

// Aborts (a finding) when the importer's text does not lex and parse cleanly.
void require_parses(const std::string& text) {
  nnscope::SourceManager sources;
  nnscope::FileId file = sources.add("fuzz.nn", text);
  std::vector<nnscope::Diagnostic> diagnostics;
  (void)nnscope::syntax::parse_module(sources, file, diagnostics);
  if (diagnostics.empty()) return;
  std::fprintf(stderr, "the importer wrote text that does not parse:\n%s\n--- text ---\n%s\n",
               nnscope::render_all(diagnostics, sources).c_str(), text.substr(0, 4000).c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string text;
  try {
    nnscope::onnx::Model model = nnscope::onnx::decode_model(bytes);
    text = nnscope::onnx::import_model(model, "fuzz", "fuzz\n.onnx");
  } catch (const nnscope::onnx::ProtobufError&) {
    return 0;
  } catch (const nnscope::onnx::ImportError&) {
    return 0;
  }
  require_parses(text);
  auto program = nnscope::interp::load_program_from_text("fuzz.nn", std::move(text));
  (void)program;
  return 0;
}
