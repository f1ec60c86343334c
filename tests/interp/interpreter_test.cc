// Elaboration: blocks, arguments, loops, branches, labels and paths, symbols, assumptions, and the
// diagnostics of semantic errors (with their source positions and instantiation notes).
#include "interp/interpreter.h"

#include <gtest/gtest.h>

#include "analysis/analysis.h"

namespace nnscope::interp {
namespace {

struct Elaborated {
  std::unique_ptr<Program> program;
  ir::Graph graph;
};

Elaborated elaborate_text(const std::string& text, ElaborateOptions options = {}) {
  Elaborated e;
  e.program = load_program_from_text("test.nn", text);
  if (!e.program->ok()) throw std::runtime_error(render_all(e.program->diagnostics, e.program->sources));
  const ast::Definition* model = e.program->select_model("");
  if (!model) throw std::runtime_error(render_all(e.program->diagnostics, e.program->sources));
  e.graph = elaborate(*e.program, *model, options);
  return e;
}

// The rendered diagnostic of a model that must fail to elaborate.
std::string error_of(const std::string& text, ElaborateOptions options = {}) {
  auto program = load_program_from_text("test.nn", text);
  if (!program->ok()) return render_all(program->diagnostics, program->sources);
  const ast::Definition* model = program->select_model("");
  if (!model) return render_all(program->diagnostics, program->sources);
  try {
    elaborate(*program, *model, options);
  } catch (const DiagnosticError& error) {
    return render(error.diagnostic(), program->sources);
  }
  ADD_FAILURE() << "expected an error";
  return "";
}

std::vector<std::string> paths(const ir::Graph& g) {
  std::vector<std::string> out;
  for (const ir::Op& op : g.ops) out.push_back(op.path);
  return out;
}

TEST(Interpreter, BlocksWithDefaultsNamedArgumentsAndSeveralReturns) {
  auto e = elaborate_text(R"(
block pair(x, n, scale = 2) {
    a = first: linear(x, n * scale)
    b = second: linear(x, n, bias = false)
    return a, b
}
model m(batch = 4) {
    input x: f32[batch, 8]
    p, q = pair(x, 3, scale = 5)
    r = pair(x, n = 1)
    return p, q
}
)");
  const ir::Graph& g = e.graph;
  ASSERT_EQ(g.ops.size(), 4u);
  EXPECT_EQ(paths(g), (std::vector<std::string>{"pair.first", "pair.second", "pair_1.first", "pair_1.second"}));
  sym::Expr batch = sym::Expr::symbol("batch");
  EXPECT_EQ(g.tensors[g.ops[0].outputs[0]].shape, (ir::Shape{batch, 15}));
  EXPECT_EQ(g.tensors[g.ops[1].outputs[0]].shape, (ir::Shape{batch, 3}));
  EXPECT_EQ(g.tensors[g.ops[2].outputs[0]].shape, (ir::Shape{batch, 2}));
  // 8·15 + 15 and 8·3 (no bias).
  EXPECT_EQ(g.ops[0].costs().params, sym::Expr(135));
  EXPECT_EQ(g.ops[1].costs().params, sym::Expr(24));
  ASSERT_EQ(g.outputs.size(), 2u);
  EXPECT_EQ(g.outputs[0].name, "p");
}

TEST(Interpreter, ReturningABlockCallReturnsItsValueOnce) {
  auto e = elaborate_text(R"(
block inner(x) {
    return relu(x)
}
block outer(x) {
    return inner(x)
}
model m(batch = 1) {
    input x: f32[batch, 4]
    return tanh(x), outer(x)
}
)");
  ASSERT_EQ(e.graph.outputs.size(), 2u);
  EXPECT_EQ(e.graph.ops[e.graph.tensors[e.graph.outputs[0].tensor].producer].kind, "tanh");
  EXPECT_EQ(e.graph.ops[e.graph.tensors[e.graph.outputs[1].tensor].producer].path, "outer.inner.relu");
}

TEST(Interpreter, OpsCreatedInsideLaterArgumentsKeepEarlierTensorsValid) {
  // Regression (found by the pipeline fuzzer): relu(x) is created while add's first argument is already
  // bound; the graph's tensor storage grows, and a pointer taken too early would dangle (the sanitizer
  // build catches it).
  auto e = elaborate_text(R"(
model m(batch = 3) {
    input x: f32[batch, 5]
    for i in 0..300 {
        x = add(x, relu(x))
    }
    return x
}
)");
  EXPECT_EQ(e.graph.ops.size(), 600u);
  EXPECT_EQ(e.graph.tensors[e.graph.outputs[0].tensor].shape, (ir::Shape{sym::Expr::symbol("batch"), 5}));
}

TEST(Interpreter, ForLoopsOverRangesAndListsWithIndexAndPatterns) {
  auto e = elaborate_text(R"(
model m(batch = 1) {
    input x: f32[batch, 4]
    for stage, (width, count) in [(8, 2), (16, 1)] {
        for i in 0..count {
            x = "stage{stage}.{i}": linear(x, width)
        }
    }
    repeat 2 {
        x = relu(x)
    }
    return x
}
)");
  EXPECT_EQ(paths(e.graph), (std::vector<std::string>{"stage0.0", "stage0.1", "stage1.0", "relu", "relu_1"}));
  EXPECT_EQ(e.graph.ops[3].depth(), 0u);
  EXPECT_EQ(e.graph.ops[1].depth(), 1u);
}

TEST(Interpreter, IfStatementsAndExpressionsComparisonsAndArithmetic) {
  auto e = elaborate_text(R"(
model m(batch = 2, const c = 6) {
    input x: f32[batch, c]
    n = if c % 4 == 0 { 1 } else if c // 4 == 1 and not (c < 5) { 7 } else { 3 }
    if n == 7 {
        x = linear(x, n * 2 ** 3 - min(c, 100) + max(1, 2) + ceil_div(c, 4))
    } else {
        x = relu(x)
    }
    assert channels(x) == 7 * 8 - 6 + 2 + 2, "unexpected {channels(x)}"
    return x
}
)");
  ASSERT_EQ(e.graph.ops.size(), 1u);
  EXPECT_EQ(e.graph.ops[0].kind, "linear");
  EXPECT_EQ(e.graph.tensors[e.graph.ops[0].outputs[0]].shape[1], sym::Expr(54));
}

TEST(Interpreter, SizeParametersAreSymbolsAndConstParametersAreNumbers) {
  ElaborateOptions options;
  options.overrides["batch"] = 3;
  options.overrides["hidden"] = 16;
  auto e = elaborate_text(R"(
model m(batch = 1, seq = 10, const hidden = 8) {
    input x: f32[batch, seq, hidden]
    return linear(x, hidden * 2)
}
)",
                          options);
  const ir::Graph& g = e.graph;
  sym::Expr batch = sym::Expr::symbol("batch"), seq = sym::Expr::symbol("seq");
  EXPECT_EQ(g.tensors[g.outputs[0].tensor].shape, (ir::Shape{batch, seq, 32}));
  EXPECT_EQ(g.ops[0].costs().forward.gemm_macs, batch * seq * 16 * 32);
  EXPECT_EQ(*g.bindings.find("batch"), 3);
  EXPECT_EQ(*g.bindings.find("seq"), 10);
  EXPECT_EQ(*g.bindings.find("hidden"), 16);
}

TEST(Interpreter, LoopsOverSizeParametersRecordAssumptions) {
  auto e = elaborate_text(R"(
model m(batch = 1, depth = 3) {
    input x: f32[batch, 4]
    for i in 0..depth {
        x = linear(x, 4)
    }
    return x
}
)");
  EXPECT_EQ(e.graph.ops.size(), 3u);
  sym::Bindings other = e.graph.bindings;
  other.set("batch", 64);
  EXPECT_TRUE(analysis::assumptions_hold(e.graph, other));
  other.set("depth", 4);
  EXPECT_FALSE(analysis::assumptions_hold(e.graph, other));
}

TEST(Interpreter, ScopesAndDuplicateLabelsGiveUniquePaths) {
  auto e = elaborate_text(R"(
model m(batch = 1) {
    input x: f32[batch, 4]
    scope head {
        x = fc: linear(x, 4)
        x = fc: linear(x, 4)
    }
    scope head {
        x = fc: linear(x, 4)
    }
    return x
}
)");
  EXPECT_EQ(paths(e.graph), (std::vector<std::string>{"head.fc", "head.fc_1", "head_1.fc"}));
}

TEST(Interpreter, TensorArithmeticBecomesOps) {
  auto e = elaborate_text(R"(
model m(batch = 1) {
    input x: f32[batch, 4]
    input w: f32[4, 3]
    y = residual: (x + x * 0.5)
    z = 2 * y
    return z @ w
}
)");
  EXPECT_EQ(paths(e.graph), (std::vector<std::string>{"mul", "residual", "mul_1", "matmul"}));
  EXPECT_EQ(e.graph.ops[3].costs().forward.gemm_macs, sym::Expr::symbol("batch") * 4 * 3);
}

TEST(Interpreter, TiedWeightsCountParametersOnceAndWorkTwice) {
  auto e = elaborate_text(R"(
model m(batch = 2, seq = 8, const vocab = 100, const hidden = 16) {
    input ids: i64[batch, seq]
    x = wte: embedding(ids, vocab, hidden)
    return lm_head: linear(x, vocab, bias = false, tied_to = "wte")
}
)");
  analysis::Analysis a = analysis::analyze(e.graph);
  EXPECT_EQ(a.totals.figures.params, sym::Int(100 * 16));
  EXPECT_EQ(a.totals.figures.weight_bytes, sym::Int(100 * 16 * 4));
  EXPECT_EQ(a.totals.figures.gemm_macs, sym::Int(2 * 8 * 16 * 100));
  EXPECT_EQ(e.graph.ops[1].costs().tied_to, "wte");
  // The tied op still reads the table: its row has the weight bytes.
  EXPECT_EQ(a.layers[1].figures.weight_bytes, sym::Int(100 * 16 * 4));
}

TEST(Interpreter, FrozenWeightsFromTheCallOrTheEnclosingBlock) {
  auto e = elaborate_text(R"(
block pair(x) {
    a = first: linear(x, 8)
    b = second: linear(a, 8, frozen = false)
    return relu(b)
}
model m(batch = 2) {
    input x: f32[batch, 8]
    y = frozen_pair: pair(x, frozen = true)
    y = free_pair: pair(y)
    return head: linear(y, 4, frozen = true)
}
)");
  auto frozen_at = [&](const std::string& path) {
    for (const ir::Op& op : e.graph.ops) {
      if (op.path == path) return op.costs().frozen;
    }
    ADD_FAILURE() << "no op " << path;
    return false;
  };
  // A frozen block freezes the weights inside it unless an op says frozen = false.
  EXPECT_TRUE(frozen_at("frozen_pair.first"));
  EXPECT_FALSE(frozen_at("frozen_pair.second"));
  EXPECT_FALSE(frozen_at("frozen_pair.relu"));  // no weights: nothing to freeze
  EXPECT_FALSE(frozen_at("free_pair.first"));
  EXPECT_FALSE(frozen_at("free_pair.second"));
  EXPECT_TRUE(frozen_at("head"));
  // Freezing changes no forward figure.
  analysis::Analysis a = analysis::analyze(e.graph);
  EXPECT_EQ(a.totals.figures.params, sym::Int(4 * (8 * 8 + 8) + 8 * 4 + 4));
}

TEST(Interpreter, AModelMayShareAnOperatorsName) {
  auto e = elaborate_text(
      "model lstm(batch = 1, seq = 4) {\n    input x: f32[seq, batch, 8]\n    y, h, c = lstm(x, 16)\n    return "
      "y\n}\n");
  EXPECT_EQ(e.graph.ops[0].kind, "lstm");
}

TEST(InterpreterErrors, TiedWeightsMustExistAndMatch) {
  std::string missing = error_of(R"(model m(batch = 1) {
    input ids: i64[batch, 4]
    x = wte: embedding(ids, 100, 16)
    return linear(x, 100, bias = false, tied_to = "wtee")
}
)");
  EXPECT_NE(missing.find("no op with the path 'wtee' so far; did you mean 'wte'?"), std::string::npos) << missing;
  std::string mismatch = error_of(R"(model m(batch = 1) {
    input ids: i64[batch, 4]
    x = wte: embedding(ids, 100, 16)
    return linear(x, 100, tied_to = "wte")
}
)");
  EXPECT_NE(mismatch.find("has 1700 weight elements but 'wte' has 1600"), std::string::npos) << mismatch;
}

