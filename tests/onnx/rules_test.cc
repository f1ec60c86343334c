// Every ONNX translation rule on a graph of one node (or the few nodes a shape subgraph needs), built with the
// protobuf writer of onnx_builder.h: the statement the importer writes, and, analysed, the output's shape and
// the parameters read. Expected shapes and parameter counts come from the ONNX operator specification and
// PyTorch's layer definitions, written out in each row; never from nnscope's output.
#include "onnx/rules.h"

#include <gtest/gtest.h>

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
  // Activations without arguments: the .nn activation of the same meaning, shape unchanged.
  for (const auto& [op, fn] : std::vector<std::pair<std::string, std::string>>{{"Relu", "relu"},
                                                                               {"Sigmoid", "sigmoid"},
                                                                               {"Tanh", "tanh"},
                                                                               {"Erf", "erf"},
                                                                               {"Exp", "exp"},
                                                                               {"Log", "log"},
                                                                               {"Sqrt", "sqrt"},
                                                                               {"Neg", "neg"},
                                                                               {"Abs", "abs"},
                                                                               {"HardSwish", "hardswish"},
                                                                               {"HardSigmoid", "hardsigmoid"},
                                                                               {"Softplus", "softplus"},
                                                                               {"Mish", "mish"},
                                                                               {"Selu", "elu"}}) {
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
