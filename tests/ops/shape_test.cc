#include "op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");
const Expr kHidden = Expr::symbol("hidden");
const Expr kHeight = Expr::symbol("height");

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

void expect_free(const OpResult& r) {
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_TRUE(r.forward.elementwise.is_zero());
  EXPECT_TRUE(r.forward.activation.is_zero());
  EXPECT_TRUE(r.weights.empty());
  EXPECT_TRUE(r.costed);
}

TEST(Shape, ConcatChannels) {
  // DenseNet: concatenating growth-rate feature maps along channels.
  OpResult r =
      Call("concat")
          .tensors("tensors", {shape({kBatch, 64, 56, 56}), shape({kBatch, 32, 56, 56}), shape({kBatch, 32, 56, 56})})
          .integer("axis", 1)
          .run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 128, 56, 56}));
  expect_free(r);
  EXPECT_FALSE(r.view);

  OpResult sym =
      Call("concat").tensors("tensors", {shape({kBatch, kSeq}), shape({kBatch, 1})}).integer("axis", -1).run();
  EXPECT_EQ(sym.outputs[0].shape, shape({kBatch, kSeq + 1}));
}

TEST(Shape, ConcatMismatchNamesShapesAndAxis) {
  Call call = Call("concat");
  call.tensors("tensors", {shape({2, 64, 56, 56}), shape({2, 32, 28, 28})}).integer("axis", 1);
  std::string message = error_of(call);
  EXPECT_TRUE(contains(message, "[2, 64, 56, 56]")) << message;
  EXPECT_TRUE(contains(message, "[2, 32, 28, 28]")) << message;
  EXPECT_TRUE(contains(message, "axis 2")) << message;

  Call ranks = Call("concat");
  ranks.tensors("tensors", {shape({2, 3}), shape({2, 3, 4})});
  EXPECT_TRUE(contains(error_of(ranks), "ranks 2 and 3"));
  Call axis = Call("concat");
  axis.tensors("tensors", {shape({2, 3})}).integer("axis", 2);
  EXPECT_TRUE(contains(error_of(axis), "out of range"));
}

TEST(Shape, SplitBySize) {
  // torch.split(x, 4, dim=1) on 10: 4, 4, 2.
  OpResult r = Call("split").tensor("x", shape({2, 10})).integer("sizes", 4).integer("axis", 1).run();
  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(r.outputs[0].shape, shape({2, 4}));
  EXPECT_EQ(r.outputs[1].shape, shape({2, 4}));
  EXPECT_EQ(r.outputs[2].shape, shape({2, 2}));
  expect_free(r);
}

TEST(Shape, SplitFusedQkvSymbolic) {
  FakeContext context;
  context.bindings.set("hidden", 768);
  OpResult r = Call("split")
                   .tensor("x", shape({kBatch, kSeq, 3 * kHidden}))
                   .integer("sizes", kHidden)
                   .integer("axis", -1)
                   .run(context);
  ASSERT_EQ(r.outputs.size(), 3u);
  for (const TensorType& t : r.outputs) EXPECT_EQ(t.shape, shape({kBatch, kSeq, kHidden}));
}

TEST(Shape, SplitByList) {
  OpResult r = Call("split").tensor("x", shape({2, 10, 5})).ints("sizes", {3, 7}).integer("axis", 1).run();
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].shape, shape({2, 3, 5}));
  EXPECT_EQ(r.outputs[1].shape, shape({2, 7, 5}));

  Call bad = Call("split");
  bad.tensor("x", shape({2, 10})).ints("sizes", {3, 6}).integer("axis", 1);
  std::string message = error_of(bad);
  EXPECT_TRUE(contains(message, "sum to 9")) << message;
  EXPECT_TRUE(contains(message, "[2, 10]")) << message;
}

