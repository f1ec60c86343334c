#include "syntax/lexer.h"

#include <charconv>
#include <cstdio>
#include <system_error>

namespace nnscope::syntax {
namespace {

// Strings nested inside interpolations ("{f("{x}")}") are rescanned once per level by the parser, so the
// depth is bounded to keep hostile input linear. Each level is a string plus an interpolation.
constexpr std::size_t kMaxStringLevels = 16;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_identifier_char(char c) { return is_letter(c) || is_digit(c); }

struct Keyword {
  std::string_view spelling;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"model", TokenKind::kModel},   {"block", TokenKind::kBlock},   {"input", TokenKind::kInput},
    {"import", TokenKind::kImport}, {"for", TokenKind::kFor},       {"in", TokenKind::kIn},
    {"repeat", TokenKind::kRepeat}, {"if", TokenKind::kIf},         {"else", TokenKind::kElse},
    {"assert", TokenKind::kAssert}, {"return", TokenKind::kReturn}, {"and", TokenKind::kAnd},
    {"or", TokenKind::kOr},         {"not", TokenKind::kNot},       {"true", TokenKind::kTrue},
    {"false", TokenKind::kFalse},   {"const", TokenKind::kConst},   {"scope", TokenKind::kScope},
};

TokenKind identifier_kind(std::string_view spelling) {
  // Runs for every name in the file: the length and first letter rule out most keywords without a comparison.
  if (spelling.size() < 2 || spelling.size() > 6) return TokenKind::kIdentifier;
  for (const Keyword& keyword : kKeywords) {
    if (keyword.spelling.size() == spelling.size() && keyword.spelling[0] == spelling[0] &&
        keyword.spelling == spelling)
      return keyword.kind;
  }
  return TokenKind::kIdentifier;
}

std::string hex_byte(unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "0x%02X", static_cast<unsigned>(c));
  return buffer;
}

// The code point of a well-formed sequence of `length` bytes.
std::uint32_t decode_utf8(std::string_view text, std::size_t pos, int length) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[pos + i])); };
  switch (length) {
    case 1:
      return byte(0);
    case 2:
      return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3:
      return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default:
      return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
  }
}

}  // namespace

const char* token_kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kError:
      return "invalid token";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kInt:
      return "integer literal";
    case TokenKind::kFloat:
      return "float literal";
    case TokenKind::kString:
      return "string literal";
    case TokenKind::kModel:
      return "'model'";
    case TokenKind::kBlock:
      return "'block'";
    case TokenKind::kInput:
      return "'input'";
    case TokenKind::kImport:
      return "'import'";
    case TokenKind::kFor:
      return "'for'";
    case TokenKind::kIn:
      return "'in'";
    case TokenKind::kRepeat:
      return "'repeat'";
    case TokenKind::kIf:
      return "'if'";
    case TokenKind::kElse:
      return "'else'";
    case TokenKind::kAssert:
      return "'assert'";
    case TokenKind::kReturn:
      return "'return'";
    case TokenKind::kAnd:
      return "'and'";
    case TokenKind::kOr:
      return "'or'";
    case TokenKind::kNot:
      return "'not'";
    case TokenKind::kTrue:
      return "'true'";
    case TokenKind::kFalse:
      return "'false'";
    case TokenKind::kConst:
      return "'const'";
    case TokenKind::kScope:
      return "'scope'";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kAssign:
      return "'='";
    case TokenKind::kDotDot:
      return "'..'";
    case TokenKind::kEq:
      return "'=='";
    case TokenKind::kNe:
      return "'!='";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kSlashSlash:
      return "'//'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kAt:
      return "'@'";
    case TokenKind::kStarStar:
      return "'**'";
  }
  return "token";
}

void ErrorReporter::error(Location location, std::string message, std::vector<DiagnosticNote> notes) {
  if (count_ >= limit_) {
    if (count_ == limit_) {
      diagnostics_.push_back(Diagnostic{Severity::kError, location, "too many errors; stopping", {}});
      ++count_;
    }
    throw TooManyErrors{};
  }
  diagnostics_.push_back(Diagnostic{Severity::kError, location, std::move(message), std::move(notes)});
  ++count_;
}

