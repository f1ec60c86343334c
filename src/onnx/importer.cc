#include "onnx/importer.h"

#include <filesystem>

#include "onnx/file_bytes.h"
#include "onnx/printer.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

std::string located(const std::string& message, const std::optional<NodeRef>& node, const std::string& file) {
  std::string text = file.empty() ? "" : file + ": ";
  if (node) {
    text += "node " + std::to_string(node->index);
    if (!node->name.empty()) text += " " + quoted_name(node->name);
    text += " (" + comment_text(node->op_type, 60) + "): ";
  }
  return text + message;
}

}  // namespace

ImportError::ImportError(std::string message, std::optional<NodeRef> node, std::string file)
    : std::runtime_error(located(message, node, file)),
      message_(std::move(message)),
      node_(std::move(node)),
      file_(std::move(file)) {}

std::string import_model(const Model& model, const std::string& model_name, const std::string& source_name,
                         const ImportOptions& options) {
  return Translator(model, source_name, options).run(model_name);
}

std::string import_file(const std::string& path) {
  FileBytes file(path);
  Model model;
  try {
    model = decode_model(file.bytes());
  } catch (const ProtobufError& e) {
    throw ImportError(std::string("malformed ONNX (protobuf) file: ") + e.what(), std::nullopt, path);
  }
  std::filesystem::path p(path);
  ImportOptions options;
  options.external_data_dir = p.parent_path().string();
  try {
    return import_model(model, p.stem().string(), p.filename().string(), options);
  } catch (const ImportError& e) {
    throw e.in_file(path);
  }
}

}  // namespace nnscope::onnx
