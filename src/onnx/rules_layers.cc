// Rules for layers with learned weights or windows: convolutions, Gemm/MatMul (a projection by a weight
// becomes `linear`, with a following bias Add folded in), normalizations, Softmax, pooling, reductions,
// recurrent layers and Resize.
#include <algorithm>
#include <cmath>
#include <set>

#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

std::string spatial(const std::vector<std::int64_t>& v) { return v.size() == 1 ? std::to_string(v[0]) : ints_text(v); }

bool any_not(const std::vector<std::int64_t>& v, std::int64_t value) {
  return std::any_of(v.begin(), v.end(), [value](std::int64_t x) { return x != value; });
}

// Symmetric pads become a padding argument; asymmetric ones a pad() op before the layer (then `x` names its
// output). Returns the padding argument's text.
Maybe<std::string> padding(Translator& t, std::string& x, std::size_t nd, const char* pad_mode) {
  const Node& node = t.node();
  std::string auto_pad = node.string_attr("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return std::string("\"same\"");
  if (auto_pad == "VALID") return std::string("0");
  std::vector<std::int64_t> pads = node.ints_attr("pads").value_or(std::vector<std::int64_t>(2 * nd, 0));
  if (pads.size() != 2 * nd) return Unsupported{"pads has " + std::to_string(pads.size()) + " values"};
  bool symmetric = true;
  for (std::size_t k = 0; k < nd; ++k) symmetric &= pads[k] == pads[k + nd];
  if (symmetric && !any_not(pads, 0)) return std::string("0");
  if (symmetric) return spatial(std::vector<std::int64_t>(pads.begin(), pads.begin() + static_cast<long>(nd)));
  std::vector<std::int64_t> torch_pads;
  for (std::size_t k = nd; k-- > 0;) {
    torch_pads.push_back(pads[k]);
    torch_pads.push_back(pads[k + nd]);
  }
  Maybe<std::string> padded = t.emit_temp("pad(" + x + ", " + ints_text(torch_pads) + ", mode = \"" + pad_mode + "\")",
                                          node.outputs[0] + "_pad");
  if (!padded) return padded.why();
  x = *padded;
  return std::string("0");
}

}  // namespace

Outcome translate_conv(Translator& t, std::size_t x_index, std::size_t w_index, std::optional<std::size_t> b_index) {
  const Node& node = t.node();
  bool transposed = node.op_type == "ConvTranspose";
  bool bias = b_index && t.has(*b_index);
  Maybe<const Value*> weight = t.weight(w_index, "the convolution weight");
  if (!weight) return weight.why();
  const std::vector<std::int64_t> dims = (*weight)->dims;
  if (dims.size() < 3 || dims.size() > 5)
    return Unsupported{"convolution weight of rank " + std::to_string(dims.size())};
  std::size_t nd = dims.size() - 2;
  std::int64_t group = node.int_attr("group", 1);
  std::vector<std::int64_t> kernel(dims.begin() + 2, dims.end());
  std::vector<std::int64_t> strides = node.ints_attr("strides").value_or(std::vector<std::int64_t>(nd, 1));
  std::vector<std::int64_t> dilations = node.ints_attr("dilations").value_or(std::vector<std::int64_t>(nd, 1));
  if (strides.size() != nd || dilations.size() != nd)
    return Unsupported{"strides or dilations do not match the kernel"};
  if (transposed && node.attribute("output_shape")) return Unsupported{"ConvTranspose with output_shape"};
  std::int64_t out_channels = dims[0];
  if (transposed && __builtin_mul_overflow(dims[1], group, &out_channels)) return Unsupported{"group"};
  Maybe<std::string> x = t.tensor(x_index);
  if (!x) return x.why();
  Maybe<std::string> pad = padding(t, *x, nd, "constant");
  if (!pad) return pad.why();
  std::string fn = std::string(transposed ? "conv_transpose" : "conv") + std::to_string(nd) + "d";
  std::string rhs = fn + "(" + *x + ", " + std::to_string(out_channels) + ", kernel = " + spatial(kernel);
  if (any_not(strides, 1)) rhs += ", stride = " + spatial(strides);
  if (*pad != "0") rhs += ", padding = " + *pad;
  if (transposed) {
    auto output_padding = node.ints_attr("output_padding");
    if (output_padding && any_not(*output_padding, 0)) rhs += ", output_padding = " + spatial(*output_padding);
  }
  if (any_not(dilations, 1)) rhs += ", dilation = " + spatial(dilations);
  if (group != 1) rhs += ", groups = " + std::to_string(group);
  // A weight or bias other nodes read too is shared: the exporter merges identical initializers into one (an
  // untrained model's zero biases, BatchNorm folded into them), and tied weights are one tensor. The bias is
  // then added apart, so each tensor counts once: the convolution's parameters are its weight alone (tied_to
  // the weight's first reader when shared), the bias a param read by every node that reads it.
  if (bias && (t.is_shared(**weight) || t.is_shared(t.in(*b_index)))) {
    Maybe<std::string> convolved = t.emit_temp(rhs + ", bias = false)", node.outputs[0] + "_conv", *weight);
    if (!convolved) return convolved.why();
    Maybe<std::string> b = t.tensor(*b_index);
    if (!b) return b.why();
    std::vector<std::int64_t> bias_shape(nd + 1, 1);
    bias_shape[0] = out_channels;
    return t.emit_tensor("add(" + *convolved + ", reshape(" + *b + ", " + ints_text(bias_shape) + "))",
                         static_cast<int>(nd) + 2);
  }
  rhs += std::string(", bias = ") + (bias ? "true" : "false") + ")";
  return t.emit_tensor(rhs, static_cast<int>(nd) + 2, bias ? nullptr : *weight);
}

