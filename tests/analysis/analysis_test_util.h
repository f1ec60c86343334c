#pragma once
// Elaborates a model written inline and analyses it (for the training and roofline tests).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "interp/program.h"

namespace nnscope::analysis::testing {

struct Built {
  std::unique_ptr<interp::Program> program;
  ir::Graph graph;
};

inline std::unique_ptr<Built> build(const std::string& text, interp::ElaborateOptions options = {}) {
  auto built = std::make_unique<Built>();
  built->program = interp::load_program_from_text("test.nn", text);
  EXPECT_TRUE(built->program->ok());
  const ast::Definition* model = built->program->select_model("");
  EXPECT_NE(model, nullptr);
  built->graph = interp::elaborate(*built->program, *model, options);
  return built;
}

}  // namespace nnscope::analysis::testing
