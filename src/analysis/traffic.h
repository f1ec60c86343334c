#pragma once
// Memory traffic as kernels move it (docs/memory-traffic.md): which tensors are views of another's memory, which
// never reach memory because a fused kernel keeps them on chip, and how many activation bytes each op's kernel
// reads and writes. Two kernel choices:
//   unfused: every op that is not a view is its own kernel, reading its inputs from and writing its outputs to
//            memory;
//   fused:   as unfused, except that a tensor whose one consumer is an element-wise op or activation fused into
//            its producer's epilogue (the producer a GEMM, a convolution or another fused op), or a softmax's output
//            whose one consumer is a GEMM (attention as one FlashAttention kernel), stays on chip: it is neither
//            written nor read; an op takes at most one input on chip. Norms stay kernels of their own that read
//            once and write once.
// In both: views (reshape, flatten, squeeze, unsqueeze, expand, slice, split, chunk, dropout, identity, and
// permute / transpose when every consumer is a GEMM, which reads strided operands) move nothing, their consumers
// reading only the elements they use; a concat onto a model input (a KV cache) appends in place, writing only the
// new rows.
#include <optional>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace nnscope::analysis {

enum class Kernels { kFused, kUnfused };
const char* kernels_name(Kernels kernels);
std::optional<Kernels> parse_kernels(std::string_view name);

struct TrafficPlan {
  std::vector<std::size_t> storage;  // by tensor: the tensor whose memory it is (itself unless a view or append)
  std::vector<bool> on_chip;         // by tensor: never written to memory (fused kernels only)
  std::vector<sym::Expr> op_bytes;   // by op: activation bytes its kernel reads plus writes (weights not included)
};

// `tensor_bytes`: every tensor's bytes as a formula. What is a view, on chip or appended depends on the graph's
// structure only, not on the sizes, so a sweep plans once.
// The operator names the traffic rules classify (the rest are kernels of their own), for a test that they exist.
std::vector<std::string_view> traffic_classified_kinds();

TrafficPlan plan_traffic(const ir::Graph& graph, Kernels kernels, const std::vector<sym::Expr>& tensor_bytes);

}  // namespace nnscope::analysis
