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
    r.build_index();
    return r;
  }();
  return registry;
}

namespace {

// FNV-1a: operator names are short, so a byte loop beats a general-purpose hash's setup.
std::size_t name_hash(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

}  // namespace

void Registry::build_index() {
  std::size_t slots = 16;
  while (slots < 4 * defs_.size()) slots *= 2;  // at most a quarter full: probes stay short
  if (defs_.size() >= 0xFFFF) throw std::logic_error("too many operators for the registry's index");
  index_.assign(slots, 0);
  for (std::size_t i = 0; i < defs_.size(); ++i) {
    std::size_t slot = name_hash(defs_[i].name) & (slots - 1);
    while (index_[slot] != 0) slot = (slot + 1) & (slots - 1);
    index_[slot] = static_cast<std::uint16_t>(i + 1);
  }
}

const OpDef* Registry::find(std::string_view name) const {
  if (index_.empty()) return nullptr;
  std::size_t mask = index_.size() - 1;
  for (std::size_t slot = name_hash(name) & mask; index_[slot] != 0; slot = (slot + 1) & mask) {
    const OpDef& def = defs_[index_[slot] - 1];
    if (def.name == name) return &def;
  }
  return nullptr;
}

void Registry::add(OpDef def) {
  for (const OpDef& existing : defs_) {
    if (existing.name == def.name) throw std::logic_error("operator registered twice: " + def.name);
  }
  defs_.push_back(std::move(def));
}

}  // namespace nnscope::ops
