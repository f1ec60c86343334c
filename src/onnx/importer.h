#pragma once
// ONNX import: translates an ONNX graph into nnscope model source text (one `model`, one statement per
// operator), so an imported model goes through the normal pipeline: `nnscope analyze model.onnx` is the
// import followed by load_program_from_text, and `nnscope import` writes the text. docs/onnx.md describes
// the mapping of every operator.
#include <stdexcept>
#include <string>

#include "onnx/onnx_model.h"

namespace nnscope::onnx {

class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The .nn source of `model`, a model named `model_name` (sanitised). Throws ImportError for a graph that
// cannot be translated (an input no node produces, a weight of unknown shape, ...). Operators without a rule
// become not-costed `unsupported(...)` ops; they never stop the import.
std::string import_model(const Model& model, const std::string& model_name, const std::string& source_name);

// Reads and decodes `path`, then imports it; the model is named after the file's stem. Errors (unreadable,
// malformed protobuf, untranslatable graph) throw ImportError with a message that starts with the path and,
// for malformed protobuf, names the byte offset and the field.
std::string import_file(const std::string& path);

}  // namespace nnscope::onnx