TEST(InterpreterErrors, FrozenNeedsABooleanAndWeights) {
  std::string weightless = error_of(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    return relu(x, frozen = true)
}
)");
  EXPECT_NE(weightless.find("test.nn:3:12: error: frozen: 'relu' has no weights to freeze"), std::string::npos)
      << weightless;
  std::string not_bool = error_of(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    return linear(x, 4, frozen = 1)
}
)");
  EXPECT_NE(not_bool.find("test.nn:3:34: error: frozen must be true or false, got"), std::string::npos) << not_bool;
}

TEST(InterpreterErrors, BroadcastMismatchNamesBothShapesTheAxisAndThePlus) {
  std::string error = error_of(R"(model m(b = 2) {
    input x: f32[b, 8]
    input y: f32[b, 9]
    z = x + y
    return z
}
)");
  EXPECT_NE(error.find("test.nn:4:11: error:"), std::string::npos) << error;
  EXPECT_NE(error.find("[b, 8]"), std::string::npos) << error;
  EXPECT_NE(error.find("[b, 9]"), std::string::npos) << error;
  EXPECT_NE(error.find("axis 1"), std::string::npos) << error;
  EXPECT_NE(error.find("        z = x + y\n              ^"), std::string::npos) << error;
}

TEST(InterpreterErrors, ErrorsInsideBlocksCarryTheInstantiationChain) {
  std::string error = error_of(R"(block inner(x) {
    return conv2d(x, 8, kernel = 9)
}
block outer(x) {
    return inner(x)
}
model m(batch = 1) {
    input x: f32[batch, 3, 4, 4]
    return outer(x)
}
)");
  EXPECT_NE(error.find("test.nn:2:12: error: conv2d:"), std::string::npos) << error;
  EXPECT_NE(error.find("test.nn:5:12: note: in block 'inner' instantiated here"), std::string::npos) << error;
  EXPECT_NE(error.find("test.nn:9:12: note: in block 'outer' instantiated here"), std::string::npos) << error;
}

