#pragma once
// Training cost and memory (--mode train): the backward work of one step per layer, split by unit, with the
// input-gradient (dgrad) and weight-gradient (wgrad) GEMM MACs apart; the memory a step needs (weights,
// gradients, optimizer state, fp32 master weights, saved activations); and the peak live activation memory
// over the forward and the backward pass. docs/cost-model.md ("Training") documents the rules.
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace nnscope::analysis {

enum class Optimizer { kSgd, kMomentum, kAdam, kAdamW };

std::optional<Optimizer> parse_optimizer(const std::string& name);  // sgd momentum adam adamw
const char* optimizer_name(Optimizer optimizer);
// fp32 state elements the optimizer keeps per parameter: sgd 0, momentum 1, adam / adamw 2.
int optimizer_state_per_param(Optimizer optimizer);

struct TrainOptions {
  Optimizer optimizer = Optimizer::kAdam;
};

// One layer's backward figures at the bound sizes (all 0 for an op no gradient flows through).
struct TrainLayerFigures {
  bool active = false;  // a gradient flows through the op (it has weights or an input that needs a gradient)
  Int dgrad_macs = 0;   // input-gradient GEMM MACs (activations' gradients, incl. recurrent BPTT)
  Int wgrad_macs = 0;   // weight-gradient GEMM MACs
  Int elementwise_ops = 0, activation_ops = 0;
  Int flops = 0;        // 2·(dgrad + wgrad) + element-wise + activation
  Int saved_bytes = 0;  // what this op keeps for its backward (tensors shared with other ops counted here too)
  Int gemm_macs() const { return dgrad_macs + wgrad_macs; }
};

struct TrainTotals {
  Int backward_dgrad_macs = 0, backward_wgrad_macs = 0, backward_gemm_macs = 0;
  Int backward_elementwise_ops = 0, backward_activation_ops = 0, backward_flops = 0;
  Int train_flops = 0;  // forward + backward FLOPs of one step
  // Memory of one step.
  std::string optimizer;
  Int trainable_params = 0;        // parameters that are trained: all but frozen ones (frozen = true)
  Int weight_bytes = 0;            // parameters in the weight dtype
  Int master_weight_bytes = 0;     // fp32 copy when the weights are 16-bit or narrower (mixed precision)
  Int gradient_bytes = 0;          // one gradient per trained parameter, in the weight dtype
  Int optimizer_bytes = 0;         // optimizer state of the trained parameters, fp32
  Int saved_activation_bytes = 0;  // every tensor some backward keeps (each storage once) + masks, indices, stats
  Int train_memory_bytes = 0;      // the sum of the five above
  // Live activations (and their gradients) over forward then backward.
  Int peak_activation_bytes = 0;
  std::string peak_at;     // path of the op at whose step the peak occurs
  std::string peak_phase;  // "forward" or "backward"
};

struct Training {
  std::vector<TrainLayerFigures> layers;  // aligned with Analysis::layers
  TrainTotals totals;
  // Ops whose backward is unknown, so absent from the backward totals: every operator's rule gives its backward
  // with its forward cost, so these are exactly the ops without a cost rule (unsupported(...), which the ONNX
  // importer emits for an op_type it cannot translate).
  std::vector<NotCosted> no_backward_rule;
};

// The backward figures of several layers summed (a collapsed block's row), with checked arithmetic.
TrainLayerFigures sum_layers(const Training& training, const std::vector<std::size_t>& layers);

// What the backward of some ops keeps (`ops`: indices into Graph::ops), each storage once, for per-layer views such
// as the activation memory of one transformer layer (analysis/parallel.h). A storage's piece names the op that
// produced it (ir::kNoOp for a model input); an op's own extra (a dropout mask, norm statistics) has storage kExtra.
// With analysis.training set, ops no gradient flows through keep nothing, as in analyze_training.
struct SavedPiece {
  static constexpr std::size_t kExtra = ~std::size_t{0};
  std::size_t producer = 0;
  std::size_t storage = kExtra;  // the tensor id of the storage
  Int bytes = 0;
};
std::vector<SavedPiece> saved_pieces(const Analysis& analysis, const std::vector<std::size_t>& ops);

// Computes the training figures at the analysis's bindings. Throws sym::OverflowError like analyze().
Training analyze_training(const Analysis& analysis, const TrainOptions& options);

}  // namespace nnscope::analysis
