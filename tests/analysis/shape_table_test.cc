// ShapeTable holds each tensor's evaluated shape, each distinct shape once; layers read their shapes through it.
#include <gtest/gtest.h>

#include <vector>

#include "analysis/analysis.h"
#include "analysis_test_util.h"

namespace nnscope::analysis {
namespace {

TEST(ShapeTable, StoresEachDistinctShapeOnce) {
  ShapeTable table(4);
  EXPECT_EQ(table.size(), 4u);
  EXPECT_FALSE(table.has(0));
  EXPECT_TRUE(table[0].empty());  // never set: reads as an empty shape
  std::vector<Int> shape = {2, 3};
  table.set(0, shape);
  shape = {2, 3};
  table.set(2, shape);
  shape = {3, 2};
  table.set(3, shape);
  shape.clear();  // the table keeps its own copy
  EXPECT_TRUE(table.has(0));
  EXPECT_FALSE(table.has(1));
  EXPECT_EQ(table[0], (std::vector<Int>{2, 3}));
  EXPECT_EQ(table[3], (std::vector<Int>{3, 2}));
  EXPECT_EQ(&table[0], &table[2]);  // equal shapes share one copy
  EXPECT_NE(&table[0], &table[3]);
  // Dimensions beyond 64 bits are told apart.
  Int big = Int{1} << 70;
  table.set(1, {big, 1});
  table.set(3, {big + 1, 1});
  EXPECT_EQ(table[1], (std::vector<Int>{big, 1}));
  EXPECT_EQ(table[3], (std::vector<Int>{big + 1, 1}));
}

TEST(ShapeTable, LayersReadTheirShapesThroughTheTable) {
  auto built = testing::build(R"(
model m(batch = 2) {
    input x: f32[batch, 8]
    h = fc1: linear(x, 8)
    h = relu(h)
    h = fc2: linear(h, 4)
    return h
}
)");
  Analysis a = analyze(built->graph);
  ASSERT_EQ(a.layers.size(), 3u);
  ASSERT_TRUE(a.tensor_shapes);
  EXPECT_EQ(a.tensor_shapes->size(), built->graph.tensors.size());
  EXPECT_EQ(a.layers[0].input_shapes[0], (std::vector<Int>{2, 8}));
  EXPECT_EQ(a.layers[0].output_shapes[0], (std::vector<Int>{2, 8}));
  EXPECT_EQ(a.layers[2].output_shapes[0], (std::vector<Int>{2, 4}));
  // x, fc1's output and relu's output are all 2x8: one stored shape.
  EXPECT_EQ(&a.layers[0].input_shapes[0], &a.layers[1].output_shapes[0]);
  EXPECT_NE(&a.layers[0].input_shapes[0], &a.layers[2].output_shapes[0]);
}

}  // namespace
}  // namespace nnscope::analysis
