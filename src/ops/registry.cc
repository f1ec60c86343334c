#include "ops/registry.h"

#include <algorithm>
#include <stdexcept>

namespace nnscope::ops {

const Registry& Registry::instance() {
  static const Registry registry = [] {
    Registry r;
    register_activation_ops(r);
    register_conv_ops(r);
    register_detection_ops(r);
    register_elementwise_ops(r);
    register_embedding_ops(r);
    register_graph_ops(r);
    register_linear_ops(r);
    register_moe_ops(r);
    register_norm_ops(r);
    register_onnx_compat_ops(r);
    register_pooling_ops(r);
    register_recurrent_ops(r);
    register_reduce_ops(r);
    register_shape_ops(r);
    std::sort(r.defs_.begin(), r.defs_.end(), [](const OpDef& a, const OpDef& b) { return a.name < b.name; });
    return r;
  }();
  return registry;
}

const OpDef* Registry::find(std::string_view name) const {
  auto it = std::lower_bound(defs_.begin(), defs_.end(), name,
                             [](const OpDef& def, std::string_view n) { return def.name < n; });
  return it != defs_.end() && it->name == name ? &*it : nullptr;
}

void Registry::add(OpDef def) {
  for (const OpDef& existing : defs_) {
    if (existing.name == def.name) throw std::logic_error("operator registered twice: " + def.name);
  }
  defs_.push_back(std::move(def));
}

}  // namespace nnscope::ops
