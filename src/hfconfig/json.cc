#include "hfconfig/json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <tuple>

#include "source/utf8.h"

namespace nnscope::json {
namespace {

class Parser {
 public:
  Parser(std::string_view text, FileId file) : text_(text), file_(file) {}

  Value document() {
    skip_space();
    Value v = value(0);
    skip_space();
    if (pos_ < text_.size()) fail(pos_, pos_ + 1, "unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void fail(std::size_t begin, std::size_t end, const std::string& message) const {
    std::size_t clamped_end = std::min(std::max(end, begin), text_.size());
    throw DiagnosticError(Location{file_, static_cast<std::uint32_t>(std::min(begin, text_.size())),
                                   static_cast<std::uint32_t>(clamped_end)},
                          message);
  }

  Location here(std::size_t begin) const {
    return Location{file_, static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(pos_)};
  }

  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  // Describes the character at `at` for an error message.
  std::string found(std::size_t at) const {
    if (at >= text_.size()) return "the end of the file";
    unsigned char c = static_cast<unsigned char>(text_[at]);
    if (c < 0x20 || c >= 0x7f) {
      static const char* kHex = "0123456789abcdef";
      return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
    }
    return std::string("'") + static_cast<char>(c) + "'";
  }

  Value value(std::size_t depth) {
    if (pos_ >= text_.size()) fail(pos_, pos_, "expected a value, found the end of the file");
    char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) {
        fail(pos_, pos_ + 1, "arrays and objects nest more than " + std::to_string(kMaxDepth) + " deep");
      }
      return c == '{' ? object(depth + 1) : array(depth + 1);
    }
    if (c == '"') {
      std::size_t begin = pos_;
      Value v;
      v.kind = Value::Kind::kString;
      v.text = string();
      v.location = here(begin);
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    for (const auto& [word, kind, truth] :
         {std::tuple{"true", Value::Kind::kBool, true}, std::tuple{"false", Value::Kind::kBool, false},
          std::tuple{"null", Value::Kind::kNull, false}}) {
      std::string_view w(word);
      if (text_.substr(pos_, w.size()) == w) {
        Value v;
        v.kind = kind;
        v.boolean = truth;
        v.location = Location{file_, static_cast<std::uint32_t>(pos_), static_cast<std::uint32_t>(pos_ + w.size())};
        pos_ += w.size();
        return v;
      }
    }
    std::size_t end = pos_;
    while (end < text_.size() && end - pos_ < 32 && std::isalnum(static_cast<unsigned char>(text_[end]))) ++end;
    std::string word(text_.substr(pos_, end - pos_));
    if (word == "NaN" || word == "Infinity") fail(pos_, end, "'" + word + "' is not a JSON number");
    fail(pos_, std::max(end, pos_ + 1), "expected a value, found " + found(pos_));
  }