TEST(InterpreterErrors, UnknownNamesSuggestTheNearest) {
  EXPECT_NE(error_of("model m(batch = 1) {\n    input x: f32[batch, 4]\n    return relux(x)\n}\n")
                .find("unknown operator or block 'relux'; did you mean 'relu'?"),
            std::string::npos);
  EXPECT_NE(error_of("model m(batch = 1) {\n    input image: f32[batch, 4]\n    return relu(imag)\n}\n")
                .find("unknown name 'imag'; did you mean 'image'?"),
            std::string::npos);
  EXPECT_NE(error_of("model m(batch = 1) {\n    input x: f32[batch, 4]\n    return linear(x, 4, bais = false)\n}\n")
                .find("has no argument 'bais'; did you mean 'bias'?"),
            std::string::npos);
}

TEST(InterpreterErrors, ArgumentProblems) {
  std::string twice =
      error_of("model m(batch = 1) {\n    input x: f32[batch, 4]\n    return linear(x, 4, out_features = 5)\n}\n");
  EXPECT_NE(twice.find("given twice"), std::string::npos) << twice;
  std::string missing = error_of("model m(batch = 1) {\n    input x: f32[batch, 4]\n    return linear(x)\n}\n");
  EXPECT_NE(missing.find("missing its argument 'out_features'"), std::string::npos) << missing;
  std::string type = error_of("model m(batch = 1) {\n    input x: f32[batch, 4]\n    return linear(x, \"four\")\n}\n");
  EXPECT_NE(type.find("test.nn:3:22: error: argument 'out_features' of linear() must be an integer, got a string"),
            std::string::npos)
      << type;
}

