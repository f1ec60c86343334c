#include "analysis/serving.h"

#include <algorithm>
#include <stdexcept>

namespace nnscope::analysis {
namespace {

double d(Int v) { return static_cast<double>(v); }

constexpr std::size_t kMemory = static_cast<std::size_t>(Unit::kMemory);

ServePhase phase_of(const Analysis& a) {
  ServePhase p;
  p.flops = a.totals.figures.flops;
  p.traffic_bytes = a.totals.figures.traffic_bytes;
  p.peak_activation_bytes = a.totals.peak_activation_bytes;
  const Roofline& r = *a.roofline;
  p.time_s = r.time_s;
  std::size_t best = kMemory;
  for (std::size_t u = 0; u < 4; ++u) {
    if (r.bound_time_s[u] > r.bound_time_s[best]) best = u;
  }
  p.bound = static_cast<Unit>(best);
  return p;
}

// Compute-bound: the layers the matrix, vector or special-function units bound take longer than the memory-bound.
bool compute_bound(const Roofline& r) {
  return r.bound_time_s[0] + r.bound_time_s[1] + r.bound_time_s[2] > r.bound_time_s[kMemory];
}

// The largest batch the compute-bound search tries.
constexpr Int kBatchSearchLimit = 1 << 16;

// Smallest batch at which the decoding step after `past` tokens is compute-bound. Batch is a size symbol, so a
// point is the same graph at other bindings unless a decision the model made no longer holds there.
std::optional<Int> compute_bound_batch(const ServeStep& step, Int past, const HardwareProfile& profile,
                                       const StepAt& step_at) {
  const ir::Graph& graph = *step.graph;
  auto bound_at = [&](Int batch) {
    sym::Bindings bindings = graph.bindings;
    bindings.set("batch", batch);
    if (assumptions_hold(graph, bindings)) {
      return compute_bound(analyze_roofline(analyze_at(graph, bindings, step.analysis->kernels), profile));
    }
    return compute_bound(*step_at(batch, 1, past).analysis->roofline);
  };
  if (bound_at(1)) return Int{1};
  Int memory_bound = 1, hi = 2;
  while (!bound_at(hi)) {
    memory_bound = hi;
    hi *= 2;
    if (hi > kBatchSearchLimit) return std::nullopt;
  }
  while (hi - memory_bound > 1) {  // memory-bound at memory_bound, compute-bound at hi
    Int mid = memory_bound + (hi - memory_bound) / 2;
    (bound_at(mid) ? hi : memory_bound) = mid;
  }
  return hi;
}

// The mean decoding-step time over the positions first .. first + steps - 1. Each layer's work and traffic are
// linear in the position (attention over the cache grows by one row a step), so they are interpolated between the
// two analysed positions and the layer's roofline taken at each position: the step time is a sum of maxima, not
// itself linear. Over 4,096 steps, 4,096 evenly spaced positions stand for them.
double mean_decode_time(const Analysis& a, Int first, const Analysis& b, Int second, Int steps,
                        const HardwareProfile& profile) {
  if (a.layers.size() != b.layers.size() || second == first) {
    return (a.roofline->time_s + b.roofline->time_s) / 2;  // the graphs differ in shape: the endpoints' mean
  }
  double peak = matrix_peak(profile, a.graph->activation_dtype).first;
  Int samples = std::min<Int>(steps, 4096);
  double total = 0;
  for (Int k = 0; k < samples; ++k) {
    double position = d(first) + (d(steps) * (d(k) + 0.5) / d(samples) - 0.5);
    double t = (position - d(first)) / d(second - first);
    for (std::size_t i = 0; i < a.layers.size(); ++i) {
      const LayerFigures& x = a.layers[i].figures;
      const LayerFigures& y = b.layers[i].figures;
      auto at = [t](Int u, Int v) { return d(u) + (d(v) - d(u)) * t; };
      total += roofline_time(profile, peak, 2 * at(x.gemm_macs, y.gemm_macs), at(x.elementwise_ops, y.elementwise_ops),
                             at(x.activation_ops, y.activation_ops), at(x.traffic_bytes, y.traffic_bytes))
                   .time_s;
    }
  }
  return total / d(samples);
}

}  // namespace

Serving analyze_serving(const ServeOptions& options, const HardwareProfile& profile, const StepAt& step_at) {
  const Int prompt = options.prompt, generate = options.generate, batch = options.batch;
  if (prompt < 1 || generate < 1 || batch < 1) {
    throw std::invalid_argument("prompt, generate and batch must each be at least 1");
  }
  Serving s;
  s.options = options;
  s.hardware = profile.name;
  s.memory_capacity = profile.memory_capacity;

  ServeStep prefill = step_at(batch, prompt, 0);
  s.model = prefill.graph->model_name;
  s.kernels = kernels_name(prefill.analysis->kernels);
  s.prefill = phase_of(*prefill.analysis);
  s.weight_bytes = prefill.analysis->totals.figures.weight_bytes;

  // Decoding step k (0-based) adds one token per sequence after prompt + k cached ones.
  const Int first = prompt, last = prompt + generate - 1;
  const Int second = last > first ? last : first + 1;  // a second position, for what grows with the context
  ServeStep at_first = step_at(batch, 1, first);
  ServeStep at_second = step_at(batch, 1, second);
  const Analysis& a = *at_first.analysis;
  const Analysis& b = *at_second.analysis;
  s.decode_first = phase_of(a);
  s.decode_last = last > first ? phase_of(b) : s.decode_first;
  const double span = d(second - first);
  s.flops_per_position = (d(b.totals.figures.flops) - d(a.totals.figures.flops)) / span;
  s.flops_base = d(a.totals.figures.flops) - s.flops_per_position * d(first);
  s.bytes_per_position = (d(b.totals.figures.traffic_bytes) - d(a.totals.figures.traffic_bytes)) / span;
  s.bytes_base = d(a.totals.figures.traffic_bytes) - s.bytes_per_position * d(first);
  s.decode_mean_time_s = mean_decode_time(a, first, b, second, generate, profile);
  s.tokens_per_s = s.decode_mean_time_s > 0 ? d(batch) / s.decode_mean_time_s : 0;
  s.total_time_s = s.prefill.time_s + s.decode_mean_time_s * d(generate);

  // The cache is the model inputs that grow with past (the token ids do not): its bytes per cached token.
  Int growth = sym::checked_sub(b.totals.model_input_bytes, a.totals.model_input_bytes);
  s.kv_dtype = std::string(dtype_name(a.graph->activation_dtype));
  for (ir::TensorId t : a.graph->inputs) {
    if (a.graph->tensors[t].name.starts_with("past_")) s.kv_dtype = dtype_name(a.graph->tensors[t].dtype);
  }
  s.kv_bytes_per_token = growth / ((second - first) * batch);
  s.kv_bytes_end = sym::checked_mul(s.kv_bytes_per_token, sym::checked_mul(batch, prompt + generate));
  // Prefill writes the prompt's keys and values into the cache, which its graph (no cache input) does not hold;
  // the last step holds the cache of every earlier token and appends its own.
  Int prefill_live = sym::checked_add(s.prefill.peak_activation_bytes,
                                      sym::checked_mul(s.kv_bytes_per_token, sym::checked_mul(batch, prompt)));
  Int decode_live =
      sym::checked_add(s.decode_last.peak_activation_bytes, sym::checked_mul(s.kv_bytes_per_token, batch));
  s.peak_memory_bytes = sym::checked_add(s.weight_bytes, std::max(prefill_live, decode_live));
  s.batch_search_limit = kBatchSearchLimit;
  s.compute_bound_batch = compute_bound_batch(at_first, first, profile, step_at);
  return s;
}

}  // namespace nnscope::analysis
