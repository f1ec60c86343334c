#include "ir/chunked_vector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>

namespace nnscope::ir {
namespace {

TEST(ChunkedVector, GrowsAcrossChunksWithoutMovingElements) {
  ChunkedVector<std::string> v;
  EXPECT_TRUE(v.empty());
  const std::size_t n = 3 * ChunkedVector<std::string>::kChunkSize + 5;
  std::vector<const std::string*> addresses;
  for (std::size_t i = 0; i < n; ++i) {
    v.push_back("element " + std::to_string(i));
    addresses.push_back(&v.back());
  }
  ASSERT_EQ(v.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(v[i], "element " + std::to_string(i));
    EXPECT_EQ(&v[i], addresses[i]) << "element " << i << " moved";
  }
  EXPECT_EQ(v.front(), "element 0");
  EXPECT_EQ(v.back(), "element " + std::to_string(n - 1));
}

TEST(ChunkedVector, IteratorsWorkWithStandardAlgorithms) {
  ChunkedVector<int> v;
  const int n = static_cast<int>(2 * ChunkedVector<int>::kChunkSize + 3);
  for (int i = 0; i < n; ++i) v.emplace_back(i);
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), 0LL), static_cast<long long>(n) * (n - 1) / 2);
  EXPECT_EQ(v.end() - v.begin(), n);
  auto it = std::find(v.begin(), v.end(), n - 2);
  ASSERT_NE(it, v.end());
  EXPECT_EQ(it - v.begin(), n - 2);
  EXPECT_EQ(*(it - 1), n - 3);
  EXPECT_EQ(it[1], n - 1);
  EXPECT_EQ(std::count_if(v.begin(), v.end(), [](int x) { return x % 2 == 0; }), (n + 1) / 2);
  int expected = 0;
  for (int& x : v) EXPECT_EQ(x, expected++);
  const ChunkedVector<int>& view = v;
  ChunkedVector<int>::const_iterator first = view.begin();
  EXPECT_EQ(*first, 0);
  EXPECT_LT(first, view.end());
}

TEST(ChunkedVector, CopiesMovesAndDestroysEveryElement) {
  auto token = std::make_shared<int>(7);
  {
    ChunkedVector<std::shared_ptr<int>> v;
    for (std::size_t i = 0; i < ChunkedVector<std::shared_ptr<int>>::kChunkSize + 1; ++i) v.push_back(token);
    ChunkedVector<std::shared_ptr<int>> copy = v;
    EXPECT_EQ(copy.size(), v.size());
    EXPECT_EQ(token.use_count(), 1 + 2 * static_cast<long>(v.size()));
    ChunkedVector<std::shared_ptr<int>> moved = std::move(v);
    EXPECT_TRUE(v.empty());  // NOLINT(bugprone-use-after-move): a moved-from vector is empty
    EXPECT_EQ(token.use_count(), 1 + 2 * static_cast<long>(moved.size()));
    copy = moved;
    EXPECT_EQ(token.use_count(), 1 + 2 * static_cast<long>(moved.size()));
    moved.clear();
    EXPECT_TRUE(moved.empty());
    EXPECT_EQ(token.use_count(), 1 + static_cast<long>(copy.size()));
    moved.push_back(token);  // usable after clear
    EXPECT_EQ(*moved[0], 7);
  }
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace nnscope::ir
