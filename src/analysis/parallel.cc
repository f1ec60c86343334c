#include "analysis/parallel.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "analysis/training.h"

namespace nnscope::analysis {
namespace {

using sym::Rational;

double d(Int v) { return static_cast<double>(v); }
Int ceil_div(Int a, Int b) { return Rational(a, b).ceil(); }

std::vector<std::string> segments_of(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    out.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return out;
    start = dot + 1;
  }
}

std::string join(const std::vector<std::string>& segments, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < segments.size(); ++i) out += (i ? "." : "") + segments[i];
  return out;
}

Int tensor_bytes(const Analysis& analysis, ir::TensorId t) {
  const ir::Tensor& tensor = analysis.graph->tensors[t];
  Rational elements = 1;
  for (const sym::Expr& dim : tensor.shape) elements = elements * Rational(dim.evaluate_integer(analysis.bindings));
  return (elements * dtype_bytes(tensor.dtype)).ceil();
}

bool under(const std::string& path, const std::string& prefix) {
  return path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '.';
}

// True when some ancestor scope of `path` is in `scopes`.
bool under_any(const std::string& path, const std::unordered_set<std::string>& scopes) {
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
    if (scopes.contains(path.substr(0, dot))) return true;
  }
  return false;
}

// An attention's score softmax: over [b, heads..., s, t] (rank 4 and up; classifier softmaxes are rank 2).
bool is_score_softmax(const Layer& layer, const ir::Graph& graph) {
  return graph.ops[layer.op].kind == "softmax" && !layer.input_shapes.empty() && layer.input_shapes[0].size() >= 4;
}

std::string parent_of(const std::string& path) {
  std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

// The scopes holding an attention core (the parent of each score softmax).
std::unordered_set<std::string> attention_scopes(const Analysis& analysis) {
  std::unordered_set<std::string> scopes;
  for (const Layer& layer : analysis.layers) {
    if (is_score_softmax(layer, *analysis.graph)) scopes.insert(parent_of(analysis.graph->ops[layer.op].path));
  }
  return scopes;
}

// Ops of the first transformer layer (indices into Graph::ops), in execution order.
std::vector<std::size_t> first_layer_ops(const Analysis& analysis, const LayerStack& stack) {
  std::vector<std::size_t> ops;
  for (const Layer& layer : analysis.layers) {
    if (under(analysis.graph->ops[layer.op].path, stack.first_prefix)) ops.push_back(layer.op);
  }
  return ops;
}

const ir::Op* first_moe_op(const ir::Graph& graph) {
  for (const ir::Op& op : graph.ops) {
    if (op.kind == "moe_experts") return &op;
  }
  return nullptr;
}

Int parse_count(const std::string& key, const std::string& value, Int low, Int high) {
  long long v = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (error != std::errc() || end != value.data() + value.size() || v < low || v > high) {
    throw std::invalid_argument("--parallel: " + key + " must be an integer from " + sym::to_string(low) + " to " +
                                sym::to_string(high) + ", got '" + value + "'");
  }
  return v;
}

// The link a group of `size` devices spaced `stride` apart uses: ranks are numbered tensor-parallel first, then
// expert / data parallel, then pipeline (Megatron-LM's order), so a group fits one node when stride·size does.
struct Link {
  std::string name;
  double bandwidth = 0;
};
Link link_for(const HardwareProfile& profile, Int stride, Int size) {
  bool intra = profile.devices_per_node > 0 && d(stride) * d(size) <= profile.devices_per_node;
  Link link{intra ? "intra-node" : "inter-node", intra ? profile.intra_node_bandwidth : profile.inter_node_bandwidth};
  if (!(link.bandwidth > 0)) {
    std::string field = intra ? "intra_node_bandwidth" : "inter_node_bandwidth";
    throw std::invalid_argument("hardware profile '" + profile.name + "' has no " + field +
                                " (bytes/s per device); give one with --set-hw " + field + "=VALUE");
  }
  return link;
}

}  // namespace

