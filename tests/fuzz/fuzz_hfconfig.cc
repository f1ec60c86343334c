// libFuzzer target: the config.json reader and translator (src/hfconfig) on arbitrary bytes, then the generated .nn
// text through the loader. Any crash, hang, leak or sanitizer report is a bug; a DiagnosticError (rendered, to
// exercise its location) is the expected answer to bad input.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hfconfig/hf_config.h"
#include "interp/program.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nnscope::SourceManager sources;
  nnscope::FileId file = sources.add("config.json", std::string(reinterpret_cast<const char*>(data), size));
  try {
    nnscope::hfconfig::Imported imported = nnscope::hfconfig::translate(sources, file, "fuzz");
    auto program = nnscope::interp::load_program_from_text("fuzz.nn", std::move(imported.text));
    // The translator writes only valid source: a parse error in it is a bug.
    if (!program->ok()) __builtin_trap();
  } catch (const nnscope::DiagnosticError& error) {
    (void)nnscope::render(error.diagnostic(), sources);
  }
  return 0;
}
