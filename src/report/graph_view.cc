#include "report/graph_view.h"

#include <stdexcept>
#include <unordered_set>

namespace nnscope::report {

GraphView::GraphView(const analysis::Analysis& analysis)
    : analysis_(analysis), graph_(*analysis.graph), evaluator_(analysis.bindings) {
  std::size_t n = graph_.tensors.size();
  model_output_.assign(n, false);
  // Every analysis with per-layer rows has evaluated every tensor's shape; a sweep point (totals only) has no
  // rows to view.
  if (!analysis_.tensor_shapes || analysis_.tensor_shapes->size() != n) {
    throw std::logic_error("a report view needs an analysis with per-layer rows");
  }
  tensor_shapes_ = analysis_.tensor_shapes;
  for (const ir::Output& o : graph_.outputs) model_output_[o.tensor] = true;
  consumer_begin_.assign(n + 1, 0);
  for (const ir::Op& op : graph_.ops) {
    for (ir::TensorId t : op.inputs) ++consumer_begin_[t + 1];
  }
  for (std::size_t t = 0; t < n; ++t) consumer_begin_[t + 1] += consumer_begin_[t];
  consumers_.resize(consumer_begin_[n]);
  std::vector<std::size_t> filled(consumer_begin_.begin(), consumer_begin_.end() - 1);
  for (std::size_t i = 0; i < graph_.ops.size(); ++i) {
    for (ir::TensorId t : graph_.ops[i].inputs) consumers_[filled[t]++] = i;
  }
}

bool GraphView::collapses(std::size_t depth) const {
  for (const analysis::Layer& layer : analysis_.layers) {
    if (graph_.ops[layer.op].depth() > depth) return true;
  }
  return false;
}

void GraphView::single_op_row(std::size_t layer, Row& row) const {
  const ir::Op& op = graph_.ops[analysis_.layers[layer].op];
  row.group.path = op.path;
  row.group.kind = op.kind;
  row.group.depth = op.depth();
  row.group.first_layer = row.group.last_layer = layer;
  row.group.op_count = 1;
  row.group.figures = analysis_.layers[layer].figures;
  row.layers.assign(1, layer);
  row.collapsed = false;
  row.fully_costed = op.costs().costed;
}

std::vector<Row> GraphView::rows(std::size_t depth) const {
  std::vector<Row> rows;
  if (!collapses(depth)) {
    rows.resize(analysis_.layers.size());
    for (std::size_t i = 0; i < rows.size(); ++i) single_op_row(i, rows[i]);
    return rows;
  }
  for (analysis::GroupRow& group : analysis::group_layers(analysis_, depth)) {
    Row row;
    const std::string& first_path = graph_.ops[analysis_.layers[group.first_layer].op].path;
    row.collapsed = first_path != group.path;
    // A group is one contiguous run of ops (analysis::group_layers), so every layer in its range is a member.
    for (std::size_t i = group.first_layer; i <= group.last_layer; ++i) {
      row.layers.push_back(i);
      if (!graph_.ops[analysis_.layers[i].op].costs().costed) row.fully_costed = false;
    }
    row.group = std::move(group);
    rows.push_back(std::move(row));
  }
  return rows;
}

GraphView::Boundary GraphView::boundary(const std::vector<std::size_t>& layers) const {
  std::unordered_set<std::size_t> members;
  for (std::size_t i : layers) members.insert(analysis_.layers[i].op);
  Boundary b;
  std::unordered_set<ir::TensorId> seen_in, seen_out;
  for (std::size_t i : layers) {
    const ir::Op& op = graph_.ops[analysis_.layers[i].op];
    for (ir::TensorId t : op.inputs) {
      std::size_t producer = graph_.tensors[t].producer;
      if ((producer == ir::kNoOp || !members.count(producer)) && seen_in.insert(t).second) b.inputs.push_back(t);
    }
    for (ir::TensorId t : op.outputs) {
      bool escapes = model_output_[t];
      for (std::size_t c : consumers(t)) escapes = escapes || !members.count(c);
      if (escapes && seen_out.insert(t).second) b.outputs.push_back(t);
    }
  }
  return b;
}

std::vector<std::vector<Int>> GraphView::shapes(const std::vector<ir::TensorId>& tensors) const {
  std::vector<std::vector<Int>> out;
  out.reserve(tensors.size());
  for (ir::TensorId t : tensors) out.push_back(shape(t));
  return out;
}

std::vector<Int> GraphView::weight_shape(const ir::Weight& weight) const {
  // The analysis evaluated the product of these dimensions (the parameter count), so each one evaluates.
  std::vector<Int> dims;
  dims.reserve(weight.shape.size());
  for (const sym::Expr& d : weight.shape) dims.push_back(evaluator_.evaluate_integer(d));
  return dims;
}

}  // namespace nnscope::report
