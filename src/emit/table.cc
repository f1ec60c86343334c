// The terminal report: a torchinfo-like tree of layers, then a summary with exact totals, human units and
// formulas. Human units are decimal for counts (K, M, G) and binary for bytes (KiB, MiB), labelled so.
#include <algorithm>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "emit/parallel.h"
#include "emit/text_grid.h"
#include "report/columns.h"

namespace nnscope::emit {
namespace {

using detail::display_width;
using detail::fit_grid;
using detail::GraphView;
using detail::GridColumn;
using detail::GridLayout;
using detail::pad_left;
using detail::pad_right;
using detail::Row;
using sym::Int;

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
      node.op = std::to_string(row.group.op_count) + " ops";  // a block collapsed at the depth
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

std::string human_time(double seconds) {
  if (seconds <= 0) return "-";
  if (seconds < 1e-6) return detail::decimal(seconds * 1e9, 2) + " ns";
  if (seconds < 1e-3) return detail::decimal(seconds * 1e6, 2) + " µs";
  if (seconds < 1) return detail::decimal(seconds * 1e3, 2) + " ms";
  return detail::decimal(seconds, 2) + " s";
}

// A node's figures beyond LayerFigures: roofline time and bound unit, backward MACs (of its ops, or the
// model's totals at the root).
struct NodeExtras {
  double time_s = 0;
  analysis::Unit bound = analysis::Unit::kMemory;
  Int backward_macs = 0;
};

NodeExtras extras_of(const analysis::Analysis& a, const Node& node) {
  NodeExtras e;
  if (const analysis::Roofline* r = a.roofline.get()) {
    double unit_time[4] = {0, 0, 0, 0};
    if (node.level == 0) {
      for (int u = 0; u < 4; ++u) unit_time[u] = r->bound_time_s[u];
      e.time_s = r->time_s;
    } else {
      for (std::size_t i : node.layers) {
        e.time_s += r->layers[i].time_s;
        unit_time[static_cast<int>(r->layers[i].bound)] += r->layers[i].time_s;
      }
    }
    int bound = 0;
    for (int u = 1; u < 4; ++u) {
      if (unit_time[u] > unit_time[bound]) bound = u;
    }
    e.bound = static_cast<analysis::Unit>(bound);
  }
  if (const analysis::Training* t = a.training.get()) {
    e.backward_macs =
        node.level == 0 ? t->totals.backward_gemm_macs : analysis::sum_layers(*t, node.layers).gemm_macs();
  }
  return e;
}

// The figure columns the table can show. `keep`: when the width forces columns out, the lowest goes first.
struct FigureColumn {
  std::string_view name;   // for --columns
  std::string_view title;  // header
  int keep;
  report::Mode mode;  // shown by default: always, with --mode train, with --hw (never: only on request)
  bool by_default;
  std::string (*cell)(const Node& node, const NodeExtras& extras);
};

const std::vector<FigureColumn>& figure_columns() {
  using N = const Node&;
  using E = const NodeExtras&;
  using report::Mode;
  static const std::vector<FigureColumn> kColumns = {
      {"params", "params", 80, Mode::kAlways, true, [](N n, E) { return count_cell(n.figures.params, false, false); }},
      {"macs", "MACs", 100, Mode::kAlways, true,
       [](N n, E) { return count_cell(n.figures.gemm_macs, n.not_costed, n.partial); }},
      {"flops", "FLOPs", 90, Mode::kAlways, true,
       [](N n, E) { return count_cell(n.figures.flops, n.not_costed, n.partial); }},
      {"elementwise", "elem ops", 40, Mode::kAlways, false,
       [](N n, E) { return count_cell(n.figures.elementwise_ops, n.not_costed, n.partial); }},
      {"activation", "act ops", 30, Mode::kAlways, false,
       [](N n, E) { return count_cell(n.figures.activation_ops, n.not_costed, n.partial); }},
      {"bytes", "bytes", 50, Mode::kAlways, false,
       [](N n, E) {
         Int bytes = n.figures.input_bytes + n.figures.weight_bytes + n.figures.output_bytes;
         return bytes == 0 ? std::string("-") : human_bytes(bytes);
       }},
      {"intensity", "FLOP/B", 20, Mode::kAlways, false,
       [](N n, E) { return n.not_costed ? std::string("n/c") : detail::decimal(n.figures.intensity(), 1); }},
      {"backward", "bwd MACs", 70, Mode::kTraining, true,
       [](N, E e) { return count_cell(e.backward_macs, false, false); }},
      {"time", "time", 95, Mode::kRoofline, true, [](N, E e) { return human_time(e.time_s); }},
      {"bound", "bound", 85, Mode::kRoofline, true,
       [](N, E e) { return e.time_s > 0 ? std::string(analysis::unit_name(e.bound)) : std::string("-"); }},
  };
  return kColumns;
}

// The figure columns to show: --columns in its order, else the default set for the run's mode. A column that
// needs --mode train or --hw is left out without them.
std::vector<const FigureColumn*> chosen_columns(const analysis::Analysis& a, const EmitOptions& options) {
  bool training = a.training != nullptr, roofline = a.roofline != nullptr;
  auto available = [&](const FigureColumn& c) {
    return c.mode == report::Mode::kAlways || (c.mode == report::Mode::kTraining && training) ||
           (c.mode == report::Mode::kRoofline && roofline);
  };
  std::vector<const FigureColumn*> chosen;
  if (options.columns.empty()) {
    for (const FigureColumn& c : figure_columns()) {
      if (c.by_default && available(c)) chosen.push_back(&c);
    }
    return chosen;
  }
  for (const std::string& name : options.columns) {
    for (const FigureColumn& c : figure_columns()) {
      if (c.name == name && available(c)) chosen.push_back(&c);
    }
  }
  return chosen;
}

// The layer grid between rules: a heavy rule, the header, a light rule, the rows, a light rule.
void append_grid(std::string& out, const std::vector<GridColumn>& columns, const detail::GridCells& cells,
                 const GridLayout& layout) {
  std::vector<std::string> titles;
  for (const GridColumn& c : columns) titles.push_back(c.title);
  out += detail::repeated("═", layout.total) + "\n";
  out += detail::grid_line(columns, titles, layout) + "\n";
  out += detail::repeated("─", layout.total) + "\n";
  for (const auto& row : cells) out += detail::grid_line(columns, row, layout) + "\n";
  out += detail::repeated("─", layout.total) + "\n";
}

// How to see the columns the width left out.
constexpr const char* kShowColumns = "COLUMNS=N, --width N or --columns";

// The depth the table shows without --depth: the deepest whose tree has at most kTableRows lines, so that
// bert_large shows its 24 encoder layers as rows rather than 815 lines. Counts, per level, the runs of ops
// that open a new node there (build_tree opens one per contiguous run of a path prefix); SIZE_MAX when the
// whole tree fits.
std::size_t readable_depth(const analysis::Analysis& a) {
  const ir::Graph& graph = *a.graph;
  std::vector<std::size_t> opened;  // per level
  std::vector<std::string_view> previous;
  for (const analysis::Layer& layer : a.layers) {
    std::string_view path = graph.ops[layer.op].path;
    std::vector<std::string_view> prefixes;
    for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', dot + 1)) {
      prefixes.push_back(path.substr(0, dot));
    }
    prefixes.push_back(path);
    if (opened.size() < prefixes.size()) opened.resize(prefixes.size(), 0);
    bool same = true;
    for (std::size_t k = 0; k < prefixes.size(); ++k) {
      // Equal prefixes up to k - 1: the last parts decide, so a deep path costs its length, not its length
      // times its depth.
      std::size_t part = k ? prefixes[k - 1].size() + 1 : 0;
      same = same && k < previous.size() && previous[k].size() == prefixes[k].size() &&
             previous[k].substr(part) == prefixes[k].substr(part) && k + 1 < prefixes.size();
      if (!same) ++opened[k];
    }
    previous = std::move(prefixes);
  }
  std::size_t rows = 1;  // the model's own line
  for (std::size_t level = 0; level < opened.size(); ++level) {
    rows += opened[level];
    if (rows > kTableRows) return level == 0 ? 0 : level - 1;
  }
  return ~std::size_t{0};
}

std::vector<GridColumn> grid_columns(const std::vector<const FigureColumn*>& figures, bool tree) {
  std::vector<GridColumn> columns = {{tree ? "layer" : "layer (path)", true, tree ? 24u : 20u, 1000},
                                     {"op", true, 10, 75},
                                     {"output shape", true, 12, 60}};
  for (const FigureColumn* f : figures) columns.push_back({std::string(f->title), false, 0, f->keep});
  return columns;
}

void append_legend(std::string& out, bool any_nc, bool any_partial) {
  out += "MACs: GEMM multiply-accumulates. FLOPs = 2·MACs + element-wise ops + activation ops. K/M/G = 10³/10⁶/10⁹.\n";
  if (any_nc) out += "n/c: not costed (no cost rule; listed below).\n";
  if (any_partial) out += "*: the sum leaves out ops that were not costed.\n";
}

void append_layer_table(std::string& out, const GraphView& view, const EmitOptions& options) {
  const analysis::Analysis& a = view.analysis();
  std::size_t depth = options.auto_depth ? readable_depth(a) : options.depth;
  std::vector<Node> nodes = build_tree(view, view.rows(depth));
  std::vector<std::string> labels = tree_labels(nodes);
  std::vector<const FigureColumn*> figures = chosen_columns(a, options);
  std::vector<std::vector<std::string>> cells;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    NodeExtras extras = extras_of(a, n);
    std::vector<std::string> row = {labels[i], n.op, n.shape};
    for (const FigureColumn* f : figures) row.push_back(f->cell(n, extras));
    cells.push_back(std::move(row));
  }
  std::vector<GridColumn> columns = grid_columns(figures, true);
  GridLayout layout = fit_grid(columns, cells, options.width);
  append_grid(out, columns, cells, layout);
  bool any_nc = false, any_partial = false;
  for (const Node& n : nodes) {
    any_nc = any_nc || n.not_costed;
    any_partial = any_partial || n.partial;
  }
  append_legend(out, any_nc, any_partial);
  if (options.auto_depth && depth != ~std::size_t{0}) {
    out += "Blocks deeper than depth " + std::to_string(depth) + " are collapsed to keep the table within " +
           std::to_string(kTableRows) + " rows (--depth N shows more, --top N the heaviest ops).\n";
  }
  out += detail::dropped_note(layout, options.width, kShowColumns);
  out += detail::repeated("═", layout.total) + "\n";
}

