#include "ir/graph.h"

#include <gtest/gtest.h>

namespace nnscope::ir {
namespace {

using sym::Expr;

OpCosts linear_costs(Expr in, Expr out) {
  Expr batch = Expr::symbol("batch");
  OpCosts c;
  c.weights = {{"weight", {out, in}}, {"bias", {out}}};
  c.params = out * in + out;
  c.forward = {batch * in * out, batch * out, 0};
  c.backward.input = {ir::Cost{batch * in * out, 0, 0}};
  c.backward.weight = {batch * in * out, batch * out, 0};
  c.backward.saves_input = {true};
  return c;
}

TEST(CostTable, SharesEqualRecordsOnly) {
  CostTable table;
  auto a = table.intern(linear_costs(64, 64));
  auto b = table.intern(linear_costs(64, 64));
  auto c = table.intern(linear_costs(64, 32));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  EXPECT_EQ(c->params, Expr(64 * 32 + 32));

  // Any one difference keeps records apart: a weight's name, a backward flag, the costed mark.
  OpCosts renamed = linear_costs(64, 64);
  renamed.weights[1].name = "shift";
  EXPECT_NE(table.intern(renamed).get(), a.get());
  OpCosts keeps_output = linear_costs(64, 64);
  keeps_output.backward.saves_output = true;
  EXPECT_NE(table.intern(keeps_output).get(), a.get());
  OpCosts uncosted = linear_costs(64, 64);
  uncosted.costed = false;
  EXPECT_NE(table.intern(uncosted).get(), a.get());
}

TEST(Op, ReadsNoCostsWithoutARecordAndEditsItsOwnCopy) {
  CostTable table;
  Op first, second;
  EXPECT_TRUE(first.costs().weights.empty());
  EXPECT_TRUE(first.costs().params.is_zero());
  first.shared_costs = second.shared_costs = table.intern(linear_costs(8, 4));
  second.edit_costs().params = 0;
  EXPECT_EQ(first.costs().params, Expr(36));
  EXPECT_TRUE(second.costs().params.is_zero());
  EXPECT_EQ(second.costs().weights.size(), 2u);
}

}  // namespace
}  // namespace nnscope::ir
