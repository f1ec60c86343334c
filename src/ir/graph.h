#pragma once
// The graph IR: what the interpreter produces and every analysis reads. Ops are stored in execution order;
// tensors are values produced by ops (or the model's inputs). Shapes and costs are symbolic; the bindings
// say what each size symbol is bound to in this run.
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/chunked_vector.h"
#include "ir/dtype.h"
#include "ir/tensor_ids.h"
#include "ir/types.h"
#include "source/source.h"
#include "symbolic/expr.h"

namespace nnscope::ops {
struct OpDef;  // the operator an op applies (ops/op.h); the IR only points at it
}  // namespace nnscope::ops

namespace nnscope::ir {

constexpr std::size_t kNoOp = ~std::size_t{0};

// A value in the graph; its shape and dtype are the TensorType base, which operator rules read.
struct Tensor : TensorType {
  std::size_t producer = kNoOp;  // index into Graph::ops, or kNoOp for a model input
  std::string name;              // the input's name, or "<op path>" / "<op path>:<k>" for op outputs
  bool view = false;             // shares storage with the producer's first input
};

// What an operator's rule computed for one op that does not depend on where the op sits: its weights and its
// forward and backward costs. A large model repeats a few layers many times, so the interpreter shares equal
// records between ops (CostTable): a 1M-op model keeps a handful instead of a million.
struct OpCosts {
  std::vector<Weight> weights;
  sym::Expr params;     // sum of the weights' element counts; 0 when the weights are tied to another op's
  std::string tied_to;  // path of the op whose weights these are (tied_to = "..." in the model); usually empty
  Cost forward;
  Backward backward;
  bool costed = true;
  sym::Expr gathered_elements;
  std::optional<DType> gathered_dtype;  // unset: the gathered elements are weights (ops::OpResult)
  sym::Expr idle_params;  // of params, those one token does not use (ops::OpResult::idle_params); 0 when tied
  bool frozen = false;    // the weights are not trained (frozen = true in the model): no weight gradient

  std::size_t hash() const;
  friend bool operator==(const OpCosts& a, const OpCosts& b);
};

// Hands out one shared record per distinct OpCosts.
class CostTable {
 public:
  std::shared_ptr<const OpCosts> intern(OpCosts costs);

 private:
  std::unordered_multimap<std::size_t, std::shared_ptr<const OpCosts>> by_hash_;
};

struct Op {
  std::string path;       // stable, unique, hierarchical: "layer3.1.conv2"
  std::string_view kind;  // the operator: "conv2d"; the operator registry's name (or a literal), never a copy
  const ops::OpDef* def = nullptr;
  TensorIds inputs;
  TensorIds outputs;
  std::shared_ptr<const OpCosts> shared_costs;  // null reads as no weights and no cost

  const OpCosts& costs() const;
  // A private copy of the record to change (tests building graphs, tied weights); copies on every call.
  OpCosts& edit_costs();
  // Presentation: the kernel/stride/... column strings; null for the many ops that have none (a 1M-op graph
  // saves 150 bytes an op).
  std::shared_ptr<const DisplayHints> display;
  Location location;  // the call in the model source

  // Number of '.'-separated segments of path, minus one: 0 for a top-level op.
  std::size_t depth() const;
};

struct ModelParameter {
  std::string name;
  sym::Int value = 0;
  bool is_const = false;  // a concrete hyper-parameter, not a size symbol
};

struct Output {
  std::string name;
  TensorId tensor;
};

// A decision the interpreter made from the bound value of a symbolic expression (a loop count, a
// branch, a shape check). While every assumption still holds, the symbolic formulas remain valid at
// other bindings; a sweep re-elaborates the model at points where one fails.
struct Assumption {
  enum class Kind {
    kEquals,    // expr == value
    kNegative,  // (expr < 0) == holds
    kZero,      // (expr == 0) == holds
    kPositive,  // (expr > 0) == holds
  };
  sym::Expr expr;
  Kind kind = Kind::kEquals;
  sym::Int value = 0;
  bool holds = true;

  bool satisfied_by(sym::Int actual) const;
};

struct Graph {
  std::string model_name;
  std::string model_doc;  // the model's header comment
  std::vector<ModelParameter> parameters;
  sym::Bindings bindings;  // every parameter's value (const ones too)
  DType weight_dtype = DType::kF32;
  DType activation_dtype = DType::kF32;
  ChunkedVector<Tensor> tensors;  // element addresses stay valid as the graph grows
  ChunkedVector<Op> ops;
  std::vector<TensorId> inputs;
  std::vector<Output> outputs;
  std::vector<Assumption> assumptions;
};

}  // namespace nnscope::ir
