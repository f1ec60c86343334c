#pragma once
// The IR's basic value types: tensor types and shapes, weights, forward and backward costs. Operator rules
// (ops/) produce them and every analysis reads them; they live here so the IR depends on nothing above it
// (ops/op.h re-exports them under their old names in namespace ops).
#include <string>
#include <utility>
#include <vector>

#include "ir/dtype.h"
#include "symbolic/expr.h"

namespace nnscope::ir {

using Shape = std::vector<sym::Expr>;

struct TensorType {
  TensorType() = default;
  TensorType(Shape dims, DType type, sym::Expr bound = {})
      : shape(std::move(dims)), dtype(type), value_bound(std::move(bound)) {}

  Shape shape;
  DType dtype = DType::kF32;
  // For an integer tensor whose values are known to lie in [0, value_bound): arange(n) gives n, and a view
  // keeps its input's. Zero when unknown. Lets embedding reject positions past its table, as PyTorch does.
  sym::Expr value_bound;
};

struct Weight {
  std::string name;  // "weight", "bias", "weight_ih_l0", ...
  Shape shape;
};

// Forward work, split by the unit that does it (docs/cost-model.md).
struct Cost {
  sym::Expr gemm_macs;    // multiply-accumulates on the matrix unit
  sym::Expr elementwise;  // vector-unit operations
  sym::Expr activation;   // special-function-unit operations (activations, exp, log, sqrt, rsqrt, erf)
};

// Backward work of one op in a training step (docs/cost-model.md, "Training"), filled by each operator rule
// beside its forward cost. The training analysis adds `common` whenever a gradient flows through the op,
// `weight` when the op has weights, and input[i] only when tensor input i (in the op's input order: the
// tensor arguments as written, lists flattened) needs a gradient, which no graph input does. `input` and
// `saves_input` have exactly one entry per tensor input (OpArgs::tensor_inputs(); tests/ops/schema_test.cc
// checks every operator), zero / false where an input needs nothing.
struct Backward {
  Cost common;                    // needed whenever backward runs through the op (recomputed terms, BPTT through time)
  Cost weight;                    // the weights' gradients; gemm_macs = weight-gradient (wgrad) MACs
  std::vector<Cost> input;        // each tensor input's gradient; gemm_macs = input-gradient (dgrad) MACs
  std::vector<bool> saves_input;  // tensor inputs backward keeps until it runs (input order)
  // Of saves_input, those only the weights' gradient reads (linear's and conv's x): an op whose weights are frozen
  // does not keep them.
  std::vector<bool> weight_only_saves;
  bool saves_output = false;  // backward keeps the first output
  sym::Expr saved_bytes;      // other state kept for backward: masks, indices, statistics
};

// PRESENTATION, not IR: what the kernel/stride/padding/dilation/groups/misc report columns show. Operator rules
// fill them because only they know which arguments mean what; nothing in the analysis reads them. The values are
// formulas in the model's parameters (an adaptive pool's kernel is ⌈height/32⌉): the report's row model
// (report/rows.h) evaluates them at the bindings, so every format shows "7x7", never a formula.
struct DisplayDims {
  std::vector<sym::Expr> dims;  // one per axis, shown "3x3"
  std::string word;             // instead of dims: "same", "valid", "adaptive"
  bool empty() const { return dims.empty() && word.empty(); }
  std::string formula() const;  // the word, or the symbolic dims joined by 'x' (for tests and diagnostics)
};

struct DisplayHints {
  DisplayDims kernel, stride, padding, dilation;
  DisplayDims groups;          // one dim
  DisplayDims sampling_ratio;  // roi_align; shown in the misc column as sampling_ratio=N
  bool empty() const {
    return kernel.empty() && stride.empty() && padding.empty() && dilation.empty() && groups.empty() &&
           sampling_ratio.empty();
  }
};

}  // namespace nnscope::ir
