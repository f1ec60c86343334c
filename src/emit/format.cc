#include "emit/format.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <unordered_set>

#include "emit/emit.h"

namespace nnscope::emit {
namespace {

using sym::Int;

Int magnitude(Int value) { return value < 0 ? sym::checked_neg(value) : value; }

// `value` in units of base^k with two decimals, rounded half up in exact arithmetic (a double would
// lose the low digits of a 10^23 count). Moves to the next unit when rounding reaches 1000.00 / 1024.00,
// so 999,999 prints as "1.00 M" and never as "1000.00 K".
std::string scaled(Int value, Int base, const std::vector<std::string>& units) {
  std::string sign = value < 0 ? "-" : "";
  Int v = magnitude(value);
  if (v < base) return sign + sym::to_string(v) + (units[0].empty() ? "" : " " + units[0]);
  std::size_t k = 1;
  Int divisor = base;
  while (k + 1 < units.size() && v / divisor >= base) {
    divisor *= base;
    ++k;
  }
  for (;;) {
    Int q = v / divisor;
    Int r = v % divisor;
    Int hundredths = q * 100 + (r * 200 + divisor) / (2 * divisor);
    if (hundredths >= base * 100 && k + 1 < units.size()) {
      divisor *= base;
      ++k;
      continue;
    }
    std::string frac = sym::to_string(hundredths % 100);
    if (frac.size() < 2) frac = "0" + frac;
    return sign + sym::to_string(hundredths / 100) + "." + frac + " " + units[k];
  }
}

// Bytes that JSON strings may hold as they are: printable ASCII other than '"' and '\\'.
constexpr std::array<bool, 256> kPlainJsonByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7f; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

void append_utf8_escaped(std::string& out, std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  std::size_t i = 0;
  while (i < text.size()) {
    // Paths, names and keys are plain ASCII: copy such runs whole rather than byte by byte.
    std::size_t run = i;
    while (run < text.size() && kPlainJsonByte[static_cast<unsigned char>(text[run])]) ++run;
    out.append(text.data() + i, run - i);
    i = run;
    if (i == text.size()) break;
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // JSON text must be valid UTF-8; a malformed sequence becomes U+FFFD rather than invalid output.
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (c > 0xF4) length = 0;
    bool ok = length != 0 && i + length <= text.size();
    for (std::size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (ok && length >= 3) {
      auto c1 = static_cast<unsigned char>(text[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;  // overlong
      if (c == 0xED && c1 > 0x9F) ok = false;  // surrogate
      if (c == 0xF0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xF4 && c1 > 0x8F) ok = false;  // beyond U+10FFFF
    }
    if (ok) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
}

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  append_utf8_escaped(out, text);
  out += '"';
  return out;
}

std::string shape_text(const std::vector<sym::Int>& shape) {
  if (shape.empty()) return "scalar";
  std::string out;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) out += 'x';
    out += sym::to_string(shape[i]);
  }
  return out;
}

std::string human_count(sym::Int value, const std::string& unit) {
  static const std::vector<std::string> kUnits = {"", "K", "M", "G", "T", "P", "E", "Z", "Y"};
  std::string text = scaled(value, 1000, kUnits);
  return unit.empty() ? text : text + " " + unit;
}

std::string human_bytes(sym::Int bytes) {
  static const std::vector<std::string> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
  return scaled(bytes, 1024, kUnits);
}

namespace detail {

std::string thousands(Int value) {
  std::string digits = sym::to_string(magnitude(value));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

void append_decimal(std::string& out, double value, int decimals) {
  if (!std::isfinite(value)) {
    out += '0';
    return;
  }
  // Fixed notation with `decimals` places, correctly rounded (as printf's %.*f), without printf's cost.
  char buffer[512];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) {
    out += '0';
    return;
  }
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") text = "0";
  out += text;
}

std::string decimal(double value, int decimals) {
  std::string text;
  append_decimal(text, value, decimals);
  return text;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

std::string truncate(const std::string& text, std::size_t width) {
  if (display_width(text) <= width) return text;
  if (width == 0) return "";
  std::string out;
  std::size_t columns = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool starts = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (starts && ++columns > width - 1) break;
    out += text[i];
  }
  return out + "…";
}

std::string pad_right(const std::string& text, std::size_t width) {
  std::size_t w = display_width(text);
  return w >= width ? text : text + std::string(width - w, ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
  std::size_t w = display_width(text);
  return w >= width ? text : std::string(width - w, ' ') + text;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = path.find('.', start);
    segments.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return segments;
}

namespace {
template <typename Shapes>
std::string join_any_shapes(const Shapes& shapes) {
  std::string out;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    if (i) out += ';';
    out += shape_text(shapes[i]);
  }
  return out;
}
}  // namespace

std::string join_shapes(const std::vector<std::vector<Int>>& shapes) { return join_any_shapes(shapes); }
std::string join_shapes(const analysis::ShapeList& shapes) { return join_any_shapes(shapes); }

Int parameter_value(const analysis::Analysis& analysis, const ir::ModelParameter& parameter) {
  const Int* bound = analysis.bindings.find(parameter.name);
  return bound ? *bound : parameter.value;
}

std::string model_title(const analysis::Analysis& analysis) {
  const ir::Graph& graph = *analysis.graph;
  std::string title = graph.model_name;
  if (graph.parameters.empty()) return title;
  title += " (";
  for (std::size_t i = 0; i < graph.parameters.size(); ++i) {
    if (i) title += ", ";
    title += graph.parameters[i].name + "=" + sym::to_string(parameter_value(analysis, graph.parameters[i]));
  }
  return title + ")";
}

GraphView::GraphView(const analysis::Analysis& analysis)
    : analysis_(analysis), graph_(*analysis.graph), evaluator_(analysis.bindings) {
  std::size_t n = graph_.tensors.size();
  model_output_.assign(n, false);
  if (analysis_.tensor_shapes && analysis_.tensor_shapes->size() == n) {
    tensor_shapes_ = analysis_.tensor_shapes;
  } else {
    // An analysis without per-layer rows (a sweep point): evaluate here.
    auto shapes = std::make_shared<std::vector<std::vector<Int>>>(n);
    for (std::size_t t = 0; t < n; ++t) {
      try {
        for (const sym::Expr& d : graph_.tensors[t].shape) (*shapes)[t].push_back(evaluator_.evaluate_integer(d));
      } catch (const std::exception&) {
        (*shapes)[t].clear();
      }
    }
    tensor_shapes_ = std::move(shapes);
  }
  for (const ir::Output& o : graph_.outputs) model_output_[o.tensor] = true;
  consumer_begin_.assign(n + 1, 0);
  for (const ir::Op& op : graph_.ops) {
    for (ir::TensorId t : op.inputs) ++consumer_begin_[t + 1];
  }
  for (std::size_t t = 0; t < n; ++t) consumer_begin_[t + 1] += consumer_begin_[t];
  consumers_.resize(consumer_begin_[n]);
  std::vector<std::size_t> filled(consumer_begin_.begin(), consumer_begin_.end() - 1);
  for (std::size_t i = 0; i < graph_.ops.size(); ++i) {
    for (ir::TensorId t : graph_.ops[i].inputs) consumers_[filled[t]++] = i;
  }
}

bool GraphView::collapses(std::size_t depth) const {
  for (const analysis::Layer& layer : analysis_.layers) {
    if (graph_.ops[layer.op].depth() > depth) return true;
  }
  return false;
}

void GraphView::single_op_row(std::size_t layer, Row& row) const {
  const ir::Op& op = graph_.ops[analysis_.layers[layer].op];
  row.group.path = op.path;
  row.group.kind = op.kind;
  row.group.depth = op.depth();
  row.group.first_layer = row.group.last_layer = layer;
  row.group.op_count = 1;
  row.group.figures = analysis_.layers[layer].figures;
  row.layers.assign(1, layer);
  row.collapsed = false;
  row.fully_costed = op.costs().costed;
}

std::vector<Row> GraphView::rows(std::size_t depth) const {
  std::vector<Row> rows;
  if (!collapses(depth)) {
    rows.resize(analysis_.layers.size());
    for (std::size_t i = 0; i < rows.size(); ++i) single_op_row(i, rows[i]);
    return rows;
  }
  for (analysis::GroupRow& group : analysis::group_layers(analysis_, depth)) {
    Row row;
    const std::string& first_path = graph_.ops[analysis_.layers[group.first_layer].op].path;
    row.collapsed = first_path != group.path;
    std::string prefix = group.path + ".";
    for (std::size_t i = group.first_layer; i <= group.last_layer && i < analysis_.layers.size(); ++i) {
      const ir::Op& op = graph_.ops[analysis_.layers[i].op];
      bool member = row.collapsed ? op.path.compare(0, prefix.size(), prefix) == 0 : op.path == group.path;
      if (!member) continue;
      row.layers.push_back(i);
      if (!op.costs().costed) row.fully_costed = false;
    }
    row.group = std::move(group);
    rows.push_back(std::move(row));
  }
  return rows;
}

GraphView::Boundary GraphView::boundary(const std::vector<std::size_t>& layers) const {
  std::unordered_set<std::size_t> members;
  for (std::size_t i : layers) members.insert(analysis_.layers[i].op);
  Boundary b;
  std::unordered_set<ir::TensorId> seen_in, seen_out;
  for (std::size_t i : layers) {
    const ir::Op& op = graph_.ops[analysis_.layers[i].op];
    for (ir::TensorId t : op.inputs) {
      std::size_t producer = graph_.tensors[t].producer;
      if ((producer == ir::kNoOp || !members.count(producer)) && seen_in.insert(t).second) b.inputs.push_back(t);
    }
    for (ir::TensorId t : op.outputs) {
      bool escapes = model_output_[t];
      for (std::size_t c : consumers(t)) escapes = escapes || !members.count(c);
      if (escapes && seen_out.insert(t).second) b.outputs.push_back(t);
    }
  }
  return b;
}

std::vector<std::vector<Int>> GraphView::shapes(const std::vector<ir::TensorId>& tensors) const {
  std::vector<std::vector<Int>> out;
  out.reserve(tensors.size());
  for (ir::TensorId t : tensors) out.push_back(shape(t));
  return out;
}

std::vector<Int> GraphView::weight_shape(const ops::Weight& weight) const {
  std::vector<Int> dims;
  try {
    for (const sym::Expr& d : weight.shape) dims.push_back(evaluator_.evaluate_integer(d));
  } catch (const std::exception&) {
    dims.clear();
  }
  return dims;
}

}  // namespace detail
}  // namespace nnscope::emit

namespace nnscope::emit::detail {

void JsonWriter::newline() {
  static constexpr std::string_view kIndent =
      "\n                                                                                ";
  std::size_t width = 1 + 2 * stack_.size();
  if (width <= kIndent.size()) {
    out_.append(kIndent.data(), width);
  } else {
    out_ += '\n';
    out_.append(width - 1, ' ');
  }
}

// Separator and indentation before a value or a key, unless a key has just been written.
void JsonWriter::element() {
  if (sink_ && out_.size() >= kFlushBytes) {
    *sink_ << out_;
    out_.clear();
  }
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (stack_.empty()) return;
  Level& level = stack_.back();
  if (level.count++) out_ += ',';
  if (level.one_line) {
    if (level.count > 1) out_ += ' ';
  } else {
    newline();
  }
}

void JsonWriter::raw(const std::string& text) {
  element();
  out_ += text;
}

void JsonWriter::begin_object(bool one_line) {
  element();
  out_ += '{';
  stack_.push_back({true, one_line || (!stack_.empty() && stack_.back().one_line)});
}

void JsonWriter::begin_array(bool one_line) {
  element();
  out_ += '[';
  stack_.push_back({false, one_line || (!stack_.empty() && stack_.back().one_line)});
}

void JsonWriter::end_object() {
  Level level = stack_.back();
  stack_.pop_back();
  if (level.count && !level.one_line) newline();
  out_ += '}';
}

void JsonWriter::end_array() {
  Level level = stack_.back();
  stack_.pop_back();
  if (level.count && !level.one_line) newline();
  out_ += ']';
}

JsonWriter& JsonWriter::key(std::string_view name) {
  element();
  out_ += '"';
  // Keys are the emitter's own names and the model's parameter names: plain ASCII, so one copy does.
  bool plain = true;
  for (char c : name) plain = plain && kPlainJsonByte[static_cast<unsigned char>(c)];
  if (plain) {
    out_.append(name);
  } else {
    append_utf8_escaped(out_, name);
  }
  out_.append("\": ", 3);
  after_key_ = true;
  return *this;
}

void JsonWriter::string(const std::string& text) {
  element();
  out_ += '"';
  append_utf8_escaped(out_, text);
  out_ += '"';
}
void JsonWriter::integer(Int value) {
  element();
  // Most figures fit 64 bits; formatting those without a temporary string matters for 1M-op reports.
  if (value >= INT64_MIN && value <= INT64_MAX) {
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value));
    out_.append(buffer, end);
  } else {
    out_ += sym::to_string(value);
  }
}
void JsonWriter::number(double value) { number(value, 6); }
void JsonWriter::number(double value, int decimals) {
  element();
  append_decimal(out_, value, decimals);
}
void JsonWriter::boolean(bool value) { raw(value ? "true" : "false"); }
void JsonWriter::null() { raw("null"); }

std::string JsonWriter::take() {
  if (sink_) {
    *sink_ << out_ << '\n';
    out_.clear();
    stack_.clear();
    after_key_ = false;
    return {};
  }
  std::string out = std::move(out_);
  out_.clear();
  stack_.clear();
  after_key_ = false;
  return out + "\n";
}

}  // namespace nnscope::emit::detail
