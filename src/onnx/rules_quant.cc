// Quantized models. QuantizeLinear and DequantizeLinear (the QDQ format) pass their tensor on: an int8 kernel
// fuses them into the GEMM around which they sit, so a Conv or MatMul between them is translated as usual
// from the dequantized weight. QLinearConv, ConvInteger, QLinearMatMul and MatMulInteger are the same GEMMs
// with their operands at other inputs. MACs do not depend on the element type; weight bytes follow
// --weight-dtype, so the header of the generated model says to analyse with --weight-dtype int8.
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

Outcome quantize_or_dequantize(Translator& t) {
  t.note_quantized();
  Maybe<const Value*> weight = t.weight(0, "");
  if (weight) return t.forward(0, **weight);
  const Value& v = t.in(0);
  if (v.kind == Kind::kMissing) return Unsupported{"input is not available"};
  return t.forward(0, v);
}

Outcome qlinear_conv(Translator& t) {
  t.note_quantized();
  return translate_conv(t, 0, 3, 8);  // x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zp, B
}

Outcome conv_integer(Translator& t) {
  t.note_quantized();
  return translate_conv(t, 0, 1, std::nullopt);  // x, w, x_zero_point, w_zero_point
}

Outcome qlinear_matmul(Translator& t) {
  t.note_quantized();
  return translate_matmul(t, 0, 3);  // a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zp
}

Outcome matmul_integer(Translator& t) {
  t.note_quantized();
  return translate_matmul(t, 0, 1);  // a, b, a_zero_point, b_zero_point
}

}  // namespace

void add_quantized_rules(RuleTable& table) {
  table["QuantizeLinear"] = quantize_or_dequantize;
  table["DequantizeLinear"] = quantize_or_dequantize;
  table["QLinearConv"] = qlinear_conv;
  table["ConvInteger"] = conv_integer;
  table["QLinearMatMul"] = qlinear_matmul;
  table["MatMulInteger"] = matmul_integer;
}

}  // namespace nnscope::onnx
