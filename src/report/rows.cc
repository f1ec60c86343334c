#include "report/rows.h"

#include <algorithm>

namespace nnscope::report {

RowSource::RowSource(const analysis::Analysis& analysis, std::size_t depth)
    : analysis_(analysis), view_(analysis), depth_(depth) {}

std::size_t RowSource::levels() const {
  std::size_t levels = 0;
  view_.for_each_row(depth_, [&](const Row& row) { levels = std::max(levels, row.group.depth + 1); });
  return std::min(levels, kMaxLevelColumns);
}

const std::vector<std::vector<Int>>& RowSource::weight_shapes(const ir::OpCosts& costs) {
  static const std::vector<std::vector<Int>> kNone;
  if (costs.weights.empty()) return kNone;  // weightless ops (activations, adds): no look-up
  auto [it, inserted] = weight_shapes_.try_emplace(&costs);
  if (inserted) {
    for (const ir::Weight& w : costs.weights) it->second.push_back(view_.weight_shape(w));
  }
  return it->second;
}

const RowAttributes& RowSource::attributes(const ir::DisplayHints& display) {
  auto [it, inserted] = attributes_.try_emplace(&display);
  if (!inserted) return it->second;
  auto value_text = [&](const sym::Expr& e) {
    sym::Rational v = view_.value(e);
    return v.is_integer() ? sym::to_string(v.num()) : v.to_string();
  };
  auto shown = [&](const ir::DisplayDims& d) {
    if (!d.word.empty()) return d.word;
    std::string text;
    for (std::size_t i = 0; i < d.dims.size(); ++i) text += (i ? "x" : "") + value_text(d.dims[i]);
    return text;
  };
  RowAttributes& a = it->second;
  a.kernel = shown(display.kernel);
  a.stride = shown(display.stride);
  a.padding = shown(display.padding);
  a.dilation = shown(display.dilation);
  if (display.groups.dims.size() == 1) {
    sym::Rational g = view_.value(display.groups.dims.front());
    a.has_groups = g.is_integer();
    a.groups = g.num();
  }
  if (!display.sampling_ratio.empty()) a.misc = "sampling_ratio=" + shown(display.sampling_ratio);
  return a;
}

void RowSource::fill(const Row& grouped, ReportRow& row) {
  const ir::Graph& graph = view_.graph();
  row.grouped = &grouped;
  row.inputs.clear();
  row.outputs.clear();
  row.weights.clear();
  row.attributes = nullptr;
  if (grouped.collapsed) {
    row.op = nullptr;
    GraphView::Boundary boundary = view_.boundary(grouped.layers);
    for (ir::TensorId t : boundary.inputs) row.inputs.push_back(&view_.shape(t));
    for (ir::TensorId t : boundary.outputs) row.outputs.push_back(&view_.shape(t));
  } else {
    const analysis::Layer& layer = analysis_.layers[grouped.layers.front()];
    row.op = &graph.ops[layer.op];
    for (const std::vector<Int>& shape : layer.input_shapes) row.inputs.push_back(&shape);
    for (const std::vector<Int>& shape : layer.output_shapes) row.outputs.push_back(&shape);
    if (row.op->display) row.attributes = &attributes(*row.op->display);
  }
  for (std::size_t i : grouped.layers) {
    const ir::Op& member = graph.ops[analysis_.layers[i].op];
    const ir::OpCosts& costs = member.costs();
    const std::vector<std::vector<Int>>& shapes = weight_shapes(costs);
    // Inside a collapsed block a weight is named by its op's path relative to the block.
    std::string_view relative =
        grouped.collapsed ? std::string_view(member.path).substr(grouped.group.path.size() + 1) : std::string_view();
    for (std::size_t k = 0; k < costs.weights.size(); ++k) {
      row.weights.push_back({relative, costs.weights[k].name, &shapes[k]});
    }
  }
  row.has_training = analysis_.training != nullptr;
  if (row.has_training) row.training = analysis::sum_layers(*analysis_.training, grouped.layers);
  row.has_roofline = analysis_.roofline != nullptr;
  if (row.has_roofline) {
    double unit_time[4] = {0, 0, 0, 0};
    row.time_s = 0;
    for (std::size_t i : grouped.layers) {
      const analysis::RooflineLayer& l = analysis_.roofline->layers[i];
      row.time_s += l.time_s;
      unit_time[static_cast<int>(l.bound)] += l.time_s;
    }
    int bound = 0;
    for (int u = 1; u < 4; ++u) {
      if (unit_time[u] > unit_time[bound]) bound = u;
    }
    row.bound = static_cast<analysis::Unit>(bound);
  }
}

}  // namespace nnscope::report
