#pragma once
// ONNX import: translates an ONNX graph into nnscope model source text (one `model`, one statement per
// operator), so an imported model goes through the normal pipeline: `nnscope analyze model.onnx` is the
// import followed by load_program_from_text, and `nnscope import` writes the text. docs/onnx.md describes
// the mapping of every operator.
//
// The importer is split by concern: onnx_model (decoding), translator (the run loop and what rules see),
// rules_*.cc (one translation rule per op_type, registered in rules.h), folding (constant and shape
// arithmetic), naming (identifiers and labels) and printer (the .nn text). value.h says how errors flow.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

#include "onnx/onnx_model.h"

namespace nnscope::onnx {

// The node an error is about: its position in the graph, its name and op_type (as in the file).
struct NodeRef {
  std::size_t index = 0;
  std::string name;
  std::string op_type;
};

// An ONNX file that cannot be imported. what() is the whole message, "FILE: node 12 'name' (Conv): MESSAGE",
// with names quoted and escaped; the parts are kept for callers that place the error themselves.
class ImportError : public std::runtime_error {
 public:
  explicit ImportError(std::string message, std::optional<NodeRef> node = std::nullopt, std::string file = "");
  const std::string& message() const { return message_; }
  const std::optional<NodeRef>& node() const { return node_; }
  const std::string& file() const { return file_; }
  // The same error located at `node` / in `file`.
  ImportError at(NodeRef node) const { return ImportError(message_, std::move(node), file_); }
  ImportError in_file(std::string file) const { return ImportError(message_, node_, std::move(file)); }

 private:
  std::string message_;
  std::optional<NodeRef> node_;
  std::string file_;
};

struct ImportOptions {
  // Where tensors with external data (data_location = EXTERNAL) keep it: the model file's directory. Data
  // files are opened only when a tensor's values are needed (a shape constant), never for weights.
  std::string external_data_dir;
};

// The .nn source of `model`, a model named `model_name` (sanitised). Throws ImportError, naming the node,
// for a graph that cannot be translated (an input no node produces, a malformed tensor, a limit exceeded).
// Operators without a rule become not-costed `unsupported(...)` ops; they never stop the import. Tensor
// payloads are read from the bytes `model` was decoded from, which must still be alive.
std::string import_model(const Model& model, const std::string& model_name, const std::string& source_name,
                         const ImportOptions& options = {});

// Reads and decodes `path`, then imports it; the model is named after the file's stem. Errors (unreadable,
// malformed protobuf, untranslatable graph) throw ImportError; what() starts with the path and, for
// malformed protobuf, names the byte offset and the field.
std::string import_file(const std::string& path);

}  // namespace nnscope::onnx
