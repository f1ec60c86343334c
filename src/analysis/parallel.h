#pragma once
// Multi-device training plans (--parallel): what each device holds and sends, and how long a step takes, for
// tensor (t), pipeline (p), data (d) and expert (e) parallelism with sequence parallelism, ZeRO and activation
// recomputation. Pure functions over the analysed model (with its training figures and rooflines) and a plan;
// docs/parallel.md writes out every formula and assumption.
//
// The closed forms are separate functions so that tests can pin them against the papers directly:
// model_states() is ZeRO's accounting (Rajbhandari et al. 2020), korthikanti_layer_bytes() the activation memory
// of one transformer layer (Korthikanti et al. 2022), and the step time follows Narayanan et al. 2021 (1F1B).
#include <optional>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/roofline.h"

namespace nnscope::analysis {

enum class Recompute { kNone, kSelective, kFull };
const char* recompute_name(Recompute recompute);

struct ParallelPlan {
  Int tp = 1, pp = 1, dp = 1, ep = 1;
  bool sp = false;  // sequence parallelism (needs tp > 1 to change anything)
  int zero = 0;     // ZeRO stage 0..3
  Recompute recompute = Recompute::kNone;
  Int microbatch = 0;    // sequences per micro-batch; 0: the model's `batch`
  Int global_batch = 0;  // --global-batch, sequences per step; 0: one micro-batch per data-parallel replica
  Int tokens = 0;        // --tokens: tokens to train on; 0: not asked
  Int devices() const;   // t·p·d
};

// Parses "tp=8,pp=16,dp=8,sp,ep=2,zero=1,recompute=selective,microbatch=1"; throws std::invalid_argument with a
// message naming the bad item.
ParallelPlan parse_parallel_plan(const std::string& text);

// Model states of one device (bytes), the ZeRO paper's accounting: weights and gradients in the weight dtype,
// fp32 master weights when the weights are narrower than fp32, optimizer state in fp32. ZeRO partitions over the
// `dp` replicas: stage 1 the optimizer state and master weights, stage 2 also the gradients, stage 3 also the
// weights. Partitions are rounded up to whole bytes.
struct ModelStates {
  Int params = 0;  // parameters this device computes with (after the tensor / pipeline / expert split)
  Int weight_bytes = 0, gradient_bytes = 0, master_weight_bytes = 0, optimizer_bytes = 0;
  Int total_bytes = 0;
  ModelStates& operator+=(const ModelStates& other);
};
// weight_dtype_bytes: 2 for fp16 (a rational for sub-byte types); optimizer_states: fp32 values per parameter
// (Adam 2). Of params, `frozen` are not trained (frozen = true, LoRA's base): stored, but without gradients,
// master copies or optimizer state.
ModelStates model_states(Int params, sym::Rational weight_dtype_bytes, int optimizer_states, int zero, Int dp,
                         Int frozen = 0);

// Activation memory of one transformer layer and one micro-batch, per device, in bytes at 16-bit activations
// (Korthikanti et al. 2022, Table 2): s·b·h·(34 + 5·a·s/h) without parallelism; tensor parallelism t divides all
// but the 10·s·b·h of layer norms, dropout masks and the QKV / MLP inputs, which sequence parallelism divides too;
// selective recomputation drops the 5·a·s/h attention-core term; full recomputation keeps only the layer input
// 2·s·b·h (divided by t with sequence parallelism). Rounded up to whole bytes.
Int korthikanti_layer_bytes(Int s, Int b, Int h, Int a, Int t, bool sp, Recompute recompute);

// Time of a collective over `n` devices on a ring moving `bytes` (per device buffer) at `bandwidth` bytes/s per
// device: an all-reduce sends 2(n-1)/n of the buffer, a reduce-scatter or all-gather (n-1)/n, an all-to-all (n-1)/n.
enum class Collective { kAllReduce, kReduceScatter, kAllGather, kAllToAll, kPointToPoint };
double collective_sent_fraction(Collective collective, Int n);

// The transformer layers found in the graph: each attention's softmax over [b, heads..., s, t] scores marks one; the
// layer is its scope up to the last segment ending in a digit (gpt3_175b: "h.0" ... "h.95"; self- and
// cross-attention of "decoder.layers.5" are one layer). Per-layer shapes and activations are the first layer's.
struct LayerStack {
  Int count = 0;               // transformer layers
  std::string first_prefix;    // "h.0"
  std::string attention_core;  // the first layer's attention scope ("h.0.attn.attention"): selective recompute
  Int seq = 0, batch = 0, hidden = 0, heads = 0;   // from the first layer's scores and input
  Int layer_params = 0;                            // parameters of the first layer
  std::vector<Int> params_per_layer;               // each layer's, in execution order
  std::vector<Int> expert_params_per_layer;        // the part of them in moe_experts ops
  std::vector<Int> frozen_per_layer;               // of params_per_layer, the frozen ones
  std::vector<Int> expert_frozen_per_layer;        // of expert_params_per_layer, the frozen ones
  Int expert_params = 0;                           // of moe_experts ops in the whole model
  Int before_params = 0, after_params = 0;         // outside the layers, before the first / after the last
  Int before_frozen = 0, after_frozen = 0;         // of those, the frozen ones
  std::vector<std::size_t> before_ops, after_ops;  // those ops (indices into Graph::ops)
};
// Empty count when the model has no attention (a CNN): the plan then splits every parameter evenly.
LayerStack find_layer_stack(const Analysis& analysis);

// nnscope's own figure for one layer's activations (what its backward keeps, each storage once), split as the
// plan leaves it. `replicated`: tensors produced by layer norms, dropouts, residual adds or outside the layer,
// which tensor parallelism without sp keeps whole; `attention_core`: what selective recomputation drops;
// `layer_input`: what full recomputation keeps.
struct MeasuredLayerActivation {
  Int total = 0, replicated = 0, attention_core = 0, layer_input = 0;
};
MeasuredLayerActivation measure_layer_activation(const Analysis& analysis, const LayerStack& stack);
Int split_measured_activation(const MeasuredLayerActivation& m, Int t, bool sp, Recompute recompute);

struct CommunicationKind {
  std::string kind;      // "tp all-reduce", "tp reduce-scatter + all-gather", "pp p2p", ...
  std::string link;      // "intra-node" or "inter-node"
  Int group = 1;         // devices in the collective
  double bytes = 0;      // bytes each device sends per step
  double time_s = 0;     // at the link's bandwidth
  double exposed_s = 0;  // what the overlap assumption leaves on the critical path
};

struct Parallel {
  ParallelPlan plan;
  std::string hardware;
  LayerStack stack;
  Int microbatch = 0, microbatches = 0, global_batch = 0, seq_tokens = 1;  // m = global / (microbatch · d)
  Int layers_per_stage = 0;
  ModelStates states;  // per device, the most loaded pipeline stage
  // Activations: per layer and micro-batch, per device.
  Int korthikanti_layer_bytes = 0;          // the published formula at fp16 (0 when no transformer layers were found)
  Int korthikanti_layer_bytes_unsplit = 0;  // s·b·h·(34 + 5·a·s/h): no parallelism, no recomputation
  MeasuredLayerActivation measured;         // nnscope's backward, no parallelism
  Int measured_layer_bytes = 0;             // nnscope's, split by the plan
  Int in_flight = 1;                        // micro-batches the first stage holds under 1F1B: min(p, m)
  Int outside_activation_bytes = 0;         // kept by ops outside the layers (embedding; head when p = 1)
  Int activation_bytes = 0;                 // per device: layers on the stage × in flight + outside the layers
  Int device_memory_bytes = 0;              // model states + activations
  double bubble_fraction = 0;               // (p - 1) / m
  std::vector<CommunicationKind> communication;
  // Time of one step, per device.
  double compute_s = 0;    // m micro-batches of forward + backward (+ recomputation) from the rooflines, / (t·p)
  double recompute_s = 0;  // the part of compute_s spent recomputing
  double bubble_s = 0;     // (p - 1) micro-batch slots idle
  double exposed_comm_s = 0;
  double step_s = 0;
  double model_flops = 0;  // forward + backward FLOPs of one step over all devices (no recomputation)
  double mfu = 0;          // model_flops / (step_s · devices · matrix peak)
  double tokens_per_step = 0;
  double train_time_s = 0;        // --tokens: steps × step_s
  double ideal_train_time_s = 0;  // --tokens: FLOPs incl. recomputation / (devices · matrix peak), Narayanan's form
  std::vector<std::string> notes;
};

// Needs analysis.training and analysis.roofline (training) set; `forward` is the forward-only roofline of the
// same analysis (recomputation's time). Throws std::invalid_argument when the plan does not fit the model or the
// profile (a stage count above the layers, a missing interconnect bandwidth).
Parallel analyze_parallel(const Analysis& analysis, const Roofline& forward, const HardwareProfile& profile,
                          const ParallelPlan& plan);

}  // namespace nnscope::analysis