Int ParallelPlan::devices() const { return sym::checked_mul(sym::checked_mul(tp, pp), dp); }

const char* recompute_name(Recompute recompute) {
  switch (recompute) {
    case Recompute::kNone:
      return "none";
    case Recompute::kSelective:
      return "selective";
    case Recompute::kFull:
      return "full";
  }
  return "none";
}

ParallelPlan parse_parallel_plan(const std::string& text) {
  ParallelPlan plan;
  constexpr Int kMax = 1'000'000'000;
  std::unordered_set<std::string> seen;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    start = comma + 1;
    std::size_t eq = item.find('=');
    std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key.empty()) throw std::invalid_argument("--parallel: empty item in '" + text + "'");
    if (!seen.insert(key).second) throw std::invalid_argument("--parallel: '" + key + "' given twice");
    if (key == "sp") {
      if (eq != std::string::npos) throw std::invalid_argument("--parallel: sp takes no value");
      plan.sp = true;
      continue;
    }
    if (eq == std::string::npos) throw std::invalid_argument("--parallel: '" + key + "' needs a value (" + key + "=N)");
    if (key == "tp") {
      plan.tp = parse_count(key, value, 1, kMax);
    } else if (key == "pp") {
      plan.pp = parse_count(key, value, 1, kMax);
    } else if (key == "dp") {
      plan.dp = parse_count(key, value, 1, kMax);
    } else if (key == "ep") {
      plan.ep = parse_count(key, value, 1, kMax);
    } else if (key == "zero") {
      plan.zero = static_cast<int>(parse_count(key, value, 0, 3));
    } else if (key == "microbatch") {
      plan.microbatch = parse_count(key, value, 1, kMax);
    } else if (key == "recompute") {
      if (value == "none") {
        plan.recompute = Recompute::kNone;
      } else if (value == "selective") {
        plan.recompute = Recompute::kSelective;
      } else if (value == "full") {
        plan.recompute = Recompute::kFull;
      } else {
        throw std::invalid_argument("--parallel: recompute must be none, selective or full, got '" + value + "'");
      }
    } else {
      throw std::invalid_argument("--parallel: unknown item '" + key +
                                  "' (tp, pp, dp, sp, ep, zero, recompute, microbatch)");
    }
  }
  if (plan.dp % plan.ep != 0) {
    throw std::invalid_argument("--parallel: ep (" + sym::to_string(plan.ep) + ") must divide dp (" +
                                sym::to_string(plan.dp) + "): experts are spread over data-parallel replicas");
  }
  if (plan.devices() > kMax) throw std::invalid_argument("--parallel: more than 1,000,000,000 devices");
  return plan;
}

ModelStates& ModelStates::operator+=(const ModelStates& other) {
  params = sym::checked_add(params, other.params);
  weight_bytes = sym::checked_add(weight_bytes, other.weight_bytes);
  gradient_bytes = sym::checked_add(gradient_bytes, other.gradient_bytes);
  master_weight_bytes = sym::checked_add(master_weight_bytes, other.master_weight_bytes);
  optimizer_bytes = sym::checked_add(optimizer_bytes, other.optimizer_bytes);
  total_bytes = sym::checked_add(total_bytes, other.total_bytes);
  return *this;
}

ModelStates model_states(Int params, Rational weight_dtype_bytes, int optimizer_states, int zero, Int dp, Int frozen) {
  ModelStates s;
  s.params = params;
  auto part = [&](Rational bytes, bool partitioned) { return (partitioned ? bytes / Rational(dp) : bytes).ceil(); };
  Rational trained = Rational(params - frozen);
  s.weight_bytes = part(Rational(params) * weight_dtype_bytes, zero >= 3);
  s.gradient_bytes = part(trained * weight_dtype_bytes, zero >= 2);
  // Mixed precision keeps an fp32 copy to update (the same rule as the single-device training memory).
  if (weight_dtype_bytes < Rational(4)) s.master_weight_bytes = part(trained * Rational(4), zero >= 1);
  s.optimizer_bytes = part(trained * Rational(4 * optimizer_states), zero >= 1);
  s.total_bytes = sym::checked_add(sym::checked_add(s.weight_bytes, s.gradient_bytes),
                                   sym::checked_add(s.master_weight_bytes, s.optimizer_bytes));
  return s;
}