TEST(InterpreterErrors, AssertReportsItsMessage) {
  std::string error = error_of(R"(model m(batch = 1, const heads = 5) {
    input x: f32[batch, 64]
    assert 64 % heads == 0, "64 is not divisible by {heads} heads"
    return x
}
)");
  EXPECT_NE(error.find("test.nn:3:12: error: assertion failed: 64 is not divisible by 5 heads"), std::string::npos)
      << error;
}

TEST(InterpreterErrors, LimitsStopRecursionAndHugeLoops) {
  std::string recursion = error_of(R"(block again(x) {
    return again(x)
}
model m(batch = 1) {
    input x: f32[batch, 4]
    return again(x)
}
)");
  EXPECT_NE(recursion.find("does 'again' call itself?"), std::string::npos) << recursion;
  std::string loop = error_of(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    for i in 0..1000000000000 {
        x = relu(x)
    }
    return x
}
)");
  EXPECT_NE(loop.find("exceeds the limit"), std::string::npos) << loop;
}

TEST(InterpreterErrors, UnknownSetNameListsTheParameters) {
  ElaborateOptions options;
  options.overrides["bacth"] = 2;
  std::string error =
      error_of("model m(batch = 1, seq = 2) {\n    input x: f32[batch, seq]\n    return x\n}\n", options);
  EXPECT_NE(error.find("has no parameter 'bacth'; did you mean 'batch'?"), std::string::npos) << error;
  EXPECT_NE(error.find("(its parameters: batch, seq)"), std::string::npos) << error;
}

