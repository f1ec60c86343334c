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
  std::uint64_t max_expr_size = 1'000;        // nodes in one symbolic dimension
};

}  // namespace nnscope::interp
