#include "emit/html_charts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "emit/emit.h"
#include "emit/format.h"
#include "emit/svg.h"

namespace nnscope::emit::charts {
namespace {

constexpr double kWidth = 960;
constexpr double kLeft = 70, kRight = kWidth - 16;
// Above this many rows a bar carries no tooltip: 10,000 titles would double the page.
constexpr std::size_t kMaxTooltips = 2000;

double d(sym::Int v) { return static_cast<double>(v); }

const char* unit_class(analysis::Unit unit) {
  switch (unit) {
    case analysis::Unit::kMatrix:
      return "u-matrix";
    case analysis::Unit::kVector:
      return "u-vector";
    case analysis::Unit::kSpecial:
      return "u-special";
    case analysis::Unit::kMemory:
      return "u-memory";
  }
  return "u-memory";
}

std::string shortened(const std::string& text, std::size_t width = 36) {
  if (text.size() <= width) return text;
  return "…" + text.substr(text.size() - (width - 1));
}

void legend(svg::Writer& out, double x, double y, const std::vector<std::pair<std::string, std::string>>& items) {
  for (const auto& [name, css_class] : items) {
    out.rect(x, y - 9, 10, 10, css_class);
    out.text(x + 14, y, name);
    x += 24 + 7.0 * static_cast<double>(name.size());
  }
}

std::string data_chart(std::string_view key, std::size_t bars) {
  return "data-chart=\"" + std::string(key) + "\" data-bars=\"" + std::to_string(bars) + "\"";
}

}  // namespace

std::string row_bars(const std::vector<ChartRow>& rows, std::string_view chart_key, std::string_view title,
                     std::string_view unit, const std::vector<Series>& series, std::size_t label_count) {
  const double height = 230, top = 34, bottom = 180;
  std::vector<double> sums(rows.size(), 0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const Series& s : series) sums[i] += s.get(rows[i]);
  }
  double max = sums.empty() ? 0 : *std::max_element(sums.begin(), sums.end());
  svg::Writer out(kWidth, height, "chart bars-chart", data_chart(chart_key, rows.size()), title);
  svg::Scale y(0, max > 0 ? max : 1, bottom, top, false);
  out.y_axis(y, kLeft, kRight, unit);
  out.line(kLeft, bottom, kRight, bottom, "axis");
  out.text(kLeft, bottom + 16, "layers in execution order →", "start", "tick");
  if (series.size() > 1) {
    std::vector<std::pair<std::string, std::string>> items;
    for (const Series& s : series) items.emplace_back(std::string(s.name), std::string(s.css_class));
    legend(out, kLeft + 4, 14, items);
  }
  double slot = rows.empty() ? 0 : (kRight - kLeft) / static_cast<double>(rows.size());
  double bar_width = slot >= 3 ? slot * 0.8 : slot;
  bool tooltips = rows.size() <= kMaxTooltips;
  out.open_group("bars");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double x = kLeft + slot * static_cast<double>(i);
    std::string tip;
    if (tooltips) {
      tip = rows[i].path + " (" + rows[i].kind + "): " + svg::short_number(sums[i]) + " " + std::string(unit);
    }
    if (series.size() == 1) {
      double v = sums[i];
      out.rect(x, y(v), bar_width, bottom - y(v), series[0].css_class, tip);
      continue;
    }
    out.open_group("bar");
    double base = 0;
    for (std::size_t k = 0; k < series.size(); ++k) {
      double v = series[k].get(rows[i]);
      if (v > 0) out.rect(x, y(base + v), bar_width, y(base) - y(base + v), series[k].css_class, k == 0 ? tip : "");
      base += v;
    }
    out.close_group();
  }
  out.close_group();
  // The heaviest rows, numbered on the chart and named beneath it.
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::size_t labelled = std::min(label_count, rows.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(labelled), order.end(),
                    [&](std::size_t a, std::size_t b) { return sums[a] > sums[b] || (sums[a] == sums[b] && a < b); });
  for (std::size_t rank = 0; rank < labelled && sums[order[rank]] > 0; ++rank) {
    std::size_t i = order[rank];
    double x = kLeft + slot * (static_cast<double>(i) + 0.5);
    out.text(x, y(sums[i]) - 3, std::to_string(rank + 1), "middle", "mark");
    // Names in three columns of two lines beneath the chart.
    std::string name = std::to_string(rank + 1) + " " + shortened(rows[i].path, 44);
    out.text(kLeft + 290 * static_cast<double>(rank / 2), bottom + 36 + 12 * static_cast<double>(rank % 2), name,
             "start", "label");
  }
  return out.finish();
}