Int korthikanti_layer_bytes(Int s, Int b, Int h, Int a, Int t, bool sp, Recompute recompute) {
  Rational sbh = Rational(s) * Rational(b) * Rational(h);
  Rational per_t;      // divided by t
  Rational whole = 0;  // kept whole on every tensor-parallel rank without sp
  switch (recompute) {
    case Recompute::kNone:
      per_t = Rational(s) * Rational(b) * (Rational(24) * Rational(h) + Rational(5) * Rational(a) * Rational(s));
      whole = Rational(10) * sbh;
      break;
    case Recompute::kSelective:
      per_t = Rational(24) * sbh;
      whole = Rational(10) * sbh;
      break;
    case Recompute::kFull:
      per_t = 0;
      whole = Rational(2) * sbh;
      break;
  }
  if (sp) return ((per_t + whole) / Rational(t)).ceil();
  return (per_t / Rational(t) + whole).ceil();
}

double collective_sent_fraction(Collective collective, Int n) {
  if (n <= 1) return 0;
  double share = d(n - 1) / d(n);
  switch (collective) {
    case Collective::kAllReduce:
      return 2 * share;
    case Collective::kReduceScatter:
    case Collective::kAllGather:
    case Collective::kAllToAll:
      return share;
    case Collective::kPointToPoint:
      return 1;
  }
  return 0;
}

