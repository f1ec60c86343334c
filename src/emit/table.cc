// The terminal report: a torchinfo-like tree of layers, then a summary with exact totals, human units and
// formulas. Human units are decimal for counts (K, M, G) and binary for bytes (KiB, MiB), labelled so.
#include <algorithm>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "emit/parallel.h"
#include "report/columns.h"

namespace nnscope::emit {
namespace {

using detail::display_width;
using detail::GraphView;
using detail::pad_left;
using detail::pad_right;
using detail::Row;
using sym::Int;

constexpr std::size_t kWidth = 120;

struct Node {
  std::size_t level = 0;  // 0: the model itself
  std::string name, op, shape;
  analysis::LayerFigures figures;
  std::vector<std::size_t> layers;
  bool header = false;      // a path prefix that is not an op: figures are its subtree's
  bool not_costed = false;  // an op without a cost rule
  bool partial = false;     // a header or collapsed block containing such an op
  bool last = false;        // last child of its parent
};

// Rows in execution order with a header node opened for every path prefix that is not itself a row, so
// "layer1" and "layer1.0" get a line carrying their subtree's sums. A block whose ops are interleaved
// with others' is opened again where it resumes; each header then sums its own contiguous run.
std::vector<Node> build_tree(const GraphView& view, const std::vector<Row>& rows) {
  const analysis::Analysis& analysis = view.analysis();
  const ir::Graph& graph = view.graph();
  std::vector<Node> nodes;
  Node root;
  root.name = graph.model_name;
  root.shape = detail::join_shapes(analysis.output_shapes);
  root.figures = analysis.totals.figures;
  root.partial = !analysis.not_costed.empty();
  root.last = true;
  nodes.push_back(std::move(root));

  std::vector<std::string> open;      // segments of the open prefixes
  std::vector<std::size_t> open_ids;  // their header nodes
  for (const Row& row : rows) {
    std::vector<std::string> segments = detail::split_path(row.group.path);
    std::size_t common = 0;
    while (common < open.size() && common + 1 < segments.size() && open[common] == segments[common]) ++common;
    open.resize(common);
    open_ids.resize(common);
    for (std::size_t k = common; k + 1 < segments.size(); ++k) {
      Node header;
      header.level = k + 1;
      header.name = segments[k];
      header.header = true;
      open.push_back(segments[k]);
      open_ids.push_back(nodes.size());
      nodes.push_back(std::move(header));
    }
    Node node;
    node.level = segments.size();
    node.name = segments.back();
    node.figures = row.group.figures;
    node.layers = row.layers;
    if (row.collapsed) {
      node.op = "block (" + std::to_string(row.group.op_count) + " ops)";
      node.shape = detail::join_shapes(view.shapes(view.boundary(row.layers).outputs));
      node.partial = !row.fully_costed;
    } else {
      const analysis::Layer& layer = analysis.layers[row.layers.front()];
      node.op = row.group.kind;
      node.shape = detail::join_shapes(layer.output_shapes);
      node.not_costed = !graph.ops[layer.op].costs().costed;
    }
    for (std::size_t id : open_ids) {
      nodes[id].figures += node.figures;
      nodes[id].layers.insert(nodes[id].layers.end(), row.layers.begin(), row.layers.end());
      nodes[id].partial = nodes[id].partial || node.partial || node.not_costed;
    }
    nodes.push_back(std::move(node));
  }
  for (Node& node : nodes) {
    if (node.header) node.shape = detail::join_shapes(view.shapes(view.boundary(node.layers).outputs));
  }
  // Scanning backwards, a node is the last child when no later sibling precedes a shallower node.
  std::vector<bool> sibling_follows;
  for (std::size_t i = nodes.size(); i-- > 0;) {
    std::size_t level = nodes[i].level;
    if (sibling_follows.size() <= level) sibling_follows.resize(level + 1, false);
    nodes[i].last = !sibling_follows[level];
    sibling_follows[level] = true;
    std::fill(sibling_follows.begin() + static_cast<std::ptrdiff_t>(level) + 1, sibling_follows.end(), false);
  }
  return nodes;
}

std::vector<std::string> tree_labels(const std::vector<Node>& nodes) {
  std::vector<std::string> labels;
  std::vector<bool> ancestor_last;
  for (const Node& node : nodes) {
    ancestor_last.resize(node.level + 1);
    ancestor_last[node.level] = node.last;
    std::string label;
    for (std::size_t m = 1; m < node.level; ++m) label += ancestor_last[m] ? "   " : "│  ";
    if (node.level > 0) label += node.last ? "└─ " : "├─ ";
    labels.push_back(label + node.name);
  }
  return labels;
}

std::string count_cell(Int value, bool not_costed, bool partial) {
  if (not_costed) return "n/c";
  std::string text = value == 0 ? "-" : human_count(value, "");
  return partial ? text + "*" : text;
}

void append_layer_table(std::string& out, const GraphView& view, std::size_t depth) {
  std::vector<Node> nodes = build_tree(view, view.rows(depth));
  std::vector<std::string> labels = tree_labels(nodes);
  // The figure columns of report::columns() that have a table title, in their order.
  std::vector<const report::Column*> shown;
  for (const report::Column& column : report::columns()) {
    if (!column.title.empty() && column.figure) shown.push_back(&column);
  }
  std::vector<std::vector<std::string>> cells;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    std::vector<std::string> row = {labels[i], n.op, n.shape};
    for (const report::Column* column : shown) {
      row.push_back(count_cell(n.figures.*(column->figure), column->work && n.not_costed, column->work && n.partial));
    }
    cells.push_back(std::move(row));
  }
  std::vector<std::string> header = {"layer", "op", "output shape"};
  for (const report::Column* column : shown) header.emplace_back(column->title);
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = display_width(header[c]);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  // Long names and multi-output shapes give way first; the numbers never do.
  width[1] = std::min<std::size_t>(width[1], 18);
  std::size_t gaps = 2 * (header.size() - 1);
  auto total = [&] {
    std::size_t sum = gaps;
    for (std::size_t w : width) sum += w;
    return sum;
  };
  if (total() > kWidth) width[2] = std::max<std::size_t>(16, width[2] - std::min(width[2], total() - kWidth));
  if (total() > kWidth) width[0] = std::max<std::size_t>(24, width[0] - std::min(width[0], total() - kWidth));

