// libFuzzer target: the ONNX protobuf decoder and importer on arbitrary bytes, then the generated .nn text.
// ProtobufError/ImportError are the expected answers to bad input. Any crash, hang, leak or sanitizer report
// is a bug, and so is generated text that holds a control character, does not parse, does not load or has an
// error for the static checker: whatever the file holds, the importer must write valid, inert text (no string
// from the file may end a comment, become code or reach a terminal as an escape sequence).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check/check.h"
#include "interp/program.h"
#include "onnx/importer.h"
#include "onnx/onnx_model.h"
#include "source/diagnostic.h"
#include "syntax/parser.h"

namespace {

[[noreturn]] void finding(const char* what, const std::string& details, const std::string& text) {
  std::fprintf(stderr, "the importer wrote text that %s:\n%s\n--- text ---\n%s\n", what, details.c_str(),
               text.substr(0, 4000).c_str());
  std::abort();
}

// Aborts when the importer's text holds a byte a terminal acts on (only newlines separate its lines).
void require_no_control_characters(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f)
      finding("holds a control character", "at byte " + std::to_string(i), text);
  }
}

// Aborts (a finding) when the importer's text does not lex and parse cleanly.
void require_parses(const std::string& text) {
  nnscope::SourceManager sources;
  nnscope::FileId file = sources.add("fuzz.nn", text);
  std::vector<nnscope::Diagnostic> diagnostics;
  (void)nnscope::syntax::parse_module(sources, file, diagnostics);
  if (diagnostics.empty()) return;
  finding("does not parse", nnscope::render_all(diagnostics, sources), text);
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
  require_no_control_characters(text);
  require_parses(text);
  auto program = nnscope::interp::load_program_from_text("fuzz.nn", text);
  if (!program->ok()) finding("does not load", nnscope::render_all(program->diagnostics, program->sources), text);
  std::vector<nnscope::Diagnostic> checked = nnscope::check::check_program(*program);
  if (nnscope::check::has_errors(checked))
    finding("the static checker rejects", nnscope::render_all(checked, program->sources), text);
  return 0;
}