LayerStack find_layer_stack(const Analysis& analysis) {
  const ir::Graph& graph = *analysis.graph;
  LayerStack stack;
  std::vector<const Layer*> softmaxes;
  for (const Layer& layer : analysis.layers) {
    if (is_score_softmax(layer, graph)) softmaxes.push_back(&layer);
  }
  for (const Layer& layer : analysis.layers) {
    if (graph.ops[layer.op].kind == "moe_experts") {
      stack.expert_params = sym::checked_add(stack.expert_params, layer.figures.params);
    }
  }
  if (softmaxes.empty()) return stack;
  // A layer is the scope up to the last segment of an attention's path that ends in a digit ("h.0",
  // "model.layers.31", "encoder.layers.encoder_layer_0", "decoder.layers.5" whose self- and cross-attention are one
  // layer); without one, what every attention scope shares plus one segment.
  std::vector<std::vector<std::string>> scopes;
  for (const Layer* layer : softmaxes) scopes.push_back(segments_of(parent_of(graph.ops[layer->op].path)));
  std::size_t common = scopes.front().size();
  for (const auto& s : scopes) {
    std::size_t k = 0;
    while (k < common && k < s.size() && s[k] == scopes.front()[k]) ++k;
    common = k;
  }
  std::vector<std::string> prefixes;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& s : scopes) {
    std::size_t depth = std::min(common + 1, s.size());
    for (std::size_t k = s.size(); k-- > 0;) {
      if (!s[k].empty() && s[k].back() >= '0' && s[k].back() <= '9') {
        depth = k + 1;
        break;
      }
    }
    std::string prefix = join(s, depth);
    if (index.emplace(prefix, prefixes.size()).second) prefixes.push_back(prefix);
  }
  stack.count = static_cast<Int>(prefixes.size());
  stack.first_prefix = prefixes.front();
  stack.attention_core = parent_of(graph.ops[softmaxes.front()->op].path);
  const std::vector<Int>& scores = softmaxes.front()->input_shapes[0];
  stack.batch = scores.front();
  stack.seq = scores[scores.size() - 2];
  stack.heads = 1;
  for (std::size_t k = 1; k + 2 < scores.size(); ++k) stack.heads = sym::checked_mul(stack.heads, scores[k]);
  // Parameters of each layer and outside them; the hidden size from the queries the first attention core reads.
  stack.params_per_layer.assign(prefixes.size(), 0);
  stack.expert_params_per_layer.assign(prefixes.size(), 0);
  stack.frozen_per_layer.assign(prefixes.size(), 0);
  stack.expert_frozen_per_layer.assign(prefixes.size(), 0);
  auto layer_of = [&](const std::string& path) -> std::ptrdiff_t {
    for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
      auto it = index.find(path.substr(0, dot));
      if (it != index.end()) return static_cast<std::ptrdiff_t>(it->second);
    }
    return -1;
  };
  bool seen_layer = false;
  for (const Layer& layer : analysis.layers) {
    const ir::Op& op = graph.ops[layer.op];
    if (stack.hidden == 0 && under(op.path, stack.attention_core) && !layer.input_shapes.empty() &&
        !layer.input_shapes[0].empty()) {
      stack.hidden = layer.input_shapes[0].back();
    }
    std::ptrdiff_t k = layer_of(op.path);
    Int frozen = op.costs().frozen ? layer.figures.params : Int(0);
    if (k >= 0) {
      seen_layer = true;
      auto at = static_cast<std::size_t>(k);
      stack.params_per_layer[at] = sym::checked_add(stack.params_per_layer[at], layer.figures.params);
      stack.frozen_per_layer[at] = sym::checked_add(stack.frozen_per_layer[at], frozen);
      if (op.kind == "moe_experts") {
        stack.expert_params_per_layer[at] = sym::checked_add(stack.expert_params_per_layer[at], layer.figures.params);
        stack.expert_frozen_per_layer[at] = sym::checked_add(stack.expert_frozen_per_layer[at], frozen);
      }
    } else if (!seen_layer) {
      stack.before_params = sym::checked_add(stack.before_params, layer.figures.params);
      stack.before_frozen = sym::checked_add(stack.before_frozen, frozen);
      stack.before_ops.push_back(layer.op);
    } else {
      stack.after_params = sym::checked_add(stack.after_params, layer.figures.params);
      stack.after_frozen = sym::checked_add(stack.after_frozen, frozen);
      stack.after_ops.push_back(layer.op);
    }
  }
  stack.layer_params = stack.params_per_layer.front();
  return stack;
}

MeasuredLayerActivation measure_layer_activation(const Analysis& analysis, const LayerStack& stack) {
  MeasuredLayerActivation m;
  if (stack.count == 0) return m;
  const ir::Graph& graph = *analysis.graph;
  std::vector<std::size_t> ops = first_layer_ops(analysis, stack);
  if (ops.empty()) return m;
  std::unordered_set<std::size_t> in_layer(ops.begin(), ops.end());
  auto replicated_kind = [&](std::size_t producer) {
    if (producer == ir::kNoOp || !in_layer.contains(producer)) return true;
    std::string_view kind = graph.ops[producer].kind;
    return kind == "layernorm" || kind == "rmsnorm" || kind == "dropout" || kind == "add";
  };
  for (const SavedPiece& piece : saved_pieces(analysis, ops)) {
    m.total = sym::checked_add(m.total, piece.bytes);
    if (replicated_kind(piece.producer)) m.replicated = sym::checked_add(m.replicated, piece.bytes);
  }
  // Selective recomputation keeps what the ops outside the attention core keep, and the core's inputs.
  std::vector<std::size_t> outside;
  std::unordered_set<std::size_t> core_inputs;
  for (std::size_t i : ops) {
    if (under(graph.ops[i].path, stack.attention_core)) {
      for (ir::TensorId t : graph.ops[i].inputs) {
        auto producer = graph.tensors[t].producer;
        if (producer == ir::kNoOp || !under(graph.ops[producer].path, stack.attention_core)) core_inputs.insert(t);
      }
    } else {
      outside.push_back(i);
    }
  }
  Int kept = 0;
  std::unordered_set<std::size_t> kept_storage;
  for (const SavedPiece& piece : saved_pieces(analysis, outside)) {
    kept = sym::checked_add(kept, piece.bytes);
    if (piece.storage != SavedPiece::kExtra) kept_storage.insert(piece.storage);
  }
  // The core's inputs are views of tensors made outside it; count each storage once.
  for (ir::TensorId t : core_inputs) {
    std::size_t s = t;
    while (graph.tensors[s].view && graph.tensors[s].producer != ir::kNoOp &&
           !graph.ops[graph.tensors[s].producer].inputs.empty()) {
      s = graph.ops[graph.tensors[s].producer].inputs.front();
    }
    if (kept_storage.insert(s).second) kept = sym::checked_add(kept, tensor_bytes(analysis, s));
  }
  m.attention_core = std::max<Int>(0, m.total - kept);
  // Full recomputation keeps the layer's input.
  const ir::Op& first = graph.ops[ops.front()];
  if (!first.inputs.empty()) m.layer_input = tensor_bytes(analysis, first.inputs.front());
  return m;
}

