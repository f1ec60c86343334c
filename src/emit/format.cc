#include "emit/format.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
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
  for (int c = 0x20; c < 0x7f; ++c) plain[static_cast<std::size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// Longest escaped form of one input byte ("\u001f", "\ufffd"): room for text.size() * this will do.
constexpr std::size_t kMaxEscapedBytes = 6;

// Writes `text` escaped for a JSON string at `out`, which has room for kMaxEscapedBytes per byte of
// `text`; returns the end of what it wrote. Writing through a pointer keeps the common case, a plain
// ASCII name or path, at one table look-up and one store per byte.
// Whether none of 8 bytes needs escaping: none is a control character, DEL, non-ASCII, '"' or '\\'.
// (Bit tricks from "Bit Twiddling Hacks": each test is exact for "is there such a byte".)
bool plain_word(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
  auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  std::uint64_t above_tilde = ((w + kOnes) | w) & kHigh;  // 0x7f and up
  return !(below_space | above_tilde | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')));
}

// Whether `text` can be copied into a JSON string as it is, 8 bytes at a time.
bool plain_text(std::string_view text) {
  const char* p = text.data();
  std::size_t n = text.size();
  if (n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!kPlainJsonByte[static_cast<unsigned char>(p[i])]) return false;
    }
    return true;
  }
  std::uint64_t w;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if (!plain_word(w)) return false;
  }
  std::memcpy(&w, p + n - 8, 8);  // the last 8 bytes, overlapping the ones before when n is not a multiple
  return plain_word(w);
}

char* write_utf8_escaped(char* out, std::string_view text) {
  // Paths, names and keys are nearly always plain ASCII: one check and one copy.
  if (plain_text(text)) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  static const char* kHex = "0123456789abcdef";
  const char* in = text.data();
  const char* end = in + text.size();
  while (in != end) {
    auto c = static_cast<unsigned char>(*in);
    if (kPlainJsonByte[c]) {
      *out++ = static_cast<char>(c);
      ++in;
      continue;
    }
    if (c < 0x80) {
      const char* escape = nullptr;
      switch (c) {
        case '"':
          escape = "\\\"";
          break;
        case '\\':
          escape = "\\\\";
          break;
        case '\n':
          escape = "\\n";
          break;
        case '\r':
          escape = "\\r";
          break;
        case '\t':
          escape = "\\t";
          break;
        case '\b':
          escape = "\\b";
          break;
        case '\f':
          escape = "\\f";
          break;
        default:  // the other control characters and DEL
          std::memcpy(out, "\\u00", 4);
          out[4] = kHex[c >> 4];
          out[5] = kHex[c & 0xf];
          out += 6;
      }
      if (escape) {
        out[0] = escape[0];
        out[1] = escape[1];
        out += 2;
      }
      ++in;
      continue;
    }
    // JSON text must be valid UTF-8; a malformed sequence becomes U+FFFD rather than invalid output.
    std::size_t left = static_cast<std::size_t>(end - in);
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (c > 0xF4) length = 0;
    bool ok = length != 0 && length <= left;
    for (std::size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(in[k]) & 0xC0) == 0x80;
    if (ok && length >= 3) {
      auto c1 = static_cast<unsigned char>(in[1]);
      if (c == 0xE0 && c1 < 0xA0) ok = false;  // overlong
      if (c == 0xED && c1 > 0x9F) ok = false;  // surrogate
      if (c == 0xF0 && c1 < 0x90) ok = false;  // overlong
      if (c == 0xF4 && c1 > 0x8F) ok = false;  // beyond U+10FFFF
    }
    if (ok) {
      std::memcpy(out, in, length);
      out += length;
      in += length;
    } else {
      std::memcpy(out, "\\ufffd", 6);
      out += 6;
      ++in;
    }
  }
  return out;
}

// decimal_text() for |value| < 2^53 and at most 12 places, in exact integer arithmetic: each layer's
// intensity goes through here, and std::to_chars with a precision costs ~500 instructions. A double is
// m * 2^e exactly, so value * 10^decimals is (m * 10^decimals) >> -e with the shifted-out bits deciding the
// rounding: to nearest, ties to even, as printf and std::to_chars round the exact binary value.
// Returns false where it does not apply.
bool exact_decimal_text(char*& end, char* out, double value, int decimals) {
  static constexpr std::uint64_t kPow10[13] = {1,           10,           100,          1000,      10000,
                                               100000,      1000000,      10000000,     100000000, 1000000000,
                                               10000000000, 100000000000, 1000000000000};
  if (decimals < 0 || decimals > 12) return false;
  auto bits = std::bit_cast<std::uint64_t>(value);
  bool negative = bits >> 63;
  int biased = static_cast<int>((bits >> 52) & 0x7ff);
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  int shift = 1074;  // value = m * 2^-shift (subnormals)
  if (biased != 0) {
    m |= std::uint64_t{1} << 52;
    shift = 1075 - biased;
  }
  if (shift < 0) return false;  // 2^53 and beyond
  unsigned __int128 q = 0;
  // Below 2^-47 (shift > 100), value * 10^12 < 1/2: rounds to 0.
  if (shift <= 100) {
    unsigned __int128 scaled = static_cast<unsigned __int128>(m) * kPow10[decimals];  // < 2^93
    q = scaled >> shift;
    if (shift > 0) {
      unsigned __int128 rest = scaled & ((static_cast<unsigned __int128>(1) << shift) - 1);
      unsigned __int128 half = static_cast<unsigned __int128>(1) << (shift - 1);
      if (rest > half || (rest == half && (q & 1))) ++q;
    }
  }
  char* p = out;
  if (q == 0) {  // also -0 and negatives that round to 0: "0", never "-0"
    *p++ = '0';
    end = p;
    return true;
  }
  if (negative) *p++ = '-';
  auto whole = static_cast<std::uint64_t>(q / kPow10[decimals]);  // < 2^53
  auto fraction = static_cast<std::uint64_t>(q % kPow10[decimals]);
  p = std::to_chars(p, p + 20, whole).ptr;
  if (fraction != 0) {
    int digits = decimals;
    while (fraction % 10 == 0) {  // trailing zeros trimmed
      fraction /= 10;
      --digits;
    }
    *p++ = '.';
    for (int i = digits - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + fraction % 10);
      fraction /= 10;
    }
    p += digits;
  }
  end = p;
  return true;
}