// --top N: the heaviest rows (ops, or blocks at --depth) by roofline time with --hw, else by FLOPs, each with its
// share of the model's total.
void append_top(std::string& out, const GraphView& view, const EmitOptions& options) {
  const analysis::Analysis& a = view.analysis();
  bool by_time = a.roofline != nullptr;
  std::size_t depth = options.auto_depth ? ~std::size_t{0} : options.depth;
  struct Ranked {
    Node node;
    NodeExtras extras;
    double weight;
  };
  std::vector<Ranked> ranked;
  view.for_each_row(depth, [&](const Row& row) {
    Node node;
    node.level = 1;
    node.name = row.group.path;
    node.figures = row.group.figures;
    node.layers = row.layers;
    node.op = row.collapsed ? std::to_string(row.group.op_count) + " ops" : std::string(row.group.kind);
    node.not_costed = !row.collapsed && !row.fully_costed;
    node.partial = row.collapsed && !row.fully_costed;
    NodeExtras extras = extras_of(a, node);
    double weight = by_time ? extras.time_s : static_cast<double>(node.figures.flops);
    if (ranked.size() < options.top || weight > ranked.back().weight) {
      node.shape = row.collapsed ? detail::join_shapes(view.shapes(view.boundary(row.layers).outputs))
                                 : detail::join_shapes(a.layers[row.layers.front()].output_shapes);
      Ranked r{std::move(node), extras, weight};
      auto at = std::upper_bound(ranked.begin(), ranked.end(), r.weight,
                                 [](double w, const Ranked& x) { return w > x.weight; });
      ranked.insert(at, std::move(r));
      if (ranked.size() > options.top) ranked.pop_back();
    }
  });
  double total = by_time ? a.roofline->time_s : static_cast<double>(a.totals.figures.flops);
  std::vector<const FigureColumn*> figures = chosen_columns(a, options);
  std::vector<GridColumn> columns = grid_columns(figures, false);
  columns.push_back({"share", false, 0, 99});
  std::vector<std::vector<std::string>> cells;
  for (const Ranked& r : ranked) {
    std::vector<std::string> row = {r.node.name, r.node.op, r.node.shape};
    for (const FigureColumn* f : figures) row.push_back(f->cell(r.node, r.extras));
    row.push_back(total > 0 ? detail::decimal(100 * r.weight / total, 1) + "%" : "-");
    cells.push_back(std::move(row));
  }
  out += "The " + std::to_string(ranked.size()) + " heaviest " + (depth == ~std::size_t{0} ? "ops" : "rows") + " by " +
         (by_time ? "estimated time" : "FLOPs") + ", with their share of the model's total\n";
  GridLayout layout = fit_grid(columns, cells, options.width);
  append_grid(out, columns, cells, layout);
  append_legend(out, false, false);
  out += detail::dropped_note(layout, options.width, kShowColumns);
  out += detail::repeated("═", layout.total) + "\n";
}

struct SummaryLine {
  std::string label, exact, human, note;
};

void append_summary(std::string& out, const GraphView& view, std::size_t width) {
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
      if (display_width(text) + 3 + display_width(l.note) <= width) {
        text += "   " + l.note;
      } else {
        while (!text.empty() && text.back() == ' ') text.pop_back();
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

std::string table_column_names() {
  std::string names;
  for (const FigureColumn& c : figure_columns()) names += (names.empty() ? "" : ", ") + std::string(c.name);
  return names;
}

bool is_table_column(const std::string& name) {
  for (const FigureColumn& c : figure_columns()) {
    if (c.name == name) return true;
  }
  return false;
}

std::string table(const analysis::Analysis& analysis, const EmitOptions& options) {
  GraphView view(analysis);
  std::string out = detail::model_title(analysis) + "\n";
  if (options.top > 0) {
    append_top(out, view, options);
  } else {
    append_layer_table(out, view, options);
  }
  append_summary(out, view, options.width);
  return detail::wrap_lines(out, std::max<std::size_t>(options.width, 40));
}

}  // namespace nnscope::emit
