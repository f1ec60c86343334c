#include "ir/tensor_ids.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace nnscope::ir {
namespace {

std::vector<TensorId> as_vector(const TensorIds& ids) { return {ids.begin(), ids.end()}; }

TEST(TensorIds, KeepsTwoIdsInlineAndGrowsPastThem) {
  TensorIds ids;
  EXPECT_TRUE(ids.empty());
  ids.push_back(7);
  ids.push_back(9);
  const TensorId* inline_data = ids.data();
  EXPECT_GE(reinterpret_cast<const char*>(inline_data), reinterpret_cast<const char*>(&ids));
  EXPECT_LT(reinterpret_cast<const char*>(inline_data), reinterpret_cast<const char*>(&ids + 1));
  for (TensorId id = 10; id < 100; ++id) ids.push_back(id);
  ASSERT_EQ(ids.size(), 92u);
  EXPECT_EQ(ids.front(), 7u);
  EXPECT_EQ(ids[1], 9u);
  EXPECT_EQ(ids.back(), 99u);
  std::vector<TensorId> expected = {7, 9};
  for (TensorId id = 10; id < 100; ++id) expected.push_back(id);
  EXPECT_EQ(as_vector(ids), expected);
  std::span<const TensorId> view(ids);
  EXPECT_EQ(view.size(), 92u);
  EXPECT_EQ(view[91], 99u);
}

TEST(TensorIds, CopiesAndMovesInlineAndHeapLists) {
  for (std::size_t n : {0u, 1u, 2u, 3u, 17u}) {
    std::vector<TensorId> values(n);
    std::iota(values.begin(), values.end(), 100);
    TensorIds original{std::span<const TensorId>(values)};
    TensorIds copy = original;
    EXPECT_EQ(copy, original);
    EXPECT_EQ(as_vector(copy), values);
    TensorIds moved = std::move(copy);
    EXPECT_EQ(as_vector(moved), values);
    EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from list is empty
    copy.push_back(1);          // and usable
    EXPECT_EQ(as_vector(copy), std::vector<TensorId>{1});
    TensorIds assigned = {1, 2, 3, 4};
    assigned = original;
    EXPECT_EQ(as_vector(assigned), values);
    TensorIds small = {5};
    small = std::move(moved);
    EXPECT_EQ(as_vector(small), values);
    small = small;  // self-assignment keeps the list
    EXPECT_EQ(as_vector(small), values);
  }
}

TEST(TensorIds, ComparesByContents) {
  EXPECT_EQ((TensorIds{1, 2}), (TensorIds{1, 2}));
  EXPECT_FALSE((TensorIds{1, 2}) == (TensorIds{1, 2, 3}));
  EXPECT_FALSE((TensorIds{1, 2}) == (TensorIds{2, 1}));
  TensorIds grown = {1};
  grown.reserve(40);
  grown.push_back(2);
  EXPECT_EQ(grown, (TensorIds{1, 2}));
}

}  // namespace
}  // namespace nnscope::ir
