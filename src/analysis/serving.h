#pragma once
// LLM serving (`nnscope serve`, docs/memory-traffic.md "Serving"): the prefill of a prompt (time to first token)
// and the decoding steps that follow, each token attending to every cached one; KV-cache and peak memory, whether
// the model fits the profile's memory, and the batch at which decoding turns compute-bound. The model must be a
// decoder with the size parameters batch, seq (new tokens) and past (tokens already in the KV cache), as the
// standard library's llama2_7b and gpt3_175b are. Elaborating the model at a point is the caller's (the driver's):
// this file only combines the analyses it is given.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "analysis/analysis.h"
#include "analysis/roofline.h"

namespace nnscope::analysis {

struct ServeOptions {
  Int prompt = 1, generate = 1, batch = 1;
};

// One step analysed with its roofline; the graph outlives the analysis that points into it.
struct ServeStep {
  std::shared_ptr<const ir::Graph> graph;
  std::shared_ptr<const Analysis> analysis;  // roofline set
};
// The model elaborated and analysed at (batch, seq, past).
using StepAt = std::function<ServeStep(Int batch, Int seq, Int past)>;

struct ServePhase {
  Int flops = 0, traffic_bytes = 0, peak_activation_bytes = 0;
  double time_s = 0;
  Unit bound = Unit::kMemory;  // the unit bounding most of the time
};

struct Serving {
  std::string model, hardware, kernels, kv_dtype;
  ServeOptions options;
  ServePhase prefill;                    // prompt tokens at once; its time is the time to first token
  ServePhase decode_first, decode_last;  // one new token per sequence, after prompt and prompt + generate - 1
  // A decoding step's figures are linear in the context position p (tokens already cached): base + slope·p.
  double flops_base = 0, flops_per_position = 0, bytes_base = 0, bytes_per_position = 0;
  double decode_mean_time_s = 0;  // time per output token: the mean over the generate steps
  double tokens_per_s = 0;        // batch / decode_mean_time_s
  double total_time_s = 0;        // prefill + every decoding step
  Int kv_bytes_per_token = 0;     // per sequence, all layers, keys and values
  Int kv_bytes_end = 0;           // batch · (prompt + generate) tokens
  Int weight_bytes = 0;
  Int peak_memory_bytes = 0;   // weights + the larger of prefill's and the last step's live activations (cache too)
  double memory_capacity = 0;  // the profile's; 0 when it does not say
  std::optional<Int> compute_bound_batch;  // smallest batch whose first decoding step is compute-bound, if any
  Int batch_search_limit = 0;              // the largest batch tried
  bool fits() const { return memory_capacity > 0 && static_cast<double>(peak_memory_bytes) <= memory_capacity; }
};

// Throws std::invalid_argument for prompt, generate or batch below 1.
Serving analyze_serving(const ServeOptions& options, const HardwareProfile& profile, const StepAt& step_at);

}  // namespace nnscope::analysis
