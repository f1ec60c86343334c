// A --sweep: one row per point, the swept values first, then the totals at that point.
#include <algorithm>

#include "emit/emit.h"
#include "emit/format.h"
#include "emit/spreadsheet.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

using detail::pad_left;
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
  std::vector<const report::Total*> shown = swept_totals(points);
  for (bool exact : {false, true}) {
    std::vector<std::vector<std::string>> grid;
    std::vector<std::string> header = names;
    for (const report::Total* total : shown) header.emplace_back(total->title);
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
    append_grid(out, grid, names.size());
  }
  return out;
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