namespace {

Outcome conv(Translator& t) { return translate_conv(t, 0, 1, 2); }

// If the only consumer of this node's output is an Add of a 1-D weight of `features` elements, the Add is
// the projection's bias: it is skipped and its output becomes the linear's.
std::optional<std::size_t> bias_add(Translator& t, std::int64_t features) {
  std::optional<std::size_t> c = t.sole_consumer();
  if (!c) return std::nullopt;
  const Node& add = t.graph().nodes[*c];
  const std::string& out = t.node().outputs[0];
  if (add.op_type != "Add" || add.inputs.size() != 2 || add.outputs.empty()) return std::nullopt;
  const Value* other = t.value_of(add.inputs[0] == out ? add.inputs[1] : add.inputs[0]);
  // A bias other nodes read too (merged identical initializers) stays a separate add, so it counts once.
  if (!other || other->kind != Kind::kWeight || other->dims.size() != 1 || other->dims[0] != features ||
      t.is_shared(*other)) {
    return std::nullopt;
  }
  return c;
}

// A projection by `weight`. A weight other nodes read too (tied embeddings) keeps its bias apart, so the
// linear's parameters are the weight alone and are shared (tied_to) with the other readers; so does a bias
// other nodes read too (the exporter merges identical initializers, e.g. an untrained model's zero biases).
Outcome linear(Translator& t, const std::string& x, int rank, const Value& weight, std::int64_t out_features,
               bool bias) {
  bool shared = t.is_shared(weight) || (bias && t.is_shared(t.in(2)));
  std::optional<std::size_t> fold = bias || shared ? std::nullopt : bias_add(t, out_features);
  std::string features = std::to_string(out_features);
  if (bias && shared) {
    Maybe<std::string> projected =
        t.emit_temp("linear(" + x + ", " + features + ", bias = false)", t.node().outputs[0] + "_proj", &weight);
    if (!projected) return projected.why();
    Maybe<std::string> b = t.tensor(2);
    if (!b) return b.why();
    return t.emit_tensor("add(" + *projected + ", " + *b + ")", rank);
  }
  std::string rhs = "linear(" + x + ", " + features + ", bias = " + (bias || fold ? "true" : "false") + ")";
  if (!fold) return t.emit_tensor(rhs, rank, bias ? nullptr : &weight);
  Maybe<std::vector<std::string>> vars = t.emit(rhs);
  if (!vars) return vars.why();
  Value out;
  out.kind = Kind::kTensor;
  out.var = (*vars)[0];
  out.rank = rank;
  t.absorb(*fold, out);
  return translated();
}

Outcome gemm(Translator& t) {
  bool trans_a = t.node().int_attr("transA", 0) != 0, trans_b = t.node().int_attr("transB", 0) != 0;
  Maybe<std::string> a = t.tensor(0);
  if (!a) return a.why();
  if (trans_a) *a = "permute(" + *a + ", [1, 0])";
  const Value& b = t.in(1);
  if (b.kind == Kind::kWeight && b.dims.size() == 2) {
    std::int64_t out = trans_b ? b.dims[0] : b.dims[1];
    const Value& c = t.in(2);
    bool c_is_bias = !t.has(2) || (c.kind == Kind::kWeight && c.dims.size() <= 1) || c.kind == Kind::kConst;
    if (c_is_bias) return linear(t, *a, 2, b, out, t.has(2));
  }
  Maybe<std::string> bt = t.tensor(1);
  if (!bt) return bt.why();
  if (trans_b) *bt = "permute(" + *bt + ", [1, 0])";
  std::string rhs = "matmul(" + *a + ", " + *bt + ")";
  if (t.has(2)) {
    Maybe<std::string> c = t.tensor(2);
    if (!c) return c.why();
    rhs = "add(" + rhs + ", " + *c + ")";
  }
  return t.emit_tensor(rhs, 2);
}

}  // namespace

