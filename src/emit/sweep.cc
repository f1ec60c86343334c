// A --sweep: one row per point, the swept values first, then the totals at that point.
#include <algorithm>

#include "emit/emit.h"
#include "emit/format.h"
#include "emit/spreadsheet.h"
#include "emit/text_grid.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using sym::Int;

// The totals a sweep shows, in the order of report::totals(), for the first point's mode (every point of one
// sweep has the same).
std::vector<const report::Total*> swept_totals(const std::vector<SweepPoint>& points) {
  std::vector<const report::Total*> shown;
  if (points.empty()) return shown;
  const analysis::Analysis& first = points.front().analysis;
  for (const report::Total& total : report::totals()) {
    if (total.in_sweep() && report::shown(total, first.training != nullptr, first.roofline != nullptr)) {
      shown.push_back(&total);
    }
  }
  return shown;
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

// In a terminal too narrow for every total, the order in which a sweep table keeps them, highest last to go: the
// work (MACs, FLOPs) and the time, then the training step, parameters and memory; the element-wise and activation
// counts (both inside FLOPs) go first. A total not named here ranks in the middle.
int sweep_keep(std::string_view key) {
  static constexpr std::pair<std::string_view, int> kKeep[] = {
      {"gemm_macs", 100},
      {"est_time_s", 98},
      {"flops", 96},
      {"train_flops", 94},
      {"params", 90},
      {"train_memory_bytes", 85},
      {"samples_per_s", 80},
      {"peak_activation_bytes", 75},
      {"backward_gemm_macs", 70},
      {"weight_bytes", 65},
      {"traffic_bytes", 55},
      {"activation_bytes", 50},
      {"elementwise_ops", 40},
      {"activation_ops", 30},
  };
  for (const auto& [name, keep] : kKeep) {
    if (name == key) return keep;
  }
  return 60;
}

// A header line, a rule as wide as the grid, then one line per point; the swept values are set off from the
// totals by a divider. Totals that do not fit `width` are left out, named in a footer line.
void append_grid(std::string& out, const std::vector<detail::GridColumn>& columns, const detail::GridCells& grid,
                 std::size_t swept, std::size_t width) {
  detail::GridCells rows(grid.begin() + 1, grid.end());
  detail::GridLayout layout = detail::fit_grid(columns, rows, width, swept);
  out += detail::grid_line(columns, grid.front(), layout) + "\n";
  out += detail::repeated("─", layout.total) + "\n";
  for (const auto& row : rows) out += detail::grid_line(columns, row, layout) + "\n";
  out += detail::dropped_note(layout, width, "COLUMNS=N, --width N or --format csv");
}

}  // namespace

// Two tables with the same rows: human units to read, exact integers to quote.
std::string sweep_table(const std::vector<SweepPoint>& points, std::size_t width) {
  std::string out;
  if (points.empty()) return "sweep: no points\n";
  std::vector<std::string> names = swept_names(points);
  out += "Sweep of " + points.front().analysis.graph->model_name + " over " + std::to_string(points.size()) +
         " points (counts: K/M/G = 10³/10⁶/10⁹; bytes: KiB/MiB/GiB = 2¹⁰/2²⁰/2³⁰)\n\n";
  std::vector<const report::Total*> shown = swept_totals(points);
  for (bool exact : {false, true}) {
    std::vector<std::vector<std::string>> grid;
    std::vector<std::string> header = names;
    std::vector<detail::GridColumn> columns;
    for (const std::string& name : names) columns.push_back({name});
    for (const report::Total* total : shown) {
      header.emplace_back(total->title);
      columns.push_back({std::string(total->title), false, 0, sweep_keep(total->key)});
    }
    grid.push_back(header);
    for (const SweepPoint& p : points) {
      std::vector<std::string> row;
      for (const std::string& name : names) row.push_back(value_of(p, name));
      for (const report::Total* total : shown) {
        report::Value v = total->get(p.analysis);
        switch (total->kind) {
          case report::TotalKind::kCount:
            row.push_back(exact ? detail::thousands(v.integer) : human_count(v.integer, ""));
            break;
          case report::TotalKind::kBytes:
            row.push_back(exact ? detail::thousands(v.integer) : human_bytes(v.integer));
            break;
          case report::TotalKind::kSeconds:
            row.push_back(detail::decimal(v.decimal * 1e3, exact ? 6 : 3) + " ms");
            break;
          case report::TotalKind::kRatio:
            row.push_back(detail::decimal(v.decimal, exact ? 2 : 1));
            break;
        }
      }
      grid.push_back(row);
    }
    out += exact ? "\nExact values\n" : "";
    append_grid(out, columns, grid, names.size(), width);
  }
  return detail::wrap_lines(out, std::max<std::size_t>(width, 40));
}