int utf8_sequence_length(std::string_view text, std::size_t pos, std::size_t end) {
  auto at = [&](std::size_t i) { return pos + i < end ? static_cast<unsigned char>(text[pos + i]) : 0u; };
  auto continuation = [&](std::size_t i) { return (at(i) & 0xC0) == 0x80 && pos + i < end; };
  unsigned c = at(0);
  if (pos >= end) return 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    // Reject overlong forms (E0 80..9F) and UTF-16 surrogates (ED A0..BF).
    unsigned lo = c == 0xE0 ? 0xA0 : 0x80;
    unsigned hi = c == 0xED ? 0x9F : 0xBF;
    return at(1) >= lo && at(1) <= hi && pos + 1 < end && continuation(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    unsigned lo = c == 0xF0 ? 0x90 : 0x80;
    unsigned hi = c == 0xF4 ? 0x8F : 0xBF;
    return at(1) >= lo && at(1) <= hi && pos + 1 < end && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

bool decimal_value(std::string_view spelling, sym::Int* out) {
  using Unsigned = unsigned __int128;
  constexpr Unsigned kMax = ~Unsigned{0} >> 1;
  Unsigned value = 0;
  for (char c : spelling) {
    if (c == '_') continue;
    if (!is_digit(c)) return false;
    unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = static_cast<sym::Int>(value);
  return true;
}

StringScan scan_string(std::string_view text, std::uint32_t pos, std::uint32_t end, bool in_interpolation) {
  // One entry per open level: -1 inside a string, n >= 0 inside an interpolation with n unclosed '{' of its
  // own (an if-expression's braces). `opens` keeps where each level began, for the error location. The depth
  // is bounded, so fixed arrays do: this runs for every literal and every interpolation.
  int levels[kMaxStringLevels + 1];
  std::uint32_t opens[kMaxStringLevels + 1];
  std::size_t depth = 1;
  levels[0] = in_interpolation ? 0 : -1;
  opens[0] = pos;
  auto outermost_interpolation = [&]() -> std::uint32_t {
    for (std::size_t i = in_interpolation ? 1 : 0; i < depth; ++i) {
      if (levels[i] >= 0) return opens[i];
    }
    return StringScan::kNone;
  };
  auto fail = [&](StringScan::Status status) { return StringScan{status, pos, outermost_interpolation()}; };
  auto push = [&](int level) {
    levels[depth] = level;
    opens[depth] = pos;
    ++depth;
  };
  while (pos < end) {
    char c = text[pos];
    if (c == '\n') return fail(StringScan::kNewline);
    int& level = levels[depth - 1];
    if (level < 0) {
      if (c == '\\') {
        pos += (pos + 1 < end && text[pos + 1] != '\n') ? 2u : 1u;
        continue;
      }
      if (c == '"') {
        if (--depth == 0) return StringScan{StringScan::kClosed, pos, StringScan::kNone};
      } else if (c == '{') {
        if (pos + 1 < end && text[pos + 1] == '{') {
          pos += 2;
          continue;
        }
        push(0);
      }
    } else if (c == '"') {
      push(-1);
    } else if (c == '{') {
      ++level;
    } else if (c == '}') {
      if (level == 0) {
        if (--depth == 0) return StringScan{StringScan::kClosed, pos, StringScan::kNone};
      } else {
        --level;
      }
    }
    if (depth == kMaxStringLevels + 1) {
      while (pos < end && text[pos] != '\n') ++pos;
      return StringScan{StringScan::kTooDeep, pos, StringScan::kNone};
    }
    ++pos;
  }
  return fail(StringScan::kEnd);
}

Lexer::Lexer(std::string_view text, FileId file, std::uint32_t begin, std::uint32_t end, ErrorReporter& errors)
    : text_(text), file_(file), begin_(begin), end_(end), pos_(begin), errors_(errors) {
  if (end_ > text_.size()) end_ = static_cast<std::uint32_t>(text_.size());
  if (begin_ > end_) begin_ = pos_ = end_;
}

void Lexer::skip_comment() {
  bool reported = false;
  while (pos_ < end_ && text_[pos_] != '\n') {
    if (static_cast<unsigned char>(text_[pos_]) < 0x80) {
      ++pos_;
      continue;
    }
    int length = utf8_sequence_length(text_, pos_, end_);
    if (length == 0) {
      if (!reported) errors_.error(location(pos_, pos_ + 1), "invalid UTF-8 in comment (source files must be UTF-8)");
      reported = true;
      length = 1;
    }
    pos_ += static_cast<std::uint32_t>(length);
  }
}

void Lexer::skip_trivia(Token& token) {
  // Doc tracking: a comment counts only when it has its line to itself (`line_start`), and a blank line
  // (a line with neither code nor comment) detaches the comments above it.
  bool line_start = pos_ == begin_;
  bool line_has_comment = false;
  std::uint32_t doc_begin = 0;
  std::uint32_t doc_end = 0;
  while (pos_ < end_) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++pos_;
    } else if (c == '\n') {
      if (line_start && !line_has_comment) doc_begin = doc_end = 0;
      token.newline_before = true;
      line_start = true;
      line_has_comment = false;
      ++pos_;
    } else if (c == '#') {
      std::uint32_t start = pos_;
      skip_comment();
      if (line_start) {
        if (doc_begin == doc_end) doc_begin = start;
        doc_end = pos_;
        line_has_comment = true;
      }
    } else {
      break;
    }
  }
  if (line_start) {
    token.doc_begin = doc_begin;
    token.doc_end = doc_end;
  }
}

Token Lexer::next() {
  Token token;
  skip_trivia(token);
  std::uint32_t start = pos_;
  if (pos_ >= end_) {
    token.kind = TokenKind::kEnd;
    token.location = location(end_, end_);
    return token;
  }
  char c = text_[pos_];
  char c1 = pos_ + 1 < end_ ? text_[pos_ + 1] : '\0';
  auto punct = [&](TokenKind kind, std::uint32_t length) {
    pos_ += length;
    return kind;
  };
  TokenKind kind;
  if (is_letter(c)) {
    while (pos_ < end_ && is_identifier_char(text_[pos_])) ++pos_;
    kind = identifier_kind(text_.substr(start, pos_ - start));
  } else if (is_digit(c)) {
    kind = lex_number(start);
  } else {
    switch (c) {
      case '"':
        kind = lex_string(start);
        break;
      case '(':
        kind = punct(TokenKind::kLParen, 1);
        break;
      case ')':
        kind = punct(TokenKind::kRParen, 1);
        break;
      case '[':
        kind = punct(TokenKind::kLBracket, 1);
        break;
      case ']':
        kind = punct(TokenKind::kRBracket, 1);
        break;
      case '{':
        kind = punct(TokenKind::kLBrace, 1);
        break;
      case '}':
        kind = punct(TokenKind::kRBrace, 1);
        break;
      case ',':
        kind = punct(TokenKind::kComma, 1);
        break;
      case ':':
        kind = punct(TokenKind::kColon, 1);
        break;
      case '+':
        kind = punct(TokenKind::kPlus, 1);
        break;
      case '-':
        kind = punct(TokenKind::kMinus, 1);
        break;
      case '%':
        kind = punct(TokenKind::kPercent, 1);
        break;
      case '@':
        kind = punct(TokenKind::kAt, 1);
        break;
      case '=':
        kind = c1 == '=' ? punct(TokenKind::kEq, 2) : punct(TokenKind::kAssign, 1);
        break;
      case '<':
        kind = c1 == '=' ? punct(TokenKind::kLe, 2) : punct(TokenKind::kLt, 1);
        break;
      case '>':
        kind = c1 == '=' ? punct(TokenKind::kGe, 2) : punct(TokenKind::kGt, 1);
        break;
      case '*':
        kind = c1 == '*' ? punct(TokenKind::kStarStar, 2) : punct(TokenKind::kStar, 1);
        break;
      case '/':
        kind = c1 == '/' ? punct(TokenKind::kSlashSlash, 2) : punct(TokenKind::kSlash, 1);
        break;
      case '!':
        kind = c1 == '=' ? punct(TokenKind::kNe, 2) : lex_bad_characters(start);
        break;
      case '.':
        kind = c1 == '.' ? punct(TokenKind::kDotDot, 2) : lex_bad_characters(start);
        break;
      default:
        kind = lex_bad_characters(start);
        break;
    }
  }
  token.kind = kind;
  token.location = location(start, pos_);
  token.text = text_.substr(start, pos_ - start);
  return token;
}

TokenKind Lexer::lex_number(std::uint32_t start) {
  bool has_separator = false;
  while (pos_ < end_ && (is_digit(text_[pos_]) || text_[pos_] == '_')) {
    has_separator |= text_[pos_] == '_';
    ++pos_;
  }
  bool is_float = false;
  if (pos_ + 1 < end_ && text_[pos_] == '.' && is_digit(text_[pos_ + 1])) {
    is_float = true;
    pos_ += 1;
    while (pos_ < end_ && is_digit(text_[pos_])) ++pos_;
  }
  if (pos_ < end_ && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
    std::uint32_t p = pos_ + 1;
    if (p < end_ && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (p < end_ && is_digit(text_[p])) {
      is_float = true;
      pos_ = p;
      while (pos_ < end_ && is_digit(text_[pos_])) ++pos_;
    }
  }
  // "2e", "12abc", "1.5x": one error for the whole run rather than a number followed by a stray name.
  if (pos_ < end_ && is_identifier_char(text_[pos_])) {
    while (pos_ < end_ && is_identifier_char(text_[pos_])) ++pos_;
    errors_.error(location(start, pos_),
                  "invalid number literal '" + std::string(text_.substr(start, pos_ - start)) + "'");
    return TokenKind::kError;
  }
  std::string_view spelling = text_.substr(start, pos_ - start);
  if (is_float) {
    if (has_separator) {
      errors_.error(location(start, pos_), "'_' separators are only allowed in integer literals");
      return TokenKind::kError;
    }
    double value = 0;
    auto result = std::from_chars(spelling.data(), spelling.data() + spelling.size(), value);
    if (result.ec != std::errc() || result.ptr != spelling.data() + spelling.size()) {
      errors_.error(location(start, pos_), "floating-point literal out of range");
      return TokenKind::kError;
    }
    return TokenKind::kFloat;
  }
  sym::Int value = 0;
  if (!decimal_value(spelling, &value)) {
    errors_.error(location(start, pos_), "integer literal too large (the limit is 2^127 - 1)");
    return TokenKind::kError;
  }
  return TokenKind::kInt;
}

TokenKind Lexer::lex_string(std::uint32_t start) {
  StringScan scan = scan_string(text_, start + 1, end_, false);
  if (scan.status == StringScan::kClosed) {
    pos_ = scan.stop + 1;
    return TokenKind::kString;
  }
  // The rest of the line belongs to the broken literal; the next token starts after it.
  pos_ = scan.stop;
  if (scan.status == StringScan::kTooDeep) {
    errors_.error(location(start, scan.stop), "string literals nested too deeply in interpolations");
  } else if (scan.open_brace != StringScan::kNone) {
    errors_.error(location(scan.open_brace, scan.open_brace + 1),
                  "unclosed interpolation in string literal: expected '}'");
  } else if (scan.status == StringScan::kNewline) {
    errors_.error(location(start, scan.stop), "newline in string literal (string literals are single-line)");
  } else {
    errors_.error(location(start, scan.stop), "unterminated string literal");
  }
  return TokenKind::kError;
}

TokenKind Lexer::lex_bad_characters(std::uint32_t start) {
  auto is_bad = [&](std::uint32_t p) {
    unsigned char c = static_cast<unsigned char>(text_[p]);
    char next = p + 1 < end_ ? text_[p + 1] : '\0';
    if (c >= 0x80 || c == 0x7F) return true;
    if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
    switch (c) {
      case '$':
      case '?':
      case ';':
      case '\'':
      case '`':
      case '~':
      case '^':
      case '&':
      case '|':
      case '\\':
        return true;
      case '!':
        return next != '=';
      case '.':
        return next != '.';
      default:
        return false;
    }
  };
  unsigned char first = static_cast<unsigned char>(text_[start]);
  std::string message;
  if (first == 0) {
    message = "unexpected character: NUL byte";
  } else if (first < 0x20 || first == 0x7F) {
    message = "unexpected character: control character " + hex_byte(first);
  } else if (first >= 0x80) {
    int length = utf8_sequence_length(text_, start, end_);
    if (length == 0) {
      message = "unexpected character: invalid UTF-8 byte " + hex_byte(first) + " (source files must be UTF-8)";
    } else {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(decode_utf8(text_, start, length)));
      message = std::string("unexpected character ") + buffer +
                "; only ASCII is allowed outside string literals and comments";
    }
  } else {
    message = std::string("unexpected character '") + static_cast<char>(first) + "'";
  }
  // One error for a whole run of bad bytes: a stray binary blob should not produce thousands of errors.
  while (pos_ < end_ && is_bad(pos_)) ++pos_;
  errors_.error(location(start, pos_), std::move(message));
  return TokenKind::kError;
}

}  // namespace nnscope::syntax