Outcome translate_matmul(Translator& t, std::size_t a_index, std::size_t b_index) {
  Maybe<const Value*> b = t.weight(b_index, "the second operand");
  int ra = t.rank_of(a_index);
  if (b && (*b)->dims.size() == 2 && t.in(a_index).kind == Kind::kTensor) {
    return linear(t, t.in(a_index).var, ra, **b, (*b)->dims[1], false);
  }
  int r = std::max(ra, t.rank_of(b_index));
  Maybe<std::string> x = t.tensor(a_index);
  if (!x) return x.why();
  Maybe<std::string> y = t.tensor(b_index);
  if (!y) return y.why();
  return t.emit_tensor("matmul(" + *x + ", " + *y + ")", r);
}

namespace {

Outcome matmul(Translator& t) { return translate_matmul(t, 0, 1); }

// Einsum of two operands whose equation is a batched matrix product (MaxViT's attention: "BGHID,BGHJD->BGHIJ" and
// "BGHIJ,BGHJD->BGHID"): the same leading batch indices in both operands and the output, then one free index and
// the contracted one in each operand, and the two free indices in the output. Written as matmul, with a permute
// of the last two axes where an operand or the output has them the other way round. Other equations are left
// not costed.
Outcome einsum(Translator& t) {
  std::string equation;
  for (char c : t.node().string_attr("equation", "")) {
    if (c != ' ') equation += c;
  }
  std::size_t arrow = equation.find("->");
  std::size_t comma = equation.find(',');
  if (t.node().inputs.size() != 2 || arrow == std::string::npos || comma == std::string::npos || comma > arrow ||
      equation.find("...") != std::string::npos) {
    return Unsupported{"Einsum other than a batched matrix product of two operands"};
  }
  std::string a = equation.substr(0, comma), b = equation.substr(comma + 1, arrow - comma - 1),
              out = equation.substr(arrow + 2);
  if (a.size() < 2 || a.size() != b.size() || a.size() != out.size() || t.rank_of(0) != static_cast<int>(a.size()) ||
      t.rank_of(1) != static_cast<int>(b.size())) {
    return Unsupported{"Einsum other than a batched matrix product of two operands"};
  }
  std::size_t batch = a.size() - 2;
  std::set<char> seen(a.begin(), a.end());
  bool batch_same = a.compare(0, batch, b, 0, batch) == 0 && a.compare(0, batch, out, 0, batch) == 0;
  // The contracted index: in both operands' last two, not in the output's.
  std::string a_last = a.substr(batch), b_last = b.substr(batch), out_last = out.substr(batch);
  char k = 0;
  for (char c : a_last) {
    if (b_last.find(c) != std::string::npos && out_last.find(c) == std::string::npos) k = c;
  }
  if (!batch_same || seen.size() != a.size() || k == 0) {
    return Unsupported{"Einsum other than a batched matrix product of two operands"};
  }
  char i = a_last[0] == k ? a_last[1] : a_last[0], j = b_last[0] == k ? b_last[1] : b_last[0];
  if (i == j || !((out_last[0] == i && out_last[1] == j) || (out_last[0] == j && out_last[1] == i))) {
    return Unsupported{"Einsum other than a batched matrix product of two operands"};
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  Maybe<std::string> y = t.tensor(1);
  if (!y) return y.why();
  auto swap_last = [&](const std::string& v) {
    std::vector<std::int64_t> perm;
    for (std::size_t n = 0; n < a.size(); ++n) perm.push_back(static_cast<std::int64_t>(n));
    std::swap(perm[batch], perm[batch + 1]);
    return "permute(" + v + ", " + ints_text(perm) + ")";
  };
  std::string lhs = a_last[1] == k ? *x : swap_last(*x);  // [..., i, k]
  std::string rhs = b_last[0] == k ? *y : swap_last(*y);  // [..., k, j]
  std::string product = "matmul(" + lhs + ", " + rhs + ")";
  return t.emit_tensor(out_last[0] == i ? product : swap_last(product), static_cast<int>(a.size()));
}

Outcome batchnorm(Translator& t) {
  double eps = t.node().float_attr("epsilon", 1e-5);
  int r = t.rank_of(0);
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  bool affine = t.in(1).kind == Kind::kWeight;
  // A scale or bias other nodes read too (the exporter merges an untrained model's identical ones and zeros into
  // one initializer) is applied apart, so each tensor counts once, as the file holds it.
  const Value& scale = t.in(1);
  if (affine && r >= 2 && scale.dims.size() == 1 && t.in(2).kind == Kind::kWeight &&
      (t.is_shared(scale) || t.is_shared(t.in(2)))) {
    Maybe<std::string> normalized = t.emit_temp("batchnorm(" + *x + ", eps = " + number_text(eps) + ", affine = false)",
                                                t.node().outputs[0] + "_norm");
    if (!normalized) return normalized.why();
    Maybe<std::string> s = t.tensor(1), b = t.tensor(2);
    if (!s) return s.why();
    if (!b) return b.why();
    std::vector<std::int64_t> shape(static_cast<std::size_t>(r - 1), 1);
    shape[0] = scale.dims[0];
    return t.emit_tensor("add(mul(" + *normalized + ", reshape(" + *s + ", " + ints_text(shape) + ")), reshape(" + *b +
                             ", " + ints_text(shape) + "))",
                         r);
  }
  return t.emit_tensor("batchnorm(" + *x + ", eps = " + number_text(eps) + (affine ? "" : ", affine = false") + ")", r);
}

Outcome layernorm(Translator& t) {
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  Maybe<std::int64_t> axis = normalized_axis(t.node().int_attr("axis", -1), *r);
  if (!axis) return axis.why();
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  const Value& scale = t.in(1);
  std::string shape;
  if (scale.kind == Kind::kWeight) {
    shape = ints_text(scale.dims);
  } else {
    std::vector<std::string> dims;
    for (std::int64_t k = *axis; k < *r; ++k) dims.push_back("dim(" + *x + ", " + std::to_string(k) + ")");
    shape = list_text(dims);
  }
  std::string rhs = "layernorm(" + *x + ", normalized_shape = " + shape +
                    ", eps = " + number_text(t.node().float_attr("epsilon", 1e-5));
  if (scale.kind != Kind::kWeight) rhs += ", affine = false";
  // A shared scale or bias (merged identical initializers) is applied apart, so it counts once.
  bool bias_weight = t.has(2) && t.in(2).kind == Kind::kWeight;
  if (scale.kind == Kind::kWeight && (t.is_shared(scale) || (bias_weight && t.is_shared(t.in(2))))) {
    Maybe<std::string> normalized = t.emit_temp(rhs + ", affine = false)", t.node().outputs[0] + "_norm");
    if (!normalized) return normalized.why();
    Maybe<std::string> s = t.tensor(1);
    if (!s) return s.why();
    std::string scaled = "mul(" + *normalized + ", " + *s + ")";
    if (!t.has(2)) return t.emit_tensor(scaled, *r);
    Maybe<std::string> b = t.tensor(2);
    if (!b) return b.why();
    return t.emit_tensor("add(" + scaled + ", " + *b + ")", *r);
  }
  if (scale.kind == Kind::kWeight && !t.has(2)) rhs += ", bias = false";
  return t.emit_tensor(rhs + ")", *r);
}

// The scale and bias are learned (InstanceNorm2d(affine=True)) when they are weights; PyTorch exports
// affine=False as constants of ones and zeros.
Outcome instancenorm(Translator& t) {
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  bool affine = t.in(1).kind == Kind::kWeight;
  return t.emit_tensor("instancenorm(" + *x + ", eps = " + number_text(t.node().float_attr("epsilon", 1e-5)) +
                           (affine ? ", affine = true" : "") + ")",
                       t.rank_of(0));
}

// The right-hand side normalising `x` along `axis`: softmax, log_softmax, or for Hardmax a comparison with
// the axis's maximum (a max-reduction, emitted first, then one comparison per element).
Maybe<std::string> normalized(Translator& t, const std::string& x, std::int64_t axis) {
  const std::string& op = t.node().op_type;
  std::string a = std::to_string(axis);
  if (op != "Hardmax") return (op == "Softmax" ? "softmax(" : "log_softmax(") + x + ", axis = " + a + ")";
  Maybe<std::string> max =
      t.emit_temp("reduce_max(" + x + ", axis = " + a + ", keepdim = true)", t.node().outputs[0] + "_max");
  if (!max) return max.why();
  return "compare(" + x + ", " + *max + ", op = \"Equal\")";
}

// Softmax, LogSoftmax, Hardmax. From opset 13 they work along `axis` (default -1). Before, the input is
// coerced to 2-D, [d0·...·d(axis-1), d(axis)·...·d(n-1)], normalised along the second axis and reshaped
// back (default axis 1): the same as along the last axis only when axis = rank - 1.
Outcome softmax(Translator& t) {
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  if (t.node().outputs.empty()) return Unsupported{"no output"};
  bool coerced = t.opset() < 13;
  Maybe<std::int64_t> axis = normalized_axis(t.node().int_attr("axis", coerced ? 1 : -1), *r);
  if (!axis) return axis.why();
  if (*axis >= *r) return Unsupported{"axis out of range"};
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  if (!coerced || *axis == *r - 1) {
    Maybe<std::string> rhs = normalized(t, *x, *axis);
    if (!rhs) return rhs.why();
    return t.emit_tensor(*rhs, *r);
  }
  std::string rows = *axis == 0 ? "flatten(" + *x + ", 0, -1)"
                                : "flatten(flatten(" + *x + ", " + std::to_string(*axis) + ", -1), 0, " +
                                      std::to_string(*axis - 1) + ")";
  Maybe<std::string> flat = t.emit_temp(rows, t.node().outputs[0] + "_2d");
  if (!flat) return flat.why();
  Maybe<std::string> rhs = normalized(t, *flat, *axis == 0 ? 0 : 1);
  if (!rhs) return rhs.why();
  Maybe<std::string> done = t.emit_temp(*rhs, t.node().outputs[0] + "_2d");
  if (!done) return done.why();
  return t.emit_tensor("reshape(" + *done + ", shape(" + *x + "))", *r);
}

Outcome pool(Translator& t) {
  const Node& node = t.node();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  auto kernel = node.ints_attr("kernel_shape");
  if (!kernel || kernel->empty() || static_cast<int>(kernel->size()) != *r - 2) return Unsupported{"kernel_shape"};
  std::size_t nd = kernel->size();
  std::vector<std::int64_t> strides = node.ints_attr("strides").value_or(std::vector<std::int64_t>(nd, 1));
  bool max = node.op_type == "MaxPool";
  if (node.string_attr("auto_pad", "NOTSET").starts_with("SAME")) return Unsupported{"auto_pad SAME pooling"};
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  Maybe<std::string> pad = padding(t, *x, nd, max ? "replicate" : "constant");
  if (!pad) return pad.why();
  std::string rhs = std::string(max ? "maxpool" : "avgpool") + std::to_string(nd) + "d(" + *x +
                    ", kernel = " + spatial(*kernel) + ", stride = " + spatial(strides);
  if (*pad != "0") rhs += ", padding = " + *pad;
  if (node.int_attr("ceil_mode", 0)) rhs += ", ceil_mode = true";
  if (max) {
    auto d = node.ints_attr("dilations");
    if (d && any_not(*d, 1)) rhs += ", dilation = " + spatial(*d);
  } else if (node.int_attr("count_include_pad", 0)) {
    rhs += ", count_include_pad = true";
  } else if (*pad != "0") {
    rhs += ", count_include_pad = false";
  }
  return t.emit_tensor(rhs + ")", *r);
}

Outcome global_pool(Translator& t) {
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string fn = t.node().op_type == "GlobalAveragePool" ? "global_avgpool" : "global_maxpool";
  return t.emit_tensor(fn + "(" + *x + ")", t.rank_of(0));
}

Outcome reduce(Translator& t) {
  const Node& node = t.node();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  Maybe<std::vector<std::int64_t>> axes = t.axes_arg(1);
  if (!axes) return axes.why();
  bool keep = node.int_attr("keepdims", 1) != 0;
  if (axes->empty() && node.int_attr("noop_with_empty_axes", 0)) return t.forward(0, t.in(0));
  bool l2 = node.op_type == "ReduceL2";  // sqrt(sum(x²)): F.normalize, Swin V2's cosine attention
  std::string fn = node.op_type == "ReduceMean"  ? "reduce_mean"
                   : node.op_type == "ReduceSum" ? "reduce_sum"
                   : node.op_type == "ReduceMax" ? "reduce_max"
                   : l2                          ? "reduce_sum"
                                                 : "reduce_min";
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs = fn + "(" + (l2 ? "square(" + *x + ")" : *x);
  if (!axes->empty()) rhs += ", axis = " + (axes->size() == 1 ? std::to_string((*axes)[0]) : ints_text(*axes));
  rhs += std::string(", keepdim = ") + (keep ? "true" : "false") + ")";
  int out_rank = keep ? *r : (axes->empty() ? 0 : *r - static_cast<int>(axes->size()));
  return t.emit_tensor(l2 ? "sqrt(" + rhs + ")" : rhs, out_rank);
}

Outcome recurrent(Translator& t) {
  const Node& node = t.node();
  const std::string& op = node.op_type;
  Maybe<const Value*> weight = t.weight(1, "the recurrent weight W");
  if (!weight) return weight.why();
  const std::vector<std::int64_t> w = (*weight)->dims;
  if (w.size() != 3) return Unsupported{"recurrent weight of rank " + std::to_string(w.size())};
  std::int64_t hidden = node.int_attr("hidden_size", 0);
  std::int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  if (hidden <= 0) hidden = w[1] / gates;
  bool bidirectional = node.string_attr("direction", "forward") == "bidirectional";
  if (node.int_attr("layout", 0) != 0) return Unsupported{"batch-first layout"};
  if (op == "RNN") {
    const Attribute* acts = node.attribute("activations");
    if (acts && !acts->strings.empty() && lower(acts->strings[0]) != "tanh") return Unsupported{"RNN activation"};
  }
  std::string fn = op == "LSTM" ? "lstm" : op == "GRU" ? "gru" : "rnn";
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs = fn + "(" + *x + ", " + std::to_string(hidden) + (bidirectional ? ", bidirectional = true" : "") +
                    ", bias = " + (t.has(3) ? "true" : "false") + ")";
  std::size_t outs = op == "LSTM" ? 3 : 2;
  bool has_y = !node.outputs.empty() && !node.outputs[0].empty();
  std::vector<std::string> vars = {t.fresh((has_y ? node.outputs[0] : op) + "_seq")};
  for (std::size_t k = 1; k < outs; ++k) {
    bool present = k < node.outputs.size() && !node.outputs[k].empty();
    vars.push_back(present ? t.fresh(node.outputs[k]) : "_");
  }
  std::string lhs;
  for (std::size_t k = 0; k < vars.size(); ++k) lhs += (k ? ", " : "") + vars[k];
  Outcome emitted = t.emit_with_lhs(lhs, rhs);
  if (!emitted.ok()) return emitted;
  for (std::size_t k = 1; k < outs; ++k) {
    if (vars[k] == "_") continue;
    Value state;
    state.kind = Kind::kTensor;
    state.var = vars[k];
    state.rank = 3;
    t.set_out(k, state);
  }
  if (!has_y) return translated();
  // ONNX's Y is [T, directions, N, H]; the language's output is [T, N, directions·H].
  const std::string& y = vars[0];
  std::string yv = bidirectional ? "permute(reshape(" + y + ", [dim(" + y + ", 0), dim(" + y + ", 1), 2, " +
                                       std::to_string(hidden) + "]), [0, 2, 1, 3])"
                                 : "unsqueeze(" + y + ", 1)";
  Maybe<std::string> seq = t.emit_temp(yv, node.outputs[0]);
  if (!seq) return seq.why();
  Value out;
  out.kind = Kind::kTensor;
  out.var = *seq;
  out.rank = 4;
  return t.forward(0, out);
}

Outcome resize(Translator& t) {
  const Node& node = t.node();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  if (*r < 3) return Unsupported{"Resize of rank < 3"};
  std::string mode = node.string_attr("mode", "nearest");
  std::size_t nd = static_cast<std::size_t>(*r) - 2;
  std::string m = mode == "nearest"            ? "nearest"
                  : mode == "linear"           ? (nd == 1   ? "linear"
                                                  : nd == 2 ? "bilinear"
                                                            : "trilinear")
                  : mode == "cubic" && nd == 2 ? "bicubic"
                                               : "";
  if (m.empty()) return Unsupported{"Resize mode " + mode};
  bool align = node.string_attr("coordinate_transformation_mode", "") == "align_corners";
  std::string tail = ", mode = \"" + m + "\"" + (align && m != "nearest" ? ", align_corners = true" : "") + ")";
  // Upsample(x, scales) (opset 9) or Resize(x, roi, scales, sizes) (opset 11+; scales is input 1 at opset 10).
  std::size_t scales_index = node.op_type == "Upsample" || t.opset() == 10 ? 1 : 2;
  if (t.has(3) && t.in(3).kind == Kind::kConst && !t.in(3).ints.empty()) {
    Maybe<std::vector<IntElem>> sizes = t.shape_arg(3);
    if (!sizes) return sizes.why();
    if (sizes->size() != static_cast<std::size_t>(*r)) return Unsupported{"Resize sizes"};
    std::vector<IntElem> spatial_sizes(sizes->begin() + 2, sizes->end());
    Maybe<std::string> x = t.tensor(0);
    if (!x) return x.why();
    return t.emit_tensor("upsample(" + *x + ", size = " + elems_text(spatial_sizes) + tail, *r);
  }
  const Value& s = t.constant_view(scales_index);
  if (s.kind != Kind::kConst || s.floats.size() != static_cast<std::size_t>(*r)) return Unsupported{"Resize scales"};
  std::vector<std::int64_t> factors;
  for (std::size_t k = 2; k < s.floats.size(); ++k) {
    double f = s.floats[k];
    if (!(f >= 1 && f <= 1e6) || f != std::floor(f)) return Unsupported{"non-integer Resize scale"};
    factors.push_back(static_cast<std::int64_t>(f));
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  return t.emit_tensor("upsample(" + *x + ", scale_factor = " + spatial(factors) + tail, *r);
}

}  // namespace

void add_layer_rules(RuleTable& table) {
  table["Conv"] = conv;
  table["ConvTranspose"] = conv;
  table["Gemm"] = gemm;
  table["MatMul"] = matmul;
  table["Einsum"] = einsum;
  table["BatchNormalization"] = batchnorm;
  table["LayerNormalization"] = layernorm;
  table["InstanceNormalization"] = instancenorm;
  table["Softmax"] = softmax;
  table["LogSoftmax"] = softmax;
  table["Hardmax"] = softmax;
  table["MaxPool"] = pool;
  table["AveragePool"] = pool;
  table["GlobalAveragePool"] = global_pool;
  table["GlobalMaxPool"] = global_pool;
  for (const char* op : {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceL2"}) table[op] = reduce;
  for (const char* op : {"LSTM", "GRU", "RNN"}) table[op] = recurrent;
  table["Resize"] = resize;
  table["Upsample"] = resize;
}

}  // namespace nnscope::onnx
