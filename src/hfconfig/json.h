#pragma once
// A JSON reader written for Hugging Face config.json files, to the standards of the .nn parser: every value and
// object key keeps its byte range in the file, and malformed or hostile input (truncated text, nesting 10^6 deep,
// huge numbers, control characters, duplicate keys) is a DiagnosticError at the offending character, never a crash,
// in time and memory linear in the file. RFC 8259 grammar; numbers keep their literal text until a caller asks for
// an integer or a float.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "source/diagnostic.h"
#include "source/source.h"
#include "symbolic/rational.h"

namespace nnscope::json {

constexpr std::size_t kMaxDepth = 256;  // nesting of arrays and objects

struct Member;

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  Location location = Location::none();  // the whole value, from its first to its last character
  bool boolean = false;
  std::string text;  // kString: the decoded string; kNumber: the literal as written
  std::vector<Value> items;
  std::vector<Member> members;  // in file order; keys are unique

  // The member named `key` of an object, or null.
  const Value* find(std::string_view key) const;
  // "null", "a boolean", "a number", "a string", "an array", "an object".
  const char* kind_name() const;
  // A number literal without fraction or exponent, within ±10^30. Empty otherwise.
  std::optional<sym::Int> integer() const;
  // A finite number (any literal form). Empty otherwise.
  std::optional<double> number() const;
};

struct Member {
  std::string key;
  Location key_location = Location::none();
  Value value;
};

// Parses the whole of `file` as one JSON value. Throws DiagnosticError at the first problem.
Value parse(const SourceManager& sources, FileId file);

// `text` (a string value) in double quotes as JSON writes it, with control characters as \u escapes: what a
// message quotes of a config never moves the terminal's cursor or colours it.
std::string quoted(std::string_view text);

}  // namespace nnscope::json