// A list parameter (a const with a list-literal default) takes its default or a list override; each item is a
// plain integer, so `widths` here builds one linear per item.
TEST(Interpreter, ListParametersTakeTheirDefaultOrAListOverride) {
  const std::string text =
      "model m(batch = 1, const widths = [4, 8]) {\n"
      "    input x: f32[batch, 2]\n"
      "    for w in widths {\n"
      "        x = linear(x, w)\n"
      "    }\n"
      "    return x\n"
      "}\n";
  auto defaults = elaborate_text(text);
  EXPECT_EQ(defaults.graph.ops.size(), 2u);
  analysis::Analysis a = analysis::analyze(defaults.graph);
  EXPECT_EQ(a.totals.figures.params, sym::Int(2 * 4 + 4 + 4 * 8 + 8));
  ElaborateOptions options;
  options.list_overrides["widths"] = {3, 5, 7};
  auto set = elaborate_text(text, options);
  EXPECT_EQ(set.graph.ops.size(), 3u);
  analysis::Analysis b = analysis::analyze(set.graph);
  EXPECT_EQ(b.totals.figures.params, sym::Int(2 * 3 + 3 + 3 * 5 + 5 + 5 * 7 + 7));
  // Only integer parameters are graph parameters (reports show them); the list is not one.
  ASSERT_EQ(set.graph.parameters.size(), 1u);
  EXPECT_EQ(set.graph.parameters[0].name, "batch");
}

