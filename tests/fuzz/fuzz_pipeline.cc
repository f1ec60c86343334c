// libFuzzer target: the whole pipeline from bytes to every emitter — parse, check statically, elaborate
// every model, analyse, and write the table, CSV, JSON and DOT. Model errors are expected; crashes, hangs, leaks,
// uncaught exceptions and sanitizer reports are bugs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "analysis/analysis.h"
#include "check/check.h"
#include "emit/emit.h"
#include "interp/interpreter.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto program =
      nnscope::interp::load_program_from_text("fuzz.nn", std::string(reinterpret_cast<const char*>(data), size));
  if (!program->ok()) {
    (void)nnscope::render_all(program->diagnostics, program->sources);
    return 0;
  }
  // Elaborated whatever the checker says, so both are exercised on every input.
  (void)nnscope::render_all(nnscope::check::check_program(*program), program->sources);
  nnscope::interp::ElaborateOptions options;
  // Small limits keep each input fast; the limits themselves are what is being exercised.
  options.limits.max_ops = 2000;
  options.limits.max_steps = 100000;
  options.limits.max_loop_trips = 1000;
  options.limits.max_call_depth = 50;
  for (const nnscope::ast::Definition& def : program->main().definitions) {
    if (def.kind != nnscope::ast::DefinitionKind::kModel) continue;
    try {
      nnscope::ir::Graph graph = nnscope::interp::elaborate(*program, def, options);
      nnscope::analysis::Analysis analysis = nnscope::analysis::analyze(graph);
      nnscope::emit::EmitOptions emit_options;
      (void)nnscope::emit::table(analysis, emit_options);
      (void)nnscope::emit::details_csv(analysis, emit_options);
      (void)nnscope::emit::summary_csv(analysis);
      (void)nnscope::emit::json(analysis, emit_options);
      (void)nnscope::emit::dot(analysis, emit_options);
      emit_options.depth = 0;
      (void)nnscope::emit::table(analysis, emit_options);
      (void)nnscope::emit::dot(analysis, emit_options);
    } catch (const nnscope::DiagnosticError& error) {
      (void)nnscope::render(error.diagnostic(), program->sources);
    } catch (const nnscope::sym::OverflowError&) {
    } catch (const nnscope::sym::DomainError&) {
    }
  }
  return 0;
}