// `value` as append_decimal() describes, in `buffer`.
std::string_view decimal_text(std::array<char, 512>& buffer, double value, int decimals) {
  if (!std::isfinite(value)) return "0";
  if (char* end; exact_decimal_text(end, buffer.data(), value, decimals)) {
    return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
  }
  // Fixed notation with `decimals` places, correctly rounded (as printf's %.*f), without printf's cost.
  auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "0";
  std::string_view text(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
  if (text.find('.') != std::string_view::npos) {
    while (text.back() == '0') text.remove_suffix(1);
    if (text.back() == '.') text.remove_suffix(1);
  }
  if (text == "-0") return "0";
  return text;
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
  std::string out(2 + kMaxEscapedBytes * text.size(), '\0');
  char* end = out.data();
  *end++ = '"';
  end = write_utf8_escaped(end, text);
  *end++ = '"';
  out.resize(static_cast<std::size_t>(end - out.data()));
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
  std::array<char, 512> buffer;
  out += decimal_text(buffer, value, decimals);
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

namespace {

// The byte offset where the first `columns` columns of `text` end.
std::size_t byte_offset(std::string_view text, std::size_t columns) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && seen++ == columns) return i;
  }
  return text.size();
}

void wrap_line(std::string& out, std::string_view line, std::size_t width) {
  std::size_t lead = line.find_first_not_of(' ');
  if (lead == std::string_view::npos) lead = 0;
  std::size_t indent = std::min(lead + 2, width / 2);
  std::string prefix;
  // The width left is kept up to date piece by piece: measuring the rest of the line on every cut would make a
  // line of a megabyte take its length squared over the width.
  std::size_t line_width = display_width(line);
  while (line_width + prefix.size() > width) {
    std::size_t room = width - prefix.size();
    std::size_t limit = byte_offset(line, room);  // line[0, limit) fits
    // Break at the last space that fits and is past the indentation, preferring one before an operator.
    std::size_t cut = std::string_view::npos;
    for (std::size_t i = limit; i-- > lead + 1;) {
      if (line[i] != ' ') continue;
      if (cut == std::string_view::npos) cut = i;
      if (i + 1 < line.size() && (line[i + 1] == '+' || line[i + 1] == '-')) {
        if (i * 3 >= limit * 2) cut = i;  // only when it does not waste a third of the line
        break;
      }
    }
    std::string_view head = cut == std::string_view::npos ? line.substr(0, limit) : line.substr(0, cut);
    while (!head.empty() && head.back() == ' ') head.remove_suffix(1);
    out += prefix;
    out += head;
    out += '\n';
    std::size_t taken = cut == std::string_view::npos ? limit : cut;
    while (taken < line.size() && line[taken] == ' ') ++taken;
    line_width -= display_width(line.substr(0, taken));
    line.remove_prefix(taken);
    prefix.assign(indent, ' ');
    lead = 0;
  }
  out += prefix;
  out += line;
  out += '\n';
}

}  // namespace

std::string wrap_lines(const std::string& text, std::size_t width) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    if (display_width(line) <= width) {
      out += line;
      out += '\n';
    } else {
      wrap_line(out, line, width);
    }
    start = end + 1;
  }
  return out;
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
    if constexpr (std::is_pointer_v<std::decay_t<decltype(shapes[i])>>) {
      out += shape_text(*shapes[i]);
    } else {
      out += shape_text(shapes[i]);
    }
  }
  return out;
}
}  // namespace

std::string join_shapes(const std::vector<std::vector<Int>>& shapes) { return join_any_shapes(shapes); }
std::string join_shapes(const analysis::ShapeList& shapes) { return join_any_shapes(shapes); }
std::string join_shapes(const std::vector<const std::vector<Int>*>& shapes) { return join_any_shapes(shapes); }

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

}  // namespace detail
}  // namespace nnscope::emit

