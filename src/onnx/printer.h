#pragma once
// The .nn text of an imported model, and the pieces of text the translation rules build. Strings from the
// ONNX file reach the text only through these functions: comments are one line of printable characters
// (comment_text), names are identifiers or labels (naming.h), and error messages quote names with control
// characters escaped (quoted). So no producer string, node name or op_type can end a comment, inject code or
// send escape codes to a terminal.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "onnx/naming.h"
#include "onnx/value.h"

namespace nnscope::onnx {

// The shortest text that reads back as the same float (ONNX attributes are float32): 1e-05, not 9.99999975e-06.
// Always has a '.' or an exponent, so the language reads a float.
std::string number_text(double v);
std::string list_text(const std::vector<std::string>& items);
std::string ints_text(const std::vector<std::int64_t>& values);
std::string elems_text(const std::vector<IntElem>& values);

// `text` as part of a one-line comment: control characters, invalid UTF-8 and bidirectional overrides
// become '?', and more than `max_chars` bytes are cut with "...".
std::string comment_text(std::string_view text, std::size_t max_chars = 200);
// `text` in single quotes for an error message: control characters and bytes outside printable ASCII
// escaped as \xNN, long names cut with "...".
std::string quoted_name(std::string_view text, std::size_t max_chars = 120);

// Whether the language's parser takes `rhs` as written: brackets nested at most kMaxTextNesting deep.
inline constexpr int kMaxTextNesting = 200;
bool nesting_within_limit(std::string_view rhs);

// Writes `tied_to = "PATH"` into every statement that reuses another's weights, PATH being the path the
// language will give the owning op. Paths follow the interpreter's rule: an op takes its label (the
// outermost call of a statement) or its operator's name (nested calls), with "_1", "_2", ... when taken.
void resolve_tied_weights(std::vector<Stmt>& stmts);

struct ModelText {
  std::string source;  // the file's name
  std::string producer_name;
  std::string producer_version;
  std::int64_t opset = 0;
  std::size_t nodes = 0;
  std::map<std::string, std::pair<int, std::string>> unsupported;  // op_type -> nodes not costed, first reason
  std::string name;
  std::vector<std::string> notes;  // further header comment lines
  std::vector<std::string> size_params;
  std::vector<std::string> inputs;  // "x: f32[batch, 3]"
  const std::vector<Stmt>* stmts = nullptr;
  std::vector<std::string> returned;
};

std::string print_model(const ModelText& model);

}  // namespace nnscope::onnx