TEST(Shape, Chunk) {
  // torch.chunk(x, 3) on 10: pieces of ceil(10/3) = 4: 4, 4, 2.
  OpResult r = Call("chunk").tensor("x", shape({10, 2})).integer("chunks", 3).run();
  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(r.outputs[2].shape, shape({2, 2}));
  // torch.chunk(x, 4) on 6: pieces of 2, only 3 of them.
  OpResult fewer = Call("chunk").tensor("x", shape({6})).integer("chunks", 4).run();
  ASSERT_EQ(fewer.outputs.size(), 3u);
  EXPECT_EQ(fewer.outputs[0].shape, shape({2}));

  FakeContext context;
  context.bindings.set("hidden", 512);
  OpResult sym =
      Call("chunk").tensor("x", shape({kBatch, 2 * kHidden})).integer("chunks", 2).integer("axis", 1).run(context);
  ASSERT_EQ(sym.outputs.size(), 2u);
  EXPECT_EQ(sym.outputs[0].shape, shape({kBatch, kHidden}));
  EXPECT_EQ(sym.outputs[1].shape, shape({kBatch, kHidden}));
}

TEST(Shape, ReshapeInfersMinusOne) {
  FakeContext context;
  context.bindings.set("batch", 2);
  context.bindings.set("seq", 128);
  // Splitting heads: [batch, seq, 768] -> [batch, seq, 12, -1].
  OpResult r =
      Call("reshape").tensor("x", shape({kBatch, kSeq, 768})).ints("shape", {kBatch, kSeq, 12, -1}).run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 12, 64}));
  EXPECT_TRUE(r.view);
  expect_free(r);

  OpResult flat = Call("reshape").tensor("x", shape({kBatch, 64, 7, 7})).ints("shape", {kBatch, -1}).run(context);
  EXPECT_EQ(flat.outputs[0].shape, shape({kBatch, 3136}));

  OpResult merged = Call("reshape").tensor("x", shape({kBatch, kSeq, 768})).ints("shape", {-1, 768}).run(context);
  EXPECT_EQ(merged.outputs[0].shape, shape({kBatch * kSeq, 768}));
}

TEST(Shape, ReshapeErrors) {
  Call mismatch = Call("reshape");
  mismatch.tensor("x", shape({2, 3, 4})).ints("shape", {5, 5});
  std::string message = error_of(mismatch);
  EXPECT_TRUE(contains(message, "[2, 3, 4]")) << message;
  EXPECT_TRUE(contains(message, "[5, 5]")) << message;
  EXPECT_TRUE(contains(message, "24 elements")) << message;

  Call indivisible = Call("reshape");
  indivisible.tensor("x", shape({2, 3, 4})).ints("shape", {5, -1});
  EXPECT_TRUE(contains(error_of(indivisible), "do not divide"));

  Call two = Call("reshape");
  two.tensor("x", shape({2, 3, 4})).ints("shape", {-1, -1});
  EXPECT_TRUE(contains(error_of(two), "only one -1"));

  Call negative = Call("reshape");
  negative.tensor("x", shape({2, 3, 4})).ints("shape", {-2, -12});
  EXPECT_TRUE(contains(error_of(negative), "non-negative"));
}

TEST(Shape, Flatten) {
  OpResult r = Call("flatten").tensor("x", shape({kBatch, 2048, 1, 1})).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 2048}));
  EXPECT_TRUE(r.view);
  OpResult mid = Call("flatten").tensor("x", shape({2, 3, 4, 5})).integer("start", 1).integer("end", 2).run();
  EXPECT_EQ(mid.outputs[0].shape, shape({2, 12, 5}));
  OpResult all = Call("flatten").tensor("x", shape({2, 3, 4})).integer("start", 0).run();
  EXPECT_EQ(all.outputs[0].shape, shape({24}));

  Call backwards = Call("flatten");
  backwards.tensor("x", shape({2, 3, 4})).integer("start", 2).integer("end", 1);
  EXPECT_TRUE(contains(error_of(backwards), "'start'"));
}