// Columns: the swept parameters (by name), then the totals of report::totals() that a sweep shows.
std::string sweep_csv(const std::vector<SweepPoint>& points) {
  std::vector<std::string> names = swept_names(points);
  std::vector<const report::Total*> shown = swept_totals(points);
  std::vector<std::string> header = names;
  for (const report::Total* total : shown) header.emplace_back(total->key);
  auto write = [](std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += '\n';
  };
  std::string out;
  write(out, header);
  for (const SweepPoint& p : points) {
    std::vector<std::string> row;
    for (const std::string& name : names) row.push_back(value_of(p, name));
    for (const report::Total* total : shown) {
      report::Value v = total->get(p.analysis);
      row.push_back(v.kind == report::ValueKind::kInteger ? sym::to_string(v.integer)
                                                          : detail::decimal(v.decimal, total->decimals));
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
  json.key("kernels").string(points.empty() ? "" : analysis::kernels_name(points.front().analysis.kernels));
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

// The workbook of a sweep: one sheet `sweep`, one row per point, with the columns of sweep_csv() as numbers.
void sweep_xlsx(std::ostream& out, const std::vector<SweepPoint>& points) {
  using spreadsheet::Style;
  std::vector<std::string> names = swept_names(points);
  std::vector<const report::Total*> shown = swept_totals(points);
  std::vector<spreadsheet::IntegerFigure> figures;  // for each total; used by the integer ones
  for (const report::Total* total : shown) {
    spreadsheet::IntegerFigure figure{std::string(total->key), false, total->kind == report::TotalKind::kBytes};
    for (const SweepPoint& p : points) {
      report::Value v = total->get(p.analysis);
      figure.exact =
          figure.exact || (v.kind == report::ValueKind::kInteger && spreadsheet::past_exact_doubles(v.integer));
    }
    figures.push_back(figure);
  }
  std::vector<spreadsheet::SheetColumn> columns;
  for (const std::string& name : names) columns.push_back({name, Style::kInteger});
  for (std::size_t t = 0; t < shown.size(); ++t) {
    switch (shown[t]->kind) {
      case report::TotalKind::kCount:
      case report::TotalKind::kBytes:
        spreadsheet::add_columns(columns, figures[t]);
        break;
      case report::TotalKind::kSeconds:
        columns.push_back({figures[t].key, Style::kSeconds, true});
        break;
      case report::TotalKind::kRatio:
        columns.push_back({figures[t].key, Style::kDecimal, true});
        break;
    }
  }
  spreadsheet::Sheet sheet("sweep", std::move(columns));
  for (const SweepPoint& p : points) {
    sheet.begin_row();
    for (const std::string& name : names) {
      auto it = std::find_if(p.values.begin(), p.values.end(), [&](const auto& value) { return value.first == name; });
      it != p.values.end() ? sheet.integer(it->second) : sheet.empty();
    }
    for (std::size_t t = 0; t < shown.size(); ++t) {
      report::Value v = shown[t]->get(p.analysis);
      if (v.kind == report::ValueKind::kInteger) {
        spreadsheet::write_cells(sheet, figures[t], v.integer);
      } else {
        sheet.number(v.decimal, shown[t]->decimals);
      }
    }
  }
  std::vector<spreadsheet::Sheet> sheets;
  sheets.push_back(std::move(sheet));
  spreadsheet::write_workbook(out, sheets);
}

}  // namespace nnscope::emit
