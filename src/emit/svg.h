#pragma once
// A small SVG writer for the HTML report's charts: shapes, text (always escaped: a model's names are input, and
// text from an input never becomes markup), and linear or logarithmic axes with their ticks. It draws; the
// charts (emit/html_charts.cc) decide what.
#include <string>
#include <string_view>
#include <vector>

#include "emit/xml_text.h"

namespace nnscope::emit::svg {

// `text` as character data (emit/xml_text.h: entities for & < > " ', control characters removed).
inline std::string escape(std::string_view text) { return xml_text(text); }
inline void append_escaped(std::string& out, std::string_view text) { append_xml_text(out, text); }

// A coordinate with one decimal place ("12.5"), trailing ".0" dropped: charts are drawn in pixels.
std::string coordinate(double value);

// Maps data values to pixels along one axis, linearly or by log10 (values <= 0 map to the axis' start).
class Scale {
 public:
  Scale(double low, double high, double pixel_low, double pixel_high, bool log);
  double operator()(double value) const;
  bool log() const { return log_; }
  double low() const { return low_; }
  double high() const { return high_; }
  // Tick values: powers of ten for a log scale, 1/2/5 steps for a linear one (about `count` of them).
  std::vector<double> ticks(int count = 5) const;

 private:
  double low_, high_, pixel_low_, pixel_high_;
  bool log_;
};

// Whether a positive range spans at least two decades (a chart then uses a log axis).
bool spans_decades(double low, double high);

// A tick label: "1.5 G", "20 M", "0.5", "1e-6" style kept short.
std::string short_number(double value);

class Writer {
 public:
  // An <svg> of the given size; `css_class` and `data` (attributes written as they are, e.g. data-chart="macs")
  // come from the emitter, never from the model. `label` is the accessible name (escaped).
  Writer(double width, double height, std::string_view css_class, std::string_view data, std::string_view label);

  void rect(double x, double y, double w, double h, std::string_view css_class = {}, std::string_view title = {});
  void line(double x1, double y1, double x2, double y2, std::string_view css_class = {});
  void polyline(const std::vector<std::pair<double, double>>& points, std::string_view css_class = {});
  void path(std::string_view d, std::string_view css_class = {});
  void circle(double x, double y, double r, std::string_view css_class = {}, std::string_view title = {});
  // anchor: "start", "middle" or "end".
  void text(double x, double y, std::string_view content, std::string_view anchor = "start",
            std::string_view css_class = {});
  void open_group(std::string_view css_class, std::string_view data = {});
  void close_group();

  // Axes along the plot area (x from left to right at `bottom`, y from bottom to top at `left`), with ticks,
  // grid lines and titles.
  void x_axis(const Scale& scale, double bottom, double top, std::string_view title);
  void y_axis(const Scale& scale, double left, double right, std::string_view title);

  std::string finish();  // the closed <svg> element

 private:
  // The axis line at `at` (a y for a horizontal axis, an x for a vertical one), ticks, labels, and grid lines
  // reaching `across`.
  void axis(const Scale& scale, bool horizontal, double at, double across);
  std::string out_;
};

}  // namespace nnscope::emit::svg