TEST(Shape, SqueezeUnsqueeze) {
  OpResult all = Call("squeeze").tensor("x", shape({kBatch, 1, 7, 1})).run();
  EXPECT_EQ(all.outputs[0].shape, shape({kBatch, 7}));
  EXPECT_TRUE(all.view);
  OpResult one = Call("squeeze").tensor("x", shape({2, 1, 7, 1})).integer("axis", -1).run();
  EXPECT_EQ(one.outputs[0].shape, shape({2, 1, 7}));
  Call not_one = Call("squeeze");
  not_one.tensor("x", shape({2, 1, 7})).integer("axis", 2);
  EXPECT_TRUE(contains(error_of(not_one), "not 1"));

  OpResult u = Call("unsqueeze").tensor("x", shape({kBatch, kSeq})).integer("axis", 1).run();
  EXPECT_EQ(u.outputs[0].shape, shape({kBatch, 1, kSeq}));
  EXPECT_TRUE(u.view);
  OpResult last = Call("unsqueeze").tensor("x", shape({kBatch, kSeq})).integer("axis", -1).run();
  EXPECT_EQ(last.outputs[0].shape, shape({kBatch, kSeq, 1}));
  Call far = Call("unsqueeze");
  far.tensor("x", shape({2, 3})).integer("axis", 3);
  EXPECT_TRUE(contains(error_of(far), "out of range"));
}

TEST(Shape, TransposePermute) {
  OpResult t =
      Call("transpose").tensor("x", shape({kBatch, kSeq, 12, 64})).integer("axis0", 1).integer("axis1", 2).run();
  EXPECT_EQ(t.outputs[0].shape, shape({kBatch, 12, kSeq, 64}));
  expect_free(t);
  OpResult p = Call("permute").tensor("x", shape({kBatch, 3, 224, 224})).ints("dims", {0, 2, 3, 1}).run();
  EXPECT_EQ(p.outputs[0].shape, shape({kBatch, 224, 224, 3}));

  Call short_dims = Call("permute");
  short_dims.tensor("x", shape({2, 3, 4})).ints("dims", {0, 1});
  EXPECT_TRUE(contains(error_of(short_dims), "rank 3"));
  Call repeated = Call("permute");
  repeated.tensor("x", shape({2, 3, 4})).ints("dims", {0, 1, -2});
  EXPECT_TRUE(contains(error_of(repeated), "twice"));
}

TEST(Shape, Slice) {
  auto length = [](sym::Int dim, sym::Int start, std::optional<sym::Int> end, sym::Int step) {
    Call call = Call("slice");
    call.tensor("x", shape({2, dim})).integer("axis", 1).integer("start", start).integer("step", step);
    if (end) call.integer("end", *end);
    return eval(call.run().outputs[0].shape[1]);
  };
  // Python: len(range(10)[a:b:c]).
  EXPECT_EQ(length(10, 2, 7, 1), 5);
  EXPECT_EQ(length(10, 0, std::nullopt, 3), 4);  // 0 3 6 9
  EXPECT_EQ(length(10, -3, std::nullopt, 1), 3);
  EXPECT_EQ(length(10, 1, -1, 1), 8);
  EXPECT_EQ(length(10, 0, 100, 1), 10);
  EXPECT_EQ(length(10, -100, 3, 1), 3);
  EXPECT_EQ(length(10, 8, 2, 1), 0);
  EXPECT_EQ(length(10, 1, 8, 2), 4);  // 1 3 5 7

  FakeContext context;
  context.bindings.set("seq", 128);
  // BERT's [CLS] token: x[:, 0:1].
  OpResult cls =
      Call("slice").tensor("x", shape({kBatch, kSeq, 768})).integer("axis", 1).integer("end", 1).run(context);
  EXPECT_EQ(cls.outputs[0].shape, shape({kBatch, 1, 768}));
  expect_free(cls);
  OpResult drop_last = Call("slice")
                           .tensor("x", shape({kBatch, kSeq}))
                           .integer("axis", 1)
                           .integer("start", 1)
                           .integer("end", -1)
                           .run(context);
  EXPECT_EQ(drop_last.outputs[0].shape, shape({kBatch, kSeq - 2}));

  Call zero_step = Call("slice");
  zero_step.tensor("x", shape({4})).integer("axis", 0).integer("step", 0);
  EXPECT_TRUE(contains(error_of(zero_step), "'step'"));
}

