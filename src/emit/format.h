#pragma once
// Internal to the emitters: number and text formatting they share, and a read-only view of the graph
// that answers the structural questions a collapsed row raises (which tensors cross its boundary).
#include <array>
#include <cassert>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analysis.h"
#include "report/graph_view.h"

namespace nnscope::emit::detail {

using sym::Int;

std::string thousands(Int value);  // 25,557,032
// Finite, never in scientific notation, at most `decimals` places and trailing zeros trimmed: CSV and
// JSON readers must not meet "inf" or "1e+06" where they expect a plain number.
std::string decimal(double value, int decimals = 6);
void append_decimal(std::string& out, double value, int decimals = 6);  // the same, appended to `out`

// Terminal columns a UTF-8 string occupies (every glyph we print is one column wide).
std::size_t display_width(std::string_view text);
// Shortens to `width` columns, marking the cut with an ellipsis.
std::string truncate(const std::string& text, std::size_t width);
std::string pad_right(const std::string& text, std::size_t width);
std::string pad_left(const std::string& text, std::size_t width);
// Every line of `text` longer than `width` columns broken at spaces (a formula before its "+"), the rest indented
// two columns past the line's own indentation; a word longer than the width is cut.
std::string wrap_lines(const std::string& text, std::size_t width);

std::vector<std::string> split_path(const std::string& path);
std::string join_shapes(const std::vector<std::vector<Int>>& shapes);  // "2x64;2x10"
std::string join_shapes(const analysis::ShapeList& shapes);
std::string join_shapes(const std::vector<const std::vector<Int>*>& shapes);  // evaluated shapes of a report row

// "resnet50 (batch=1, height=224)": the values at the analysis' bindings, in declaration order.
std::string model_title(const analysis::Analysis& analysis);
Int parameter_value(const analysis::Analysis& analysis, const ir::ModelParameter& parameter);

// Whether `text` goes into a JSON string as it is (printable ASCII other than '"' and '\\').
bool plain_json_text(std::string_view text);

// Pretty-printed JSON, one member per line, with small arrays and objects kept on one line so a diff
// of two runs shows one changed figure as one changed line.
//
// A 1M-op report makes ~50M calls here, so each call reserves room once and writes through a raw pointer
// into `out_` (rather than making many small std::string appends, each checking capacity), separators are
// slices of one ready-made ",\n      ..." string, and the emitter's own key names skip the escaping scan.
class JsonWriter {
 public:
  JsonWriter() = default;
  // Writes to `sink` as it goes (take() writes the rest), so a 1M-op report never exists as one string.
  explicit JsonWriter(std::ostream& sink) : sink_(&sink) {}
  void begin_object(bool one_line = false);
  void end_object();
  void begin_array(bool one_line = false);
  void end_array();
  JsonWriter& key(std::string_view name);
  // A key spelled in the emitters' source, a string literal: plain by construction (asserted in debug
  // builds), so it is copied without the escaping scan a model's parameter names need.
  template <std::size_t N>
  JsonWriter& key(const char (&name)[N]) {
    assert(plain_json_text(name));
    // Inline, so that the name's length is known here and its copy is a few moves, not a memcpy call.
    std::size_t length = std::char_traits<char>::length(name);
    char* p = start(length + 4);
    *p++ = '"';
    std::memcpy(p, name, length);
    std::memcpy(p + length, "\": ", 3);
    commit(p + length + 3);
    after_key_ = true;
    return *this;
  }
  // A key known to be plain text (a column name from report::columns()): copied without the escaping scan.
  JsonWriter& plain_key(std::string_view name) {
    assert(plain_json_text(name));
    char* p = start(name.size() + 4);
    *p++ = '"';
    std::memcpy(p, name.data(), name.size());
    std::memcpy(p + name.size(), "\": ", 3);
    commit(p + name.size() + 3);
    after_key_ = true;
    return *this;
  }
  // A key made ready once (`"name": ` in a fixed-size buffer) for a writer that writes it a million times: then
  // each write is a fixed-size copy, not a call to memcpy. Names longer than kMaxName are written as plain_key.
  struct PreparedKey {
    static constexpr std::size_t kBytes = 48, kMaxName = kBytes - 4;
    explicit PreparedKey(std::string_view key) : name(key) {
      assert(plain_json_text(key));
      if (key.size() > kMaxName) return;
      text[0] = '"';
      std::memcpy(text.data() + 1, key.data(), key.size());
      std::memcpy(text.data() + 1 + key.size(), "\": ", 3);
      size = key.size() + 4;
    }
    std::string_view name;
    std::array<char, kBytes> text{};
    std::size_t size = 0;  // 0: too long to prepare
  };
  JsonWriter& key(const PreparedKey& prepared) {
    if (prepared.size == 0) [[unlikely]]
      return plain_key(prepared.name);
    char* p = start(PreparedKey::kBytes);
    std::memcpy(p, prepared.text.data(), PreparedKey::kBytes);
    commit(p + prepared.size);
    after_key_ = true;
    return *this;
  }
  // `"name": value` in one step (one separator, one reservation): a 1M-op report writes 19 million of them.
  void integer_member(const PreparedKey& prepared, Int value) {
    if (prepared.size == 0 || value < INT64_MIN || value > INT64_MAX) [[unlikely]] {
      key(prepared).integer(value);
      return;
    }
    constexpr std::size_t kDigits = 20;  // INT64_MIN: a sign and 19 digits
    char* p = start(PreparedKey::kBytes + kDigits);
    std::memcpy(p, prepared.text.data(), PreparedKey::kBytes);
    p += prepared.size;
    commit(std::to_chars(p, p + kDigits, static_cast<std::int64_t>(value)).ptr);
  }
  void string(std::string_view text);
  void integer(Int value);
  void number(double value);                // finite; NaN and infinities are written as 0
  void number(double value, int decimals);  // with up to `decimals` places (roofline times in seconds)
  void boolean(bool value);
  void null();
  std::string take();