Int split_measured_activation(const MeasuredLayerActivation& m, Int t, bool sp, Recompute recompute) {
  Int kept = m.total, replicated = std::min(m.replicated, m.total);
  switch (recompute) {
    case Recompute::kNone:
      break;
    case Recompute::kSelective:
      kept = m.total - m.attention_core;
      replicated = std::min(replicated, kept);
      break;
    case Recompute::kFull:
      return sp ? ceil_div(m.layer_input, t) : m.layer_input;
  }
  if (sp) return ceil_div(kept, t);
  return sym::checked_add(replicated, ceil_div(kept - replicated, t));
}

// The parameters of a pipeline stage: all, those in moe_experts ops, and of each the frozen ones.
struct StageParams {
  Int params = 0, experts = 0, frozen = 0, frozen_experts = 0;
};

// Parameters of the most loaded pipeline stage, and the part of them in experts: ⌈L/P⌉ consecutive layers each, the
// first stage also holding what comes before the layers (embeddings), the last what comes after (final norm, head).
StageParams most_loaded_stage(const Analysis& analysis, const LayerStack& stack, Int p, Int layers_per_stage) {
  if (stack.count == 0) {
    // No layers found: every parameter on every stage; what is frozen is counted with the dense part.
    const Int all = analysis.totals.figures.params;
    Int frozen = analysis.training ? all - analysis.training->totals.trainable_params : Int(0);
    return {all, stack.expert_params, frozen, 0};
  }
  StageParams most;
  for (Int stage = 0; stage < p; ++stage) {
    StageParams here;
    for (Int k = stage * layers_per_stage; k < std::min((stage + 1) * layers_per_stage, stack.count); ++k) {
      auto at = static_cast<std::size_t>(k);
      here.params = sym::checked_add(here.params, stack.params_per_layer[at]);
      here.experts = sym::checked_add(here.experts, stack.expert_params_per_layer[at]);
      here.frozen = sym::checked_add(here.frozen, stack.frozen_per_layer[at]);
      here.frozen_experts = sym::checked_add(here.frozen_experts, stack.expert_frozen_per_layer[at]);
    }
    if (stage == 0) {
      here.params = sym::checked_add(here.params, stack.before_params);
      here.frozen = sym::checked_add(here.frozen, stack.before_frozen);
    }
    if (stage == p - 1) {
      here.params = sym::checked_add(here.params, stack.after_params);
      here.frozen = sym::checked_add(here.frozen, stack.after_frozen);
    }
    if (here.params > most.params) most = here;
  }
  return most;
}

