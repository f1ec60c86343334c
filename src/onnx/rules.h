#pragma once
// The translation rules: one function per ONNX op_type (several op_types may share one), looked up in a
// table. A rule reads its node and inputs through the Translator, emits statements, sets the node's outputs
// and returns translated(), or returns Unsupported{reason} having changed nothing that matters (the
// translator takes its statements back). Each family of rules lives in one file:
//   rules_tensor.cc  Constant, Identity/Cast, Dropout, Shape, Size, Gather, Unsqueeze, Squeeze, Concat, Reshape,
//                    Transpose, Flatten, Expand, ConstantOfShape, Range
//   rules_slice.cc   Slice, Split, Pad
//   rules_math.cc    arithmetic, comparisons, Where, Pow, Max/Min, activations, Clip
//   rules_layers.cc  Conv, Gemm/MatMul, normalizations, Softmax, pooling, reductions, recurrent, Resize
//   rules_control.cc If (its branch chosen by a constant condition)
//   rules_quant.cc   QuantizeLinear/DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger
// tests/onnx/rules_test.cc tests each rule on a one-node graph.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "onnx/value.h"

namespace nnscope::onnx {

class Translator;

using Rule = Outcome (*)(Translator&);
using RuleTable = std::unordered_map<std::string, Rule>;

// The rule for `op_type` (of the default or com.microsoft domain), or nullptr.
Rule find_rule(const std::string& op_type);
// Every op_type with a rule, sorted.
std::vector<std::string> rule_op_types();

// Conv/ConvTranspose with its operands at the given inputs (QLinearConv and ConvInteger place them
// elsewhere), and MatMul likewise (QLinearMatMul, MatMulInteger).
Outcome translate_conv(Translator& t, std::size_t x_index, std::size_t w_index, std::optional<std::size_t> b_index);
Outcome translate_matmul(Translator& t, std::size_t a_index, std::size_t b_index);

void add_tensor_rules(RuleTable& table);
void add_slice_rules(RuleTable& table);
void add_math_rules(RuleTable& table);
void add_layer_rules(RuleTable& table);
void add_control_rules(RuleTable& table);
void add_quantized_rules(RuleTable& table);

}  // namespace nnscope::onnx
