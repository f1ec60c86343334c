#include "source/diagnostic.h"

#include <algorithm>

namespace nnscope {
namespace {

// Length of the valid UTF-8 sequence starting text, or 0 when it is not one.
std::size_t utf8_length(std::string_view text) {
  unsigned char c = static_cast<unsigned char>(text[0]);
  std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[i]) >> 6) != 0x2) return 0;
  }
  return length;
}

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

// "file:line:col: error: message\n  source line\n  caret line\n"
void render_one(std::string& out, Severity severity, const Location& location, const std::string& message,
                const SourceManager& sources) {
  if (!location.valid() || location.file >= sources.size()) {
    out += "nnscope: ";
    out += severity_name(severity);
    out += ": " + message + "\n";
    return;
  }
  const SourceFile& file = sources.file(location.file);
  std::uint32_t begin = std::min<std::uint32_t>(location.begin, static_cast<std::uint32_t>(file.text.size()));
  LineColumn lc = sources.line_column(location.file, begin);
  out += file.name + ":" + std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + severity_name(severity) +
         ": " + message + "\n";
  std::string_view line = sources.line_text(location.file, begin);
  // Very long lines (generated files, hostile input) are clipped around the caret so the excerpt stays readable.
  constexpr std::size_t kMaxExcerpt = 160;
  std::size_t column = lc.column - 1;
  std::size_t excerpt_begin = 0;
  if (line.size() > kMaxExcerpt && column > kMaxExcerpt / 2) excerpt_begin = column - kMaxExcerpt / 2;
  std::string_view excerpt = line.substr(excerpt_begin, kMaxExcerpt);
  std::string shown;
  std::string caret;
  for (std::size_t i = 0; i < excerpt.size();) {
    unsigned char c = static_cast<unsigned char>(excerpt[i]);
    // Control bytes and malformed UTF-8 print as '?', so a diagnostic is always clean text.
    std::size_t length = utf8_length(excerpt.substr(i));
    if (c == '\t' || (c >= 0x20 && c < 0x7f)) {
      shown += static_cast<char>(c);
    } else if (c >= 0x80 && length > 0) {
      shown.append(excerpt.substr(i, length));
    } else {
      shown += '?';
      length = 1;
    }
    // One caret column per character; a multi-byte character still takes one column.
    if (i + excerpt_begin < column) caret += c == '\t' ? '\t' : ' ';
    i += std::max<std::size_t>(length, 1);
  }
  if (column > line.size()) caret.append(column - std::max(line.size(), excerpt_begin), ' ');
  caret += '^';
  std::size_t span = location.end > begin ? location.end - begin : 1;
  std::size_t line_rest = line.size() > column ? line.size() - column : 0;
  std::size_t tildes = std::min(span, std::max<std::size_t>(line_rest, 1)) - 1;
  caret.append(std::min<std::size_t>(tildes, kMaxExcerpt), '~');
  out += "    " + shown + "\n";
  out += "    " + caret + "\n";
}

}  // namespace

std::string render(const Diagnostic& diagnostic, const SourceManager& sources) {
  std::string out;
  render_one(out, diagnostic.severity, diagnostic.location, diagnostic.message, sources);
  for (const DiagnosticNote& note : diagnostic.notes)
    render_one(out, Severity::kNote, note.location, note.message, sources);
  return out;
}

std::string render_all(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += render(d, sources);
  return out;
}

}  // namespace nnscope