// Activation memory of the first stage: its layers' with r.in_flight micro-batches, and what the ops before the
// layers keep (the embedding's; the head's too when p = 1), not split by t.
void add_activations(const Analysis& analysis, Parallel& r) {
  const LayerStack& stack = r.stack;
  const ParallelPlan& plan = r.plan;
  if (stack.count == 0) {  // no layers to split: the whole model's saved activations, one micro-batch at a time
    r.activation_bytes = analysis.training->totals.saved_activation_bytes;
    return;
  }
  r.korthikanti_layer_bytes_unsplit =
      korthikanti_layer_bytes(stack.seq, stack.batch, stack.hidden, stack.heads, 1, false, Recompute::kNone);
  r.korthikanti_layer_bytes =
      korthikanti_layer_bytes(stack.seq, stack.batch, stack.hidden, stack.heads, plan.tp, plan.sp, plan.recompute);
  r.measured = measure_layer_activation(analysis, stack);
  r.measured_layer_bytes = split_measured_activation(r.measured, plan.tp, plan.sp, plan.recompute);
  auto saved = [&](const std::vector<std::size_t>& ops) {
    Int sum = 0;
    for (const SavedPiece& piece : saved_pieces(analysis, ops)) sum = sym::checked_add(sum, piece.bytes);
    return sum;
  };
  r.outside_activation_bytes = sym::checked_mul(saved(stack.before_ops), r.in_flight);
  if (plan.pp == 1) r.outside_activation_bytes = sym::checked_add(r.outside_activation_bytes, saved(stack.after_ops));
  Int per_stage = sym::checked_mul(r.measured_layer_bytes, r.layers_per_stage);
  r.activation_bytes = sym::checked_add(sym::checked_mul(per_stage, r.in_flight), r.outside_activation_bytes);
}

