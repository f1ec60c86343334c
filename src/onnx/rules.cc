#include "onnx/rules.h"

#include <algorithm>

namespace nnscope::onnx {
namespace {

const RuleTable& table() {
  static const RuleTable kTable = [] {
    RuleTable t;
    add_tensor_rules(t);
    add_slice_rules(t);
    add_math_rules(t);
    add_layer_rules(t);
    add_control_rules(t);
    add_quantized_rules(t);
    return t;
  }();
  return kTable;
}

}  // namespace

Rule find_rule(const std::string& op_type) {
  auto it = table().find(op_type);
  return it == table().end() ? nullptr : it->second;
}

std::vector<std::string> rule_op_types() {
  std::vector<std::string> names;
  for (const auto& [name, rule] : table()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace nnscope::onnx
