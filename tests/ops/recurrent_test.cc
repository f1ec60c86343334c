#include "ops/op_test_util.h"

namespace nnscope::ops::testing {
namespace {

const Expr kBatch = Expr::symbol("batch");
const Expr kSeq = Expr::symbol("seq");

TEST(Lstm, PyTorchParameterCountTwoLayersBidirectional) {
  // nn.LSTM(10, 20, num_layers=2, bidirectional=True)
  OpResult r = Call("lstm")
                   .tensor("x", shape({5, 3, 10}))
                   .integer("hidden_size", 20)
                   .integer("num_layers", 2)
                   .boolean("bidirectional", true)
                   .run();
  sym::Int expected = 4 * 20 * (10 + 20) * 2 + 2 * 4 * 20 * 2 + 4 * 20 * (40 + 20) * 2 + 2 * 4 * 20 * 2;
  EXPECT_EQ(params(r), expected);
  EXPECT_EQ(expected, 15040);

  // PyTorch's names and order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh.
  ASSERT_EQ(r.weights.size(), 16u);
  EXPECT_EQ(r.weights[0].name, "weight_ih_l0");
  EXPECT_EQ(r.weights[0].shape, shape({80, 10}));
  EXPECT_EQ(r.weights[1].name, "weight_hh_l0");
  EXPECT_EQ(r.weights[1].shape, shape({80, 20}));
  EXPECT_EQ(r.weights[2].name, "bias_ih_l0");
  EXPECT_EQ(r.weights[3].name, "bias_hh_l0");
  EXPECT_EQ(r.weights[4].name, "weight_ih_l0_reverse");
  EXPECT_EQ(r.weights[8].name, "weight_ih_l1");
  EXPECT_EQ(r.weights[8].shape, shape({80, 40}));  // the second layer reads both directions
  EXPECT_EQ(r.weights[15].name, "bias_hh_l1_reverse");

  ASSERT_EQ(r.outputs.size(), 3u);
  EXPECT_EQ(r.outputs[0].shape, shape({5, 3, 40}));
  EXPECT_EQ(r.outputs[1].shape, shape({4, 3, 20}));
  EXPECT_EQ(r.outputs[2].shape, shape({4, 3, 20}));
}

TEST(Lstm, CostCountsSequenceLengthAndDirections) {
  // T = 5, N = 3, I = 10, H = 20, 2 layers, bidirectional.
  OpResult r = Call("lstm")
                   .tensor("x", shape({5, 3, 10}))
                   .integer("hidden_size", 20)
                   .integer("num_layers", 2)
                   .boolean("bidirectional", true)
                   .run();
  sym::Int gemm = 5 * 3 * 80 * (10 + 20) * 2 + 5 * 3 * 80 * (40 + 20) * 2;
  EXPECT_EQ(eval(r.forward.gemm_macs), gemm);
  // Per cell and step: 2·4H bias adds + 4H projection sums + 4H cell arithmetic = 16H.
  sym::Int cell_steps = 2 * 2 * 5 * 3;  // layers · directions · T · N
  EXPECT_EQ(eval(r.forward.elementwise), cell_steps * 16 * 20);
  EXPECT_EQ(eval(r.forward.activation), cell_steps * 5 * 20);  // 3 sigmoid + 2 tanh per unit
}

TEST(Lstm, SymbolicShapesAndBatchFirst) {
  OpResult r = Call("lstm").tensor("x", shape({kSeq, kBatch, 64})).integer("hidden_size", 128).run();
  EXPECT_EQ(r.outputs[0].shape, shape({kSeq, kBatch, 128}));
  EXPECT_EQ(r.outputs[1].shape, shape({1, kBatch, 128}));
  EXPECT_EQ(r.forward.gemm_macs, kSeq * kBatch * 512 * (64 + 128));
  EXPECT_EQ(r.forward.elementwise, kSeq * kBatch * 128 * 16);

  OpResult bf = Call("lstm")
                    .tensor("x", shape({kBatch, kSeq, 64}))
                    .integer("hidden_size", 128)
                    .boolean("batch_first", true)
                    .boolean("bidirectional", true)
                    .run();
  EXPECT_EQ(bf.outputs[0].shape, shape({kBatch, kSeq, 256}));
  EXPECT_EQ(bf.outputs[1].shape, shape({2, kBatch, 128}));  // h_n is never batch-first
  EXPECT_EQ(bf.forward.gemm_macs, 2 * kSeq * kBatch * 512 * (64 + 128));
}

TEST(Lstm, UnbatchedInput) {
  OpResult r = Call("lstm").tensor("x", shape({7, 10})).integer("hidden_size", 20).run();
  EXPECT_EQ(r.outputs[0].shape, shape({7, 20}));
  EXPECT_EQ(r.outputs[1].shape, shape({1, 20}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 7 * 80 * 30);
}

TEST(Lstm, WithoutBias) {
  // nn.LSTM(10, 20, bias=False)
  OpResult r = Call("lstm").tensor("x", shape({5, 3, 10})).integer("hidden_size", 20).boolean("bias", false).run();
  EXPECT_EQ(params(r), 4 * 20 * 10 + 4 * 20 * 20);
  EXPECT_EQ(r.weights.size(), 2u);
  EXPECT_EQ(eval(r.forward.elementwise), 5 * 3 * 20 * (4 + 4));
}

TEST(Gru, PyTorchParameterCountAndCost) {
  // nn.GRU(300, 512, 2)
  OpResult r = Call("gru").tensor("x", shape({7, 2, 300})).integer("hidden_size", 512).integer("num_layers", 2).run();
  sym::Int layer0 = 3 * 512 * 300 + 3 * 512 * 512 + 2 * 3 * 512;
  sym::Int layer1 = 3 * 512 * 512 + 3 * 512 * 512 + 2 * 3 * 512;
  EXPECT_EQ(params(r), layer0 + layer1);
  EXPECT_EQ(params(r), 2826240);

  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].shape, shape({7, 2, 512}));
  EXPECT_EQ(r.outputs[1].shape, shape({2, 2, 512}));