  auto line = [&](const std::vector<std::string>& row) {
    std::string text;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) text += "  ";
      std::string cell = detail::truncate(row[c], width[c]);
      text += c < 3 ? pad_right(cell, width[c]) : pad_left(cell, width[c]);
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  };
  std::size_t rule = std::min(total(), kWidth);
  std::string heavy, light;
  for (std::size_t i = 0; i < rule; ++i) {
    heavy += "═";
    light += "─";
  }
  out += heavy + "\n";
  line(header);
  out += light + "\n";
  for (const auto& row : cells) line(row);
  out += light + "\n";
  bool any_nc = false, any_partial = false;
  for (const Node& n : nodes) {
    any_nc = any_nc || n.not_costed;
    any_partial = any_partial || n.partial;
  }
  out += "MACs: GEMM multiply-accumulates. FLOPs = 2·MACs + element-wise ops + activation ops. K/M/G = 10³/10⁶/10⁹.\n";
  if (any_nc) out += "n/c: not costed (no cost rule; listed below).\n";
  if (any_partial) out += "*: the sum leaves out ops that were not costed.\n";
  out += heavy + "\n";
}

struct SummaryLine {
  std::string label, exact, human, note;
};

void append_summary(std::string& out, const GraphView& view) {
  const analysis::Analysis& a = view.analysis();
  const ir::Graph& graph = view.graph();
  const analysis::Totals& t = a.totals;
  const analysis::TotalFormulas& f = a.formulas;
  constexpr std::size_t kLabel = 28;

  out += pad_right("Model", kLabel) + detail::model_title(a) + "\n";
  out += pad_right("Data types", kLabel) + "activations " + std::string(dtype_name(graph.activation_dtype)) +
         ", weights " + std::string(dtype_name(graph.weight_dtype)) + "\n";
  for (std::size_t i = 0; i < graph.inputs.size(); ++i) {
    ir::TensorId id = graph.inputs[i];
    const ir::Tensor& tensor = graph.tensors[id];
    out += pad_right(i == 0 ? "Inputs" : "", kLabel) + tensor.name + ": " + std::string(dtype_name(tensor.dtype)) +
           " " + shape_text(view.shape(id)) + "\n";
  }
  for (std::size_t i = 0; i < graph.outputs.size(); ++i) {
    std::vector<Int> shape = i < a.output_shapes.size() ? a.output_shapes[i] : view.shape(graph.outputs[i].tensor);
    out += pad_right(i == 0 ? "Outputs" : "", kLabel) + graph.outputs[i].name + ": " + shape_text(shape) + "\n";
  }
  out += "\n";

  // A formula is shown only when it says more than the number: when it has symbols in it.
  auto formula = [](const sym::Expr& e) { return e.symbols().empty() ? std::string() : "= " + e.to_string(); };
  std::string peak_note = a.peak_after().empty() ? "at the model inputs" : "after " + a.peak_after();
  std::vector<SummaryLine> lines = {
      {"Params", detail::thousands(t.figures.params), human_count(t.figures.params, "params"), formula(f.params)},
  };
  // A mixture of experts: the parameters one token uses (docs/cost-model.md, moe_experts).
  if (t.active_params != t.figures.params) {
    lines.push_back({"Active params (per token)", detail::thousands(t.active_params),
                     human_count(t.active_params, "params"), formula(f.active_params)});
  }
  std::vector<SummaryLine> rest = {
      {"Weight bytes", detail::thousands(t.figures.weight_bytes), human_bytes(t.figures.weight_bytes),
       formula(f.weight_bytes)},
      {"Activation bytes (all)", detail::thousands(t.activation_bytes), human_bytes(t.activation_bytes),
       formula(f.activation_bytes)},
      {"Peak live activations", detail::thousands(a.peak_activation_bytes()), human_bytes(a.peak_activation_bytes()),
       peak_note},
      {"Input bytes", detail::thousands(t.model_input_bytes), human_bytes(t.model_input_bytes), ""},
      {"GEMM MACs", detail::thousands(t.figures.gemm_macs), human_count(t.figures.gemm_macs, "MACs"),
       formula(f.gemm_macs)},
      {"Element-wise ops", detail::thousands(t.figures.elementwise_ops), human_count(t.figures.elementwise_ops, "ops"),
       formula(f.elementwise_ops)},
      {"Activation ops", detail::thousands(t.figures.activation_ops), human_count(t.figures.activation_ops, "ops"),
       formula(f.activation_ops)},
      {"FLOPs (2·MACs + elem + act)", detail::thousands(t.figures.flops), human_count(t.figures.flops, "FLOPs"),
       formula(f.flops)},
      {"Memory traffic", detail::thousands(t.figures.traffic_bytes), human_bytes(t.figures.traffic_bytes),
       std::string(analysis::kernels_name(a.kernels)) + " kernels (--kernels)"},
  };
  lines.insert(lines.end(), rest.begin(), rest.end());
  std::size_t exact_width = 0, human_width = 0;
  for (const SummaryLine& l : lines) {
    exact_width = std::max(exact_width, display_width(l.exact));
    human_width = std::max(human_width, display_width(l.human));
  }
  for (const SummaryLine& l : lines) {
    std::string text =
        pad_right(l.label, kLabel) + pad_left(l.exact, exact_width) + "   " + pad_right(l.human, human_width);
    if (!l.note.empty()) {
      if (display_width(text) + 3 + display_width(l.note) <= kWidth) {
        text += "   " + l.note;
      } else {
        text += "\n" + std::string(kLabel + 2, ' ') + l.note;
      }
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  out += pad_right("Arithmetic intensity", kLabel) + detail::decimal(t.figures.intensity(), 2) +
         " FLOPs/byte (FLOPs per byte of traffic)\n";
  if (const analysis::Training* training = a.training.get()) {
    const analysis::TrainTotals& tt = training->totals;
    out += "\nTraining (one step, optimizer " + tt.optimizer + ")\n";
    auto line = [&](const std::string& label, Int value, const std::string& human) {
      out += pad_right("  " + label, kLabel) + pad_left(detail::thousands(value), 26) + "   " + human + "\n";
    };
    line("Backward GEMM MACs", tt.backward_gemm_macs, human_count(tt.backward_gemm_macs, "MACs"));
    line("  input gradients", tt.backward_dgrad_macs, human_count(tt.backward_dgrad_macs, "MACs"));
    line("  weight gradients", tt.backward_wgrad_macs, human_count(tt.backward_wgrad_macs, "MACs"));
    line("Backward elem. ops", tt.backward_elementwise_ops, human_count(tt.backward_elementwise_ops, "ops"));
    line("Backward act. ops", tt.backward_activation_ops, human_count(tt.backward_activation_ops, "ops"));
    line("Train FLOPs", tt.train_flops, human_count(tt.train_flops, "FLOPs"));
    if (tt.trainable_params != t.figures.params) {  // frozen weights (docs/language.md)
      line("Trainable params", tt.trainable_params, human_count(tt.trainable_params, "params"));
    }
    line("Weights", tt.weight_bytes, human_bytes(tt.weight_bytes));
    line("fp32 master weights", tt.master_weight_bytes, human_bytes(tt.master_weight_bytes));
    line("Gradients", tt.gradient_bytes, human_bytes(tt.gradient_bytes));
    line("Optimizer state", tt.optimizer_bytes, human_bytes(tt.optimizer_bytes));
    line("Saved activations", tt.saved_activation_bytes, human_bytes(tt.saved_activation_bytes));
    line("Training memory", tt.train_memory_bytes, human_bytes(tt.train_memory_bytes));
    out += pad_right("  Peak live", kLabel) + pad_left(detail::thousands(tt.peak_activation_bytes), 26) + "   " +
           human_bytes(tt.peak_activation_bytes) + "   in the " + tt.peak_phase + " of " + tt.peak_at + "\n";
    if (training->no_backward_rule.empty()) {
      out += "  No backward rule: none, every op has one\n";
    } else {
      std::size_t n = training->no_backward_rule.size();
      out += "  No backward rule (" + std::to_string(n) + (n == 1 ? " op" : " ops") +
             ", so absent from the backward totals):\n";
      for (const analysis::NotCosted& op : training->no_backward_rule) {
        out += "    " + op.path + " (" + op.kind + ")\n";
      }
    }
  }
  if (const analysis::Roofline* r = a.roofline.get()) {
    out += "\nRoofline on " + r->hardware + (r->training ? " (forward + backward)" : "") + "\n";
    out += pad_right("  Matrix peak", kLabel) + detail::decimal(r->matrix_peak / 1e12, 2) + " T op/s (" +
           r->matrix_dtype + ")" + (r->note.empty() ? "" : "; " + r->note) + "\n";
    out += pad_right("  Ridge point", kLabel) + detail::decimal(r->ridge_point, 2) + " FLOPs/byte\n";
    if (!r->derating.empty()) out += "  " + r->derating + "\n";
    out += pad_right("  Estimated time", kLabel) + detail::decimal(r->time_s * 1e3, 6) + " ms, " +
           detail::decimal(r->samples_per_s, 2) + " samples/s\n";
    for (int u = 0; u < 4; ++u) {
      double share = r->time_s > 0 ? 100 * r->bound_time_s[u] / r->time_s : 0;
      out += pad_right(std::string("  ") + analysis::unit_name(static_cast<analysis::Unit>(u)) + "-bound", kLabel) +
             detail::decimal(r->bound_time_s[u] * 1e3, 6) + " ms (" + detail::decimal(share, 1) + "%)\n";
    }
  }
  if (a.parallel) detail::append_parallel(out, *a.parallel);
  out += "\n";
  if (a.not_costed.empty()) {
    out += "Not costed: none, all ops costed\n";
  } else {
    std::size_t n = a.not_costed.size();
    out += "Not costed (" + std::to_string(n) + (n == 1 ? " op" : " ops") + ", so absent from every total):\n";
    for (const analysis::NotCosted& op : a.not_costed) out += "  " + op.path + " (" + op.kind + ")\n";
  }
}

}  // namespace

std::string table(const analysis::Analysis& analysis, const EmitOptions& options) {
  GraphView view(analysis);
  std::string out = detail::model_title(analysis) + "\n";
  append_layer_table(out, view, options.depth);
  append_summary(out, view);
  return out;
}

}  // namespace nnscope::emit