TEST(Shape, Pad) {
  // F.pad(x, (1, 2, 3, 4)): last dim +1+2, second to last +3+4.
  OpResult r = Call("pad").tensor("x", shape({kBatch, 3, kHeight, 10})).ints("pads", {1, 2, 3, 4}).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 3, kHeight + 7, 13}));
  expect_free(r);
  OpResult crop = Call("pad").tensor("x", shape({4, 10})).ints("pads", {-1, -2}).run();
  EXPECT_EQ(crop.outputs[0].shape, shape({4, 7}));
  OpResult reflect = Call("pad").tensor("x", shape({1, 3, 8, 8})).ints("pads", {3, 3}).string("mode", "reflect").run();
  EXPECT_EQ(reflect.outputs[0].shape, shape({1, 3, 8, 14}));

  Call odd = Call("pad");
  odd.tensor("x", shape({4, 10})).ints("pads", {1, 2, 3});
  EXPECT_TRUE(contains(error_of(odd), "pairs"));
  Call too_many = Call("pad");
  too_many.tensor("x", shape({4})).ints("pads", {1, 1, 1, 1});
  EXPECT_TRUE(contains(error_of(too_many), "pairs"));
  Call negative = Call("pad");
  negative.tensor("x", shape({4, 2})).ints("pads", {-2, -1});
  EXPECT_TRUE(contains(error_of(negative), "negative size"));
  Call wide_reflect = Call("pad");
  wide_reflect.tensor("x", shape({1, 3, 4})).ints("pads", {4, 0}).string("mode", "reflect");
  EXPECT_TRUE(contains(error_of(wide_reflect), "too wide"));
}

TEST(Shape, Roll) {
  // Swin's cyclic shift: torch.roll(x, shifts=(-3, -3), dims=(1, 2)) on [B, H, W, C] keeps the shape.
  OpResult r = Call("roll")
                   .tensor("x", shape({kBatch, kHeight, kHeight, 96}), DType::kF16)
                   .ints("shifts", {-3, -3})
                   .ints("dims", {1, 2})
                   .run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kHeight, kHeight, 96}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kF16);
  expect_free(r);
  // A copy (every element moves), not a view; its gradient is rolled back: no backward work.
  EXPECT_FALSE(r.view);
  EXPECT_TRUE(r.backward.input.empty() || r.backward.input[0].elementwise.is_zero());
  EXPECT_TRUE(r.backward.saved_bytes.is_zero());
  OpResult flat = Call("roll").tensor("x", shape({4, 5})).ints("shifts", {7}).run();
  EXPECT_EQ(flat.outputs[0].shape, shape({4, 5}));
  OpResult last = Call("roll").tensor("x", shape({4, 5})).ints("shifts", {1}).ints("dims", {-1}).run();
  EXPECT_EQ(last.outputs[0].shape, shape({4, 5}));

  Call mismatch = Call("roll");
  mismatch.tensor("x", shape({2, 3, 4})).ints("shifts", {1, 2}).ints("dims", {1});
  EXPECT_TRUE(contains(error_of(mismatch), "2 shifts but 1 dims")) << error_of(mismatch);
  Call flat_two = Call("roll");
  flat_two.tensor("x", shape({2, 3})).ints("shifts", {1, 2});
  EXPECT_TRUE(contains(error_of(flat_two), "flattened")) << error_of(flat_two);
  Call twice = Call("roll");
  twice.tensor("x", shape({2, 3, 4})).ints("shifts", {1, 2}).ints("dims", {1, -2});
  EXPECT_TRUE(contains(error_of(twice), "twice")) << error_of(twice);
  Call out_of_range = Call("roll");
  out_of_range.tensor("x", shape({2, 3})).ints("shifts", {1}).ints("dims", {2});
  EXPECT_TRUE(contains(error_of(out_of_range), "out of range")) << error_of(out_of_range);
  Call none = Call("roll");
  none.tensor("x", shape({2, 3})).ints("shifts", {});
  EXPECT_TRUE(contains(error_of(none), "at least one shift")) << error_of(none);
}

