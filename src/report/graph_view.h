#pragma once
// A read-only view of the analysed graph that answers the structural questions a report row raises: which ops a
// row covers at --depth, which tensors cross a collapsed block's boundary, each tensor's evaluated shape and a
// weight's evaluated dimensions.
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace nnscope::report {

using sym::Int;

// A row of output (an op, or a block collapsed at --depth) with the ops it covers.
struct Row {
  analysis::GroupRow group;
  std::vector<std::size_t> layers;  // indices into Analysis::layers
  bool collapsed = false;
  bool fully_costed = true;
};

class GraphView {
 public:
  explicit GraphView(const analysis::Analysis& analysis);

  const analysis::Analysis& analysis() const { return analysis_; }
  const ir::Graph& graph() const { return graph_; }
  const std::vector<Int>& shape(ir::TensorId tensor) const { return (*tensor_shapes_)[tensor]; }
  bool is_model_output(ir::TensorId tensor) const { return model_output_[tensor]; }
  std::span<const std::size_t> consumers(ir::TensorId tensor) const {
    return {consumers_.data() + consumer_begin_[tensor], consumers_.data() + consumer_begin_[tensor + 1]};
  }

  // Rows at `depth` (SIZE_MAX: one per op), in execution order.
  std::vector<Row> rows(std::size_t depth) const;
  // The same rows handed to `visit` one at a time: when nothing is collapsed, no row list is built, which
  // keeps a 1M-op report from holding a second copy of every op's figures.
  template <typename Visit>
  void for_each_row(std::size_t depth, Visit&& visit) const {
    if (!collapses(depth)) {
      Row row;
      for (std::size_t i = 0; i < analysis_.layers.size(); ++i) {
        single_op_row(i, row);
        visit(static_cast<const Row&>(row));
      }
      return;
    }
    for (const Row& row : rows(depth)) visit(row);
  }

  // Tensors a set of ops reads from outside it, and those it produces that something outside it (or
  // the model's result) reads; each once, in order of first use.
  struct Boundary {
    std::vector<ir::TensorId> inputs, outputs;
  };
  Boundary boundary(const std::vector<std::size_t>& layers) const;
  std::vector<std::vector<Int>> shapes(const std::vector<ir::TensorId>& tensors) const;

  // A weight's dimensions at the analysis' bindings.
  std::vector<Int> weight_shape(const ir::Weight& weight) const;
  // Any formula of the model's parameters at the analysis' bindings.
  sym::Rational value(const sym::Expr& formula) const { return evaluator_.evaluate(formula); }

 private:
  bool collapses(std::size_t depth) const;  // some op is deeper than `depth`
  void single_op_row(std::size_t layer, Row& row) const;

  const analysis::Analysis& analysis_;
  const ir::Graph& graph_;
  std::shared_ptr<const analysis::ShapeTable> tensor_shapes_;  // each tensor's evaluated shape
  std::vector<bool> model_output_;
  // The ops reading tensor t are consumers_[consumer_begin_[t] .. consumer_begin_[t + 1]).
  std::vector<std::size_t> consumer_begin_, consumers_;
  mutable sym::Evaluator evaluator_;  // weight shapes repeat from layer to layer: each distinct formula once
};

}  // namespace nnscope::report