std::string time_bars(const std::vector<ChartRow>& rows) {
  const double height = 230, top = 34, bottom = 180;
  double max = 0;
  for (const ChartRow& r : rows) max = std::max(max, r.time_s);
  svg::Writer out(kWidth, height, "chart bars-chart", data_chart("time", rows.size()),
                  "Estimated time per layer, coloured by the unit that bounds it");
  svg::Scale y(0, max > 0 ? max * 1e6 : 1, bottom, top, false);
  out.y_axis(y, kLeft, kRight, "µs");
  legend(out, kLeft + 4, 14,
         {{"matrix", "u-matrix"}, {"vector", "u-vector"}, {"special", "u-special"}, {"memory", "u-memory"}});
  double slot = rows.empty() ? 0 : (kRight - kLeft) / static_cast<double>(rows.size());
  double bar_width = slot >= 3 ? slot * 0.8 : slot;
  bool tooltips = rows.size() <= kMaxTooltips;
  out.open_group("bars");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double v = rows[i].time_s * 1e6;
    std::string tip =
        tooltips ? rows[i].path + ": " + detail::decimal(v, 3) + " µs, " + analysis::unit_name(rows[i].bound) + "-bound"
                 : "";
    out.rect(kLeft + slot * static_cast<double>(i), y(v), bar_width, bottom - y(v), unit_class(rows[i].bound), tip);
  }
  out.close_group();
  out.text(kLeft, bottom + 16, "layers in execution order →", "start", "tick");
  return out.finish();
}

std::string roofline_chart(const std::vector<ChartRow>& rows, const analysis::Roofline& roofline, bool training) {
  const double height = 420, top = 30, bottom = 370;
  struct Point {
    double x, y;
    std::size_t row;
  };
  std::vector<Point> points;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ChartRow& r = rows[i];
    double flops = d(r.figures.flops) + (training ? d(r.training.flops) : 0);
    double intensity = r.figures.intensity();
    if (r.time_s > 0 && flops > 0 && intensity > 0) points.push_back({intensity, flops / r.time_s, i});
  }
  double peak = std::max({roofline.matrix_peak, roofline.vector_peak, roofline.special_peak, 1.0});
  // Two decades either side of the ridge and four below the peak, widened to every point.
  double x_low = roofline.ridge_point / 100, x_high = roofline.ridge_point * 100;
  double y_low = peak / 1e4;
  for (const Point& p : points) {
    x_low = std::min(x_low, p.x / 2);
    x_high = std::max(x_high, p.x * 2);
    y_low = std::min(y_low, p.y / 2);
  }
  x_low = std::pow(10.0, std::floor(std::log10(x_low)));
  x_high = std::pow(10.0, std::ceil(std::log10(x_high)));
  y_low = std::pow(10.0, std::floor(std::log10(y_low)));
  double y_high = std::pow(10.0, std::ceil(std::log10(peak * 1.5)));
  svg::Writer out(kWidth, height, "chart roofline",
                  "data-chart=\"roofline\" data-points=\"" + std::to_string(points.size()) + "\"",
                  "Roofline of " + roofline.hardware);
  svg::Scale x(x_low, x_high, kLeft, kRight, true), y(y_low, y_high, bottom, top, true);
  out.x_axis(x, bottom, top, "arithmetic intensity (FLOP/byte)");
  out.y_axis(y, kLeft, kRight, "attained FLOP/s");
  // Each compute roof is flat at its peak and meets the memory slope (bandwidth × intensity) at its ridge.
  struct Roof {
    const char* name;
    double peak;
    const char* css_class;
  };
  std::string matrix_name = "matrix (" + roofline.matrix_dtype + ")";
  const Roof roofs[] = {{matrix_name.c_str(), roofline.matrix_peak, "roof u-matrix"},
                        {"vector", roofline.vector_peak, "roof u-vector"},
                        {"special", roofline.special_peak, "roof u-special"}};
  double bw = roofline.memory_bandwidth;
  double label_right = kRight - 4;  // each roof's label left of the previous one: equal peaks would overlap
  for (const Roof& roof : roofs) {
    if (!(roof.peak > 0) || !(bw > 0)) continue;
    double ridge = roof.peak / bw;
    double start = std::max(x_low, std::min(ridge, x_high));
    out.polyline({{x(x_low), y(bw * x_low)}, {x(start), y(std::min(roof.peak, bw * start))}, {x(x_high), y(roof.peak)}},
                 roof.css_class);
    out.text(label_right, y(roof.peak) - 4, roof.name + std::string(" ") + svg::short_number(roof.peak) + "op/s", "end",
             "roof-label");
    label_right -= 190;
  }
  if (bw > 0) {
    out.text(x(x_low) + 6, y(bw * x_low) - 6, "memory " + svg::short_number(bw) + "B/s", "start", "roof-label");
  }
  bool tooltips = points.size() <= kMaxTooltips;
  out.open_group("points");
  for (const Point& p : points) {
    const ChartRow& r = rows[p.row];
    std::string tip = tooltips ? r.path + " (" + r.kind + "): " + detail::decimal(p.x, 2) + " FLOP/byte, " +
                                     analysis::unit_name(r.bound) + "-bound"
                               : "";
    out.circle(x(p.x), y(p.y), 3.5, std::string("point ") + unit_class(r.bound), tip);
  }
  out.close_group();
  legend(out, kLeft + 10, top + 14,
         {{"matrix-bound", "u-matrix"},
          {"vector-bound", "u-vector"},
          {"special-bound", "u-special"},
          {"memory-bound", "u-memory"}});
  return out.finish();
}

