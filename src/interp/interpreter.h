#pragma once
// Elaboration: runs a model definition (its loops, branches, block instantiations and asserts) and builds
// the graph IR, propagating symbolic shapes and computing each op's weights and forward cost.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "interp/limits.h"
#include "interp/program.h"
#include "ir/graph.h"

namespace nnscope::interp {

struct ElaborateOptions {
  std::map<std::string, sym::Int> overrides;  // --set NAME=VALUE
  // --set NAME=V1,V2,...: list parameters (a list literal default, such as densenet's block_config).
  std::map<std::string, std::vector<sym::Int>> list_overrides;
  DType weight_dtype = DType::kF32;
  DType activation_dtype = DType::kF32;
  // The KV cache's dtype (--kv-dtype): floating-point model inputs named past_* (the standard library's
  // past_keys and past_values) take it instead of the activation dtype.
  std::optional<DType> kv_cache_dtype;
  Limits limits;
};

// Throws DiagnosticError on the first semantic error (unknown name, shape mismatch, failed assert, ...),
// with notes for the chain of block instantiations. An override naming no parameter of the model is an
// error too (its message lists the model's parameters).
ir::Graph elaborate(const Program& program, const ast::Definition& model, const ElaborateOptions& options);

}  // namespace nnscope::interp
