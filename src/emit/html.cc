// The HTML report (docs/html.md): one self-contained page, no network access (a Content-Security-Policy forbids
// any load), charts as inline SVG drawn by emit/svg.h, and a little inline JavaScript to fold and sort the layer
// table. With scripts off every figure is still on the page. Every string from the model is escaped.
#include <algorithm>
#include <sstream>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"
#include "emit/html_charts.h"
#include "emit/svg.h"
#include "report/columns.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using charts::ChartRow;
using svg::escape;

// A page shows at most this many layer rows: past it a model is collapsed to a shallower depth (or, when even its
// top level has more, the first rows are shown), which keeps a 100,000-op model's page near 10 MiB.
constexpr std::size_t kMaxPageRows = 10000;
constexpr std::size_t kMaxStructureBoxes = 200;
// Bytes of paths (in rows and the header rows of their blocks) a page writes at most: 10,000 rows of paths of
// 1,600 characters. Past it the rest of the rows are left out, as past kMaxPageRows.
constexpr std::size_t kMaxPagePathBytes = std::size_t{32} << 20;

extern const char kStyle[];
extern const char kScript[];

void page_start(std::ostream& out, const std::string& title) {
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<link rel=\"icon\" href=\"data:,\">\n<title>"
      << escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
}

void page_end(std::ostream& out) {
  out << "<footer>Written by nnscope. Counts: K/M/G = 10³/10⁶/10⁹; bytes: KiB/MiB/GiB = 2¹⁰/2²⁰/2³⁰.</footer>\n"
         "<script>"
      << kScript << "</script>\n</body>\n</html>\n";
}

const sym::Expr* formula_of(const analysis::TotalFormulas& f, std::string_view key) {
  if (key == "params") return &f.params;
  if (key == "gemm_macs") return &f.gemm_macs;
  if (key == "elementwise_ops") return &f.elementwise_ops;
  if (key == "activation_ops") return &f.activation_ops;
  if (key == "flops") return &f.flops;
  if (key == "weight_bytes") return &f.weight_bytes;
  if (key == "activation_bytes") return &f.activation_bytes;
  return nullptr;
}

// A total's value as JSON writes it (exact), and for people.
std::string exact_total(const report::Total& total, const report::Value& v) {
  return v.kind == report::ValueKind::kInteger ? sym::to_string(v.integer) : detail::decimal(v.decimal, total.decimals);
}
std::string human_total(const report::Total& total, const report::Value& v) {
  switch (total.kind) {
    case report::TotalKind::kCount:
      return human_count(v.integer, "");
    case report::TotalKind::kBytes:
      return human_bytes(v.integer);
    case report::TotalKind::kSeconds:
      return detail::decimal(v.decimal * 1e3, 3) + " ms";
    case report::TotalKind::kRatio:
      return detail::decimal(v.decimal, 2);
  }
  return "";
}

void write_header(std::ostream& out, const analysis::Analysis& a) {
  const ir::Graph& g = *a.graph;
  out << "<header>\n<h1>" << escape(g.model_name) << "</h1>\n<dl class=\"facts\">\n<dt>bindings</dt><dd>";
  if (g.parameters.empty()) out << "none";
  for (std::size_t i = 0; i < g.parameters.size(); ++i) {
    out << (i ? ", " : "") << "<code>" << escape(g.parameters[i].name) << " = "
        << sym::to_string(detail::parameter_value(a, g.parameters[i])) << "</code>";
  }
  out << "</dd>\n<dt>dtypes</dt><dd>activations " << escape(dtype_name(g.activation_dtype)) << ", weights "
      << escape(dtype_name(g.weight_dtype)) << "</dd>\n<dt>inputs</dt><dd>";
  for (std::size_t i = 0; i < g.inputs.size(); ++i) {
    const ir::Tensor& t = g.tensors[g.inputs[i]];
    out << (i ? ", " : "") << "<code>" << escape(t.name) << "</code> " << escape(dtype_name(t.dtype)) << "["
        << shape_text((*a.tensor_shapes)[g.inputs[i]]) << "]";
  }
  out << "</dd>\n<dt>outputs</dt><dd>";
  for (std::size_t i = 0; i < g.outputs.size(); ++i) {
    out << (i ? ", " : "") << "<code>" << escape(g.outputs[i].name) << "</code> ["
        << (i < a.output_shapes.size() ? shape_text(a.output_shapes[i]) : std::string()) << "]";
  }
  out << "</dd>\n";
  if (a.training) out << "<dt>mode</dt><dd>training, optimizer " << escape(a.training->totals.optimizer) << "</dd>\n";
  if (const analysis::Roofline* r = a.roofline.get()) {
    out << "<dt>hardware</dt><dd>" << escape(r->hardware) << " (matrix peak " << escape(r->matrix_dtype) << " "
        << svg::short_number(r->matrix_peak) << "op/s, ridge " << detail::decimal(r->ridge_point, 1) << " FLOP/byte)";
    if (!r->note.empty()) out << " — " << escape(r->note);
    out << "</dd>\n";
  }
  out << "</dl>\n</header>\n";
}

