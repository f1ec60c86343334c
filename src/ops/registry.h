#pragma once
// The table of operators. Each family file defines register_<family>_ops(); registry.cc calls them all.
#include <cstdint>
#include <string_view>
#include <vector>

#include "ops/op.h"

namespace nnscope::ops {

class Registry {
 public:
  static const Registry& instance();
  const OpDef* find(std::string_view name) const;
  const std::vector<OpDef>& all() const { return defs_; }  // sorted by name
  void add(OpDef def);

 private:
  void build_index();

  std::vector<OpDef> defs_;
  // An open-addressing table of defs_ indices + 1 (0: empty) by the name's hash: find() runs for every call in a
  // model, twice (the static checker and the evaluator), and a binary search's string compares cost ten times
  // a hash.
  std::vector<std::uint16_t> index_;
};

// One per family file.
void register_activation_ops(Registry& registry);
void register_conv_ops(Registry& registry);
void register_detection_ops(Registry& registry);
void register_elementwise_ops(Registry& registry);
void register_embedding_ops(Registry& registry);
void register_graph_ops(Registry& registry);
void register_linear_ops(Registry& registry);
void register_moe_ops(Registry& registry);
void register_norm_ops(Registry& registry);
void register_onnx_compat_ops(Registry& registry);
void register_pooling_ops(Registry& registry);
void register_recurrent_ops(Registry& registry);
void register_reduce_ops(Registry& registry);
void register_shape_ops(Registry& registry);

}  // namespace nnscope::ops