 private:
  struct Level {
    bool one_line;
    bool empty = true;
  };
  // Separators are copied as a fixed kSeparatorCopy bytes (a store or two, not a memcpy call): their
  // source has that many bytes to read, and start() reserves that many to write.
  static constexpr std::size_t kSeparatorCopy = 16;
  std::string_view separator();  // what goes before the next key or value; marks the level non-empty
  // Writes the separator and returns where the key or value goes, with room for `bytes`.
  char* start(std::size_t bytes);
  // Room for `bytes` more at the returned position; commit(end) then keeps what was written up to `end`.
  char* reserve(std::size_t bytes) {
    if (out_.size() - size_ < bytes) [[unlikely]]
      make_room(bytes);
    return out_.data() + size_;
  }
  void commit(char* end) { size_ = static_cast<std::size_t>(end - out_.data()); }
  void make_room(std::size_t bytes);
  void put(std::string_view text);  // a separator, then `text` as it is
  void open(char bracket, bool one_line);
  void close(char bracket);
  void clear();

  static constexpr std::size_t kFlushBytes = 1 << 16;
  std::ostream* sink_ = nullptr;
  std::vector<Level> stack_;
  std::string out_;  // out_[0, size_) is written, the rest is room (see reserve())
  std::size_t size_ = 0;
  // ",\n" and two spaces per level of stack_, and at least kSeparatorCopy to spare.
  std::string indent_ = ",\n" + std::string(64, ' ');
  bool after_key_ = false;
};

// The "totals" object shared by json() and sweep_json() (written after its key).
void write_totals(JsonWriter& json, const analysis::Analysis& analysis);

// The structural view and its rows live with the row model (src/report/); the emitters read them from there.
using report::GraphView;
using report::Row;

}  // namespace nnscope::emit::detail
