// Every ONNX translation rule on a graph of one node (or the few nodes a shape subgraph needs), built with the
// protobuf writer of onnx_builder.h: the statement the importer writes, and, analysed, the output's shape and
// the parameters read. Expected shapes and parameter counts come from the ONNX operator specification and
// PyTorch's layer definitions, written out in each row; never from nnscope's output.
#include "onnx/rules.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "models/model_test_util.h"
#include "onnx/importer.h"
#include "onnx/onnx_builder.h"

namespace nnscope::testing {
namespace {

using onnx::kBool;
using onnx::kFloat;
using onnx::kInt64;
using onnx::kInt8;

struct RuleCase {
  std::string name;
  std::string op_type;  // the rule under test
  std::function<void(OnnxGraph&)> build;
  std::string expected;             // text the import must contain (a statement's right-hand side)
  std::vector<std::int64_t> shape;  // the first output's shape at batch = 2
  std::int64_t params = 0;          // parameters read (elements of the weights used)
  std::int64_t opset = 17;
};

std::string import_text(const OnnxGraph& g, std::int64_t opset = 17) {
  std::string bytes = g.model(opset);
  onnx::Model model = onnx::decode_model(bytes);
  return onnx::import_model(model, "m", "m.onnx");
}

// x: f32[dims] -> op -> y, with the given attributes.
std::function<void(OnnxGraph&)> one(const std::string& op, const std::vector<DimSpec>& dims,
                                    const std::vector<std::string>& attributes = {}) {
  return [=](OnnxGraph& g) { g.input("x", kFloat, dims).node(op, {"x"}, {"y"}, attributes).output("y"); };
}

// x, y: f32[dims] -> op -> z.
std::function<void(OnnxGraph&)> two(const std::string& op, const std::vector<DimSpec>& dims) {
  return [=](OnnxGraph& g) {
    g.input("x", kFloat, dims).input("y", kFloat, dims).node(op, {"x", "y"}, {"z"}).output("z");
  };
}

std::vector<RuleCase> cases() {
  std::vector<RuleCase> c;
  // Activations without arguments: the .nn activation of the same meaning (ONNX's Selu is PyTorch's elu
  // family), shape unchanged. Pairs "OnnxOp language_op", one string so the list stays a table to read.
  for (const char* pair :
       {"Relu relu", "Sigmoid sigmoid", "Tanh tanh", "Erf erf", "Exp exp", "Log log", "Sqrt sqrt", "Neg neg", "Abs abs",
        "HardSwish hardswish", "HardSigmoid hardsigmoid", "Softplus softplus", "Mish mish", "Selu elu"}) {
    std::string op(pair, std::strchr(pair, ' ')), fn(std::strchr(pair, ' ') + 1);
    c.push_back({op, op, one(op, {"batch", 4}), fn + "(x)", {2, 4}});
  }
  c.push_back({"Reciprocal is x^-1", "Reciprocal", one("Reciprocal", {"batch", 4}), "pow(x, -1.0)", {2, 4}});
  c.push_back({"LeakyRelu alpha",
               "LeakyRelu",
               one("LeakyRelu", {"batch", 4}, {float_attr("alpha", 0.2f)}),
               "leaky_relu(x, negative_slope = 0.2)",
               {2, 4}});
  c.push_back({"LeakyRelu default alpha 0.01",
               "LeakyRelu",
               one("LeakyRelu", {"batch", 4}),
               "leaky_relu(x, negative_slope = 0.01)",
               {2, 4}});
  c.push_back({"Elu", "Elu", one("Elu", {"batch", 4}, {float_attr("alpha", 0.5f)}), "elu(x, alpha = 0.5)", {2, 4}});
  c.push_back({"Gelu exact", "Gelu", one("Gelu", {"batch", 4}), "gelu(x)", {2, 4}, 0, 20});
  c.push_back({"Gelu tanh",
               "Gelu",
               one("Gelu", {"batch", 4}, {string_attr("approximate", "tanh")}),
               "gelu(x, approximate = \"tanh\")",
               {2, 4},
               0,
               20});
  c.push_back({"PRelu per channel: C slopes",
               "PRelu",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 6, 5, 5}).weight("slope", {6, 1, 1});
                 g.node("PRelu", {"x", "slope"}, {"y"}).output("y");
               },
               "prelu(x, num_parameters = 6)",
               {2, 6, 5, 5},
               6});
  c.push_back({"Clip to [0, 6] is relu6",
               "Clip",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4}).floats("lo", {}, {0}).floats("hi", {}, {6});
                 g.node("Clip", {"x", "lo", "hi"}, {"y"}).output("y");
               },
               "relu6(x)",
               {2, 4}});
  c.push_back({"Clip to [-1, 1]",
               "Clip",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4}).floats("lo", {}, {-1}).floats("hi", {}, {1});
                 g.node("Clip", {"x", "lo", "hi"}, {"y"}).output("y");
               },
               "clip(x, min = -1.0, max = 1.0)",
               {2, 4}});
  for (const auto& [op, fn] : std::vector<std::pair<std::string, std::string>>{
           {"Add", "add"}, {"Sub", "sub"}, {"Mul", "mul"}, {"Div", "div"}}) {
    c.push_back({op, op, two(op, {"batch", 3}), fn + "(x, y)", {2, 3}});
  }
  c.push_back({"Mul by a scalar constant stays a number",
               "Mul",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).float_constant("k", {}, {2.5f});
                 g.node("Mul", {"x", "k"}, {"y"}).output("y");
               },
               "mul(x, 2.5)",
               {2, 3}});
  // Mod folds shape values with the divisor's sign (fmod = 0): [13, -6] mod [10, 5] = [3, 4].
  c.push_back({"Mod folds a Reshape target",
               "Mod",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {1, 12}).constant("a", {2}, {13, -6}).constant("b", {2}, {10, 5});
                 g.node("Mod", {"a", "b"}, {"t"}).node("Reshape", {"x", "t"}, {"y"}).output("y");
               },
               "reshape(x, [3, 4])",
               {3, 4}});
  c.push_back({"Pow 2 is square",
               "Pow",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).floats("e", {}, {2});
                 g.node("Pow", {"x", "e"}, {"y"}).output("y");
               },
               "square(x)",
               {2, 3}});
  c.push_back({"Pow 3",
               "Pow",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).floats("e", {}, {3});
                 g.node("Pow", {"x", "e"}, {"y"}).output("y");
               },
               "pow(x, 3.0)",
               {2, 3}});
  c.push_back({"Max", "Max", two("Max", {"batch", 3}), "maximum(x, y)", {2, 3}});
  c.push_back({"Min", "Min", two("Min", {"batch", 3}), "minimum(x, y)", {2, 3}});
  for (const char* op : {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"}) {
    c.push_back({op, op, two(op, {"batch", 3}), std::string("compare(x, y, op = \"") + op + "\")", {2, 3}});
  }
  c.push_back({"Not", "Not", one("Not", {"batch", 3}), "compare(x, 0, op = \"Not\")", {2, 3}});
  c.push_back({"Where",
               "Where",
               [](OnnxGraph& g) {
                 g.input("c", kBool, {"batch", 3}).input("x", kFloat, {"batch", 3}).input("y", kFloat, {"batch", 3});
                 g.node("Where", {"c", "x", "y"}, {"z"}).output("z");
               },
               "where(c, x, y)",
               {2, 3}});
  // Shape subgraphs fold: PyTorch's x.view(x.size(0), -1).
  c.push_back({"Shape, Gather, Unsqueeze, Concat fold into Reshape's target",
               "Shape",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4}).constant("zero", {}, {0}).constant("minus1", {1}, {-1});
                 g.node("Shape", {"x"}, {"s"}).node("Gather", {"s", "zero"}, {"n"});
                 g.node("Unsqueeze", {"n"}, {"n1"}, {ints_attr("axes", {0})});
                 g.node("Concat", {"n1", "minus1"}, {"target"}, {int_attr("axis", 0)});
                 g.node("Reshape", {"x", "target"}, {"y"}).output("y");
               },
               "reshape(x, [dim(x, 0), -1])",
               {2, 12},
               0,
               11});
  c.push_back({"Size",
               "Size",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4}).node("Size", {"x"}, {"n"});
                 g.node("Unsqueeze", {"n"}, {"n1"}, {ints_attr("axes", {0})});
                 g.node("Reshape", {"x", "n1"}, {"y"}).output("y");
               },
               "reshape(x, [prod(shape(x))])",
               {24},
               0,
               11});
  c.push_back({"Constant value_ints as a Reshape target",
               "Constant",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 6}).node("Constant", {}, {"t"}, {ints_attr("value_ints", {-1, 3})});
                 g.node("Reshape", {"x", "t"}, {"y"}).output("y");
               },
               "reshape(x, [-1, 3])",
               {4, 3}});
  c.push_back({"Reshape with 0 copies the dimension",
               "Reshape",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 2, 6}).constant("t", {3}, {0, 3, 4});
                 g.node("Reshape", {"x", "t"}, {"y"}).output("y");
               },
               "reshape(x, [dim(x, 0), 3, 4])",
               {2, 3, 4}});
  c.push_back({"Identity of a graph output", "Identity", one("Identity", {"batch", 3}), "identity(x)", {2, 3}});
  c.push_back(
      {"Cast of a graph output", "Cast", one("Cast", {"batch", 3}, {int_attr("to", kFloat)}), "identity(x)", {2, 3}});
  c.push_back({"CastLike of a graph output",
               "CastLike",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).input("like", kFloat, {1});
                 g.node("CastLike", {"x", "like"}, {"y"}).output("y");
               },
               "identity(x)",
               {2, 3}});
  c.push_back({"Dropout ratio",
               "Dropout",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).floats("p", {}, {0.25f});
                 g.node("Dropout", {"x", "p"}, {"y"}).output("y");
               },
               "dropout(x, 0.25)",
               {2, 3}});
  c.push_back({"Gather of a weight by ids is an embedding",
               "Gather",
               [](OnnxGraph& g) {
                 g.input("ids", kInt64, {"batch", 7}).weight("table", {100, 16});
                 g.node("Gather", {"table", "ids"}, {"y"}).output("y");
               },
               "embedding(ids, 100, 16)",
               {2, 7, 16},
               1600});
  c.push_back({"Gather of an activation by a constant index",
               "Gather",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 5, 8}).constant("i", {}, {2});
                 g.node("Gather", {"x", "i"}, {"y"}, {int_attr("axis", 1)}).output("y");
               },
               "squeeze(slice(x, 1, 2, 3), 1)",
               {2, 8}});
  c.push_back({"Unsqueeze",
               "Unsqueeze",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4}).constant("axes", {1}, {1});
                 g.node("Unsqueeze", {"x", "axes"}, {"y"}).output("y");
               },
               "unsqueeze(x, 1)",
               {2, 1, 4}});
  c.push_back({"Squeeze",
               "Squeeze",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 1, 4}).constant("axes", {1}, {1});
                 g.node("Squeeze", {"x", "axes"}, {"y"}).output("y");
               },
               "squeeze(x, 1)",
               {2, 4}});
  c.push_back({"Concat of activations",
               "Concat",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).input("y", kFloat, {"batch", 5});
                 g.node("Concat", {"x", "y"}, {"z"}, {int_attr("axis", 1)}).output("z");
               },
               "concat([x, y], axis = 1)",
               {2, 8}});
  c.push_back({"Transpose",
               "Transpose",
               one("Transpose", {"batch", 3, 4}, {ints_attr("perm", {0, 2, 1})}),
               "permute(x, [0, 2, 1])",
               {2, 4, 3}});
  c.push_back({"Flatten at axis 2",
               "Flatten",
               one("Flatten", {"batch", 2, 3, 4}, {int_attr("axis", 2)}),
               "flatten(flatten(x, 2, -1), 0, 1)",
               {4, 12}});
  c.push_back({"Expand broadcasts both ways",
               "Expand",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 1, 4}).constant("shape", {3}, {1, 3, 1});
                 g.node("Expand", {"x", "shape"}, {"y"}).output("y");
               },
               "expand(x, [-1, 3, -1])",
               {2, 3, 4}});
  c.push_back({"ConstantOfShape used as a tensor",
               "ConstantOfShape",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).node("Shape", {"x"}, {"s"});
                 g.node("ConstantOfShape", {"s"}, {"zeros"}).node("Add", {"x", "zeros"}, {"y"}).output("y");
               },
               "constant([dim(x, 0), dim(x, 1)])",
               {2, 3}});
  // Range(0, 10, 3) has ceil(10 / 3) = 4 elements.
  c.push_back({"Range",
               "Range",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4}).constant("start", {}, {0}).constant("limit", {}, {10});
                 g.constant("delta", {}, {3}).node("Range", {"start", "limit", "delta"}, {"r"}).output("r");
               },
               "arange(4)",
               {4}});
  c.push_back({"Slice with a step",
               "Slice",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 10}).constant("s", {1}, {2}).constant("e", {1}, {8});
                 g.constant("a", {1}, {1}).constant("st", {1}, {2});
                 g.node("Slice", {"x", "s", "e", "a", "st"}, {"y"}).output("y");
               },
               "slice(x, 1, 2, 8, 2)",
               {2, 3}});
  c.push_back({"Split by sizes",
               "Split",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 6}).constant("sizes", {2}, {2, 4});
                 g.node("Split", {"x", "sizes"}, {"a", "b"}, {int_attr("axis", 1)}).output("a").output("b");
               },
               "split(x, [2, 4], axis = 1)",
               {2, 2}});
  // Pad's pads are [begin of every axis..., end of every axis...]; torch's pad lists the last axis first.
  c.push_back({"Pad constant",
               "Pad",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4, 4}).constant("pads", {8}, {0, 0, 1, 2, 0, 0, 3, 4});
                 g.node("Pad", {"x", "pads"}, {"y"}).output("y");
               },
               "pad(x, [2, 4, 1, 3], mode = \"constant\")",
               {2, 3, 8, 10}});
  c.push_back({"Pad reflect",
               "Pad",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4, 4}).constant("pads", {8}, {0, 0, 1, 1, 0, 0, 1, 1});
                 g.node("Pad", {"x", "pads"}, {"y"}, {string_attr("mode", "reflect")}).output("y");
               },
               "pad(x, [1, 1, 1, 1], mode = \"reflect\")",
               {2, 3, 6, 6}});
  c.push_back({"Pad edge is replicate",
               "Pad",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4}).constant("pads", {6}, {0, 0, 2, 0, 0, 1});
                 g.node("Pad", {"x", "pads"}, {"y"}, {string_attr("mode", "edge")}).output("y");
               },
               "pad(x, [2, 1], mode = \"replicate\")",
               {2, 3, 7}});
  // Conv2d(3, 4, 3, padding=1, bias=False): 4·3·3·3 = 108 weights.
  c.push_back({"Conv",
               "Conv",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 8, 8}).weight("w", {4, 3, 3, 3});
                 g.node("Conv", {"x", "w"}, {"y"}, {ints_attr("pads", {1, 1, 1, 1})}).output("y");
               },
               "conv2d(x, 4, kernel = [3, 3], padding = [1, 1], bias = false)",
               {2, 4, 8, 8},
               108});
  c.push_back({"Conv with asymmetric pads pads first",
               "Conv",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 8, 8}).weight("w", {4, 3, 3, 3}).weight("b", {4});
                 g.node("Conv", {"x", "w", "b"}, {"y"}, {ints_attr("pads", {0, 0, 1, 1}), ints_attr("strides", {2, 2})})
                     .output("y");
               },
               "pad(x, [0, 1, 0, 1], mode = \"constant\")",
               {2, 4, 4, 4},
               112});
  // ConvTranspose2d(4, 2, 3, stride=2): (4 - 1)·2 + 3 = 9; weight [in, out/groups, k, k].
  c.push_back({"ConvTranspose",
               "ConvTranspose",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4, 4, 4}).weight("w", {4, 2, 3, 3});
                 g.node("ConvTranspose", {"x", "w"}, {"y"}, {ints_attr("strides", {2, 2})}).output("y");
               },
               "conv_transpose2d(x, 2, kernel = [3, 3], stride = [2, 2], bias = false)",
               {2, 2, 9, 9},
               72});
  c.push_back({"Gemm with transB and bias is linear",
               "Gemm",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 16}).weight("w", {8, 16}).weight("b", {8});
                 g.node("Gemm", {"x", "w", "b"}, {"y"}, {int_attr("transB", 1)}).output("y");
               },
               "linear(x, 8, bias = true)",
               {2, 8},
               136});
  c.push_back({"MatMul then Add of a bias is one linear",
               "MatMul",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 5, 16}).weight("w", {16, 8}).weight("b", {8});
                 g.node("MatMul", {"x", "w"}, {"h"}).node("Add", {"h", "b"}, {"y"}).output("y");
               },
               "linear(x, 8, bias = true)",
               {2, 5, 8},
               136});
  c.push_back({"MatMul of activations", "MatMul", two("MatMul", {"batch", 4, 4}), "matmul(x, y)", {2, 4, 4}});
  // MaxViT's attention: scores "b h i d, b h j d -> b h i j" are q·kᵀ, [batch, 2, 5, 3]·[batch, 2, 3, 7].
  c.push_back(
      {"Einsum q·kᵀ",
       "Einsum",
       [](OnnxGraph& g) {
         g.input("q", kFloat, {"batch", 2, 5, 3}).input("k", kFloat, {"batch", 2, 7, 3});
         g.node("Einsum", {"q", "k"}, {"s"}, {string_attr("equation", "B H I D, B H J D -> B H I J")}).output("s");
       },
       "matmul(q, permute(k, [0, 1, 3, 2]))",
       {2, 2, 5, 7}});
  // BatchNorm2d(4): weight and bias, 2·C parameters (the running statistics are buffers).
  c.push_back({"BatchNormalization",
               "BatchNormalization",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4, 2, 2});
                 for (const char* w : {"scale", "bias", "mean", "var"}) g.weight(w, {4});
                 g.node("BatchNormalization", {"x", "scale", "bias", "mean", "var"}, {"y"},
                        {float_attr("epsilon", 1e-3f)})
                     .output("y");
               },
               "batchnorm(x, eps = 0.001)",
               {2, 4, 2, 2},
               8});
  c.push_back({"LayerNormalization",
               "LayerNormalization",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 8}).weight("scale", {8}).weight("bias", {8});
                 g.node("LayerNormalization", {"x", "scale", "bias"}, {"y"}, {int_attr("axis", -1)}).output("y");
               },
               "layernorm(x, normalized_shape = [8], eps = 1e-05)",
               {2, 3, 8},
               16});
  // InstanceNorm2d(4, affine=True): weight and bias of C each.
  c.push_back(
      {"InstanceNormalization with learned scale and bias",
       "InstanceNormalization",
       [](OnnxGraph& g) {
         g.input("x", kFloat, {"batch", 4, 5, 5}).weight("scale", {4}).weight("bias", {4});
         g.node("InstanceNormalization", {"x", "scale", "bias"}, {"y"}, {float_attr("epsilon", 1e-5f)}).output("y");
       },
       "instancenorm(x, eps = 1e-05, affine = true)",
       {2, 4, 5, 5},
       8});
  c.push_back({"Softmax",
               "Softmax",
               one("Softmax", {"batch", 3, 4}, {int_attr("axis", -1)}),
               "softmax(x, axis = 2)",
               {2, 3, 4}});
  c.push_back({"LogSoftmax",
               "LogSoftmax",
               one("LogSoftmax", {"batch", 3, 4}, {int_attr("axis", 1)}),
               "log_softmax(x, axis = 1)",
               {2, 3, 4}});
  c.push_back({"MaxPool",
               "MaxPool",
               one("MaxPool", {"batch", 3, 8, 8}, {ints_attr("kernel_shape", {2, 2}), ints_attr("strides", {2, 2})}),
               "maxpool2d(x, kernel = [2, 2], stride = [2, 2])",
               {2, 3, 4, 4}});
  c.push_back({"AveragePool with padding",
               "AveragePool",
               one("AveragePool", {"batch", 3, 8, 8},
                   {ints_attr("kernel_shape", {3, 3}), ints_attr("strides", {1, 1}), ints_attr("pads", {1, 1, 1, 1})}),
               "avgpool2d(x, kernel = [3, 3], stride = [1, 1], padding = [1, 1], count_include_pad = false)",
               {2, 3, 8, 8}});
  c.push_back({"GlobalAveragePool",
               "GlobalAveragePool",
               one("GlobalAveragePool", {"batch", 3, 8, 8}),
               "global_avgpool(x)",
               {2, 3, 1, 1}});
  c.push_back(
      {"GlobalMaxPool", "GlobalMaxPool", one("GlobalMaxPool", {"batch", 3, 8, 8}), "global_maxpool(x)", {2, 3, 1, 1}});
  for (const auto& [op, fn] : std::vector<std::pair<std::string, std::string>>{{"ReduceMean", "reduce_mean"},
                                                                               {"ReduceSum", "reduce_sum"},
                                                                               {"ReduceMax", "reduce_max"},
                                                                               {"ReduceMin", "reduce_min"}}) {
    c.push_back({op,
                 op,
                 one(op, {"batch", 3, 4}, {ints_attr("axes", {2}), int_attr("keepdims", 0)}),
                 fn + "(x, axis = 2, keepdim = false)",
                 {2, 3},
                 0,
                 11});
  }
  // ReduceL2 is sqrt(Σ x²) over the axes.
  c.push_back({"ReduceL2",
               "ReduceL2",
               one("ReduceL2", {"batch", 3, 4}, {ints_attr("axes", {2}), int_attr("keepdims", 1)}),
               "sqrt(reduce_sum(square(x), axis = 2, keepdim = true))",
               {2, 3, 1},
               0,
               13});
  // Rows of an activation [batch, 3] read at a constant index vector of 5: [5, 3].
  c.push_back({"Gather of activation rows by an index vector",
               "Gather",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3}).constant("i", {5}, {0, 1, 1, 0, 1});
                 g.node("Gather", {"x", "i"}, {"y"}).output("y");
               },
               "gather_rows(x, ",
               {5, 3}});
  // nn.LSTM(8, 16): 4·16·8 + 4·16·16 + 2·4·16 = 1664; ONNX's Y is [T, directions, N, H].
  c.push_back({"LSTM",
               "LSTM",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {5, "batch", 8}).weight("W", {1, 64, 8}).weight("R", {1, 64, 16});
                 g.weight("B", {1, 128}).node("LSTM", {"x", "W", "R", "B"}, {"y"}, {int_attr("hidden_size", 16)});
                 g.output("y");
               },
               "lstm(x, 16, bias = true)",
               {5, 1, 2, 16},
               1664});
  // nn.GRU(8, 16): 3·16·(8 + 16) + 2·3·16 = 1248.
  c.push_back({"GRU",
               "GRU",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {5, "batch", 8}).weight("W", {1, 48, 8}).weight("R", {1, 48, 16});
                 g.weight("B", {1, 96}).node("GRU", {"x", "W", "R", "B"}, {"y"}, {int_attr("hidden_size", 16)});
                 g.output("y");
               },
               "gru(x, 16, bias = true)",
               {5, 1, 2, 16},
               1248});
  // nn.RNN(8, 16): 16·(8 + 16) + 2·16 = 416.
  c.push_back({"RNN",
               "RNN",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {5, "batch", 8}).weight("W", {1, 16, 8}).weight("R", {1, 16, 16});
                 g.weight("B", {1, 32}).node("RNN", {"x", "W", "R", "B"}, {"y"}, {int_attr("hidden_size", 16)});
                 g.output("y");
               },
               "rnn(x, 16, bias = true)",
               {5, 1, 2, 16},
               416});
  c.push_back({"Resize by scales",
               "Resize",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4, 4}).floats("scales", {4}, {1, 1, 2, 2});
                 g.node("Resize", {"x", "", "scales"}, {"y"}, {string_attr("mode", "nearest")}).output("y");
               },
               "upsample(x, scale_factor = [2, 2], mode = \"nearest\")",
               {2, 3, 8, 8}});
  c.push_back({"Resize to sizes, bilinear with aligned corners",
               "Resize",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4, 4}).constant("sizes", {4}, {2, 3, 6, 10});
                 g.node("Resize", {"x", "", "", "sizes"}, {"y"},
                        {string_attr("mode", "linear"), string_attr("coordinate_transformation_mode", "align_corners")})
                     .output("y");
               },
               "upsample(x, size = [6, 10], mode = \"bilinear\", align_corners = true)",
               {2, 3, 6, 10}});
  c.push_back({"Upsample (opset 9)",
               "Upsample",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 4, 4}).floats("scales", {4}, {1, 1, 3, 3});
                 g.node("Upsample", {"x", "scales"}, {"y"}).output("y");
               },
               "upsample(x, scale_factor = [3, 3], mode = \"nearest\")",
               {2, 3, 12, 12},
               0,
               9});
  c.push_back(
      {"Hardmax: 1 at the maximum of the axis", "Hardmax", one("Hardmax", {"batch", 3, 4}), "compare(x, ", {2, 3, 4}});
  c.push_back({"Softmax before opset 13 over the flattened trailing axes",
               "Softmax",
               one("Softmax", {"batch", 3, 4}, {int_attr("axis", 1)}),
               "softmax(",
               {2, 3, 4},
               0,
               11});
  // x.flip(1): starts -1, ends INT64_MIN, steps -1 reads the whole axis backwards.
  c.push_back({"Slice with step -1 (flip)",
               "Slice",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 10}).constant("s", {1}, {-1}).constant("e", {1}, {INT64_MIN});
                 g.constant("a", {1}, {1}).constant("st", {1}, {-1});
                 g.node("Slice", {"x", "s", "e", "a", "st"}, {"y"}).output("y");
               },
               "slice(x, 1, 0, dim(x, 1), 1)",
               {2, 10}});
  // starts 8, ends 1, steps -2 reads indices 8, 6, 4, 2.
  c.push_back({"Slice with step -2",
               "Slice",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 10}).constant("s", {1}, {8}).constant("e", {1}, {1});
                 g.constant("a", {1}, {1}).constant("st", {1}, {-2});
                 g.node("Slice", {"x", "s", "e", "a", "st"}, {"y"}).output("y");
               },
               "slice(x, 1, ",
               {2, 4}});
  // F.pad(x, (1, 2)) as torch.onnx writes it: the pads [1, 2, 0, 0, 0, 0, 0, 0] (torch order) reshaped to pairs
  // [4, 2], the pairs reversed (Slice step -1 on axis 0), transposed to [2, 4] and flattened: ONNX's begins then
  // ends, [0, 0, 0, 1, 0, 0, 0, 2]. The last axis grows by 1 + 2.
  c.push_back({"Slice step -1 and Transpose of a 2-D constant (F.pad's pads)",
               "Slice",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 5, 5}).constant("p", {8}, {1, 2, 0, 0, 0, 0, 0, 0});
                 g.constant("pairs", {2}, {-1, 2}).node("Reshape", {"p", "pairs"}, {"p2"});
                 g.constant("s", {1}, {-1}).constant("e", {1}, {INT64_MIN + 1});
                 g.constant("a", {1}, {0}).constant("st", {1}, {-1});
                 g.node("Slice", {"p2", "s", "e", "a", "st"}, {"reversed"});
                 g.node("Transpose", {"reversed"}, {"columns"}, {ints_attr("perm", {1, 0})});
                 g.constant("flat", {1}, {-1}).node("Reshape", {"columns", "flat"}, {"pads"});
                 g.node("Pad", {"x", "pads"}, {"y"}).output("y");
               },
               "pad(x, [1, 2], mode = \"constant\")",
               {2, 3, 5, 8}});
  // mask[0:1] = u on a ConstantOfShape of x's shape (Swin's attention mask): the output is the data's shape.
  c.push_back({"ScatterND into a constant",
               "ScatterND",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 4}).input("u", kFloat, {1, 4}).node("Shape", {"x"}, {"s"});
                 g.node("ConstantOfShape", {"s"}, {"zeros"}).constant("i", {1, 1}, {0});
                 g.node("ScatterND", {"zeros", "i", "u"}, {"y"}).output("y");
               },
               "constant([dim(x, 0), dim(x, 1)])",
               {2, 4}});
  for (bool condition : {true, false}) {
    c.push_back({condition ? "If with a constant true condition" : "If with a constant false condition",
                 "If",
                 [condition](OnnxGraph& g) {
                   OnnxGraph then_branch, else_branch;
                   then_branch.node("Relu", {"x"}, {"t"}, {}, "/then/Relu").output("t");
                   else_branch.node("Sigmoid", {"x"}, {"e"}, {}, "/else/Sigmoid").output("e");
                   g.input("x", kFloat, {"batch", 4});
                   g.node("Constant", {}, {"c"}, {tensor_attr("value", tensor_proto("", kBool, {}, {condition}))});
                   g.node("If", {"c"}, {"y"},
                          {graph_attr("then_branch", then_branch.graph_bytes("then")),
                           graph_attr("else_branch", else_branch.graph_bytes("else"))});
                   g.output("y");
                 },
                 condition ? "relu(x)" : "sigmoid(x)",
                 {2, 4}});
  }
  // Loop: 3 trips of v = v·w (w read every trip, counted once), also emitting v each trip.
  c.push_back({"Loop with a constant trip count",
               "Loop",
               [](OnnxGraph& g) {
                 OnnxGraph body;
                 body.input("i", onnx::kInt64, {}).input("cond_in", kBool, {}).input("v_in", kFloat, {"batch", 4});
                 body.node("Identity", {"cond_in"}, {"cond_out"}).node("MatMul", {"v_in", "w"}, {"v_out"});
                 body.node("Identity", {"v_out"}, {"each"}).output("cond_out").output("v_out").output("each");
                 g.input("x", kFloat, {"batch", 4}).weight("w", {4, 4}).constant("m", {}, {3});
                 g.node("Constant", {}, {"c"}, {tensor_attr("value", tensor_proto("", kBool, {}, {1}))});
                 g.node("Loop", {"m", "c", "x"}, {"y", "ys"}, {graph_attr("body", body.graph_bytes("body"))});
                 g.output("y").output("ys");
               },
               "repeat 2 {",
               {2, 4},
               16});
  // Scan: h = h + x_t over the 5 steps of x's first axis, emitting h each step.
  c.push_back({"Scan over the first axis",
               "Scan",
               [](OnnxGraph& g) {
                 OnnxGraph body;
                 body.input("h_in", kFloat, {"batch", 4}).input("x_t", kFloat, {"batch", 4});
                 body.node("Add", {"h_in", "x_t"}, {"h_out"}).node("Identity", {"h_out"}, {"y_t"});
                 body.output("h_out").output("y_t");
                 g.input("h0", kFloat, {"batch", 4}).input("x", kFloat, {5, "batch", 4});
                 g.node("Scan", {"h0", "x"}, {"h", "ys"},
                        {int_attr("num_scan_inputs", 1), graph_attr("body", body.graph_bytes("body"))});
                 g.output("ys").output("h");
               },
               "repeat (dim(x, 0) - 1) {",
               {5, 2, 4}});
  // QDQ: Conv2d(3, 4, 3) whose int8 weight is dequantized; the activations pass through Q and DQ.
  c.push_back({"QuantizeLinear and DequantizeLinear around a Conv",
               "QuantizeLinear",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 3, 8, 8}).floats("s", {}, {0.1f});
                 g.initializer(tensor_proto("zp", onnx::kInt8, {}, {0}));
                 g.initializer(tensor_proto("wq", onnx::kInt8, {4, 3, 3, 3}, {}, {}, std::string(108, '\1')));
                 g.node("QuantizeLinear", {"x", "s", "zp"}, {"xq"}).node("DequantizeLinear", {"xq", "s", "zp"}, {"xd"});
                 g.node("DequantizeLinear", {"wq", "s", "zp"}, {"w"}).node("Conv", {"xd", "w"}, {"y"}).output("y");
               },
               "conv2d(x, 4, kernel = [3, 3], bias = false)",
               {2, 4, 6, 6},
               108});
  c.push_back({"DequantizeLinear of a large int8 weight",
               "DequantizeLinear",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 100}).floats("s", {}, {0.1f});
                 g.initializer(tensor_proto("wq", onnx::kInt8, {100, 50}, {}, {}, std::string(5000, '\1')));
                 g.node("DequantizeLinear", {"wq", "s"}, {"w"}).node("MatMul", {"x", "w"}, {"y"}).output("y");
               },
               "linear(x, 50, bias = false)",
               {2, 50},
               5000});
  // QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B): 4·3·3·3 weights + 4 biases.
  c.push_back({"QLinearConv",
               "QLinearConv",
               [](OnnxGraph& g) {
                 g.input("x", onnx::kUint8, {"batch", 3, 8, 8}).floats("s", {}, {0.1f});
                 g.initializer(tensor_proto("zp", onnx::kUint8, {}, {0}));
                 g.initializer(tensor_proto("w", onnx::kInt8, {4, 3, 3, 3}, {}, {}, std::string(108, '\1')));
                 g.initializer(tensor_proto("b", onnx::kInt32, {4}, {1, 2, 3, 4}));
                 g.node("QLinearConv", {"x", "s", "zp", "w", "s", "zp", "s", "zp", "b"}, {"y"},
                        {ints_attr("pads", {1, 1, 1, 1})})
                     .output("y");
               },
               "conv2d(x, 4, kernel = [3, 3], padding = [1, 1], bias = true)",
               {2, 4, 8, 8},
               112});
  c.push_back({"ConvInteger",
               "ConvInteger",
               [](OnnxGraph& g) {
                 g.input("x", onnx::kUint8, {"batch", 3, 8, 8});
                 g.initializer(tensor_proto("w", onnx::kInt8, {4, 3, 3, 3}, {}, {}, std::string(108, '\1')));
                 g.node("ConvInteger", {"x", "w"}, {"y"}).output("y");
               },
               "conv2d(x, 4, kernel = [3, 3], bias = false)",
               {2, 4, 6, 6},
               108});
  c.push_back({"QLinearMatMul",
               "QLinearMatMul",
               [](OnnxGraph& g) {
                 g.input("a", onnx::kUint8, {"batch", 16}).floats("s", {}, {0.1f});
                 g.initializer(tensor_proto("zp", onnx::kUint8, {}, {0}));
                 g.initializer(tensor_proto("b", onnx::kInt8, {16, 8}, {}, {}, std::string(128, '\1')));
                 g.node("QLinearMatMul", {"a", "s", "zp", "b", "s", "zp", "s", "zp"}, {"y"}).output("y");
               },
               "linear(a, 8, bias = false)",
               {2, 8},
               128});
  c.push_back({"MatMulInteger",
               "MatMulInteger",
               [](OnnxGraph& g) {
                 g.input("a", onnx::kUint8, {"batch", 16});
                 g.initializer(tensor_proto("b", onnx::kInt8, {16, 8}, {}, {}, std::string(128, '\1')));
                 g.node("MatMulInteger", {"a", "b"}, {"y"}).output("y");
               },
               "linear(a, 8, bias = false)",
               {2, 8},
               128});
  // BERT's token types when the caller gives none: zeros of the ids' shape (ConstantOfShape) index a table of
  // 2 rows; both tables are parameters: 100·16 + 2·16.
  c.push_back({"Gather of a weight by ConstantOfShape's zeros (BERT token types)",
               "Gather",
               [](OnnxGraph& g) {
                 g.input("ids", kInt64, {"batch", 7}).weight("words", {100, 16}).weight("types", {2, 16});
                 g.node("Shape", {"ids"}, {"s"});
                 g.node("ConstantOfShape", {"s"}, {"zeros"},
                        {tensor_attr("value", tensor_proto("", kInt64, {1}, {0}))});
                 g.node("Gather", {"words", "ids"}, {"w"}).node("Gather", {"types", "zeros"}, {"t"});
                 g.node("Add", {"w", "t"}, {"y"}).output("y");
               },
               "embedding(zeros, 2, 16)",
               {2, 7, 16},
               1632});
  c.push_back({"Gather of one row of a weight by a scalar constant",
               "Gather",
               [](OnnxGraph& g) {
                 g.input("x", kFloat, {"batch", 16}).weight("table", {10, 16}).constant("i", {}, {3});
                 g.node("Gather", {"table", "i"}, {"row"}).node("Add", {"x", "row"}, {"y"}).output("y");
               },
               "embedding(i, 10, 16)",
               {2, 16},
               160});
  return c;
}