TEST(InterpreterErrors, ListParameterMismatches) {
  const std::string text =
      "model m(batch = 1, const widths = [4, 8]) {\n    input x: f32[batch, len(widths)]\n    return x\n}\n";
  ElaborateOptions list_to_integer;
  list_to_integer.list_overrides["batch"] = {2, 3};
  std::string error = error_of(text, list_to_integer);
  EXPECT_NE(error.find("test.nn:1:9: error: --set batch: parameter 'batch' is an integer, got the list 2,3"),
            std::string::npos)
      << error;
  ElaborateOptions integer_to_list;
  integer_to_list.overrides["widths"] = 4;
  error = error_of(text, integer_to_list);
  EXPECT_NE(error.find("test.nn:1:26: error: --set widths: parameter 'widths' is a list"), std::string::npos) << error;
  // A list is not a size symbol.
  error = error_of("model m(batch = 1, widths = [4, 8]) {\n    input x: f32[batch, 2]\n    return x\n}\n");
  EXPECT_NE(error.find("list parameter 'widths' must be const"), std::string::npos) << error;
  error = error_of("model m(batch = 1, const widths = [4, \"a\"]) {\n    input x: f32[batch, 2]\n    return x\n}\n");
  EXPECT_NE(error.find("list parameter 'widths' must hold integers, got"), std::string::npos) << error;
}

TEST(InterpreterErrors, ExactDivisionAndSizes) {
  EXPECT_NE(error_of("model m(batch = 1) {\n    input x: f32[batch, 7 / 2]\n    return x\n}\n")
                .find("use // for floor division"),
            std::string::npos);
  EXPECT_NE(error_of("model m(batch = 0) {\n    input x: f32[batch, 2]\n    return x\n}\n").find("must be at least 1"),
            std::string::npos);
  EXPECT_NE(error_of("model m(batch = 1) {\n    input x: q32[batch, 2]\n    return x\n}\n").find("unknown dtype 'q32'"),
            std::string::npos);
}

// Issue 12, item 6: a block without `return` gives nothing; using that points at the call and the block.
TEST(InterpreterErrors, BlockWithoutReturnWhoseResultIsUsed) {
  const std::string block = "block body(x) {\n    y = relu(x)\n}\n";
  std::string returned = error_of(block + R"(model m(batch = 1) {
    input x: f32[batch, 8]
    h = body(x)
    return h
}
)");
  EXPECT_NE(returned.find("test.nn:6:9: error: block 'body' returns nothing, but its result is used"),
            std::string::npos)
      << returned;
  EXPECT_NE(returned.find("test.nn:7:12: note: its result is used here"), std::string::npos) << returned;
  EXPECT_NE(returned.find("test.nn:1:7: note: block 'body' has no 'return'"), std::string::npos) << returned;

  std::string argument = error_of(block + R"(model m(batch = 1) {
    input x: f32[batch, 8]
    return linear(body(x), 4)
}
)");
  EXPECT_NE(argument.find("test.nn:6:19: error: block 'body' returns nothing"), std::string::npos) << argument;
  EXPECT_EQ(argument.find("got a nothing"), std::string::npos) << argument;
  EXPECT_EQ(argument.find("used here"), std::string::npos) << "the use is the call itself: " << argument;

  // Passed on to another block, then used there: still the call of `body`.
  std::string passed = error_of(block + R"(block head(x) {
    return linear(x, 4)
}
model m(batch = 1) {
    input x: f32[batch, 8]
    return head(body(x))
}
)");
  EXPECT_NE(passed.find("test.nn:9:17: error: block 'body' returns nothing"), std::string::npos) << passed;

  // A `return` that was not reached.
  std::string untaken = error_of(R"(block body(x, n) {
    if n > 1 {
        return relu(x)
    }
}
model m(batch = 1) {
    input x: f32[batch, 8]
    return body(x, 1) + x
}
)");
  EXPECT_NE(untaken.find("test.nn:8:12: error: block 'body' returns nothing"), std::string::npos) << untaken;
  EXPECT_NE(untaken.find("note: no 'return' of block 'body' was reached"), std::string::npos) << untaken;
}

TEST(Interpreter, BlockWithoutReturnIsFineWhenItsResultIsUnused) {
  auto e = elaborate_text(R"(block body(x) {
    y = relu(x)
}
model m(batch = 1) {
    input x: f32[batch, 8]
    body(x)
    unused = body(x)
    return linear(x, 4)
}
)");
  EXPECT_EQ(e.graph.ops.size(), 3u);
}

