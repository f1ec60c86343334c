#pragma once
// Analyses over the graph: per-layer figures (evaluated at the bound sizes), totals and their symbolic
// formulas, totals by operator type, the ops that have no cost rule, and peak live activation memory.
// Emitters only format what is here.
#include <memory>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "analysis/traffic.h"
#include "ir/graph.h"

namespace nnscope::analysis {

using sym::Expr;
using sym::Int;

// One layer's figures as formulas in the size parameters.
struct LayerFormulas {
  Expr params, input_bytes, weight_bytes, output_bytes, gathered_bytes;
  Expr gemm_macs, elementwise_ops, activation_ops, flops;
};

// One layer's figures as numbers at the bound sizes.
struct LayerFigures {
  Int params = 0, input_bytes = 0, weight_bytes = 0, output_bytes = 0, gathered_bytes = 0;
  Int gemm_macs = 0, elementwise_ops = 0, activation_ops = 0, flops = 0;
  // Bytes the op's kernel moves under the run's kernel choice (analysis/traffic.h): activations it reads from and
  // writes to memory plus the weights it reads (an embedding: the rows it gathers). input_bytes and output_bytes
  // stay the tensors' sizes.
  Int traffic_bytes = 0;
  // FLOPs per byte of traffic; 0 when nothing is moved.
  double intensity() const;
  // Adds every figure of `other` (checked: overflow throws sym::OverflowError).
  LayerFigures& operator+=(const LayerFigures& other);
};

// Every tensor's shape evaluated at the bindings, each distinct shape stored once: the million tensors of a
// large model have a handful of shapes between them, so the table costs 8 bytes a tensor and no allocation
// per tensor. A tensor that was never set reads as an empty shape.
class ShapeTable {
 public:
  explicit ShapeTable(std::size_t tensors = 0) : shapes_(tensors, nullptr) {}
  // The entries point into the set of distinct shapes, which a copy would not carry over.
  ShapeTable(const ShapeTable&) = delete;
  ShapeTable& operator=(const ShapeTable&) = delete;

  std::size_t size() const { return shapes_.size(); }
  bool has(ir::TensorId t) const { return shapes_[t] != nullptr; }
  const std::vector<Int>& operator[](ir::TensorId t) const;
  void set(ir::TensorId t, const std::vector<Int>& shape);
  // Sets t's shape to `shape` evaluated at the evaluator's bindings; throws as the evaluator does (t stays
  // unset). A shape the table already holds costs no allocation.
  void evaluate(ir::TensorId t, const ir::Shape& shape, sym::Evaluator& at);

 private:
  struct Hash {
    std::size_t operator()(const std::vector<Int>& shape) const;
  };
  std::vector<const std::vector<Int>*> shapes_;
  std::unordered_set<std::vector<Int>, Hash> distinct_;  // node-based: elements stay where they are
  std::vector<Int> scratch_;                             // evaluate()'s dimensions before they are looked up
};

// Evaluated shapes of some of the graph's tensors (an op's inputs or its outputs), read through to the analysis'
// ShapeTable, so a 1M-op analysis holds each shape once and allocates nothing per layer.
class ShapeList {
 public:
  ShapeList() = default;
  ShapeList(const ShapeTable* shapes, std::span<const ir::TensorId> tensors) : shapes_(shapes), tensors_(tensors) {}
  std::size_t size() const { return tensors_.size(); }
  bool empty() const { return tensors_.empty(); }
  const std::vector<Int>& operator[](std::size_t k) const { return (*shapes_)[tensors_[k]]; }

  class Iterator {
   public:
    Iterator(const ShapeList* list, std::size_t k) : list_(list), k_(k) {}
    const std::vector<Int>& operator*() const { return (*list_)[k_]; }
    Iterator& operator++() {
      ++k_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return k_ == other.k_; }

   private:
    const ShapeList* list_;
    std::size_t k_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, size()}; }

 private:
  const ShapeTable* shapes_ = nullptr;
  std::span<const ir::TensorId> tensors_;
};

struct Layer {
  std::size_t op = 0;  // index into Graph::ops
  ShapeList input_shapes, output_shapes;
  LayerFigures figures;
};

struct OpTypeTotal {
  std::string kind;
  std::size_t count = 0;
  LayerFigures figures;
};

