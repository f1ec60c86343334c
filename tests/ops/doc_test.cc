// Operator documentation rendered from the schema: defaults, signatures, `nnscope ops NAME`. The expected
// signatures are PyTorch's defaults (nn.Conv2d, nn.MaxPool2d, nn.LayerNorm, F.gelu), written out here.
#include "ops/doc.h"

#include <gtest/gtest.h>

namespace nnscope::ops {
namespace {

const OpDef& op(const std::string& name) {
  const OpDef* def = Registry::instance().find(name);
  if (!def) throw std::logic_error("no operator " + name);
  return *def;
}

const ArgSpec& argument(const std::string& op_name, const std::string& name) {
  for (const ArgSpec& spec : op(op_name).args) {
    if (spec.name == name) return spec;
  }
  throw std::logic_error("no argument " + name);
}

TEST(OpDoc, DefaultsAsAModelWritesThem) {
  EXPECT_EQ(default_text(argument("layernorm", "eps")), "1e-5");
  EXPECT_EQ(default_text(argument("dice", "eps")), "1e-8");
  EXPECT_EQ(default_text(argument("leaky_relu", "negative_slope")), "0.01");
  EXPECT_EQ(default_text(argument("elu", "alpha")), "1.0");
  EXPECT_EQ(default_text(argument("clip", "min")), "-inf");
  EXPECT_EQ(default_text(argument("conv2d", "padding")), "0");
  EXPECT_EQ(default_text(argument("softmax", "axis")), "-1");
  EXPECT_EQ(default_text(argument("linear", "bias")), "true");
  EXPECT_EQ(default_text(argument("gelu", "approximate")), "\"none\"");
  // A default that is not a value, and one that is absent unless given.
  EXPECT_EQ(default_text(argument("maxpool2d", "stride")), "<kernel>");
  EXPECT_EQ(default_text(argument("box_decode", "reference")), "");
  EXPECT_EQ(default_text(argument("linear", "x")), "");
}

TEST(OpDoc, Signatures) {
  EXPECT_EQ(signature(op("conv2d")),
            "conv2d(x, out_channels, kernel, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true)");
  EXPECT_EQ(signature(op("maxpool2d")),
            "maxpool2d(x, kernel, stride = <kernel>, padding = 0, dilation = 1, ceil_mode = false)");
  EXPECT_EQ(signature(op("layernorm")),
            "layernorm(x, normalized_shape = <last dim>, eps = 1e-5, affine = true, bias = true)");
  EXPECT_EQ(signature(op("gelu")), "gelu(x, approximate = \"none\")");
  EXPECT_EQ(signature(op("box_decode")), "box_decode(deltas, reference?)");
}

TEST(OpDoc, DescribeShowsOneOperatorWithDefaultsCostsAndBackward) {
  std::string text = describe(op("avgpool2d"));
  EXPECT_TRUE(
      text.starts_with("avgpool2d(x, kernel, stride = <kernel>, padding = 0, ceil_mode = false, "
                       "count_include_pad = true)\n2-d average pooling over [N, C, H, W]\n"))
      << text;
  EXPECT_NE(text.find("  stride = <kernel>"), std::string::npos) << text;
  EXPECT_NE(text.find("omitted, the kernel"), std::string::npos) << text;
  EXPECT_NE(text.find("\nForward:  element-wise O·prod(kernel)"), std::string::npos) << text;
  EXPECT_NE(text.find("\nBackward: element-wise as forward"), std::string::npos) << text;
  EXPECT_EQ(text.find("maxpool"), std::string::npos) << "only the operator asked for";
  EXPECT_EQ(text.find("tied_to"), std::string::npos) << "no weights, nothing to tie";
  // Every line fits the page (columns, not bytes: '·' and '⌊' are one column).
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; start = end + 1, end = text.find('\n', start)) {
    std::string line = text.substr(start, end - start);
    std::size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(columns, 110u) << line;
  }
  std::string linear = describe(op("linear"));
  EXPECT_NE(linear.find("\nWeights:  weight [out_features, in], bias [out_features] when bias\n"), std::string::npos)
      << linear;
  EXPECT_NE(linear.find("  tied_to?"), std::string::npos) << linear;
}

TEST(OpDoc, ListKeepsOneLinePerOperator) {
  std::string list = operator_list(Registry::instance());
  EXPECT_EQ(static_cast<std::size_t>(std::count(list.begin(), list.end(), '\n')), Registry::instance().all().size());
  EXPECT_NE(list.find("\nconv2d(x, out_channels, kernel, stride?, padding?, dilation?, groups?, bias?) 2-d "
                      "convolution over [N, C, H, W]\n"),
            std::string::npos);
}

}  // namespace
}  // namespace nnscope::ops
