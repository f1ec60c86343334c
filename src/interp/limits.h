#pragma once
// Safety limits of elaboration: a model (or a hostile file) that asks for more stops with a located error
// instead of running for minutes or exhausting memory. Each one is raised with `--limit NAME=N`
// (docs/language.md, "Limits").
#include <cstdint>

namespace nnscope::interp {

struct Limits {
  std::uint64_t max_ops = 5'000'000;          // ops in the graph
  std::uint64_t max_steps = 20'000'000;       // statements and expressions evaluated
  std::uint64_t max_loop_trips = 10'000'000;  // iterations of one loop
  std::uint32_t max_call_depth = 200;         // nested block instantiations
  // Nodes in one symbolic expression (a dimension, a model integer), and terms in a tensor's element count.
  // Products and powers are refused before they are built when their size bound passes it.
  std::uint64_t max_expr_size = 1'000;
  std::uint64_t max_string_bytes = 1 << 20;  // bytes in one string value
  std::uint64_t max_list_items = 100'000;    // items in one list or tuple value, and tensors a model returns
  std::uint64_t max_path_depth = 1'000;      // '.'-separated parts in an op's path (labels and nested blocks)
};

}  // namespace nnscope::interp
