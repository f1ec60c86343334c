#pragma once
// Diagnostics in the style of clang: "file:line:col: error: message", the source line, a caret under the
// span, then notes (e.g. the chain of block instantiations).
//
// The one error style of nnscope:
// - A phase reports a problem in the input as a Diagnostic with the location of what caused it: the parser and
//   the static checker collect them in a list (several independent errors in one run), the interpreter and the
//   analysis stop at the first by throwing DiagnosticError. An ONNX import error names the node (its name,
//   op_type and index) in its message.
// - Symbolic arithmetic throws sym::OverflowError / sym::DomainError (both sym::ArithmeticError); the interpreter
//   and the analysis turn them into a DiagnosticError at the op or expression they happened in. Code that can
//   recover (a sweep point evaluated elsewhere) catches sym::ArithmeticError and nothing broader.
// - Operator rules throw ops::OpError, which the interpreter locates at the argument it names.
// - The driver (src/driver/driver.h) is the one place that renders errors and chooses the exit status: it turns
//   every error above into a driver::Failure (text and status); the CLI prints it. Nothing else catches
//   std::exception.
#include <exception>
#include <string>
#include <vector>

#include "source/source.h"

namespace nnscope {

enum class Severity { kError, kWarning, kNote };

struct DiagnosticNote {
  Location location;  // may be Location::none() for a note without a place
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  Location location;
  std::string message;
  std::vector<DiagnosticNote> notes;
};

// Thrown by phases that stop at their first error (the interpreter); the parser collects instead.
class DiagnosticError : public std::exception {
 public:
  explicit DiagnosticError(Diagnostic diagnostic) : diagnostic_(std::move(diagnostic)) {}
  DiagnosticError(Location location, std::string message)
      : diagnostic_{Severity::kError, location, std::move(message), {}} {}
  const char* what() const noexcept override { return diagnostic_.message.c_str(); }
  Diagnostic& diagnostic() { return diagnostic_; }
  const Diagnostic& diagnostic() const { return diagnostic_; }

 private:
  Diagnostic diagnostic_;
};

// Renders one diagnostic with its source excerpt and notes; ends with a newline.
std::string render(const Diagnostic& diagnostic, const SourceManager& sources);
std::string render_all(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources);

}  // namespace nnscope