std::string op_type_chart(const std::vector<analysis::OpTypeTotal>& types) {
  std::vector<const analysis::OpTypeTotal*> sorted;
  for (const analysis::OpTypeTotal& t : types) sorted.push_back(&t);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->figures.flops > b->figures.flops; });
  constexpr std::size_t kMax = 24;
  std::size_t shown = std::min(sorted.size(), kMax);
  double row_height = 18, top = 10;
  double height = top + row_height * static_cast<double>(shown) + 20;
  double total = 0, max = 0;
  for (const auto* t : sorted) {
    total += d(t->figures.flops);
    max = std::max(max, d(t->figures.flops));
  }
  svg::Writer out(kWidth, height, "chart", data_chart("op_types", shown), "FLOPs by op type");
  const double name_width = 180, bar_left = name_width + 10, bar_right = kWidth - 200;
  out.open_group("bars");
  for (std::size_t i = 0; i < shown; ++i) {
    const analysis::OpTypeTotal& t = *sorted[i];
    double y = top + row_height * static_cast<double>(i);
    double v = d(t.figures.flops);
    double w = max > 0 ? (bar_right - bar_left) * v / max : 0;
    out.rect(bar_left, y + 3, w, row_height - 6, "s-macs", t.kind + ": " + sym::to_string(t.figures.flops) + " FLOPs");
  }
  out.close_group();
  for (std::size_t i = 0; i < shown; ++i) {
    const analysis::OpTypeTotal& t = *sorted[i];
    double y = top + row_height * static_cast<double>(i) + 13;
    out.text(name_width, y, t.kind + " ×" + std::to_string(t.count), "end");
    double share = total > 0 ? 100 * d(t.figures.flops) / total : 0;
    out.text(bar_right + 8, y, human_count(t.figures.flops, "FLOPs") + " (" + detail::decimal(share, 1) + "%)");
  }
  if (sorted.size() > shown) {
    out.text(name_width, height - 4, std::to_string(sorted.size() - shown) + " more op types in the table below", "end",
             "tick");
  }
  return out.finish();
}

std::string training_memory_chart(const analysis::TrainTotals& t) {
  const std::pair<const char*, sym::Int> parts[] = {{"weights", t.weight_bytes},
                                                    {"fp32 master weights", t.master_weight_bytes},
                                                    {"gradients", t.gradient_bytes},
                                                    {"optimizer state", t.optimizer_bytes},
                                                    {"saved activations", t.saved_activation_bytes}};
  const char* classes[] = {"m-0", "m-1", "m-2", "m-3", "m-4"};
  double total = d(t.train_memory_bytes);
  svg::Writer out(kWidth, 110, "chart", data_chart("train_memory", 5), "Training memory of one step");
  double x = kLeft;
  out.open_group("bars");
  for (int i = 0; i < 5; ++i) {
    double w = total > 0 ? (kRight - kLeft) * d(parts[i].second) / total : 0;
    out.rect(x, 10, w, 36, classes[i], std::string(parts[i].first) + ": " + human_bytes(parts[i].second));
    x += w;
  }
  out.close_group();
  double lx = kLeft;
  for (int i = 0; i < 5; ++i) {
    std::string name = std::string(parts[i].first) + " " + human_bytes(parts[i].second);
    double ly = 70 + 18 * (i % 2);
    out.rect(lx, ly - 9, 10, 10, classes[i]);
    out.text(lx + 14, ly, name);
    if (i % 2 == 1) lx += 300;
  }
  return out.finish();
}

