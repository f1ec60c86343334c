#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Embedding, BertWordEmbeddings) {
  FakeContext context;
  context.act_dtype = DType::kF16;
  OpResult r = Call("embedding")
                   .tensor("ids", shape({kBatch, kSeq}), DType::kI64)
                   .integer("num_embeddings", 30522)
                   .integer("embedding_dim", 768)
                   .run(context);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, kSeq, 768}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kF16);  // the activation dtype, not the ids' int64
  EXPECT_EQ(params(r), 30522 * 768);
  ASSERT_EQ(r.weights.size(), 1u);
  EXPECT_EQ(r.weights[0].shape, shape({30522, 768}));
  // A gather: no GEMM work and no arithmetic at all, only the rows read.
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_TRUE(r.forward.elementwise.is_zero());
  EXPECT_TRUE(r.forward.activation.is_zero());
  EXPECT_EQ(r.gathered_elements, kBatch * kSeq * 768);
}

TEST(Embedding, AnyRankOfIds) {
  OpResult scalar = Call("embedding")
                        .tensor("ids", shape({}), DType::kI32)
                        .integer("num_embeddings", 10)
                        .integer("embedding_dim", 4)
                        .run();
  EXPECT_EQ(scalar.outputs[0].shape, shape({4}));
  EXPECT_EQ(eval(scalar.gathered_elements), 4);

  OpResult r3 = Call("embedding")
                    .tensor("ids", shape({2, 3, 5}), DType::kI64)
                    .integer("num_embeddings", 100)
                    .integer("embedding_dim", 8)
                    .run();
  EXPECT_EQ(r3.outputs[0].shape, shape({2, 3, 5, 8}));
  EXPECT_EQ(eval(r3.gathered_elements), 2 * 3 * 5 * 8);
}

TEST(Embedding, RejectsFloatingIds) {
  try {
    Call("embedding")
        .tensor("ids", shape({2, 3}), DType::kF32)
        .integer("num_embeddings", 10)
        .integer("embedding_dim", 4)
        .run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "ids");
    EXPECT_NE(std::string(e.what()).find("fp32"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Call("embedding")
                   .tensor("ids", shape({2}), DType::kBool)
                   .integer("num_embeddings", 10)
                   .integer("embedding_dim", 4)
                   .run(),
               OpError);
}

TEST(Embedding, RejectsEmptyTables) {
  EXPECT_THROW(Call("embedding")
                   .tensor("ids", shape({2}), DType::kI64)
                   .integer("num_embeddings", 0)
                   .integer("embedding_dim", 4)
                   .run(),
               OpError);
}

// PyTorch raises an index error for an id >= num_embeddings; where the ids' range is known (positions from
// arange), the rule does too, at elaboration.
TEST(Embedding, RejectsPositionsPastTheTable) {
  try {
    Call("embedding")
        .tensor("ids", shape({1, 4096}), DType::kI64, Expr(4096))
        .integer("num_embeddings", 1024)
        .integer("embedding_dim", 64)
        .run();
    FAIL() << "4,096 positions in a 1,024-row table";
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "ids");
    std::string message = e.what();
    EXPECT_NE(message.find("4095"), std::string::npos) << message;  // the largest id: 4096 - 1
    EXPECT_NE(message.find("1024 rows"), std::string::npos) << message;
  }
  // Symbolic positions: the sizes at the bound values are named.
  FakeContext context;
  context.bindings.set("seq", 2048);
  Expr seq = Expr::symbol("seq");
  try {
    Call("embedding")
        .tensor("ids", shape({1, seq}), DType::kI64, seq)
        .integer("num_embeddings", 1024)
        .integer("embedding_dim", 64)
        .run(context);
    FAIL() << "2,048 positions in a 1,024-row table";
  } catch (const OpError& e) {
    EXPECT_NE(std::string(e.what()).find("seq - 1 = 2047"), std::string::npos) << e.what();
  }
}

TEST(Embedding, AcceptsPositionsThatFit) {
  FakeContext context;
  context.bindings.set("seq", 1024);
  Expr seq = Expr::symbol("seq");
  // Exactly as many rows as positions (ids 0 .. 1023).
  EXPECT_NO_THROW(Call("embedding")
                      .tensor("ids", shape({1, seq}), DType::kI64, seq)
                      .integer("num_embeddings", 1024)
                      .integer("embedding_dim", 8)
                      .run(context));
  // GPT-2's table of max(seq, n_positions) rows always fits; unknown ranges are never rejected.
  context.bindings.set("seq", 4096);
  EXPECT_NO_THROW(Call("embedding")
                      .tensor("ids", shape({1, seq}), DType::kI64, seq)
                      .integer("num_embeddings", Expr::max(seq, 1024))
                      .integer("embedding_dim", 8)
                      .run(context));
  EXPECT_NO_THROW(Call("embedding")
                      .tensor("ids", shape({1, seq}), DType::kI64)
                      .integer("num_embeddings", 1024)
                      .integer("embedding_dim", 8)
                      .run(context));
}