namespace nnscope::emit::detail {

bool plain_json_text(std::string_view text) { return plain_text(text); }

namespace {
// The one-line separator, padded so that JsonWriter can copy kSeparatorCopy bytes of it.
constexpr char kOneLineSeparator[16] = {',', ' '};

// Copies `separator` to `out` (which has room for kSeparatorCopy more) and returns its end.
char* copy_separator(char* out, std::string_view separator) {
  if (separator.size() <= 16) {
    std::memcpy(out, separator.data(), 16);
  } else {
    std::memcpy(out, separator.data(), separator.size());
  }
  return out + separator.size();
}
}  // namespace

// Before a key or value: nothing after a key; else ", " or a newline and indentation (after a comma
// unless it is the first member). Every separator is a slice of indent_ or of kOneLineSeparator.
std::string_view JsonWriter::separator() {
  static_assert(kSeparatorCopy == sizeof kOneLineSeparator);
  if (after_key_ || stack_.empty()) {
    after_key_ = false;
    return {kOneLineSeparator, 0};
  }
  Level& level = stack_.back();
  bool first = level.empty;
  level.empty = false;
  if (level.one_line) return {kOneLineSeparator, first ? 0u : 2u};
  std::size_t width = 2 * stack_.size();
  return first ? std::string_view(indent_.data() + 1, 1 + width) : std::string_view(indent_.data(), 2 + width);
}

char* JsonWriter::start(std::size_t bytes) {
  std::string_view sep = separator();
  return copy_separator(reserve(kSeparatorCopy + sep.size() + bytes), sep);
}

void JsonWriter::make_room(std::size_t bytes) {
  if (sink_) {
    // Streaming: hand what is written to the sink, then reuse the buffer (64 KiB unless a value is longer).
    sink_->write(out_.data(), static_cast<std::streamsize>(size_));
    size_ = 0;
  }
  if (out_.size() - size_ < bytes) out_.resize(std::max({2 * out_.size(), size_ + bytes, kFlushBytes}));
}

void JsonWriter::put(std::string_view text) {
  char* p = start(text.size());
  std::memcpy(p, text.data(), text.size());
  commit(p + text.size());
}

void JsonWriter::open(char bracket, bool one_line) {
  char* p = start(1);
  *p = bracket;
  commit(p + 1);
  stack_.push_back({one_line || (!stack_.empty() && stack_.back().one_line)});
  std::size_t width = 2 + 2 * stack_.size() + kSeparatorCopy;
  if (indent_.size() < width) indent_ = ",\n" + std::string(2 * width, ' ');
}

void JsonWriter::close(char bracket) {
  Level level = stack_.back();
  stack_.pop_back();
  char* p = reserve(kSeparatorCopy + 2 * stack_.size() + 2);
  // A multi-line level that has members ends on its own line, at the indentation of its opening line.
  if (!level.empty && !level.one_line)
    p = copy_separator(p, std::string_view(indent_.data() + 1, 1 + 2 * stack_.size()));
  *p = bracket;
  commit(p + 1);
}

void JsonWriter::begin_object(bool one_line) { open('{', one_line); }
void JsonWriter::begin_array(bool one_line) { open('[', one_line); }
void JsonWriter::end_object() { close('}'); }
void JsonWriter::end_array() { close(']'); }

JsonWriter& JsonWriter::key(std::string_view name) {
  char* p = start(kMaxEscapedBytes * name.size() + 4);
  *p++ = '"';
  p = write_utf8_escaped(p, name);
  std::memcpy(p, "\": ", 3);
  commit(p + 3);
  after_key_ = true;
  return *this;
}

void JsonWriter::string(std::string_view text) {
  char* p = start(kMaxEscapedBytes * text.size() + 2);
  *p++ = '"';
  p = write_utf8_escaped(p, text);
  *p++ = '"';
  commit(p);
}

void JsonWriter::integer(Int value) {
  // Most figures fit 64 bits: those are formatted in place, without sym::to_string's temporary string.
  if (value < INT64_MIN || value > INT64_MAX) {
    put(sym::to_string(value));
    return;
  }
  constexpr std::size_t kDigits = 20;  // INT64_MIN: a sign and 19 digits
  char* p = start(kDigits);
  commit(std::to_chars(p, p + kDigits, static_cast<std::int64_t>(value)).ptr);
}

void JsonWriter::number(double value) { number(value, 6); }
void JsonWriter::number(double value, int decimals) {
  std::array<char, 512> buffer;
  put(decimal_text(buffer, value, decimals));
}
void JsonWriter::boolean(bool value) { put(value ? "true" : "false"); }
void JsonWriter::null() { put("null"); }

void JsonWriter::clear() {
  size_ = 0;
  stack_.clear();
  after_key_ = false;
}

std::string JsonWriter::take() {
  char* p = reserve(1);
  *p = '\n';
  commit(p + 1);
  if (sink_) {
    sink_->write(out_.data(), static_cast<std::streamsize>(size_));
    clear();
    return {};
  }
  out_.resize(size_);
  std::string out = std::move(out_);
  out_.clear();
  clear();
  return out;
}

}  // namespace nnscope::emit::detail