TEST(Shape, Upsample) {
  OpResult nearest =
      Call("upsample").tensor("x", shape({kBatch, 256, kHeight, kHeight})).integer("scale_factor", 2).run();
  EXPECT_EQ(nearest.outputs[0].shape, shape({kBatch, 256, 2 * kHeight, 2 * kHeight}));
  expect_free(nearest);

  OpResult bilinear =
      Call("upsample").tensor("x", shape({1, 21, 28, 28})).ints("size", {224, 224}).string("mode", "bilinear").run();
  EXPECT_EQ(bilinear.outputs[0].shape, shape({1, 21, 224, 224}));
  // 4 neighbours: 4 multiplies + 3 adds per output element.
  EXPECT_EQ(eval(bilinear.forward.elementwise), 7 * 21 * 224 * 224);

  OpResult linear =
      Call("upsample").tensor("x", shape({2, 4, 10})).integer("scale_factor", 3).string("mode", "linear").run();
  EXPECT_EQ(linear.outputs[0].shape, shape({2, 4, 30}));
  EXPECT_EQ(eval(linear.forward.elementwise), 3 * 2 * 4 * 30);

  OpResult trilinear = Call("upsample")
                           .tensor("x", shape({1, 2, 4, 4, 4}))
                           .ints("scale_factor", {1, 2, 2})
                           .string("mode", "trilinear")
                           .run();
  EXPECT_EQ(trilinear.outputs[0].shape, shape({1, 2, 4, 8, 8}));
  EXPECT_EQ(eval(trilinear.forward.elementwise), 15 * 2 * 4 * 8 * 8);

  Call both = Call("upsample");
  both.tensor("x", shape({1, 2, 4, 4})).integer("scale_factor", 2).ints("size", {8, 8});
  EXPECT_TRUE(contains(error_of(both), "exactly one"));
  Call neither = Call("upsample");
  neither.tensor("x", shape({1, 2, 4, 4}));
  EXPECT_TRUE(contains(error_of(neither), "exactly one"));
  Call wrong_rank = Call("upsample");
  wrong_rank.tensor("x", shape({1, 2, 4, 4})).integer("scale_factor", 2).string("mode", "trilinear");
  EXPECT_TRUE(contains(error_of(wrong_rank), "3 spatial"));
  Call unknown = Call("upsample");
  unknown.tensor("x", shape({1, 2, 4, 4})).integer("scale_factor", 2).string("mode", "area");
  EXPECT_TRUE(contains(error_of(unknown), "'mode'"));
}

TEST(Shape, Expand) {
  OpResult r = Call("expand").tensor("x", shape({1, 1, kSeq})).ints("shape", {kBatch, 12, -1}).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 12, kSeq}));
  EXPECT_TRUE(r.view);
  expect_free(r);
  OpResult lead = Call("expand").tensor("x", shape({3, 1})).ints("shape", {2, 3, 4}).run();
  EXPECT_EQ(lead.outputs[0].shape, shape({2, 3, 4}));

  Call bad = Call("expand");
  bad.tensor("x", shape({3, 2})).ints("shape", {3, 4});
  std::string message = error_of(bad);
  EXPECT_TRUE(contains(message, "[3, 2]")) << message;
  EXPECT_TRUE(contains(message, "axis 1")) << message;
}

TEST(Shape, DropoutAndIdentity) {
  OpResult d = Call("dropout").tensor("x", shape({kBatch, 4096}), DType::kF16).number("p", 0.1).run();
  EXPECT_EQ(d.outputs[0].shape, shape({kBatch, 4096}));
  EXPECT_EQ(d.outputs[0].dtype, DType::kF16);
  EXPECT_TRUE(d.view);
  expect_free(d);
  OpResult i = Call("identity").tensor("x", shape({kBatch, 4096})).run();
  EXPECT_EQ(i.outputs[0].shape, shape({kBatch, 4096}));
  EXPECT_TRUE(i.view);

  Call bad = Call("dropout");
  bad.tensor("x", shape({2})).number("p", 1.5);
  EXPECT_TRUE(contains(error_of(bad), "'p'"));
}

}  // namespace
}  // namespace nnscope::ops::testing