TEST(OnnxRules, EachRuleTranslatesItsNode) {
  for (const RuleCase& rc : cases()) {
    SCOPED_TRACE(rc.name);
    OnnxGraph g;
    rc.build(g);
    std::string text;
    ASSERT_NO_THROW(text = import_text(g, rc.opset));
    EXPECT_NE(text.find(rc.expected), std::string::npos) << text;
    EXPECT_EQ(text.find("unsupported("), std::string::npos) << text;
    std::map<std::string, sym::Int> sizes;
    if (text.find("batch = 1") != std::string::npos) sizes["batch"] = 2;
    std::unique_ptr<ModelRun> run;
    ASSERT_NO_THROW(run = run_model_text(text, sizes)) << text;
    ASSERT_FALSE(run->graph.outputs.empty());
    const ir::Tensor& out = run->graph.tensors[run->graph.outputs[0].tensor];
    std::vector<std::int64_t> shape;
    for (const sym::Expr& d : out.shape)
      shape.push_back(static_cast<std::int64_t>(d.evaluate_integer(run->graph.bindings)));
    EXPECT_EQ(shape, rc.shape) << text;
    EXPECT_EQ(run->analysis.totals.figures.params, rc.params) << text;
  }
}

// Training analyses the imported model too: every op the importer writes has a backward rule for each tensor
// input, except those no gradient flows through (comparisons give booleans; constant and arange have no
// tensor inputs; unsupported is not costed) and data movement, whose backward docs/cost-model.md §8 costs 0.
TEST(OnnxRules, EveryOpTheImporterWritesHasABackwardRule) {
  const std::set<std::string> kNoGradient = {"compare", "constant", "arange",  "unsupported", "reshape",
                                             "concat",  "split",    "chunk",   "slice",       "pad",
                                             "permute", "flatten",  "squeeze", "unsqueeze",   "identity"};
  std::set<std::string> kinds;
  for (const RuleCase& rc : cases()) {
    SCOPED_TRACE(rc.name);
    OnnxGraph g;
    rc.build(g);
    std::unique_ptr<ModelRun> run = run_model_text(import_text(g, rc.opset), {});
    for (const ir::Op& op : run->graph.ops) {
      std::string kind(op.kind);
      kinds.insert(kind);
      if (kNoGradient.count(kind)) continue;
      EXPECT_EQ(op.costs().backward.input.size(), op.inputs.size()) << kind << " in " << op.path;
    }
  }
  EXPECT_GE(kinds.size(), 60u);  // the rows above write this many kinds of op
}

