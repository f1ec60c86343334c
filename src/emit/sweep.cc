// A --sweep: one row per point, the swept values first, then the totals at that point.
#include <algorithm>

#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "emit/format.h"

namespace nnscope::emit {
namespace {

using detail::pad_left;
using sym::Int;

struct Metric {
  const char* key;    // CSV / JSON name
  const char* title;  // table header
  bool bytes;
  Int (*get)(const analysis::Analysis&);
};

const std::vector<Metric>& metrics() {
  static const std::vector<Metric> kMetrics = {
      {"params", "params", false, [](const analysis::Analysis& a) { return a.totals.figures.params; }},
      {"gemm_macs", "MACs", false, [](const analysis::Analysis& a) { return a.totals.figures.gemm_macs; }},
      {"elementwise_ops", "elem ops", false,
       [](const analysis::Analysis& a) { return a.totals.figures.elementwise_ops; }},
      {"activation_ops", "act ops", false, [](const analysis::Analysis& a) { return a.totals.figures.activation_ops; }},
      {"flops", "FLOPs", false, [](const analysis::Analysis& a) { return a.totals.figures.flops; }},
      {"weight_bytes", "weights", true, [](const analysis::Analysis& a) { return a.totals.figures.weight_bytes; }},
      {"activation_bytes", "activations", true, [](const analysis::Analysis& a) { return a.totals.activation_bytes; }},
      {"peak_activation_bytes", "peak act.", true,
       [](const analysis::Analysis& a) { return a.peak_activation_bytes(); }},
  };
  return kMetrics;
}

// The swept names in the order of the first point; every point of one sweep has the same names.
std::vector<std::string> swept_names(const std::vector<SweepPoint>& points) {
  std::vector<std::string> names;
  if (!points.empty()) {
    for (const auto& [name, value] : points.front().values) names.push_back(name);
  }
  return names;
}

std::string value_of(const SweepPoint& point, const std::string& name) {
  for (const auto& [n, v] : point.values) {
    if (n == name) return sym::to_string(v);
  }
  return "";
}

void append_grid(std::string& out, const std::vector<std::vector<std::string>>& grid, std::size_t left_columns) {
  std::vector<std::size_t> width;
  for (const auto& row : grid) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], detail::display_width(row[c]));
  }
  for (std::size_t r = 0; r < grid.size(); ++r) {
    std::string line;
    for (std::size_t c = 0; c < grid[r].size(); ++c) {
      if (c) line += c == left_columns ? "  │ " : "  ";
      line += pad_left(grid[r][c], width[c]);
    }
    out += line + "\n";
    if (r == 0) {
      std::size_t total = detail::display_width(line);
      for (std::size_t i = 0; i < total; ++i) out += "─";
      out += "\n";
    }
  }
}

}  // namespace

// Two tables with the same rows: human units to read, exact integers to quote.
std::string sweep_table(const std::vector<SweepPoint>& points) {
  std::string out;
  if (points.empty()) return "sweep: no points\n";
  std::vector<std::string> names = swept_names(points);
  out += "Sweep of " + points.front().analysis.graph->model_name + " over " + std::to_string(points.size()) +
         " points (counts: K/M/G = 10³/10⁶/10⁹; bytes: KiB/MiB/GiB = 2¹⁰/2²⁰/2³⁰)\n\n";
  // --mode train and --hw add their totals, as in the CSV.
  bool training = points.front().analysis.training != nullptr;
  bool roofline = points.front().analysis.roofline != nullptr;
  for (bool exact : {false, true}) {
    std::vector<std::vector<std::string>> grid;
    std::vector<std::string> header = names;
    for (const Metric& m : metrics()) header.push_back(m.title);
    if (training) {
      for (const char* title : {"bwd MACs", "train FLOPs", "train mem."}) header.push_back(title);
    }
    if (roofline) {
      header.push_back("est. time");
      header.push_back("samples/s");
    }
    grid.push_back(header);
    for (const SweepPoint& p : points) {
      std::vector<std::string> row;
      for (const std::string& name : names) row.push_back(value_of(p, name));
      for (const Metric& m : metrics()) {
        Int v = m.get(p.analysis);
        row.push_back(exact ? detail::thousands(v) : m.bytes ? human_bytes(v) : human_count(v, ""));
      }
      if (training) {
        const analysis::TrainTotals& t = p.analysis.training->totals;
        for (Int v : {t.backward_gemm_macs, t.train_flops})
          row.push_back(exact ? detail::thousands(v) : human_count(v, ""));
        row.push_back(exact ? detail::thousands(t.train_memory_bytes) : human_bytes(t.train_memory_bytes));
      }
      if (roofline) {
        row.push_back(detail::decimal(p.analysis.roofline->time_s * 1e3, exact ? 6 : 3) + " ms");
        row.push_back(detail::decimal(p.analysis.roofline->samples_per_s, exact ? 2 : 1));
      }
      grid.push_back(row);
    }
    out += exact ? "\nExact values\n" : "";
    append_grid(out, grid, names.size());
  }
  return out;
}

// Columns: the swept parameters (by name), then params, gemm_macs, elementwise_ops, activation_ops,
// flops, weight_bytes, activation_bytes, peak_activation_bytes.
std::string sweep_csv(const std::vector<SweepPoint>& points) {
  std::vector<std::string> names = swept_names(points);
  std::vector<std::string> header = names;
  for (const Metric& m : metrics()) header.push_back(m.key);
  // --mode train and --hw add their totals (only then, so the default columns stay as they are).
  bool training = !points.empty() && points.front().analysis.training;
  bool roofline = !points.empty() && points.front().analysis.roofline;
  if (training) {
    for (const char* key : {"backward_gemm_macs", "train_flops", "train_memory_bytes"}) header.push_back(key);
  }
  if (roofline) {
    header.push_back("est_time_s");
    header.push_back("samples_per_s");
  }
  auto write = [](std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += '\n';
  };
  std::string out;
  write(out, header);
  for (const SweepPoint& p : points) {
    std::vector<std::string> row;
    for (const std::string& name : names) row.push_back(value_of(p, name));
    for (const Metric& m : metrics()) row.push_back(sym::to_string(m.get(p.analysis)));
    if (training) {
      const analysis::TrainTotals& t = p.analysis.training->totals;
      for (Int v : {t.backward_gemm_macs, t.train_flops, t.train_memory_bytes}) row.push_back(sym::to_string(v));
    }
    if (roofline) {
      row.push_back(detail::decimal(p.analysis.roofline->time_s, 12));
      row.push_back(detail::decimal(p.analysis.roofline->samples_per_s));
    }
    write(out, row);
  }
  return out;
}

std::string sweep_json(const std::vector<SweepPoint>& points) {
  detail::JsonWriter json;
  json.begin_object();
  json.key("schema_version").integer(1);
  json.key("model").string(points.empty() ? "" : points.front().analysis.graph->model_name);
  json.key("parameters").begin_array(true);
  for (const std::string& name : swept_names(points)) json.string(name);
  json.end_array();
  json.key("points").begin_array();
  for (const SweepPoint& p : points) {
    json.begin_object();
    json.key("values").begin_object(true);
    for (const auto& [name, value] : p.values) json.key(name).integer(value);
    json.end_object();
    json.key("totals");
    detail::write_totals(json, p.analysis);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.take();
}

}  // namespace nnscope::emit
