#include "source/source.h"

#include <algorithm>

namespace nnscope {

FileId SourceManager::add(std::string name, std::string text) {
  auto file = std::make_unique<SourceFile>();
  file->name = std::move(name);
  file->text = std::move(text);
  files_.push_back(std::move(file));
  return static_cast<FileId>(files_.size() - 1);
}

const std::vector<std::uint32_t>& SourceManager::line_starts(FileId id) const {
  SourceFile& file = *files_[id];
  if (file.line_starts.empty()) {
    file.line_starts.push_back(0);
    for (std::uint32_t i = 0; i < file.text.size(); ++i) {
      if (file.text[i] == '\n') file.line_starts.push_back(i + 1);
    }
  }
  return file.line_starts;
}

LineColumn SourceManager::line_column(FileId id, std::uint32_t offset) const {
  const auto& starts = line_starts(id);
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  std::uint32_t line = static_cast<std::uint32_t>(it - starts.begin());
  return LineColumn{line, offset - starts[line - 1] + 1};
}

std::string_view SourceManager::line_text(FileId id, std::uint32_t offset) const {
  const auto& starts = line_starts(id);
  const std::string& text = files_[id]->text;
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  std::uint32_t begin = *(it - 1);
  std::uint32_t end = begin;
  while (end < text.size() && text[end] != '\n') ++end;
  if (end > begin && text[end - 1] == '\r') --end;
  return std::string_view(text).substr(begin, end - begin);
}

}  // namespace nnscope