// A model that returns something other than tensors is told where.
TEST(InterpreterErrors, AModelReturnsTensorsOnly) {
  std::string error = error_of("model m(batch = 1) {\n    input x: f32[batch, 8]\n    return x, 3\n}\n");
  EXPECT_NE(error.find("test.nn:3:15: error: a model must return tensors, got the integer 3"), std::string::npos)
      << error;
}

// Positions from arange keep their range through views; an embedding past its table is an error.
TEST(Interpreter, PositionRangesFlowThroughViews) {
  auto e = elaborate_text(R"(model m(batch = 1, seq = 8) {
    input tokens: i64[batch, seq]
    p = reshape(unsqueeze(arange(seq), 0), [1, seq])
    t = transpose(p, 0, 1)
    return embedding(p, seq, 4), embedding(tokens, 3, 4)
}
)");
  const ir::Graph& g = e.graph;
  sym::Expr seq = sym::Expr::symbol("seq");
  ASSERT_GE(g.ops.size(), 4u);
  EXPECT_EQ(g.tensors[g.ops[0].outputs[0]].value_bound, seq);         // arange
  EXPECT_EQ(g.tensors[g.ops[1].outputs[0]].value_bound, seq);         // unsqueeze, a view
  EXPECT_EQ(g.tensors[g.ops[2].outputs[0]].value_bound, seq);         // reshape, a view
  EXPECT_TRUE(g.tensors[g.ops[3].outputs[0]].value_bound.is_zero());  // transpose copies: not tracked
  EXPECT_TRUE(g.tensors[g.inputs[0]].value_bound.is_zero());          // token ids: unknown

  ElaborateOptions options;
  options.overrides["seq"] = 4096;
  std::string error = error_of(R"(model m(batch = 1, seq = 128) {
    input tokens: i64[batch, seq]
    x = embedding(tokens, 1000, 64)
    return x + position_embedding: embedding(unsqueeze(arange(seq), 0), 1024, 64)
}
)",
                               options);
  EXPECT_NE(
      error.find("test.nn:4:46: error: embedding: ids reach row seq - 1 = 4095, but the table has only 1024 rows"),
      std::string::npos)
      << error;
}

// Strings and lists share their storage and append in place (issue 18, item 1); values must still never
// change once made, whichever copy is extended later.
TEST(Interpreter, StringsAndListsStayImmutableUnderSharedAppends) {
  auto e = elaborate_text(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    a = [1]
    b = a + [2]
    c = a + [3]
    d = b + b
    assert len(a) == 1 and a[0] == 1
    assert len(b) == 2 and b[1] == 2
    assert len(c) == 2 and c[1] == 3
    assert len(d) == 4 and d[2] == 1 and d[3] == 2
    l = []
    for i in 0..1000 {
        l = l + [i]
    }
    assert len(l) == 1000 and l[999] == 999 and sum(l) == 499500
    s = "a"
    t = s + "b"
    u = s + "c"
    assert s == "a" and t == "ab" and u == "ac"
    v = t + t
    assert v == "abab" and "{v}{s}" == "ababa"
    for item in l {
        l = l + [item]
    }
    assert len(l) == 2000 and l[1999] == 999
    return x
}
)");
  EXPECT_TRUE(e.graph.ops.empty());
}

TEST(InterpreterErrors, StringAndListLimitsAreCheckedBeforeAllocating) {
  ElaborateOptions options;
  options.limits.max_string_bytes = 10;
  options.limits.max_list_items = 3;
  std::string text = error_of(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    s = "abcdef"
    t = s + s
    return x
}
)",
                              options);
  EXPECT_NE(text.find("test.nn:4:11: error: a string of 12 bytes passes the limit of 10 bytes"), std::string::npos)
      << text;
  std::string list = error_of(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    l = [1, 2]
    k = l + l
    return x
}
)",
                              options);
  EXPECT_NE(list.find("test.nn:4:11: error: a list of 4 items passes the limit of 3 items"), std::string::npos) << list;
  std::string literal = error_of(
      "model m(batch = 1) {\n    input x: f32[batch, 4]\n    l = [1, 2, 3, 4]\n"
      "    return x\n}\n",
      options);
  EXPECT_NE(literal.find("a list of 4 items"), std::string::npos) << literal;
}