Parallel analyze_parallel(const Analysis& analysis, const Roofline& forward, const HardwareProfile& profile,
                          const ParallelPlan& plan) {
  if (!analysis.training || !analysis.roofline) {
    throw std::invalid_argument("--parallel needs the training analysis and a hardware profile (--hw)");
  }
  const ir::Graph& graph = *analysis.graph;
  const Training& training = *analysis.training;
  const Roofline& roofline = *analysis.roofline;
  Parallel r;
  r.plan = plan;
  r.hardware = profile.name;
  r.stack = find_layer_stack(analysis);
  const LayerStack& stack = r.stack;
  const Int t = plan.tp, p = plan.pp, dp = plan.dp, ep = plan.ep, n = plan.devices();

  // Batches: the model's batch is one micro-batch.
  r.microbatch = 1;
  if (const Int* b = analysis.bindings.find("batch")) r.microbatch = *b;
  if (const Int* s = analysis.bindings.find("seq")) r.seq_tokens = *s;
  r.global_batch = plan.global_batch > 0 ? plan.global_batch : sym::checked_mul(r.microbatch, dp);
  Int per_step = sym::checked_mul(r.microbatch, dp);
  if (r.global_batch % per_step != 0) {
    throw std::invalid_argument("--global-batch " + sym::to_string(r.global_batch) +
                                " is not a multiple of micro-batch × dp = " + sym::to_string(r.microbatch) + " × " +
                                sym::to_string(dp));
  }
  r.microbatches = r.global_batch / per_step;
  const Int m = r.microbatches;

  // The layer split.
  if (stack.count == 0 && (t > 1 || p > 1 || plan.sp || plan.recompute != Recompute::kNone)) {
    throw std::invalid_argument(
        "tensor, sequence and pipeline parallelism and recomputation work on transformer layers, and model '" +
        graph.model_name + "' has no attention (a softmax over [batch, heads, seq, seq])");
  }
  if (stack.count > 0 && p > stack.count) {
    throw std::invalid_argument("pp (" + sym::to_string(p) + ") exceeds the " + sym::to_string(stack.count) +
                                " transformer layers of '" + graph.model_name + "'");
  }
  const ir::Op* moe = first_moe_op(graph);
  if (ep > 1 && !moe) {
    throw std::invalid_argument("ep (" + sym::to_string(ep) +
                                ") needs a mixture-of-experts model (moe_experts ops); '" + graph.model_name +
                                "' has none");
  }
  r.layers_per_stage = stack.count > 0 ? ceil_div(stack.count, p) : 0;
  if (stack.count > 0 && stack.count % p != 0) {
    r.notes.push_back(sym::to_string(stack.count) + " layers over " + sym::to_string(p) +
                      " stages: the figures are those of a stage with " + sym::to_string(r.layers_per_stage));
  }

  StageParams stage = most_loaded_stage(analysis, stack, p, r.layers_per_stage);
  Int dense_device = ceil_div(stage.params - stage.experts, t);
  Int expert_device = ceil_div(stage.experts, sym::checked_mul(t, ep));
  // The frozen part splits as its tensors do; rounding down keeps the trained part from going below its share.
  Int dense_frozen = (stage.frozen - stage.frozen_experts) / t;
  Int expert_frozen = stage.frozen_experts / sym::checked_mul(t, ep);
  int states = optimizer_state_per_param(*parse_optimizer(training.totals.optimizer));
  r.states = model_states(dense_device, dtype_bytes(graph.weight_dtype), states, plan.zero, dp, dense_frozen);
  if (expert_device > 0) {
    r.states += model_states(expert_device, dtype_bytes(graph.weight_dtype), states, plan.zero, dp / ep, expert_frozen);
  }

  r.in_flight = std::min(p, m);
  add_activations(analysis, r);
  r.device_memory_bytes = sym::checked_add(r.states.total_bytes, r.activation_bytes);
  r.bubble_fraction = d(p - 1) / d(m);

  // Compute per micro-batch and device: the rooflines split evenly over the t·p devices of a replica.
  double split = d(t) * d(p);
  double recompute_s = 0, recompute_flops = 0;
  if (plan.recompute == Recompute::kFull) {
    recompute_s = forward.time_s;
    recompute_flops = d(analysis.totals.figures.flops);
  } else if (plan.recompute == Recompute::kSelective) {
    std::unordered_set<std::string> scopes = attention_scopes(analysis);
    for (std::size_t i = 0; i < analysis.layers.size(); ++i) {
      if (!under_any(graph.ops[analysis.layers[i].op].path, scopes)) continue;
      recompute_s += forward.layers[i].time_s;
      recompute_flops += d(analysis.layers[i].figures.flops);
    }
  }
  double micro_compute = (roofline.time_s + recompute_s) / split;
  double micro_backward = (roofline.time_s - forward.time_s) / split;
  r.compute_s = d(m) * micro_compute;
  r.recompute_s = d(m) * recompute_s / split;

  // Communication per step and device.
  const double act_bytes = dtype_bytes(graph.activation_dtype).to_double();
  const double sbh = d(stack.seq) * d(stack.batch) * d(stack.hidden) * act_bytes;  // one layer's [s, b, h]
  double per_micro_comm = 0, exposed = 0;
  auto add = [&](const std::string& kind, const Link& link, Int group, double bytes, bool on_critical_path,
                 double overlap_s) {
    CommunicationKind c{kind, link.name, group, bytes, bytes / link.bandwidth, 0};
    c.exposed_s = on_critical_path ? c.time_s : std::max(0.0, c.time_s - overlap_s);
    if (on_critical_path) {
      per_micro_comm += c.time_s / d(m);
    } else {
      exposed += c.exposed_s;
    }
    r.communication.push_back(c);
  };
  if (t > 1) {
    // Two all-reduces of [s, b, h] per layer forward (attention and MLP outputs), two backward, two more when the
    // forward is recomputed in full; sp turns each into a reduce-scatter and an all-gather of the same volume.
    double collectives = plan.recompute == Recompute::kFull ? 6 : 4;
    double bytes =
        collectives * sbh * collective_sent_fraction(Collective::kAllReduce, t) * d(r.layers_per_stage) * d(m);
    add(plan.sp ? "tp reduce-scatter + all-gather" : "tp all-reduce", link_for(profile, 1, t), t, bytes, true, 0);
  }
  if (moe && ep > 1) {
    // Dispatch and combine all-to-alls of the routed tokens (tokens·k rows of h) forward, the same backward.
    Int moe_ops = 0;
    for (const ir::Op& op : graph.ops) moe_ops += op.kind == "moe_experts" ? 1 : 0;
    double routed = 0;
    for (const Layer& layer : analysis.layers) {
      if (graph.ops[layer.op].kind != "moe_experts" || layer.input_shapes.size() < 2) continue;
      double rows = 1;
      for (Int dim : layer.input_shapes[1]) rows *= d(dim);
      routed = rows * d(layer.input_shapes[0].back()) * act_bytes;
      break;
    }
    double stage_moe = stack.count > 0 ? d(moe_ops) * d(r.layers_per_stage) / d(stack.count) : d(moe_ops);
    double collectives = plan.recompute == Recompute::kFull ? 6 : 4;
    double bytes = collectives * routed / d(t) * collective_sent_fraction(Collective::kAllToAll, ep) * stage_moe * d(m);
    add("ep all-to-all", link_for(profile, t, ep), ep, bytes, true, 0);
  }
  if (p > 1) {
    // Each stage sends its output activation forward and receives a gradient back per micro-batch; with t > 1 the
    // [s, b, h] tensor is split over the tensor-parallel ranks (Megatron's scatter / gather).
    double bytes = 2 * sbh / d(t) * d(m);
    add("pp p2p", link_for(profile, sym::checked_mul(t, dp), p), p, bytes, true, 0);
  }
  if (dp > 1) {
    // Gradients once per step, overlapped with the last micro-batch's backward.
    double grads = dtype_bytes(graph.weight_dtype).to_double();
    auto dp_comm = [&](Int params, Int stride, Int group, const std::string& what) {
      if (group <= 1 || params == 0) return;
      double v = d(params) * grads;
      std::string kind;
      double bytes = 0;
      switch (plan.zero) {
        case 0:
          kind = "dp all-reduce";
          bytes = v * collective_sent_fraction(Collective::kAllReduce, group);
          break;
        case 1:
        case 2:
          kind = "dp reduce-scatter + all-gather";
          bytes = 2 * v * collective_sent_fraction(Collective::kReduceScatter, group);
          break;
        default:
          kind = "dp reduce-scatter + 2 all-gathers";
          bytes = 3 * v * collective_sent_fraction(Collective::kReduceScatter, group);
          break;
      }
      add(kind + what, link_for(profile, stride, group), group, bytes, false, micro_backward);
    };
    dp_comm(dense_device, t, dp, "");
    dp_comm(expert_device, sym::checked_mul(t, ep), dp / ep, " (experts)");  // replicas of the same experts
  }
  double micro = micro_compute + per_micro_comm;
  r.bubble_s = d(p - 1) * micro;
  r.exposed_comm_s = per_micro_comm * d(m) + exposed;
  r.step_s = r.compute_s + r.bubble_s + r.exposed_comm_s;

  double micro_flops = d(training.totals.train_flops);
  r.model_flops = micro_flops * d(m) * d(dp);
  double peak = roofline.matrix_peak;
  r.mfu = r.step_s > 0 && peak > 0 ? r.model_flops / (r.step_s * d(n) * peak) : 0;
  r.tokens_per_step = d(r.global_batch) * d(r.seq_tokens);
  if (plan.tokens > 0) {
    double steps = d(plan.tokens) / r.tokens_per_step;
    r.train_time_s = steps * r.step_s;
    double flops = (micro_flops + recompute_flops) * d(m) * d(dp);
    r.ideal_train_time_s = peak > 0 ? steps * flops / (d(n) * peak) : 0;
  }
  r.notes.push_back(
      "overlap: data-parallel gradient communication overlaps the last micro-batch's backward; tensor-parallel, "
      "pipeline and expert communication is on the critical path");
  r.notes.push_back("schedule: 1F1B, bubble (p - 1)/m; compute from the " + profile.name +
                    " rooflines split evenly over the t·p devices of a replica");
  return r;
}

}  // namespace nnscope::analysis