TEST(EmbeddingBag, SumMeanMax) {
  // B = 4 bags of L = 3 ids each, dim 16.
  auto call = [](const std::string& mode) {
    return Call("embedding_bag")
        .tensor("ids", shape({4, 3}), DType::kI64)
        .integer("num_embeddings", 1000)
        .integer("embedding_dim", 16)
        .string("mode", mode)
        .run();
  };
  OpResult sum = call("sum");
  EXPECT_EQ(sum.outputs[0].shape, shape({4, 16}));
  EXPECT_EQ(params(sum), 16000);
  EXPECT_TRUE(sum.forward.gemm_macs.is_zero());
  EXPECT_EQ(eval(sum.forward.elementwise), (3 - 1) * 4 * 16);
  EXPECT_EQ(eval(sum.gathered_elements), 4 * 3 * 16);

  OpResult mean = call("mean");
  EXPECT_EQ(eval(mean.forward.elementwise), (3 - 1) * 4 * 16 + 4 * 16);

  OpResult max = call("max");
  EXPECT_EQ(eval(max.forward.elementwise), (3 - 1) * 4 * 16);

  EXPECT_THROW(call("median"), OpError);
}

TEST(EmbeddingBag, DefaultModeIsSumAndSymbolic) {
  Expr bag = Expr::symbol("bag");
  FakeContext context;
  context.bindings.set("batch", 2);
  context.bindings.set("bag", 5);
  OpResult r = Call("embedding_bag")
                   .tensor("ids", shape({kBatch, bag}), DType::kI64)
                   .integer("num_embeddings", 39884406)
                   .integer("embedding_dim", 128)
                   .run(context);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 128}));
  EXPECT_EQ(r.forward.elementwise, (bag - 1) * kBatch * 128);
  EXPECT_EQ(r.gathered_elements, kBatch * bag * 128);
}

TEST(EmbeddingBag, Errors) {
  EXPECT_THROW(Call("embedding_bag")
                   .tensor("ids", shape({4}), DType::kI64)
                   .integer("num_embeddings", 10)
                   .integer("embedding_dim", 4)
                   .run(),
               OpError);
  EXPECT_THROW(Call("embedding_bag")
                   .tensor("ids", shape({4, 2}), DType::kF16)
                   .integer("num_embeddings", 10)
                   .integer("embedding_dim", 4)
                   .run(),
               OpError);
}

// Stable Diffusion's time_proj: 320 channels for `batch` timesteps. H = 160 frequencies: the table costs 160
// multiplies, 160 divides and 160 exps; each timestep 160 products and 160 sines and 160 cosines.
TEST(TimestepEmbedding, StableDiffusionTimeProjection) {
  FakeContext context;
  context.act_dtype = DType::kBF16;
  OpResult r = Call("timestep_embedding")
                   .tensor("timesteps", shape({kBatch}), DType::kI64)
                   .integer("dim", 320)
                   .boolean("flip_sin_to_cos", true)
                   .number("downscale_freq_shift", 0.0)
                   .run(context);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].shape, shape({kBatch, 320}));
  EXPECT_EQ(r.outputs[0].dtype, DType::kBF16);  // the activation dtype, not the timesteps' int64
  EXPECT_EQ(params(r), 0);
  EXPECT_TRUE(r.forward.gemm_macs.is_zero());
  EXPECT_EQ(r.forward.elementwise, 2 * 160 + kBatch * 160);
  EXPECT_EQ(r.forward.activation, 160 + 2 * kBatch * 160);
  // The timesteps get no gradient and backward keeps nothing.
  ASSERT_EQ(r.backward.input.size(), 1u);
  EXPECT_TRUE(r.backward.input[0].elementwise.is_zero());
  EXPECT_FALSE(r.backward.saves_input[0]);
}

// SDXL's add_time_proj embeds the six size and crop conditions of each sample, 256 channels each; an odd width
// pads a zero column (⌊7/2⌋ = 3 frequencies).
TEST(TimestepEmbedding, AnyRankAndOddWidth) {
  OpResult r = Call("timestep_embedding").tensor("timesteps", shape({2, 6})).integer("dim", 256).run();
  EXPECT_EQ(r.outputs[0].shape, shape({2, 6, 256}));
  EXPECT_EQ(eval(r.forward.activation), 128 + 2 * 12 * 128);
  OpResult odd = Call("timestep_embedding").tensor("timesteps", shape({4})).integer("dim", 7).run();
  EXPECT_EQ(odd.outputs[0].shape, shape({4, 7}));
  EXPECT_EQ(eval(odd.forward.elementwise), 2 * 3 + 4 * 3);
}

TEST(TimestepEmbedding, Errors) {
  EXPECT_EQ(
      failing_argument(Call("timestep_embedding").tensor("timesteps", shape({2}), DType::kBool).integer("dim", 8)),
      "timesteps");
  EXPECT_EQ(failing_argument(Call("timestep_embedding").tensor("timesteps", shape({2})).integer("dim", 1)), "dim");
  EXPECT_EQ(failing_argument(
                Call("timestep_embedding").tensor("timesteps", shape({2})).integer("dim", 8).number("max_period", 0.0)),
            "max_period");
  // diffusers divides by dim/2 − shift.
  EXPECT_EQ(failing_argument(Call("timestep_embedding")
                                 .tensor("timesteps", shape({2}))
                                 .integer("dim", 2)
                                 .number("downscale_freq_shift", 1.0)),
            "downscale_freq_shift");
}

}  // namespace
}  // namespace nnscope::ops::testing