TEST(OnnxRules, EveryRegisteredRuleHasACase) {
  std::set<std::string> covered;
  for (const RuleCase& rc : cases()) covered.insert(rc.op_type);
  for (const std::string& op : onnx::rule_op_types()) EXPECT_TRUE(covered.count(op)) << op << " has no case";
  for (const std::string& op : covered) EXPECT_NE(onnx::find_rule(op), nullptr) << op;
}

// A pattern a rule does not handle is an ordinary result, not an error: the node is not costed, the rest of
// the graph is, and nothing the rule emitted before giving up is left behind.
TEST(OnnxRules, AnUnhandledPatternBecomesOneNotCostedOp) {
  OnnxGraph g;
  g.input("x", kFloat, {"batch", 3, 8, 8}).weight("w", {4, 3, 3, 3});
  g.node("ConvTranspose", {"x", "w"}, {"y"}, {ints_attr("output_shape", {16, 16}), ints_attr("pads", {0, 0, 1, 1})},
         "/up/ConvTranspose");
  g.node("Relu", {"y"}, {"z"}, {}, "/act/Relu").output("z");
  std::string text = import_text(g);
  EXPECT_NE(text.find("unsupported([x], op_type = \"ConvTranspose\")"), std::string::npos) << text;
  EXPECT_EQ(text.find("pad("), std::string::npos) << text;
  EXPECT_EQ(text.find("param("), std::string::npos) << text;
  EXPECT_NE(text.find("\"act\": relu("), std::string::npos) << text;
}

}  // namespace
}  // namespace nnscope::testing

