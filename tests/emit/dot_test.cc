#include <gtest/gtest.h>

#include "emit/emit_test_util.h"

namespace nnscope::emit {
namespace {

using namespace testing;

void check_with_dot(const std::string& text) {
  if (!have_dot()) GTEST_SKIP() << "Graphviz dot not available";
  std::string path = write_temp("check.dot", text);
  std::string output;
  int status = run("dot -Tsvg " + path + " -o /dev/null", &output);
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << output << "\n" << text;
  EXPECT_EQ(output, "") << "dot warned:\n" << output << "\n" << text;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(Dot, NodesWeightsClustersAndShapedEdges) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = dot(a, {});
  EXPECT_EQ(text.rfind("digraph \"tiny\" {", 0), 0u);
  EXPECT_NE(text.find("rankdir=TB"), std::string::npos);
  EXPECT_NE(text.find("n0 [label=\"conv\\nconv2d\\n2x4x8x8\\n13.82 K MACs\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("w0_0 [shape=note"), std::string::npos);
  EXPECT_NE(text.find("\"weight 4x3x3x3\""), std::string::npos);
  EXPECT_NE(text.find("\"weight 1000x256\""), std::string::npos);
  EXPECT_NE(text.find("w0_0 -> n0"), std::string::npos);
  EXPECT_NE(text.find("in0 [shape=ellipse"), std::string::npos);
  EXPECT_NE(text.find("in0 -> n0 [label=\"2x3x8x8\"]"), std::string::npos);
  EXPECT_NE(text.find("n0 -> n1 [label=\"2x4x8x8\"]"), std::string::npos);
  EXPECT_NE(text.find("n4 -> out0 [label=\"2x1000\"]"), std::string::npos);
  EXPECT_NE(text.find("label=\"stem\""), std::string::npos);
  EXPECT_EQ(count(text, "subgraph cluster_"), 2u);
  EXPECT_NE(text.find("(not costed)"), std::string::npos);
  check_with_dot(text);
}

TEST(Dot, DepthCollapsesBlocksWithoutSelfLoops) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = dot(a, {.depth = 0});
  EXPECT_EQ(count(text, "subgraph cluster_"), 0u);
  EXPECT_NE(text.find("block (2 ops)"), std::string::npos);
  EXPECT_NE(text.find("block (3 ops)"), std::string::npos);
  EXPECT_EQ(count(text, " -> n0 ["), 2u);  // from the input and from its weights box
  EXPECT_EQ(count(text, "  n0 -> n0"), 0u);
  EXPECT_EQ(count(text, "  n1 -> n1"), 0u);
  EXPECT_EQ(count(text, "  n0 -> n1 "), 1u);
  EXPECT_NE(text.find("weights ×2"), std::string::npos);
  check_with_dot(text);
}

TEST(Dot, DeepHierarchyNestsClusters) {
  ir::Graph g = tiny_graph();
  g.ops[0].path = "encoder.layer.0.conv";
  g.ops[1].path = "encoder.layer.0.relu";
  g.ops[2].path = "encoder.layer.1.flatten";
  analysis::Analysis a = analysis::analyze(g);
  std::string text = dot(a, {});
  EXPECT_NE(text.find("label=\"encoder.layer.0\""), std::string::npos);
  EXPECT_EQ(count(text, "subgraph cluster_"), 5u);  // encoder, encoder.layer, .0, .1, head
  check_with_dot(text);
  std::string collapsed = dot(a, {.depth = 1});
  EXPECT_NE(collapsed.find("\"layer\\nblock (3 ops)"), std::string::npos) << collapsed;
  check_with_dot(collapsed);
}

TEST(Dot, EscapesLabels) {
  ir::Graph g = tiny_graph("q\"uote\\back");
  g.ops[3].path = "head.f\"c\\";
  g.tensors[0].name = "x\ny";
  analysis::Analysis a = analysis::analyze(g);
  std::string text = dot(a, {});
  EXPECT_NE(text.find("digraph \"q\\\"uote\\\\back\""), std::string::npos);
  EXPECT_NE(text.find("\"f\\\"c\\\\\\nlinear"), std::string::npos) << text;
  check_with_dot(text);
}

}  // namespace
}  // namespace nnscope::emit
