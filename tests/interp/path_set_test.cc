#include "interp/path_set.h"

#include <gtest/gtest.h>

#include <string>

namespace nnscope::interp {
namespace {

TEST(PathSet, InsertsEachPathOnce) {
  PathSet set;
  EXPECT_FALSE(set.contains("layer1.conv"));
  EXPECT_TRUE(set.insert("layer1.conv"));
  EXPECT_FALSE(set.insert("layer1.conv"));
  EXPECT_TRUE(set.insert("layer1.conv_1"));
  EXPECT_TRUE(set.insert(""));
  EXPECT_FALSE(set.insert(""));
  EXPECT_TRUE(set.contains("layer1.conv"));
  EXPECT_FALSE(set.contains("layer1"));
  EXPECT_EQ(set.size(), 3u);
}

TEST(PathSet, KeepsEveryPathThroughGrowth) {
  PathSet set;
  constexpr int kCount = 100000;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(set.insert("fc" + std::to_string(i))) << i;
  EXPECT_EQ(set.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) ASSERT_FALSE(set.insert("fc" + std::to_string(i))) << i;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE(set.contains("fc" + std::to_string(i))) << i;
  EXPECT_FALSE(set.contains("fc" + std::to_string(kCount)));
  EXPECT_FALSE(set.contains("fc"));
}

// Paths that are prefixes of one another, or share a hash bucket, stay distinct.
TEST(PathSet, DistinguishesPrefixes) {
  PathSet set;
  EXPECT_TRUE(set.insert("a.b"));
  EXPECT_TRUE(set.insert("a.b.c"));
  EXPECT_TRUE(set.insert("a"));
  EXPECT_TRUE(set.insert("a.bc"));
  EXPECT_FALSE(set.insert("a.b"));
  EXPECT_EQ(set.size(), 4u);
}

}  // namespace
}  // namespace nnscope::interp