  EXPECT_EQ(eval(r.forward.gemm_macs), 7 * 2 * 1536 * (300 + 512) + 7 * 2 * 1536 * (512 + 512));
  // Per unit and step: 6 bias adds + 3 projection sums + r·(.) + (1 - z)·n + z·h (4 ops) = 14.
  EXPECT_EQ(eval(r.forward.elementwise), 2 * 7 * 2 * 512 * 14);
  EXPECT_EQ(eval(r.forward.activation), 2 * 7 * 2 * 512 * 3);
}

TEST(Rnn, PyTorchParameterCountAndCost) {
  // nn.RNN(10, 20)
  OpResult r = Call("rnn").tensor("x", shape({5, 3, 10})).integer("hidden_size", 20).run();
  EXPECT_EQ(params(r), 20 * 10 + 20 * 20 + 20 + 20);
  ASSERT_EQ(r.outputs.size(), 2u);
  EXPECT_EQ(r.outputs[0].shape, shape({5, 3, 20}));
  EXPECT_EQ(eval(r.forward.gemm_macs), 5 * 3 * 20 * 30);
  EXPECT_EQ(eval(r.forward.elementwise), 5 * 3 * 20 * 3);  // 2 bias adds + 1 projection sum
  EXPECT_EQ(eval(r.forward.activation), 5 * 3 * 20);

  OpResult relu = Call("rnn")
                      .tensor("x", shape({5, 3, 10}))
                      .integer("hidden_size", 20)
                      .string("nonlinearity", "relu")
                      .integer("num_layers", 3)
                      .boolean("bidirectional", true)
                      .run();
  // nn.RNN(10, 20, 3, nonlinearity='relu', bidirectional=True)
  sym::Int per_dir0 = 20 * 10 + 20 * 20 + 40;
  sym::Int per_dir = 20 * 40 + 20 * 20 + 40;
  EXPECT_EQ(params(relu), 2 * per_dir0 + 4 * per_dir);
  EXPECT_EQ(relu.outputs[1].shape, shape({6, 3, 20}));
}

TEST(Recurrent, Errors) {
  EXPECT_THROW(Call("lstm").tensor("x", shape({5, 3, 10, 2})).integer("hidden_size", 20).run(), OpError);
  EXPECT_THROW(Call("gru").tensor("x", shape({5})).integer("hidden_size", 20).run(), OpError);
  EXPECT_THROW(Call("lstm").tensor("x", shape({5, 3, 10})).integer("hidden_size", 0).run(), OpError);
  EXPECT_THROW(Call("lstm").tensor("x", shape({5, 3, 10})).integer("hidden_size", 4).integer("num_layers", 0).run(),
               OpError);
  try {
    Call("rnn").tensor("x", shape({5, 3, 10})).integer("hidden_size", 4).string("nonlinearity", "sigmoid").run();
    FAIL();
  } catch (const OpError& e) {
    EXPECT_EQ(e.argument(), "nonlinearity");
  }
  EXPECT_THROW(
      Call("lstm").tensor("x", shape({5, 3, 10})).integer("hidden_size", 4).integer("num_layers", 1000000).run(),
      OpError);
}

}  // namespace
}  // namespace nnscope::ops::testing
