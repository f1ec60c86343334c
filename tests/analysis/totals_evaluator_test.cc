// A sweep point's totals come from formulas prepared once (TotalsEvaluator); they must equal the
// layer-by-layer analysis at the same bindings for every standard-library model.
#include <gtest/gtest.h>

#include <string>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "interp/program.h"
#include "stdlib/embedded.h"

namespace nnscope::analysis {
namespace {

void expect_same(const Analysis& fast, const Analysis& full, const std::string& where) {
  const LayerFigures& a = fast.totals.figures;
  const LayerFigures& b = full.totals.figures;
  EXPECT_TRUE(a.params == b.params && a.input_bytes == b.input_bytes && a.weight_bytes == b.weight_bytes &&
              a.output_bytes == b.output_bytes && a.gathered_bytes == b.gathered_bytes && a.gemm_macs == b.gemm_macs &&
              a.elementwise_ops == b.elementwise_ops && a.activation_ops == b.activation_ops && a.flops == b.flops)
      << where;
  EXPECT_TRUE(fast.totals.active_params == full.totals.active_params) << where;
  EXPECT_TRUE(fast.totals.activation_bytes == full.totals.activation_bytes) << where;
  EXPECT_TRUE(fast.totals.model_input_bytes == full.totals.model_input_bytes) << where;
  EXPECT_TRUE(fast.totals.peak_activation_bytes == full.totals.peak_activation_bytes) << where;
  EXPECT_EQ(fast.totals.peak_after, full.totals.peak_after) << where;
  EXPECT_EQ(fast.output_shapes, full.output_shapes) << where;
  EXPECT_EQ(fast.not_costed.size(), full.not_costed.size()) << where;
}

TEST(TotalsEvaluator, MatchesTheLayerByLayerAnalysisOnEveryStandardModel) {
  for (const std::string& name : stdlib::model_names()) {
    for (DType dtype : {DType::kF32, DType::kI4}) {
      bool found = false;
      auto program = interp::load_program(name, &found);
      ASSERT_TRUE(program && program->ok()) << name;
      const ast::Definition* model = program->select_model("");
      ASSERT_NE(model, nullptr) << name;
      interp::ElaborateOptions options;
      options.weight_dtype = options.activation_dtype = dtype;
      ir::Graph graph = interp::elaborate(*program, *model, options);
      Analysis base = analyze(graph);
      TotalsEvaluator totals_at(base);
      for (const char* symbol : {"batch", "seq", "height"}) {
        if (!graph.bindings.find(symbol)) continue;
        for (sym::Int factor : {1, 2, 3}) {
          sym::Bindings b = graph.bindings;
          b.set(symbol, *graph.bindings.find(symbol) * factor + (factor == 3 ? 1 : 0));
          if (!assumptions_hold(graph, b)) continue;
          std::string where = name + " " + symbol + " x" + std::to_string(static_cast<int>(factor));
          expect_same(totals_at.at(b), analyze_at(graph, b), where);
        }
      }
    }
  }
}

}  // namespace
}  // namespace nnscope::analysis