namespace nnscope::testing {
namespace {

// Analyses the import of `g` at batch = 2.
std::unique_ptr<ModelRun> analyse(const OnnxGraph& g, std::int64_t opset = 17) {
  return run_model_text(import_text(g, opset), {{"batch", 2}});
}

// GPT-2's tied embedding: the token table [V, D] is read by the lookup and, transposed, by the output
// projection. PyTorch counts it once: V·D = 1600 parameters; the head's GEMM is batch·seq·D·V MACs.
TEST(OnnxRules, AWeightReadByTwoNodesCountsOnce) {
  OnnxGraph g;
  g.input("ids", kInt64, {"batch", 7}).weight("wte", {100, 16});
  g.node("Gather", {"wte", "ids"}, {"h"}, {}, "/wte/Gather");
  g.node("Transpose", {"wte"}, {"wt"}, {ints_attr("perm", {1, 0})});
  g.node("MatMul", {"h", "wt"}, {"logits"}, {}, "/lm_head/MatMul").output("logits");
  std::string text = import_text(g);
  EXPECT_NE(text.find("linear(h, 100, bias = false, tied_to = \"wte\")"), std::string::npos) << text;
  auto run = analyse(g);
  EXPECT_EQ(run->analysis.totals.figures.params, 1600);
  EXPECT_EQ(run->analysis.totals.figures.gemm_macs, 2 * 7 * 16 * 100);
}

// The projection has its own bias (Gemm's C): the shared table counts once, the bias on its own.
TEST(OnnxRules, ASharedWeightKeepsItsBiasApart) {
  OnnxGraph g;
  g.input("ids", kInt64, {"batch", 7}).weight("wte", {100, 16}).weight("b", {100});
  g.node("Gather", {"wte", "ids"}, {"h"}, {}, "/wte/Gather");
  g.constant("flat", {2}, {-1, 16}).node("Reshape", {"h", "flat"}, {"h2"});
  g.node("Gemm", {"h2", "wte", "b"}, {"logits"}, {int_attr("transB", 1)}, "/head/Gemm").output("logits");
  auto run = analyse(g);
  EXPECT_EQ(run->analysis.totals.figures.params, 1600 + 100);
  EXPECT_EQ(run->analysis.totals.figures.gemm_macs, 2 * 7 * 16 * 100);
}

// An untrained model's identical initializers are merged by the exporter: two convolutions with BatchNorm
// folded read one zero bias, two BatchNorms one scale and one bias. Each tensor counts once, as the file holds it.
TEST(OnnxRules, AMergedBiasOrScaleCountsOnce) {
  OnnxGraph g;
  g.input("x", kFloat, {"batch", 3, 8, 8}).weight("w1", {4, 3, 3, 3}).weight("w2", {4, 4, 1, 1}).weight("b", {4});
  for (const char* w : {"scale", "shift", "mean", "var"}) g.weight(w, {4});
  g.node("Conv", {"x", "w1", "b"}, {"c1"}, {ints_attr("pads", {1, 1, 1, 1})}, "/conv1/Conv");
  g.node("BatchNormalization", {"c1", "scale", "shift", "mean", "var"}, {"n1"}, {}, "/bn1/BatchNormalization");
  g.node("Conv", {"n1", "w2", "b"}, {"c2"}, {}, "/conv2/Conv");
  g.node("BatchNormalization", {"c2", "scale", "shift", "mean", "var"}, {"y"}, {}, "/bn2/BatchNormalization")
      .output("y");
  auto run = analyse(g);
  // Weights 108 + 16, the bias 4 once, the scale and shift 4 + 4 once (mean and variance are statistics).
  EXPECT_EQ(run->analysis.totals.figures.params, 108 + 16 + 4 + 8);
  EXPECT_EQ(run->analysis.totals.figures.gemm_macs, 2 * 8 * 8 * 4 * (27 + 4));
  EXPECT_EQ(run->graph.outputs.size(), 1u);
}

// Two LayerNormalizations (opset 17) reading one merged scale and one merged bias: 2·16 parameters, once.
TEST(OnnxRules, AMergedLayerNormScaleCountsOnce) {
  OnnxGraph g;
  g.input("x", kFloat, {"batch", 5, 16}).weight("ones", {16}).weight("zeros", {16}).weight("w", {16, 16});
  g.node("LayerNormalization", {"x", "ones", "zeros"}, {"n1"}, {}, "/ln1/LayerNormalization");
  g.node("MatMul", {"n1", "w"}, {"h"}, {}, "/fc/MatMul");
  g.node("LayerNormalization", {"h", "ones", "zeros"}, {"y"}, {}, "/ln2/LayerNormalization").output("y");
  auto run = analyse(g);
  EXPECT_EQ(run->analysis.totals.figures.params, 16 * 16 + 2 * 16);
  EXPECT_EQ(run->analysis.totals.figures.gemm_macs, 2 * 5 * 16 * 16);
}

// The owner's path is what the language will call it: here its label is taken twice before (a nested
// arange and a statement of the same label), so the reader must name "lookup_1", not "lookup".
TEST(OnnxRules, TiedToNamesTheOwnersRealPath) {
  OnnxGraph g;
  g.input("ids", kInt64, {"batch", 7}).weight("types", {2, 16});
  g.node("Shape", {"ids"}, {"s"})
      .node("ConstantOfShape", {"s"}, {"zeros"}, {tensor_attr("value", tensor_proto("", kInt64, {1}, {0}))});
  g.node("Gather", {"types", "zeros"}, {"a"}, {}, "lookup");
  g.node("Gather", {"types", "ids"}, {"b"}, {}, "lookup");
  g.node("Add", {"a", "b"}, {"y"}).output("y");
  std::string text = import_text(g);
  EXPECT_NE(text.find("tied_to = \"lookup_1\""), std::string::npos) << text;
  std::unique_ptr<ModelRun> run;
  ASSERT_NO_THROW(run = analyse(g)) << text;
  EXPECT_EQ(run->analysis.totals.figures.params, 32);
}

// Before opset 13, Softmax(axis = 1) of [batch, 3, 4] normalises each row of the [batch, 12] matrix: the same
// work as opset 13's Softmax over the last axis of a [batch, 12] input.
TEST(OnnxRules, SoftmaxBeforeOpset13NormalisesTheFlattenedTrailingAxes) {
  for (const char* op : {"Softmax", "LogSoftmax", "Hardmax"}) {
    SCOPED_TRACE(op);
    OnnxGraph old_style, flat;
    old_style.input("x", kFloat, {"batch", 3, 4}).node(op, {"x"}, {"y"}, {int_attr("axis", 1)}).output("y");
    flat.input("x", kFloat, {"batch", 12}).node(op, {"x"}, {"y"}, {int_attr("axis", -1)}).output("y");
    auto a = analyse(old_style, 11);
    auto b = analyse(flat, 13);
    EXPECT_EQ(a->analysis.totals.figures.activation_ops, b->analysis.totals.figures.activation_ops);
    EXPECT_EQ(a->analysis.totals.figures.elementwise_ops, b->analysis.totals.figures.elementwise_ops);
    EXPECT_GT(a->analysis.totals.figures.elementwise_ops + a->analysis.totals.figures.activation_ops, 0);
  }
}

// An If whose condition is known only when the model runs is not costed, and the header says why.
TEST(OnnxRules, AnIfOnARuntimeConditionIsReported) {
  OnnxGraph then_branch, else_branch, g;
  then_branch.node("Relu", {"x"}, {"t"}).output("t");
  else_branch.node("Sigmoid", {"x"}, {"e"}).output("e");
  g.input("x", kFloat, {"batch", 4}).input("flag", kBool, {1});
  g.node("If", {"flag"}, {"y"},
         {graph_attr("then_branch", then_branch.graph_bytes("then")),
          graph_attr("else_branch", else_branch.graph_bytes("else"))});
  g.output("y", kFloat, {"batch", 4});
  std::string text = import_text(g);
  EXPECT_NE(text.find("If x1 (condition not known at import)"), std::string::npos) << text;
  EXPECT_NE(text.find("unsupported([flag], op_type = \"If\", shape = [batch, 4])"), std::string::npos) << text;
}

}  // namespace
}  // namespace nnscope::testing
