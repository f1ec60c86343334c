#pragma once
// Source text and positions. Tokens and AST nodes carry byte offsets only; line and column are computed
// when a diagnostic is printed, so the hot path never counts lines.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nnscope {

using FileId = std::uint32_t;

// A half-open byte range [begin, end) in one file.
struct Location {
  FileId file = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool valid() const { return end >= begin && file != kNoFile; }
  static constexpr FileId kNoFile = ~FileId{0};
  static Location none() { return Location{kNoFile, 0, 0}; }
  // The range that spans from the start of `a` to the end of `b` (same file).
  static Location span(const Location& a, const Location& b) { return Location{a.file, a.begin, b.end}; }
};

struct LineColumn {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in bytes
};

struct SourceFile {
  std::string name;  // as shown in diagnostics: a path, or "<stdlib>/std/attention.nn"
  std::string text;
  std::vector<std::uint32_t> line_starts;  // computed lazily by SourceManager::line_column
};

// Owns every file read during one run. FileIds index into it.
class SourceManager {
 public:
  FileId add(std::string name, std::string text);
  const SourceFile& file(FileId id) const { return *files_[id]; }
  std::size_t size() const { return files_.size(); }
  LineColumn line_column(FileId id, std::uint32_t offset) const;
  // The text of the line containing `offset`, without its newline.
  std::string_view line_text(FileId id, std::uint32_t offset) const;

 private:
  const std::vector<std::uint32_t>& line_starts(FileId id) const;
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace nnscope
