#pragma once
// The lexer of .nn files (grammar/nnscope.ebnf). It works on a byte range of a file rather than on a whole
// file so that the inside of a string interpolation ("layer{i + 1}") can be lexed where it stands and every
// token keeps its real file offsets. Tokens carry byte offsets only; lines and columns are computed when a
// diagnostic is rendered.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "source/diagnostic.h"
#include "source/source.h"
#include "symbolic/rational.h"

namespace nnscope::syntax {

enum class TokenKind : std::uint8_t {
  kEnd,    // end of the lexed range
  kError,  // bad input; the lexer has already reported it, so the parser must not report it again
  kIdentifier,
  kInt,
  kFloat,
  kString,  // the whole literal with its quotes; the parser decodes escapes and interpolations
  // Keywords.
  kModel,
  kBlock,
  kInput,
  kImport,
  kFor,
  kIn,
  kRepeat,
  kIf,
  kElse,
  kAssert,
  kReturn,
  kAnd,
  kOr,
  kNot,
  kTrue,
  kFalse,
  kConst,
  kScope,
  // Punctuation.
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kComma,
  kColon,
  kAssign,  // =
  kDotDot,
  kEq,  // ==
  kNe,  // !=
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kSlashSlash,
  kPercent,
  kAt,
  kStarStar,
};

// "identifier", "'model'", "'('": for messages and test output.
const char* token_kind_name(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  // A line break lies between this token and the previous one; the parser uses it to end statements.
  bool newline_before = false;
  Location location;
  std::string_view text;  // the spelling, a view into the file's text
  // The run of '#' comment lines directly above this token, when the token starts its line and no blank line
  // separates them: [doc_begin, doc_end) in file offsets, empty when there is none. Definitions take their
  // documentation from it, which keeps the parser from scanning backwards through the text.
  std::uint32_t doc_begin = 0;
  std::uint32_t doc_end = 0;
};

// Collects the syntax errors of one parse. Past `limit` errors it records a final "too many errors; stopping"
// and throws TooManyErrors, so hostile input cannot flood the output.
class ErrorReporter {
 public:
  struct TooManyErrors {};

  explicit ErrorReporter(std::vector<Diagnostic>& diagnostics, std::size_t limit = 50)
      : diagnostics_(diagnostics), limit_(limit) {}
  void error(Location location, std::string message, std::vector<DiagnosticNote> notes = {});
  std::size_t count() const { return count_; }

 private:
  std::vector<Diagnostic>& diagnostics_;
  std::size_t limit_;
  std::size_t count_ = 0;
};

class Lexer {
 public:
  // Lexes text[begin, end) of `file`. `text` is the whole file, so token offsets are file offsets; the lexer
  // never reads outside [begin, end).
  Lexer(std::string_view text, FileId file, std::uint32_t begin, std::uint32_t end, ErrorReporter& errors);

  // The next token; kEnd (located at the end of the range) forever once the range is exhausted.
  Token next();

 private:
  void skip_trivia(Token& token);
  void skip_comment();
  TokenKind lex_number(std::uint32_t start);
  TokenKind lex_string(std::uint32_t start);
  TokenKind lex_bad_characters(std::uint32_t start);
  Location location(std::uint32_t begin, std::uint32_t end) const { return Location{file_, begin, end}; }

  std::string_view text_;
  FileId file_;
  std::uint32_t begin_;
  std::uint32_t end_;
  std::uint32_t pos_;
  ErrorReporter& errors_;
};

// The value of an integer literal's spelling (digits and '_' separators); false when it does not fit in
// sym::Int (the lexer reports that, so the parser only sees literals that fit).
bool decimal_value(std::string_view spelling, sym::Int* out);

// Where a string literal or an interpolation ends. Used by the lexer to find a literal's extent and by the
// parser to find the '}' that closes an interpolation, so the two always agree.
struct StringScan {
  enum Status {
    kClosed,   // `stop` is the closing '"' (or '}' when scanning an interpolation)
    kNewline,  // `stop` is the newline that interrupts the literal
    kEnd,      // the range ended first; `stop` is its end
    kTooDeep,  // strings nested in interpolations beyond the limit; `stop` is the end of the line
  };
  Status status;
  std::uint32_t stop;
  std::uint32_t open_brace;  // the outermost unclosed interpolation's '{' when not kClosed, else kNone
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
};
// Scans from `pos` (just after the opening '"', or just after the '{' of an interpolation when
// `in_interpolation`) without reading at or past `end`.
StringScan scan_string(std::string_view text, std::uint32_t pos, std::uint32_t end, bool in_interpolation);

// The length of the well-formed UTF-8 sequence at text[pos] (text[pos, end)), or 0 if it is malformed.
int utf8_sequence_length(std::string_view text, std::size_t pos, std::size_t end);

}  // namespace nnscope::syntax