struct Totals {
  LayerFigures figures;  // sums over layers (input/output bytes summed over layers too)
  // Parameters one token uses: params less the experts a mixture of experts does not route it to (= params for a
  // dense model).
  Int active_params = 0;
  Int activation_bytes = 0;  // sum of every op's output bytes
  Int model_input_bytes = 0;
  Int peak_activation_bytes = 0;  // live tensors at the worst point of execution, freed after their last use
  std::string peak_after;         // path of the op at which the peak occurs
};

struct TotalFormulas {
  Expr params, weight_bytes, activation_bytes, gemm_macs, elementwise_ops, activation_ops, flops;
  Expr active_params;  // Totals::active_params
};

struct NotCosted {
  std::string path;
  std::string kind;
};

struct Training;  // analysis/training.h: --mode train
struct Roofline;  // analysis/roofline.h: --hw
struct Parallel;  // analysis/parallel.h: --parallel

struct Analysis {
  const ir::Graph* graph = nullptr;
  Kernels kernels = Kernels::kFused;  // what traffic_bytes, intensity and the peak assume (--kernels)
  sym::Bindings bindings;             // the point the figures are evaluated at
  // Execution order, one per op. In chunks rather than one array: a 1M-op model's rows take 200 MB, and chunks
  // can reuse the memory the freed syntax tree left with the allocator, where one such array is always freshly
  // mapped (and each page zeroed by the kernel).
  ir::ChunkedVector<Layer> layers;
  Totals totals;
  TotalFormulas formulas;
  std::vector<OpTypeTotal> by_op_type;  // sorted by kind
  std::vector<NotCosted> not_costed;
  std::vector<std::vector<Int>> output_shapes;  // of Graph::outputs
  // Every tensor's shape at the bindings (empty for a model input no op reads); Layer's shape lists point here.
  std::shared_ptr<const ShapeTable> tensor_shapes;
  // Set by the caller (cli) when training or a hardware profile is asked for; emitters add their columns then.
  std::shared_ptr<const Training> training;
  std::shared_ptr<const Roofline> roofline;
  std::shared_ptr<const Parallel> parallel;

  // The peak of live activations and the op after which it occurs: over forward and backward when training,
  // else the forward pass's (Totals).
  Int peak_activation_bytes() const;
  const std::string& peak_after() const;
};

// Evaluates the graph at its own bindings. Throws sym::OverflowError or sym::DomainError (the caller
// reports them) when a figure does not fit or cannot be evaluated.
Analysis analyze(const ir::Graph& graph, Kernels kernels = Kernels::kFused);
// The same at other bindings (a sweep point). Formulas are shared; only the numbers change.
Analysis analyze_at(const ir::Graph& graph, const sym::Bindings& bindings, Kernels kernels = Kernels::kFused);

// The totals of an analysis at other bindings (the points of a sweep), from formulas and a memory plan
// prepared once: no per-layer rows or totals by op type, otherwise the same numbers analyze_at gives. A point
// costs one evaluation per distinct formula rather than a pass over every layer.
class TotalsEvaluator {
 public:
  explicit TotalsEvaluator(const Analysis& base);  // base must outlive the evaluator
  ~TotalsEvaluator();
  Analysis at(const sym::Bindings& bindings) const;

 private:
  struct Plan;
  const Analysis& base_;
  std::unique_ptr<Plan> plan_;
};

// True when every assumption the interpreter made still holds at `bindings`, so the graph's formulas
// are valid there (else the model must be elaborated again at that point).
bool assumptions_hold(const ir::Graph& graph, const sym::Bindings& bindings);

// Rows collapsed to blocks at `depth` (0 = top level): every op deeper than `depth` is summed into the
// row of its ancestor path with depth + 1 segments. Ops at or above `depth` stay as they are.
struct GroupRow {
  std::string path;
  std::string kind;  // the op kind, or "block" for a collapsed group
  std::size_t depth = 0;
  std::size_t first_layer = 0, last_layer = 0;  // range of Analysis::layers it covers (by index)
  std::size_t op_count = 0;
  LayerFigures figures;
};
std::vector<GroupRow> group_layers(const Analysis& analysis, std::size_t depth);

}  // namespace nnscope::analysis