std::string structure_diagram(const std::vector<StructureBox>& boxes,
                              const std::vector<std::pair<std::size_t, std::size_t>>& edges, std::size_t depth) {
  const double box_height = 30, gap = 14, left = 20, box_width = 560, top = 10;
  double height = top + (box_height + gap) * static_cast<double>(boxes.size()) + 10;
  svg::Writer out(kWidth, height, "chart structure",
                  "data-chart=\"structure\" data-boxes=\"" + std::to_string(boxes.size()) + "\"",
                  "Model structure at depth " + std::to_string(depth));
  auto box_top = [&](std::size_t i) { return top + (box_height + gap) * static_cast<double>(i); };
  // Skip edges first, as arcs to the right of the boxes: the longer the skip, the wider the arc.
  out.open_group("edges");
  for (const auto& [from, to] : edges) {
    double y1 = box_top(from) + box_height / 2, y2 = box_top(to) + box_height / 2;
    if (to == from + 1) {
      out.line(left + box_width / 2, box_top(from) + box_height, left + box_width / 2, box_top(to), "link");
      continue;
    }
    double bulge = std::min(300.0, 30 + 12 * static_cast<double>(to - from));
    double x = left + box_width;
    out.path("M" + svg::coordinate(x) + " " + svg::coordinate(y1) + " C" + svg::coordinate(x + bulge) + " " +
                 svg::coordinate(y1) + " " + svg::coordinate(x + bulge) + " " + svg::coordinate(y2) + " " +
                 svg::coordinate(x) + " " + svg::coordinate(y2),
             "skip");
  }
  out.close_group();
  out.open_group("boxes");
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const StructureBox& b = boxes[i];
    double y = box_top(i);
    out.rect(left, y, box_width, box_height, b.kind == "block" ? "box block" : "box op",
             b.path + " (" + std::to_string(b.ops) + " ops)");
    std::string title = shortened(b.path, 40) + " · " + (b.kind == "block" ? std::to_string(b.ops) + " ops" : b.kind);
    out.text(left + 8, y + 19, title, "start", "box-label");
    out.text(left + box_width - 8, y + 19, shortened(b.shape, 30), "end", "box-shape");
  }
  out.close_group();
  return out.finish();
}

std::string sweep_chart(std::string_view key, std::string_view title, std::string_view x_title,
                        const std::vector<double>& xs, const std::vector<double>& ys,
                        const std::vector<std::string>& point_labels) {
  const double width = 460, height = 280, left = 70, right = width - 16, top = 30, bottom = 230;
  double x_low = xs.empty() ? 0 : *std::min_element(xs.begin(), xs.end());
  double x_high = xs.empty() ? 1 : *std::max_element(xs.begin(), xs.end());
  double y_low = ys.empty() ? 0 : *std::min_element(ys.begin(), ys.end());
  double y_high = ys.empty() ? 1 : *std::max_element(ys.begin(), ys.end());
  bool x_log = svg::spans_decades(x_low, x_high), y_log = svg::spans_decades(y_low, y_high);
  if (x_log) {
    x_low = std::pow(10.0, std::floor(std::log10(x_low)));
    x_high = std::pow(10.0, std::ceil(std::log10(x_high)));
  }
  if (y_log) {
    y_low = std::pow(10.0, std::floor(std::log10(y_low)));
    y_high = std::pow(10.0, std::ceil(std::log10(y_high)));
  } else {
    y_low = std::min(0.0, y_low);
    if (!(y_high > y_low)) y_high = y_low + 1;
  }
  if (!(x_high > x_low)) x_high = x_low + 1;
  svg::Writer out(width, height, "chart sweep",
                  "data-chart=\"sweep-" + std::string(key) + "\" data-points=\"" + std::to_string(xs.size()) + "\"",
                  std::string(title) + " against " + std::string(x_title));
  svg::Scale x(x_low, x_high, left, right, x_log), y(y_low, y_high, bottom, top, y_log);
  out.x_axis(x, bottom, top, std::string(x_title) + (x_log ? " (log)" : ""));
  out.y_axis(y, left, right, std::string(title) + (y_log ? " (log)" : ""));
  std::vector<std::pair<double, double>> line;
  for (std::size_t i = 0; i < xs.size(); ++i) line.emplace_back(x(xs[i]), y(ys[i]));
  out.polyline(line, "series");
  out.open_group("points");
  for (std::size_t i = 0; i < xs.size(); ++i) {
    out.circle(line[i].first, line[i].second, 3.5, "point u-matrix", point_labels[i] + ": " + svg::short_number(ys[i]));
  }
  out.close_group();
  out.text(left, 18, title, "start", "chart-title");
  return out.finish();
}

}  // namespace nnscope::emit::charts
