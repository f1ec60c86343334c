#include "analysis/traffic.h"

#include <algorithm>
#include <array>

#include "ops/common.h"

namespace nnscope::analysis {
namespace {

// What a kernel does with memory, by operator. One table so that a new operator is classified in one place;
// tests/analysis/traffic_test.cc checks every name here is a registered operator.
enum class Access {
  kOther,      // its own kernel: reads its inputs, writes its outputs
  kView,       // moves nothing: the output is the input's memory seen differently
  kTranspose,  // a view when every consumer is a GEMM (strided operands), else a copy
  kGemm,       // a matrix-multiply kernel: its epilogue can absorb element-wise work
  kPointwise,  // element-wise or activation (softmax too, as FlashAttention computes it): fusable
};

struct Kind {
  std::string_view name;
  Access access;
};

constexpr std::array kKinds = {
    Kind{"reshape", Access::kView},
    Kind{"flatten", Access::kView},
    Kind{"squeeze", Access::kView},
    Kind{"unsqueeze", Access::kView},
    Kind{"expand", Access::kView},
    Kind{"slice", Access::kView},
    Kind{"split", Access::kView},
    Kind{"chunk", Access::kView},
    Kind{"dropout", Access::kView},
    Kind{"identity", Access::kView},
    Kind{"permute", Access::kTranspose},
    Kind{"transpose", Access::kTranspose},
    Kind{"linear", Access::kGemm},
    Kind{"matmul", Access::kGemm},
    Kind{"bmm", Access::kGemm},
    Kind{"conv1d", Access::kGemm},
    Kind{"conv2d", Access::kGemm},
    Kind{"conv3d", Access::kGemm},
    Kind{"conv_transpose1d", Access::kGemm},
    Kind{"conv_transpose2d", Access::kGemm},
    Kind{"conv_transpose3d", Access::kGemm},
    Kind{"add", Access::kPointwise},
    Kind{"sub", Access::kPointwise},
    Kind{"mul", Access::kPointwise},
    Kind{"div", Access::kPointwise},
    Kind{"pow", Access::kPointwise},
    Kind{"maximum", Access::kPointwise},
    Kind{"minimum", Access::kPointwise},
    Kind{"neg", Access::kPointwise},
    Kind{"abs", Access::kPointwise},
    Kind{"exp", Access::kPointwise},
    Kind{"log", Access::kPointwise},
    Kind{"sqrt", Access::kPointwise},
    Kind{"rsqrt", Access::kPointwise},
    Kind{"square", Access::kPointwise},
    Kind{"erf", Access::kPointwise},
    Kind{"clip", Access::kPointwise},
    Kind{"compare", Access::kPointwise},
    Kind{"where", Access::kPointwise},
    Kind{"relu", Access::kPointwise},
    Kind{"relu6", Access::kPointwise},
    Kind{"gelu", Access::kPointwise},
    Kind{"silu", Access::kPointwise},
    Kind{"sigmoid", Access::kPointwise},
    Kind{"tanh", Access::kPointwise},
    Kind{"elu", Access::kPointwise},
    Kind{"leaky_relu", Access::kPointwise},
    Kind{"hardsigmoid", Access::kPointwise},
    Kind{"hardswish", Access::kPointwise},
    Kind{"mish", Access::kPointwise},
    Kind{"softplus", Access::kPointwise},
    Kind{"prelu", Access::kPointwise},
    Kind{"dice", Access::kPointwise},
    Kind{"rotary", Access::kPointwise},
    Kind{"causal_mask", Access::kPointwise},
    Kind{"softmax", Access::kPointwise},
    Kind{"log_softmax", Access::kPointwise},
};

Access access_of(std::string_view kind) {
  for (const Kind& k : kKinds) {
    if (k.name == kind) return k.access;
  }
  return Access::kOther;
}

bool is_softmax(const ir::Op& op) { return op.kind == "softmax" || op.kind == "log_softmax"; }

// Equal shapes (the usual epilogue: a bias or an activation after its GEMM) need no element-count product.
bool same_element_count(const std::vector<sym::Expr>& a, const std::vector<sym::Expr>& b) {
  return a == b || ops::numel(a) == ops::numel(b);
}

}  // namespace

const char* kernels_name(Kernels kernels) { return kernels == Kernels::kFused ? "fused" : "unfused"; }

std::optional<Kernels> parse_kernels(std::string_view name) {
  if (name == "fused") return Kernels::kFused;
  if (name == "unfused") return Kernels::kUnfused;
  return std::nullopt;
}

std::vector<std::string_view> traffic_classified_kinds() {
  std::vector<std::string_view> names;
  for (const Kind& k : kKinds) names.push_back(k.name);
  return names;
}

TrafficPlan plan_traffic(const ir::Graph& graph, Kernels kernels, const std::vector<sym::Expr>& tensor_bytes) {
  const std::size_t n_tensors = graph.tensors.size(), n_ops = graph.ops.size();
  std::vector<Access> access(n_ops);
  // Each kind is looked up in the table once (a 1M-op model has a few dozen kinds).
  // An op's kind views its operator's name in the registry, so a few dozen distinct pointers cover a model: a
  // pointer compare finds a kind's answer where hashing its text cost more than the rest of the loop.
  std::vector<std::pair<std::string_view, Access>> by_kind;
  for (std::size_t i = 0; i < n_ops; ++i) {
    const ir::Op& op = graph.ops[i];
    if (!op.outputs.empty() && graph.tensors[op.outputs.front()].view) {
      access[i] = Access::kView;
      continue;
    }
    auto known = std::find_if(by_kind.begin(), by_kind.end(), [&](const auto& k) {
      return k.first.data() == op.kind.data() && k.first.size() == op.kind.size();
    });
    if (known == by_kind.end()) known = by_kind.insert(known, {op.kind, access_of(op.kind)});
    access[i] = known->second;
  }

  // A permute or transpose is a view when every op reading it, looking through further views, is a GEMM. Decided
  // from the last op back, so every reader of an op's outputs has been decided when the op is.
  std::vector<bool> view(n_ops, false);
  std::vector<bool> gemm_readers_only(n_tensors, true);  // every reader decided so far is a view or a GEMM
  for (std::size_t i = n_ops; i-- > 0;) {
    const ir::Op& op = graph.ops[i];
    if (access[i] == Access::kView) view[i] = true;
    if (access[i] == Access::kTranspose) {
      view[i] = std::all_of(op.outputs.begin(), op.outputs.end(), [&](ir::TensorId t) { return gemm_readers_only[t]; });
    }
    bool passes = view[i] || access[i] == Access::kGemm;
    for (ir::TensorId t : op.inputs) gemm_readers_only[t] = gemm_readers_only[t] && passes;
  }
  std::vector<bool> is_model_input(n_tensors, false);
  for (ir::TensorId t : graph.inputs) is_model_input[t] = true;

  TrafficPlan plan;
  plan.storage.resize(n_tensors);
  std::vector<bool> append(n_ops, false);  // a concat onto a model input: an in-place KV-cache append
  for (std::size_t t = 0; t < n_tensors; ++t) {
    plan.storage[t] = t;
    std::size_t p = graph.tensors[t].producer;
    if (p == ir::kNoOp || graph.ops[p].inputs.empty()) continue;
    const ir::Op& op = graph.ops[p];
    std::size_t base = plan.storage[op.inputs.front()];
    if (view[p]) {
      plan.storage[t] = base;
    } else if (op.kind == "concat" && op.inputs.size() > 1 && is_model_input[base]) {
      append[p] = true;
      plan.storage[t] = base;
    }
  }
  // How many ops read each storage, looking through views, and the one that does when there is one (ops come in
  // order, so an op reading a storage twice is counted once by remembering the last reader).
  constexpr std::size_t kNone = ~std::size_t{0};
  std::vector<std::size_t> readers(n_tensors, 0), last_reader(n_tensors, kNone);
  for (std::size_t i = 0; i < n_ops; ++i) {
    if (view[i]) continue;
    for (ir::TensorId t : graph.ops[i].inputs) {
      std::size_t s = plan.storage[t];
      if (last_reader[s] == i) continue;
      last_reader[s] = i;
      ++readers[s];
    }
  }
  std::vector<bool> escapes(is_model_input);
  for (const ir::Output& o : graph.outputs) escapes[plan.storage[o.tensor]] = true;

  plan.on_chip.assign(n_tensors, false);
  if (kernels == Kernels::kFused) {
    // A kernel continues one producer's work: an op whose inputs come from two GEMMs (silu(gate) · up) takes the
    // first on chip and reads the other from memory.
    std::vector<bool> absorbed(n_ops, false);
    for (std::size_t t = 0; t < n_tensors; ++t) {
      std::size_t p = graph.tensors[t].producer;
      if (plan.storage[t] != t || escapes[t] || p == ir::kNoOp || readers[t] != 1) continue;
      std::size_t c = last_reader[t];
      const ir::Op& consumer = graph.ops[c];
      bool epilogue = access[c] == Access::kPointwise &&
                      (access[p] == Access::kGemm || access[p] == Access::kPointwise) && !consumer.outputs.empty() &&
                      same_element_count(graph.tensors[t].shape, graph.tensors[consumer.outputs.front()].shape);
      bool flash = access[c] == Access::kGemm && is_softmax(graph.ops[p]);
      // The new keys and values are written by their producer straight into the cache.
      bool into_cache = append[c] && access[p] != Access::kOther;
      plan.on_chip[t] = (epilogue || flash || into_cache) && !absorbed[c];
      absorbed[c] = absorbed[c] || plan.on_chip[t];
    }
  }

  plan.op_bytes.resize(n_ops);
  for (std::size_t i = 0; i < n_ops; ++i) {
    if (view[i]) continue;
    const ir::Op& op = graph.ops[i];
    sym::Expr bytes;
    if (append[i]) {
      // Reads the new rows (unless they come straight from their producer) and writes them after the cached ones.
      for (std::size_t k = 1; k < op.inputs.size(); ++k) {
        ir::TensorId t = op.inputs[k];
        if (!plan.on_chip[plan.storage[t]]) bytes += tensor_bytes[t];
        bytes += tensor_bytes[t];
      }
    } else {
      for (ir::TensorId t : op.inputs) {
        if (!plan.on_chip[plan.storage[t]]) bytes += tensor_bytes[t];
      }
      for (ir::TensorId t : op.outputs) {
        if (!plan.on_chip[t]) bytes += tensor_bytes[t];
      }
    }
    plan.op_bytes[i] = std::move(bytes);
  }
  return plan;
}

}  // namespace nnscope::analysis