void write_totals(std::ostream& out, const analysis::Analysis& a) {
  out << "<section id=\"totals\">\n<h2>Totals</h2>\n<table class=\"totals\">\n<thead><tr><th>total</th><th>value</th>"
         "<th>exact</th><th>formula</th></tr></thead>\n<tbody>\n";
  for (const report::Total& total : report::totals()) {
    if (!report::shown(total, a.training != nullptr, a.roofline != nullptr)) continue;
    report::Value v = total.get(a);
    std::string exact = exact_total(total, v);
    out << "<tr data-total=\"" << total.key << "\" data-value=\"" << exact << "\"><th>" << total.key << "</th><td>"
        << escape(human_total(total, v)) << "</td><td class=\"num\">"
        << (v.kind == report::ValueKind::kInteger ? detail::thousands(v.integer) : exact) << "</td><td>";
    if (const sym::Expr* f = formula_of(a.formulas, total.key)) out << "<code>" << escape(f->to_string()) << "</code>";
    out << "</td></tr>\n";
  }
  out << "</tbody>\n</table>\n";
  if (!a.not_costed.empty()) {
    out << "<p class=\"note\">" << a.not_costed.size()
        << " op(s) have no cost rule; their work is unknown (empty in the table), not zero.</p>\n";
  }
  out << "</section>\n";
}

double d(sym::Int v) { return static_cast<double>(v); }

void write_work_charts(std::ostream& out, const std::vector<ChartRow>& rows) {
  using charts::Series;
  out << "<section id=\"work\">\n<h2>Where the work goes</h2>\n<p>One bar per row of the layer table, in execution "
         "order; the five heaviest rows are numbered on each chart and named beneath it.</p>\n";
  out << "<h3>GEMM MACs</h3>\n"
      << charts::row_bars(rows, "gemm_macs", "GEMM MACs per layer", "MACs",
                          {{"GEMM MACs", "s-macs", [](const ChartRow& r) { return d(r.figures.gemm_macs); }}});
  out << "<h3>Element-wise ops</h3>\n"
      << charts::row_bars(rows, "elementwise_ops", "Element-wise ops per layer", "ops",
                          {{"element-wise", "s-elem", [](const ChartRow& r) { return d(r.figures.elementwise_ops); }}});
  out << "<h3>Activation (special-function) ops</h3>\n"
      << charts::row_bars(rows, "activation_ops", "Activation ops per layer", "ops",
                          {{"activation", "s-act", [](const ChartRow& r) { return d(r.figures.activation_ops); }}});
  out << "<h3>Bytes read and written</h3>\n"
      << charts::row_bars(rows, "bytes", "Bytes read (inputs and weights) and written (outputs) per layer", "bytes",
                          {{"read", "s-read",
                            [](const ChartRow& r) { return d(r.figures.input_bytes) + d(r.figures.weight_bytes); }},
                           {"written", "s-write", [](const ChartRow& r) { return d(r.figures.output_bytes); }}});
  out << "</section>\n";
}

