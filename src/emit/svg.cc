#include "emit/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnscope::emit::svg {

std::string coordinate(double value) {
  if (!std::isfinite(value)) value = 0;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  std::string s = buffer;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

Scale::Scale(double low, double high, double pixel_low, double pixel_high, bool log)
    : low_(low), high_(high), pixel_low_(pixel_low), pixel_high_(pixel_high), log_(log) {
  if (log_) {
    low_ = std::max(low_, 1e-300);
    high_ = std::max(high_, low_ * 10);
  } else if (!(high_ > low_)) {
    high_ = low_ + 1;
  }
}

double Scale::operator()(double value) const {
  double t;
  if (log_) {
    if (!(value > 0)) return pixel_low_;
    t = (std::log10(value) - std::log10(low_)) / (std::log10(high_) - std::log10(low_));
  } else {
    t = (value - low_) / (high_ - low_);
  }
  t = std::clamp(t, 0.0, 1.0);
  return pixel_low_ + t * (pixel_high_ - pixel_low_);
}

std::vector<double> Scale::ticks(int count) const {
  std::vector<double> ticks;
  if (log_) {
    int first = static_cast<int>(std::ceil(std::log10(low_) - 1e-9));
    int last = static_cast<int>(std::floor(std::log10(high_) + 1e-9));
    int step = std::max(1, (last - first + 1 + 7) / 8);  // at most ~8 decade labels
    for (int e = first; e <= last; e += step) ticks.push_back(std::pow(10.0, e));
    return ticks;
  }
  double raw = (high_ - low_) / std::max(1, count);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  for (double v = std::ceil(low_ / step) * step; v <= high_ + step * 1e-9; v += step) ticks.push_back(v);
  return ticks;
}

bool spans_decades(double low, double high) { return low > 0 && high / low >= 100; }

std::string short_number(double value) {
  if (value == 0) return "0";
  double magnitude = std::fabs(value);
  static const struct {
    double scale;
    const char* suffix;
  } kUnits[] = {{1e15, " P"}, {1e12, " T"}, {1e9, " G"}, {1e6, " M"}, {1e3, " K"}};
  char buffer[32];
  for (const auto& unit : kUnits) {
    if (magnitude >= unit.scale) {
      std::snprintf(buffer, sizeof buffer, "%g%s", value / unit.scale, unit.suffix);
      return buffer;
    }
  }
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

Writer::Writer(double width, double height, std::string_view css_class, std::string_view data, std::string_view label) {
  out_ += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"";
  out_ += css_class;
  out_ += "\" viewBox=\"0 0 " + coordinate(width) + " " + coordinate(height) + "\" width=\"" + coordinate(width) +
          "\" height=\"" + coordinate(height) + "\" role=\"img\"";
  if (!data.empty()) {
    out_ += ' ';
    out_ += data;
  }
  out_ += "><title>";
  append_escaped(out_, label);
  out_ += "</title>\n";
}

namespace {
void class_attribute(std::string& out, std::string_view css_class) {
  if (css_class.empty()) return;
  out += " class=\"";
  out += css_class;
  out += '"';
}
void close_with_title(std::string& out, std::string_view element, std::string_view title) {
  if (title.empty()) {
    out += "/>";
    return;
  }
  out += "><title>";
  append_escaped(out, title);
  out += "</title></";
  out += element;
  out += '>';
}
}  // namespace

void Writer::rect(double x, double y, double w, double h, std::string_view css_class, std::string_view title) {
  out_ += "<rect x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\" width=\"" + coordinate(std::max(w, 0.0)) +
          "\" height=\"" + coordinate(std::max(h, 0.0)) + "\"";
  class_attribute(out_, css_class);
  close_with_title(out_, "rect", title);
  out_ += '\n';
}

void Writer::line(double x1, double y1, double x2, double y2, std::string_view css_class) {
  out_ += "<line x1=\"" + coordinate(x1) + "\" y1=\"" + coordinate(y1) + "\" x2=\"" + coordinate(x2) + "\" y2=\"" +
          coordinate(y2) + "\"";
  class_attribute(out_, css_class);
  out_ += "/>\n";
}

void Writer::polyline(const std::vector<std::pair<double, double>>& points, std::string_view css_class) {
  out_ += "<polyline points=\"";
  for (std::size_t i = 0; i < points.size(); ++i) {
    out_ += (i ? " " : "") + coordinate(points[i].first) + "," + coordinate(points[i].second);
  }
  out_ += "\"";
  class_attribute(out_, css_class);
  out_ += "/>\n";
}

void Writer::path(std::string_view d, std::string_view css_class) {
  out_ += "<path d=\"";
  out_ += d;
  out_ += "\"";
  class_attribute(out_, css_class);
  out_ += "/>\n";
}

void Writer::circle(double x, double y, double r, std::string_view css_class, std::string_view title) {
  out_ += "<circle cx=\"" + coordinate(x) + "\" cy=\"" + coordinate(y) + "\" r=\"" + coordinate(r) + "\"";
  class_attribute(out_, css_class);
  close_with_title(out_, "circle", title);
  out_ += '\n';
}

void Writer::text(double x, double y, std::string_view content, std::string_view anchor, std::string_view css_class) {
  out_ += "<text x=\"" + coordinate(x) + "\" y=\"" + coordinate(y) + "\"";
  if (anchor != "start") {
    out_ += " text-anchor=\"";
    out_ += anchor;
    out_ += '"';
  }
  class_attribute(out_, css_class);
  out_ += '>';
  append_escaped(out_, content);
  out_ += "</text>\n";
}

void Writer::open_group(std::string_view css_class, std::string_view data) {
  out_ += "<g";
  class_attribute(out_, css_class);
  if (!data.empty()) {
    out_ += ' ';
    out_ += data;
  }
  out_ += ">\n";
}

void Writer::close_group() { out_ += "</g>\n"; }

void Writer::axis(const Scale& scale, bool horizontal, double at, double across) {
  double start = scale(scale.low()), end = scale(scale.high());
  if (horizontal) {
    line(start, at, end, at, "axis");
  } else {
    line(at, start, at, end, "axis");
  }
  for (double tick : scale.ticks()) {
    double p = scale(tick);
    if (horizontal) {
      line(p, across, p, at, "grid");
      text(p, at + 14, short_number(tick), "middle", "tick");
    } else {
      line(at, p, across, p, "grid");
      text(at - 4, p + 4, short_number(tick), "end", "tick");
    }
  }
}

void Writer::x_axis(const Scale& scale, double bottom, double top, std::string_view title) {
  axis(scale, true, bottom, top);
  text((scale(scale.low()) + scale(scale.high())) / 2, bottom + 30, title, "middle", "axis-title");
}

void Writer::y_axis(const Scale& scale, double left, double right, std::string_view title) {
  axis(scale, false, left, right);
  double bottom = scale(scale.low()), top = scale(scale.high());
  std::string y = coordinate((top + bottom) / 2);
  out_ += "<text x=\"12\" y=\"" + y + "\" text-anchor=\"middle\" class=\"axis-title\" transform=\"rotate(-90 12 " + y +
          ")\">";
  append_escaped(out_, title);
  out_ += "</text>\n";
}

std::string Writer::finish() {
  out_ += "</svg>\n";
  return std::move(out_);
}

}  // namespace nnscope::emit::svg
