#pragma once
// The standard library's .nn sources, compiled into the binary (see cmake/embed_stdlib.cmake).
#include <string>
#include <string_view>
#include <vector>

namespace nnscope::stdlib {

struct EmbeddedFile {
  std::string_view path;  // relative to stdlib_models/, e.g. "resnet50.nn" or "std/attention.nn"
  std::string_view text;
};

const std::vector<EmbeddedFile>& embedded_files();

}  // namespace nnscope::stdlib

namespace nnscope::stdlib {

// The text of an embedded file by its relative path ("std/attention.nn"), or nullptr.
const std::string_view* find_file(std::string_view path);
// The standard-library models: top-level files of stdlib_models/, without ".nn", sorted.
std::vector<std::string> model_names();

}  // namespace nnscope::stdlib
