#pragma once
// Hugging Face config.json as input: a config of a known model_type becomes a readable .nn model built from the
// standard-library blocks (std/llama.nn, std/moe.nn, std/deepseek.nn, ...), which then goes through the normal
// pipeline, as ONNX import does. docs/hf-config.md lists the model types and the fields each one reads; a field the
// analysis needs and does not understand, or a missing or mistyped one, is a diagnostic at its key.
#include <memory>
#include <optional>
#include <string>

#include "interp/program.h"
#include "ir/dtype.h"
#include "source/source.h"

namespace nnscope::hfconfig {

struct Imported {
  std::string text;                   // the .nn source
  std::string model_type;             // as the config names it
  std::optional<DType> weight_dtype;  // torch_dtype (or dtype): the default weight dtype
};

// Translates the config.json held in `sources` as `file` into a model named `model_name`. Throws DiagnosticError
// located in that file (a JSON syntax error, a missing or mistyped field, an unknown model_type, a value the
// analysis cannot honour).
Imported translate(const SourceManager& sources, FileId file, const std::string& model_name);

// True for a target naming a .json file.
bool is_config(const std::string& target);

// Reads and translates `path`. On success the Program of the generated text (its main file named after `path`);
// on failure a Program whose sources hold the JSON and whose diagnostics locate the problem. `found` is false when
// the file cannot be read. `imported`, when given, receives the translation (the text for `nnscope import`).
std::unique_ptr<interp::Program> load_config(const std::string& path, bool* found, Imported* imported = nullptr);

}  // namespace nnscope::hfconfig