TEST(InterpreterErrors, PathDepthLimit) {
  ElaborateOptions options;
  options.limits.max_path_depth = 3;
  auto model = [](const std::string& label) {
    return "block b(x) {\n    return " + label +
           ": relu(x)\n}\nmodel m(batch = 1) {\n    input x: f32[batch, 4]\n"
           "    return outer: b(x)\n}\n";
  };
  // outer.inner.relu: three parts, at the limit.
  EXPECT_NO_THROW(elaborate_text(model("inner"), options));
  std::string error = error_of(model("\"in.n.er\""), options);
  EXPECT_NE(error.find("test.nn:2:23: error: this path would have 4 '.'-separated parts, past the limit of 3"),
            std::string::npos)
      << error;
}

TEST(InterpreterErrors, ExpressionSizesAreBoundedBeforeBuilding) {
  std::string power = error_of(R"(model m(batch = 1, a = 1, b = 1, c = 1) {
    input x: f32[batch, 4]
    n = (a + b + c + 1) ** 128
    return x
}
)");
  // C(4 + 128 - 1, 128) = C(131, 3) = 366145 terms, refused before any is built.
  EXPECT_NE(power.find("test.nn:3:25: error: expression too large: the result would have up to 366145 terms"),
            std::string::npos)
      << power;
  const std::string shape = R"(model m(a = 1, b = 1, c = 1, d = 1) {
    input x: f32[(a + b + 1) ** 4, (c + d + 1) ** 4]
    return relu(x)
}
)";
  EXPECT_NO_THROW(elaborate_text(shape)) << "within the default limit";
  // 15 terms each, 225 in their product: refused with a limit of 200.
  ElaborateOptions options;
  options.limits.max_expr_size = 200;
  std::string limited = error_of(shape, options);
  EXPECT_NE(limited.find("input 'x' has an element count (the product of its dimensions) of up to 225 terms"),
            std::string::npos)
      << limited;
}

TEST(Program, ImportsResolveAndCyclesAndMissingFilesAreErrors) {
  auto ok = load_program_from_text(
      "t.nn", "import \"std/attention.nn\"\nmodel m(batch = 1) {\n    input x: f32[batch, 2]\n    return x\n}\n");
  EXPECT_TRUE(ok->ok()) << render_all(ok->diagnostics, ok->sources);
  EXPECT_TRUE(ok->definitions.count("multi_head_attention"));
  auto missing = load_program_from_text("t.nn", "import \"std/nothing.nn\"\n");
  ASSERT_FALSE(missing->ok());
  EXPECT_NE(render_all(missing->diagnostics, missing->sources).find("t.nn:1:1: error: cannot find 'std/nothing.nn'"),
            std::string::npos)
      << render_all(missing->diagnostics, missing->sources);
  auto duplicate = load_program_from_text("t.nn", "block a(x) {\n    return x\n}\nblock a(x) {\n    return x\n}\n");
  ASSERT_FALSE(duplicate->ok());
  EXPECT_NE(render_all(duplicate->diagnostics, duplicate->sources).find("'a' is defined twice"), std::string::npos);
}

TEST(Program, ClosestName) {
  EXPECT_EQ(closest_name("resnet5", {"resnet18", "resnet50", "vgg16"}), "resnet50");
  EXPECT_EQ(closest_name("bert", {"bert_base", "vgg16"}), "bert_base");
  EXPECT_EQ(closest_name("xyzzy", {"resnet50", "vgg16"}), "");
}

}  // namespace
}  // namespace nnscope::interp