void write_op_types(std::ostream& out, const analysis::Analysis& a) {
  out << "<section id=\"op-types\">\n<h2>Breakdown by op type</h2>\n" << charts::op_type_chart(a.by_op_type);
  out << "<table class=\"data\">\n<thead><tr><th>op</th><th>count</th><th>params</th><th>GEMM MACs</th>"
         "<th>element-wise</th><th>activation</th><th>FLOPs</th></tr></thead>\n<tbody>\n";
  for (const analysis::OpTypeTotal& t : a.by_op_type) {
    const analysis::LayerFigures& f = t.figures;
    out << "<tr><td>" << escape(t.kind) << "</td><td class=\"num\">" << t.count << "</td>";
    for (sym::Int v : {f.params, f.gemm_macs, f.elementwise_ops, f.activation_ops, f.flops}) {
      out << "<td class=\"num\">" << detail::thousands(v) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody>\n</table>\n</section>\n";
}

void write_roofline(std::ostream& out, const analysis::Analysis& a, const std::vector<ChartRow>& rows) {
  const analysis::Roofline& r = *a.roofline;
  out << "<section id=\"roofline\">\n<h2>Roofline on " << escape(r.hardware) << "</h2>\n<p>Log axes. Each roof "
      << "is a unit's peak, reached at its ridge from the memory slope; each point is a row at its arithmetic "
         "intensity (FLOPs per byte moved) and the FLOP rate its estimated time gives"
      << (r.training ? " (forward and backward FLOPs of a training step)" : "")
      << ", coloured by the unit that bounds it. Rows that move no bytes or do no FLOPs (views) are not drawn.</p>\n"
      << charts::roofline_chart(rows, r, r.training) << "<h3>Estimated time per layer</h3>\n"
      << charts::time_bars(rows) << "<p>Time bound by unit: ";
  for (int u = 0; u < 4; ++u) {
    out << (u ? ", " : "") << analysis::unit_name(static_cast<analysis::Unit>(u)) << " "
        << detail::decimal(r.bound_time_s[u] * 1e3, 3) << " ms";
  }
  out << ".</p>\n</section>\n";
}

void write_training(std::ostream& out, const analysis::Analysis& a, const std::vector<ChartRow>& rows) {
  const analysis::TrainTotals& t = a.training->totals;
  out << "<section id=\"training\">\n<h2>Training: forward and backward</h2>\n"
      << charts::row_bars(rows, "train_macs",
                          "Forward, input-gradient (dgrad) and weight-gradient (wgrad) GEMM MACs per layer", "MACs",
                          {{"forward", "s-macs", [](const ChartRow& r) { return d(r.figures.gemm_macs); }},
                           {"dgrad", "s-dgrad", [](const ChartRow& r) { return d(r.training.dgrad_macs); }},
                           {"wgrad", "s-wgrad", [](const ChartRow& r) { return d(r.training.wgrad_macs); }}});
  out << "<h3>Memory of one training step</h3>\n" << charts::training_memory_chart(t);
  out << "<table class=\"data\"><tbody>\n";
  const std::pair<const char*, sym::Int> parts[] = {{"weights", t.weight_bytes},
                                                    {"fp32 master weights", t.master_weight_bytes},
                                                    {"gradients", t.gradient_bytes},
                                                    {"optimizer state", t.optimizer_bytes},
                                                    {"saved activations", t.saved_activation_bytes},
                                                    {"total", t.train_memory_bytes},
                                                    {"peak live activations", t.peak_activation_bytes}};
  for (const auto& [name, bytes] : parts) {
    out << "<tr><th>" << name << "</th><td class=\"num\">" << human_bytes(bytes) << "</td><td class=\"num\">"
        << detail::thousands(bytes) << "</td></tr>\n";
  }
  out << "</tbody></table>\n<p>Peak at <code>" << escape(t.peak_at) << "</code> (" << escape(t.peak_phase)
      << ").</p>\n</section>\n";
}

// Depth 1, or deeper while it has fewer than a few rows (a Hugging Face model is `model` > `layers` > `0`).
std::size_t structure_depth(const analysis::Analysis& a) {
  constexpr std::size_t kFewRows = 8;
  std::size_t deepest = 0;
  for (const ir::Op& op : a.graph->ops) deepest = std::max(deepest, op.depth());
  report::GraphView view(a);
  // The shallowest depth in 1..deepest with kFewRows rows (else `deepest`). Rows only multiply with depth, so a
  // binary search finds it in a few passes over the ops, not one per level of a deep path.
  std::size_t low = 1, high = std::max<std::size_t>(deepest, 1);
  while (low < high) {
    std::size_t middle = low + (high - low) / 2, rows = 0;
    view.for_each_row(middle, [&](const report::Row&) { ++rows; });
    if (rows >= kFewRows) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

void write_structure(std::ostream& out, const analysis::Analysis& a) {
  std::size_t depth = structure_depth(a);
  report::RowSource rows(a, depth);
  const ir::Graph& g = *a.graph;
  std::vector<charts::StructureBox> boxes;
  std::vector<std::size_t> row_of_op(g.ops.size(), ~std::size_t{0});
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  std::size_t total = 0;
  rows.for_each([&](const report::ReportRow& row) {
    std::size_t index = total++;
    if (index >= kMaxStructureBoxes) return;
    for (std::size_t layer : row.layers()) row_of_op[a.layers[layer].op] = index;
    std::vector<std::size_t> from;
    for (std::size_t layer : row.layers()) {
      for (ir::TensorId t : g.ops[a.layers[layer].op].inputs) {
        std::size_t producer = g.tensors[t].producer;
        if (producer == ir::kNoOp || row_of_op[producer] == ~std::size_t{0} || row_of_op[producer] == index) continue;
        from.push_back(row_of_op[producer]);
      }
    }
    std::sort(from.begin(), from.end());
    from.erase(std::unique(from.begin(), from.end()), from.end());
    for (std::size_t f : from) edges.emplace_back(f, index);
    boxes.push_back({std::string(row.group().path), std::string(row.group().kind), detail::join_shapes(row.outputs),
                     row.group().op_count});
  });
  out << "<section id=\"structure\">\n<h2>Structure at depth " << depth
      << "</h2>\n<p>Blocks and ops in execution order, top to "
         "bottom; an arc on the right joins a row to a later one it feeds past its neighbours (a skip connection). "
         "The full graph is in <code>--format dot</code>.";
  if (total > boxes.size()) out << " Showing the first " << boxes.size() << " of " << total << " rows.";
  out << "</p>\n" << charts::structure_diagram(boxes, edges, depth) << "</section>\n";
}

// The layer table's columns: those of report::columns() that CSV or JSON shows, less the hierarchy (the path
// column shows it) and per-weight detail.
std::vector<const report::Column*> table_columns(const analysis::Analysis& a) {
  std::vector<const report::Column*> shown;
  for (const report::Column& c : report::columns()) {
    bool in_any = report::shown(c, report::format::kCsv, a.training != nullptr, a.roofline != nullptr) ||
                  report::shown(c, report::format::kJson, a.training != nullptr, a.roofline != nullptr);
    if (!in_any || c.key == "path" || c.key == "depth") continue;
    if (c.kind == report::ValueKind::kLevels || c.kind == report::ValueKind::kWeights) continue;
    shown.push_back(&c);
  }
  return shown;
}

void write_cell(std::string& out, const report::Column& c, const report::ReportRow& row) {
  if (c.work && row.unknown_work()) {
    out += "<td class=\"num\"></td>";
    return;
  }
  report::Value v = c.get(row);
  if (v.missing) {  // groups of an op that has none
    out += "<td class=\"num\"></td>";
    return;
  }
  switch (v.kind) {
    case report::ValueKind::kInteger:
      out += "<td class=\"num\" data-v=\"" + sym::to_string(v.integer) + "\">" + detail::thousands(v.integer) + "</td>";
      return;
    case report::ValueKind::kDecimal: {
      std::string text = detail::decimal(v.decimal, c.decimals);
      out += "<td class=\"num\" data-v=\"" + text + "\">" + text + "</td>";
      return;
    }
    case report::ValueKind::kBool:
      out += v.boolean ? "<td>yes</td>" : "<td>no</td>";
      return;
    case report::ValueKind::kShapes:
      out += "<td>" + detail::join_shapes(*v.shapes) + "</td>";
      return;
    default:
      out += "<td>";
      svg::append_escaped(out, v.text);
      out += "</td>";
  }
}

// Prefix lengths of a dotted path's ancestors ("a.b.c": 1 and 3).
std::vector<std::size_t> ancestor_lengths(std::string_view path) {
  std::vector<std::size_t> lengths;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '.') lengths.push_back(i);
  }
  return lengths;
}

}  // namespace

void html(std::ostream& out, const analysis::Analysis& a, const EmitOptions& options) {
  // The depth: as asked, or shallower until the page has at most kMaxPageRows rows.
  std::size_t depth = options.depth, deepest = 0;
  for (const ir::Op& op : a.graph->ops) deepest = std::max(deepest, op.depth());
  auto count_rows = [&](std::size_t at) {
    std::size_t n = 0;
    report::GraphView(a).for_each_row(at, [&](const report::Row&) { ++n; });
    return n;
  };
  std::size_t all_rows = count_rows(depth), row_count = all_rows;
  std::size_t first_depth = std::min(depth, deepest);
  bool collapsed_for_size = false;
  if (row_count > kMaxPageRows && first_depth > 0) {
    // The deepest depth below first_depth with at most kMaxPageRows rows, else 0. Rows only multiply with depth,
    // so a binary search finds it in a few passes over the ops, not one per level of a deep path.
    std::size_t low = 0, high = first_depth - 1;
    while (low < high) {
      std::size_t middle = high - (high - low) / 2;
      if (count_rows(middle) <= kMaxPageRows) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    depth = low;
    row_count = count_rows(low);
    collapsed_for_size = true;
  }

  page_start(out, a.graph->model_name + " — nnscope report");
  write_header(out, a);
  write_totals(out, a);

  report::RowSource rows(a, depth);
  std::vector<const report::Column*> columns = table_columns(a);
  std::vector<ChartRow> chart_rows;
  std::string table;
  table += "<table id=\"layers\" class=\"data layers\">\n<thead><tr><th data-key=\"path\">path</th>";
  for (const report::Column* c : columns) {
    table += "<th data-key=\"" + std::string(c->key) + "\">" + std::string(c->key) +
             (c->unit.empty() ? "" : "<br><small>" + std::string(c->unit) + "</small>") + "</th>";
  }
  table += "</tr></thead>\n<tbody>\n";
  // The last part of each ancestor whose header row is open, outermost first: a row's ancestors are compared part
  // by part, so a path of many parts costs its length, not its length times its depth. Each header row repeats
  // its block's path (folding finds a row's blocks by it), so the bytes of paths the page writes are bounded too:
  // a path of many long parts would otherwise write its length times its depth.
  std::vector<std::string> open_blocks;
  std::size_t path_bytes = 0;
  bool paths_full = false;
  rows.for_each([&](const report::ReportRow& row) {
    if (chart_rows.size() >= kMaxPageRows || paths_full) return;
    const std::string& path = row.group().path;
    std::vector<std::size_t> ancestors = ancestor_lengths(path);
    std::size_t common = 0;
    for (; common < ancestors.size() && common < open_blocks.size(); ++common) {
      std::size_t start = common ? ancestors[common - 1] + 1 : 0;
      if (open_blocks[common] != std::string_view(path).substr(start, ancestors[common] - start)) break;
    }
    std::size_t needed = 2 * path.size();
    for (std::size_t k = common; k < ancestors.size(); ++k) needed += ancestors[k];
    if (path_bytes + needed > kMaxPagePathBytes) {
      paths_full = true;
      return;
    }
    path_bytes += needed;
    for (std::size_t k = common; k < ancestors.size(); ++k) {
      std::size_t start = k ? ancestors[k - 1] + 1 : 0;
      std::string_view part = std::string_view(path).substr(start, ancestors[k] - start);
      open_blocks.resize(k);
      open_blocks.emplace_back(part);
      std::string_view prefix = std::string_view(path).substr(0, ancestors[k]);
      table += "<tr class=\"blk\" data-p=\"";
      svg::append_escaped(table, prefix);
      table += "\"><td class=\"p\" style=\"--d:" + std::to_string(k) + "\" colspan=\"" +
               std::to_string(columns.size() + 1) + "\">";
      svg::append_escaped(table, prefix.substr(k ? ancestors[k - 1] + 1 : 0));
      table += "</td></tr>\n";
    }
    open_blocks.resize(std::min(open_blocks.size(), ancestors.size()));
    table += "<tr data-p=\"";
    svg::append_escaped(table, path);
    table += "\"><td class=\"p\" style=\"--d:" + std::to_string(ancestors.size()) + "\" title=\"";
    svg::append_escaped(table, path);
    table += "\">";
    svg::append_escaped(table, path.substr(ancestors.empty() ? 0 : ancestors.back() + 1));
    table += "</td>";
    for (const report::Column* c : columns) write_cell(table, *c, row);
    table += "</tr>\n";
    ChartRow chart;
    chart.path = path;
    chart.kind = row.group().kind;
    chart.unknown_work = row.unknown_work();
    chart.figures = row.group().figures;
    chart.training = row.training;
    chart.time_s = row.time_s;
    chart.bound = row.bound;
    chart_rows.push_back(std::move(chart));
  });
  table += "</tbody>\n</table>\n";

  out << "<p class=\"note\" id=\"rows-note\" data-rows=\"" << chart_rows.size() << "\">" << chart_rows.size()
      << " rows";
  if (depth != ~std::size_t{0}) out << " at depth " << depth;
  if (collapsed_for_size) {
    out << ". This model has " << all_rows << " rows at the depth asked for; the page collapses blocks to depth "
        << depth << " to stay readable (at most " << kMaxPageRows << " rows). The CSV and JSON formats list every op";
  }
  if (paths_full) {
    out << ". Only the first " << chart_rows.size() << " of " << row_count
        << " rows are shown (their paths are too long for one page); the CSV and JSON formats list every op";
  } else if (row_count > chart_rows.size()) {
    out << ". Only the first " << chart_rows.size() << " of " << row_count
        << " rows are shown (the model's top level alone has more); the CSV and JSON formats list every op";
  }
  out << ".</p>\n";

  write_work_charts(out, chart_rows);
  write_op_types(out, a);
  if (a.roofline) write_roofline(out, a, chart_rows);
  if (a.training) write_training(out, a, chart_rows);
  write_structure(out, a);
  out << "<section id=\"layer-table\">\n<h2>Layers</h2>\n<p>Click a block's row to fold it, a column header to sort "
         "by it (with scripts on).</p>\n<div id=\"table-tools\"></div>\n"
      << "<div class=\"scroll\">\n"
      << table << "</div>\n</section>\n";
  page_end(out);
}

std::string sweep_html(const std::vector<SweepPoint>& points) {
  std::ostringstream out;
  std::string model = points.empty() ? "" : points.front().analysis.graph->model_name;
  page_start(out, model + " sweep — nnscope report");
  std::vector<std::string> names;
  if (!points.empty()) {
    for (const auto& [name, value] : points.front().values) names.push_back(name);
  }
  std::vector<const report::Total*> shown;
  if (!points.empty()) {
    const analysis::Analysis& first = points.front().analysis;
    for (const report::Total& total : report::totals()) {
      if (total.in_sweep() && report::shown(total, first.training != nullptr, first.roofline != nullptr)) {
        shown.push_back(&total);
      }
    }
  }
  out << "<header>\n<h1>" << escape(model) << " — sweep</h1>\n<dl class=\"facts\"><dt>swept</dt><dd>";
  for (std::size_t i = 0; i < names.size(); ++i) out << (i ? ", " : "") << "<code>" << escape(names[i]) << "</code>";
  out << "</dd><dt>points</dt><dd>" << points.size() << "</dd></dl>\n</header>\n";
  out << "<section id=\"totals\">\n<h2>Totals at each point</h2>\n<table class=\"data sweep\">\n<thead><tr>";
  for (const std::string& name : names) out << "<th>" << escape(name) << "</th>";
  for (const report::Total* t : shown) out << "<th>" << escape(t->title) << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  std::vector<double> xs;
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& p = points[i];
    out << "<tr>";
    std::string label;
    for (const auto& [name, value] : p.values) {
      out << "<td class=\"num\">" << sym::to_string(value) << "</td>";
      label += (label.empty() ? "" : ", ") + name + "=" + sym::to_string(value);
    }
    for (const report::Total* t : shown) {
      report::Value v = t->get(p.analysis);
      out << "<td class=\"num\" data-total=\"" << t->key << "\" data-value=\"" << exact_total(*t, v) << "\">"
          << escape(human_total(*t, v)) << "</td>";
    }
    out << "</tr>\n";
    xs.push_back(names.size() == 1 ? d(p.values.front().second) : static_cast<double>(i + 1));
    labels.push_back(label);
  }
  out << "</tbody>\n</table>\n</section>\n<section id=\"sweep-charts\">\n<h2>Totals against "
      << (names.size() == 1 ? escape(names.front()) : std::string("the point")) << "</h2>\n<div class=\"grid\">\n";
  std::string x_title = names.size() == 1 ? names.front() : "point";
  for (const report::Total* t : shown) {
    std::vector<double> ys;
    for (const SweepPoint& p : points) {
      report::Value v = t->get(p.analysis);
      ys.push_back(v.kind == report::ValueKind::kInteger ? d(v.integer) : v.decimal);
    }
    out << charts::sweep_chart(t->key, t->title, x_title, xs, ys, labels);
  }
  out << "</div>\n</section>\n";
  page_end(out);
  return out.str();
}

namespace {

const char kStyle[] = R"CSS(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d2330;margin:0 auto;
max-width:1000px;padding:16px 20px;background:#fff}
h1{font-size:24px;margin:4px 0 8px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d8dce4}
h3{font-size:15px;margin:18px 0 4px}
code{font:12.5px ui-monospace,Menlo,Consolas,monospace;background:#f3f4f7;padding:0 3px;border-radius:3px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dl.facts dt{color:#5a6273}
dl.facts dd{margin:0}
table{border-collapse:collapse;margin:6px 0}th,td{padding:2px 8px;border-bottom:1px solid #eceef2;text-align:left;
vertical-align:top}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.layers{font-size:12px}table.layers th{position:sticky;top:0;background:#f7f8fa;cursor:default}
table.layers td.p{padding-left:calc(var(--d,0)*14px + 6px);white-space:nowrap}
tr.blk td{background:#f3f5f9;font-weight:600}tr.blk.folded td{background:#e6eaf2}
.js tr.blk td{cursor:pointer}.js tr.blk td::before{content:"▾ ";color:#6a7385}
.js tr.blk.folded td::before{content:"▸ "}.js table.layers th{cursor:pointer}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
#table-tools button{margin:0 6px 6px 0}div.scroll{overflow-x:auto}
.note{color:#5a6273}footer{margin-top:30px;color:#7a8191;font-size:12px}
svg.chart{display:block;max-width:100%;height:auto;margin:4px 0}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .tick{fill:#666;font-size:10px}
svg .axis{stroke:#555}svg .grid{stroke:#e6e8ec}svg .axis-title{fill:#444}
svg .mark{font-weight:700;fill:#b3261e}svg .label{fill:#333}svg .chart-title{font-weight:600;font-size:12px}
.s-macs{fill:#3867d6}.s-elem{fill:#20a39e}.s-act{fill:#e58e26}.s-read{fill:#8854d0}.s-write{fill:#c56cf0}
.s-dgrad{fill:#eb3b5a}.s-wgrad{fill:#f7b731}
.u-matrix{fill:#3867d6;stroke:#3867d6}.u-vector{fill:#20a39e;stroke:#20a39e}.u-special{fill:#e58e26;stroke:#e58e26}
.u-memory{fill:#8854d0;stroke:#8854d0}
.roof{fill:none;stroke-width:2}svg .roof-label{font-size:10.5px}.point{fill-opacity:.75;stroke-width:.5}
.m-0{fill:#3867d6}.m-1{fill:#4b7bec}.m-2{fill:#20a39e}.m-3{fill:#f7b731}.m-4{fill:#eb3b5a}
.box{stroke:#5a6273;stroke-width:1}.box.block{fill:#eef2fb}.box.op{fill:#fff}svg .box-shape{fill:#5a6273;font-size:10px}
.link{stroke:#5a6273}.skip{fill:none;stroke:#eb3b5a;stroke-width:1.4}
.series{fill:none;stroke:#3867d6;stroke-width:2}
.grid{display:flex;flex-wrap:wrap;gap:8px}svg.sweep{width:460px}
@media print{body{max-width:none}#table-tools{display:none}table.layers th{position:static}
tr.blk td::before{content:""!important}section{break-inside:avoid-page}table.layers tr{break-inside:avoid}}
)CSS";

// Folding and sorting. It reads the table as it stands, so the page without it shows everything; it writes
// data-script="ok" (and data-script-errors on a failure) on <body> so a headless browser can tell it ran.
const char kScript[] = R"JS(
(function () {
  var body = document.body, errors = 0;
  window.addEventListener('error', function () { errors++; body.setAttribute('data-script-errors', String(errors)); });
  var table = document.getElementById('layers');
  if (table) {
    body.classList.add('js');
    var tbody = table.tBodies[0], rows = Array.prototype.slice.call(tbody.rows), folded = {}, sorted = false;
    function hiddenByFold(path) {
      for (var i = path.indexOf('.'); i >= 0; i = path.indexOf('.', i + 1)) {
        if (folded[path.substring(0, i)]) return true;
      }
      return false;
    }
    function refresh() {
      rows.forEach(function (r) {
        var block = r.classList.contains('blk');
        r.hidden = sorted ? block : hiddenByFold(r.getAttribute('data-p'));
        if (block) r.classList.toggle('folded', !!folded[r.getAttribute('data-p')]);
      });
    }
    tbody.addEventListener('click', function (e) {
      var r = e.target.closest('tr.blk');
      if (!r || sorted) return;
      var p = r.getAttribute('data-p');
      if (folded[p]) delete folded[p]; else folded[p] = true;
      refresh();
    });
    function setAll(fold) {
      folded = {};
      if (fold) rows.forEach(function (r) { if (r.classList.contains('blk')) folded[r.getAttribute('data-p')] = true; });
      refresh();
    }
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells), sortColumn = -1, direction = 1;
    function cellKey(r, c) {
      var cell = r.cells[c];
      if (!cell) return '';
      var v = cell.getAttribute('data-v');
      return v === null ? cell.textContent : parseFloat(v);
    }
    function restore() {
      sorted = false; sortColumn = -1;
      heads.forEach(function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
      rows.forEach(function (r) { tbody.appendChild(r); });
      refresh();
    }
    heads.forEach(function (h, c) {
      h.addEventListener('click', function () {
        direction = sortColumn === c ? -direction : (c === 0 ? 1 : -1);
        sortColumn = c; sorted = true;
        heads.forEach(function (x) { x.classList.remove('sorted-asc', 'sorted-desc'); });
        h.classList.add(direction > 0 ? 'sorted-asc' : 'sorted-desc');
        var data = rows.filter(function (r) { return !r.classList.contains('blk'); });
        data.sort(function (a, b) {
          var x = cellKey(a, c), y = cellKey(b, c);
          if (typeof x === 'number' && typeof y === 'number') return direction * (x - y);
          if (typeof x === 'number') return -1;
          if (typeof y === 'number') return 1;
          return direction * String(x).localeCompare(String(y));
        });
        data.forEach(function (r) { tbody.appendChild(r); });
        refresh();
      });
    });
    var tools = document.getElementById('table-tools');
    [['Fold all blocks', function () { setAll(true); }], ['Unfold all', function () { setAll(false); }],
     ['Execution order', restore]].forEach(function (b) {
      var button = document.createElement('button');
      button.type = 'button'; button.textContent = b[0]; button.addEventListener('click', b[1]);
      tools.appendChild(button);
    });
    // A link may ask for a view: #fold (every block folded) or #sort=KEY (heaviest first).
    var view = decodeURIComponent(location.hash.slice(1));
    if (view === 'fold') setAll(true);
    heads.forEach(function (h) { if (view === 'sort=' + h.getAttribute('data-key')) h.click(); });
  }
  if (!body.hasAttribute('data-script-errors')) body.setAttribute('data-script', 'ok');
})();
)JS";

}  // namespace
}  // namespace nnscope::emit
