#pragma once
// Elaboration: runs a model definition (its loops, branches, block instantiations and asserts) and builds
// the graph IR, propagating symbolic shapes and computing each op's weights and forward cost.
#include <cstdint>
#include <map>
#include <string>

#include "interp/program.h"
#include "ir/graph.h"

namespace nnscope::interp {

struct Limits {
  std::uint64_t max_ops = 5'000'000;          // ops in the graph
  std::uint64_t max_steps = 20'000'000;       // statements and expressions evaluated
  std::uint64_t max_loop_trips = 10'000'000;  // iterations of one loop
  std::uint32_t max_call_depth = 200;         // nested block instantiations
  std::uint64_t max_expr_size = 1'000;        // nodes in one symbolic dimension
};

struct ElaborateOptions {
  std::map<std::string, sym::Int> overrides;  // --set NAME=VALUE
  DType weight_dtype = DType::kF32;
  DType activation_dtype = DType::kF32;
  Limits limits;
};

// Throws DiagnosticError on the first semantic error (unknown name, shape mismatch, failed assert, ...),
// with notes for the chain of block instantiations. An override naming no parameter of the model is an
// error too (its message lists the model's parameters).
ir::Graph elaborate(const Program& program, const ast::Definition& model, const ElaborateOptions& options);

}  // namespace nnscope::interp
