#pragma once
// Diagnostics in the style of clang: "file:line:col: error: message", the source line, a caret under the
// span, then notes (e.g. the chain of block instantiations).
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