  Value object(std::size_t depth) {
    std::size_t begin = pos_++;
    Value v;
    v.kind = Value::Kind::kObject;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      v.location = here(begin);
      return v;
    }
    while (true) {
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != '"') {
        fail(pos_, pos_ + 1, "expected a key (a string in double quotes), found " + found(pos_));
      }
      Member m;
      std::size_t key_begin = pos_;
      m.key = string();
      m.key_location = here(key_begin);
      for (const Member& other : v.members) {
        if (other.key == m.key) {
          Diagnostic d{Severity::kError, m.key_location, "key '" + m.key + "' appears twice in this object", {}};
          d.notes.push_back({other.key_location, "first here"});
          throw DiagnosticError(std::move(d));
        }
      }
      skip_space();
      if (pos_ >= text_.size() || text_[pos_] != ':') {
        fail(pos_, pos_ + 1, "expected ':' after the key '" + m.key + "', found " + found(pos_));
      }
      ++pos_;
      skip_space();
      m.value = value(depth);
      v.members.push_back(std::move(m));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
        v.location = here(begin);
        return v;
      }
      fail(pos_, pos_ + 1,
           "expected ',' or '}' in the object that starts at offset " + std::to_string(begin) + ", found " +
               found(pos_));
    }
  }

  Value array(std::size_t depth) {
    std::size_t begin = pos_++;
    Value v;
    v.kind = Value::Kind::kArray;
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      v.location = here(begin);
      return v;
    }
    while (true) {
      skip_space();
      v.items.push_back(value(depth));
      skip_space();
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
        v.location = here(begin);
        return v;
      }
      fail(pos_, pos_ + 1, "expected ',' or ']' in the array, found " + found(pos_));
    }
  }

  unsigned hex4(std::size_t at) {
    if (at + 4 > text_.size()) fail(at, text_.size(), "\\u needs four hexadecimal digits");
    unsigned value = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      char c = text_[i];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : 16;
      if (digit == 16) fail(i, i + 1, "\\u needs four hexadecimal digits, found " + found(i));
      value = value * 16 + static_cast<unsigned>(digit);
    }
    return value;
  }

  // A string literal starting at pos_ (the opening quote); returns its decoded contents.
  std::string string() {
    std::size_t begin = pos_++;
    std::string out;
    while (true) {
      if (pos_ >= text_.size()) fail(begin, pos_, "unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20) fail(pos_, pos_ + 1, "a control character (" + found(pos_) + ") in a string; write it escaped");
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      if (pos_ + 1 >= text_.size()) fail(begin, pos_ + 1, "unterminated string");
      char e = text_[pos_ + 1];
      const char* simple = "\"\\/bfnrt";
      const char* decoded = "\"\\/\b\f\n\r\t";
      if (const char* hit = std::char_traits<char>::find(simple, 8, e)) {
        out += decoded[hit - simple];
        pos_ += 2;
        continue;
      }
      if (e != 'u') fail(pos_, pos_ + 2, std::string("unknown escape \\") + found(pos_ + 1));
      unsigned code = hex4(pos_ + 2);
      std::size_t escape = pos_;
      pos_ += 6;
      if (code >= 0xd800 && code < 0xdc00) {
        if (text_.substr(pos_, 2) != "\\u") fail(escape, pos_, "a high surrogate \\u escape without its low half");
        unsigned low = hex4(pos_ + 2);
        if (low < 0xdc00 || low >= 0xe000) fail(pos_, pos_ + 6, "expected a low surrogate \\u escape");
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        pos_ += 6;
      } else if (code >= 0xdc00 && code < 0xe000) {
        fail(escape, pos_, "a low surrogate \\u escape without its high half");
      }
      append_utf8(out, static_cast<char32_t>(code));
    }
  }

  Value number() {
    std::size_t begin = pos_;
    auto digits = [&] {
      std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      return pos_ - start;
    };
    if (text_[pos_] == '-') ++pos_;
    std::size_t integer_start = pos_;
    if (digits() == 0) fail(begin, pos_ + 1, "expected digits in the number, found " + found(pos_));
    if (text_[integer_start] == '0' && pos_ - integer_start > 1) {
      fail(begin, pos_, "a number must not start with a 0 followed by more digits");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (digits() == 0) fail(begin, pos_ + 1, "expected digits after the decimal point, found " + found(pos_));
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (digits() == 0) fail(begin, pos_ + 1, "expected digits in the exponent, found " + found(pos_));
    }
    Value v;
    v.kind = Value::Kind::kNumber;
    v.text = std::string(text_.substr(begin, pos_ - begin));
    v.location = here(begin);
    return v;
  }

  std::string_view text_;
  FileId file_;
  std::size_t pos_ = 0;
};

}  // namespace

const Value* Value::find(std::string_view key) const {
  for (const Member& m : members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

const char* Value::kind_name() const {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kNumber:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kArray:
      return "an array";
    case Kind::kObject:
      return "an object";
  }
  return "a value";
}

std::optional<sym::Int> Value::integer() const {
  if (kind != Kind::kNumber || text.find_first_of(".eE") != std::string::npos) return std::nullopt;
  std::size_t digits = text.size() - (text[0] == '-' ? 1 : 0);
  if (digits > 30) return std::nullopt;  // keeps every product of config values far inside 128 bits
  sym::Int value = 0;
  for (char c : text) {
    if (c != '-') value = value * 10 + (c - '0');
  }
  return text[0] == '-' ? -value : value;
}

std::optional<double> Value::number() const {
  if (kind != Kind::kNumber) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

Value parse(const SourceManager& sources, FileId file) { return Parser(sources.file(file).text, file).document(); }

std::string quoted(std::string_view text) {
  static const char* kHex = "0123456789abcdef";
  auto u_escape = [](std::string& out, unsigned code) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(code >> shift) & 15];
  };
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto b = static_cast<unsigned char>(text[i]);
    auto next = [&](std::size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u; };
    if (b == '"' || b == '\\') {
      out += '\\';
      out += text[i];
    } else if (b < 0x20 || b == 0x7f) {
      u_escape(out, b);
    } else if (b == 0xc2 && next(1) >= 0x80 && next(1) < 0xa0) {  // C1 controls, U+0080..U+009F
      u_escape(out, next(1));
      i += 1;
    } else if (b == 0xe2 && ((next(1) == 0x80 && next(2) >= 0xaa && next(2) <= 0xae) ||
                             (next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9))) {
      u_escape(out, 0x2000u | ((next(1) & 0x3fu) << 6) | (next(2) & 0x3fu));  // bidirectional overrides
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out + "\"";
}

}  // namespace nnscope::json
