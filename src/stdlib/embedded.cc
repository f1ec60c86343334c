#include "stdlib/embedded.h"

#include <algorithm>

namespace nnscope::stdlib {

const std::string_view* find_file(std::string_view path) {
  for (const EmbeddedFile& file : embedded_files()) {
    if (file.path == path) return &file.text;
  }
  return nullptr;
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const EmbeddedFile& file : embedded_files()) {
    std::string_view path = file.path;
    if (path.find('/') != std::string_view::npos || !path.ends_with(".nn")) continue;
    names.emplace_back(path.substr(0, path.size() - 3));
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nnscope::stdlib
