// Every registered operator against its schema: it runs on small shapes, its backward lists have one entry per
// tensor input (Backward's contract), and every argument and every part of its documentation is written. A new
// operator fails here until it has a sample call below.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "op_test_util.h"
#include "ops/doc.h"

namespace nnscope::ops::testing {
namespace {

// Fills in the arguments of a call of the operator it is listed under.
using Sample = std::function<void(Call&)>;

// One or more small, valid calls per operator; several where the tensor inputs vary (a tensor or a number
// for y, an optional tensor).
std::map<std::string, std::vector<Sample>> samples() {
  std::map<std::string, std::vector<Sample>> s;
  auto x_only = [](Shape shape) { return [shape](Call& c) { c.tensor("x", shape); }; };
  for (const char* op : {"relu",
                         "relu6",
                         "leaky_relu",
                         "prelu",
                         "elu",
                         "gelu",
                         "silu",
                         "sigmoid",
                         "tanh",
                         "hardswish",
                         "hardsigmoid",
                         "softplus",
                         "mish",
                         "exp",
                         "log",
                         "sqrt",
                         "rsqrt",
                         "erf",
                         "softmax",
                         "log_softmax",
                         "dice",
                         "neg",
                         "abs",
                         "square",
                         "rotary",
                         "causal_mask",
                         "batchnorm",
                         "layernorm",
                         "instancenorm",
                         "rmsnorm",
                         "l2norm",
                         "reduce_sum",
                         "reduce_mean",
                         "reduce_max",
                         "reduce_min",
                         "flatten",
                         "dropout",
                         "identity",
                         "global_maxpool",
                         "global_avgpool",
                         "clip"}) {
    s[op].push_back(x_only(shape({2, 3, 4})));
  }
  for (const char* op : {"add", "sub", "mul", "div", "maximum", "minimum", "compare"}) {
    s[op].push_back([](Call& c) { c.tensor("x", shape({2, 3})).tensor("y", shape({3})); });
    s[op].push_back([](Call& c) { c.tensor("x", shape({2, 3})).number("y", 2.0); });
  }
  const char* spatial[] = {"1d", "2d", "3d"};
  for (std::size_t rank = 1; rank <= 3; ++rank) {
    Shape in = {2, 4};
    for (std::size_t i = 0; i < rank; ++i) in.push_back(6);
    std::string d = spatial[rank - 1];
    for (std::string op : {"conv" + d, "conv_transpose" + d}) {
      s[op].push_back([in](Call& c) { c.tensor("x", in).integer("out_channels", 6).integer("kernel", 3); });
    }
    for (std::string op : {"maxpool" + d, "avgpool" + d}) {
      s[op].push_back([in](Call& c) { c.tensor("x", in).integer("kernel", 2); });
    }
    for (std::string op : {"adaptive_maxpool" + d, "adaptive_avgpool" + d}) {
      s[op].push_back([in](Call& c) { c.tensor("x", in).integer("output_size", 4); });
    }
  }
  for (const char* op : {"lstm", "gru", "rnn"}) {
    s[op].push_back([](Call& c) { c.tensor("x", shape({5, 2, 3})).integer("hidden_size", 4); });
  }
  s["instancenorm"].push_back([](Call& c) { c.tensor("x", shape({2, 3, 4})).boolean("affine", true); });
  s["linear"] = {[](Call& c) { c.tensor("x", shape({2, 3})).integer("out_features", 4); }};
  s["matmul"] = {[](Call& c) { c.tensor("a", shape({2, 3})).tensor("b", shape({3, 4})); }};
  s["bmm"] = {[](Call& c) { c.tensor("a", shape({2, 3, 4})).tensor("b", shape({2, 4, 5})); }};
  s["window_scores"] = {[](Call& c) {
    c.tensor("q", shape({2, 6, 4})).tensor("k", shape({2, 4, 6})).integer("window", 3);
  }};
  s["window_context"] = {[](Call& c) {
    c.tensor("probs", shape({2, 6, 3})).tensor("v", shape({2, 6, 4})).integer("window", 3);
  }};
  s["topk"] = {[](Call& c) { c.tensor("x", shape({5, 8})).integer("k", 2); }};
  s["moe_experts"] = {[](Call& c) {
    c.tensor("x", shape({5, 4}))
        .tensor("routing_weights", shape({5, 2}))
        .tensor("selected_experts", shape({5, 2}), DType::kI64)
        .integer("num_experts", 4)
        .integer("intermediate_size", 6);
  }};
  s["groupnorm"] = {[](Call& c) { c.tensor("x", shape({2, 4, 3})).integer("num_groups", 2); }};
  for (const char* op : {"embedding", "embedding_bag"}) {
    s[op].push_back([](Call& c) {
      c.tensor("ids", shape({2, 3}), DType::kI64).integer("num_embeddings", 10).integer("embedding_dim", 4);
    });
  }
  s["timestep_embedding"] = {[](Call& c) { c.tensor("timesteps", shape({2}), DType::kI64).integer("dim", 8); }};
  s["shared_conv2d"] = {[](Call& c) {
    c.tensors("inputs", {shape({1, 2, 8, 8}), shape({1, 2, 4, 4})}).integer("out_channels", 4).integer("kernel", 3);
  }};
  s["roi_align"] = {[](Call& c) {
    c.tensors("features", {shape({1, 2, 8, 8}), shape({1, 2, 4, 4})})
        .tensor("boxes", shape({1, 3, 4}))
        .integer("output_size", 2);
  }};
  s["box_decode"] = {[](Call& c) {
                       c.tensor("deltas", shape({1, 5, 4}));
                     },
                     [](Call& c) {
                       c.tensor("deltas", shape({1, 5, 4})).tensor("reference", shape({1, 5, 4}));
                     }};
  s["nms"] = {[](Call& c) {
    c.tensor("boxes", shape({1, 5, 4})).tensor("scores", shape({1, 5})).integer("max_output", 2);
  }};
  s["constant"] = {[](Call& c) { c.ints("shape", {2, 3}); }};
  s["unsupported"] = {[](Call& c) { c.tensors("inputs", {shape({2, 3}), shape({3})}); }};
  s["where"] = {[](Call& c) {
                  c.tensor("condition", shape({2, 3}), DType::kBool).tensor("x", shape({2, 3})).tensor("y", shape({3}));
                },
                [](Call& c) {
                  c.tensor("condition", shape({2, 3}), DType::kBool).tensor("x", shape({2, 3})).number("y", 0.0);
                }};
  s["pow"] = {[](Call& c) {
                c.tensor("x", shape({2, 3})).number("exponent", 3.0);
              },
              [](Call& c) {
                c.tensor("x", shape({2, 3})).tensor("exponent", shape({3}));
              }};
  s["param"] = {[](Call& c) { c.ints("shape", {2, 3}); }};
  s["arange"] = {[](Call& c) { c.integer("end", 4); }};
  s["concat"] = {[](Call& c) { c.tensors("tensors", {shape({2, 3}), shape({2, 3}), shape({2, 3})}); }};
  s["split"] = {[](Call& c) { c.tensor("x", shape({4, 3})).integer("sizes", 2); }};
  s["chunk"] = {[](Call& c) { c.tensor("x", shape({4, 3})).integer("chunks", 2); }};
  s["reshape"] = {[](Call& c) { c.tensor("x", shape({2, 3})).ints("shape", {3, 2}); }};
  s["squeeze"] = {[](Call& c) { c.tensor("x", shape({2, 1, 3})); }};
  s["unsqueeze"] = {[](Call& c) { c.tensor("x", shape({2, 3})).integer("axis", 0); }};
  s["transpose"] = {[](Call& c) { c.tensor("x", shape({2, 3})).integer("axis0", 0).integer("axis1", 1); }};
  s["permute"] = {[](Call& c) { c.tensor("x", shape({2, 3, 4})).ints("dims", {2, 0, 1}); }};
  s["slice"] = {[](Call& c) { c.tensor("x", shape({4, 3})).integer("axis", 0).integer("start", 1); }};
  s["pad"] = {[](Call& c) { c.tensor("x", shape({2, 3})).ints("pads", {1, 1}); }};
  s["roll"] = {[](Call& c) { c.tensor("x", shape({2, 3})).ints("shifts", {1}).ints("dims", {1}); }};
  s["gather_rows"] = {[](Call& c) { c.tensor("x", shape({4, 3})).tensor("index", shape({6}), DType::kI64); }};
  for (const char* reduce : {"sum", "mean", "max"}) {
    s["scatter"].push_back([reduce](Call& c) {
      c.tensor("src", shape({6, 3}))
          .tensor("index", shape({6}), DType::kI64)
          .integer("nodes", 4)
          .string("reduce", reduce);
    });
  }
  s["edge_softmax"] = {[](Call& c) {
    c.tensor("scores", shape({6, 2})).tensor("index", shape({6}), DType::kI64).integer("nodes", 4);
  }};
  s["upsample"] = {[](Call& c) { c.tensor("x", shape({1, 2, 4, 4})).integer("scale_factor", 2); }};
  s["expand"] = {[](Call& c) { c.tensor("x", shape({1, 3})).ints("shape", {2, 3}); }};
  return s;
}

TEST(Schema, EveryOperatorHasASampleCall) {
  std::map<std::string, std::vector<Sample>> all = samples();
  for (const OpDef& def : Registry::instance().all()) {
    EXPECT_TRUE(all.count(def.name)) << def.name << " has no sample call in tests/ops/schema_test.cc";
  }
  for (const auto& [name, calls] : all) {
    EXPECT_TRUE(Registry::instance().find(name)) << "no operator " << name;
  }
}

TEST(Schema, BackwardListsHaveOneEntryPerTensorInput) {
  for (const auto& [name, calls] : samples()) {
    for (std::size_t i = 0; i < calls.size(); ++i) {
      SCOPED_TRACE(name + " sample " + std::to_string(i));
      Call call(name);
      calls[i](call);
      OpResult result;
      ASSERT_NO_THROW(result = call.run());
      EXPECT_FALSE(result.outputs.empty());
      EXPECT_EQ(result.backward.input.size(), call.tensor_inputs());
      EXPECT_EQ(result.backward.saves_input.size(), call.tensor_inputs());
    }
  }
}

TEST(Schema, EveryArgumentAndEveryRuleIsDocumented) {
  for (const OpDef& def : Registry::instance().all()) {
    SCOPED_TRACE(def.name);
    EXPECT_FALSE(def.summary.empty());
    EXPECT_FALSE(def.doc.output.empty());
    EXPECT_FALSE(def.doc.forward.empty());
    EXPECT_FALSE(def.doc.backward.empty());
    for (const ArgSpec& spec : def.args) {
      EXPECT_FALSE(spec.about.empty()) << "argument " << spec.name;
      EXPECT_TRUE(spec.about.ends_with(".") || spec.about.ends_with(".)")) << "argument " << spec.name;
      // A default that is not a value must say what it is; it only makes sense on an optional argument.
      if (!spec.default_meaning.empty()) {
        EXPECT_FALSE(spec.required) << "argument " << spec.name;
      }
    }
  }
}

// Weights in the documentation exactly when the rule makes weights on some sample call.
TEST(Schema, DocumentedWeightsMatchTheRule) {
  for (const auto& [name, calls] : samples()) {
    SCOPED_TRACE(name);
    bool any_weights = false;
    for (const Sample& sample : calls) {
      Call call(name);
      sample(call);
      any_weights |= !call.run().weights.empty();
    }
    EXPECT_EQ(!Registry::instance().find(name)->doc.weights.empty(), any_weights);
  }
}

}  // namespace
}  // namespace nnscope::ops::testing
