// The static checker: each error and warning, located; code it must accept (loops, branches, defaults,
// labels, `_` names); the code it reads that elaboration never runs; and the standard library, clean.
#include "check/check.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace nnscope::check {
namespace {

struct Checked {
  std::unique_ptr<interp::Program> program;
  std::vector<Diagnostic> diagnostics;
};

Checked check_text(const std::string& text) {
  Checked c;
  c.program = interp::load_program_from_text("test.nn", text);
  EXPECT_TRUE(c.program->ok()) << render_all(c.program->diagnostics, c.program->sources);
  if (c.program->ok()) c.diagnostics = check_program(*c.program);
  return c;
}

// Every diagnostic as rendered (file:line:col, severity, message, excerpt, caret, notes).
std::string rendered(const std::string& text) {
  Checked c = check_text(text);
  return render_all(c.diagnostics, c.program->sources);
}

// "line:col severity: message" per diagnostic, without excerpts: the compact form most tests compare.
std::vector<std::string> summary(const std::string& text) {
  Checked c = check_text(text);
  std::vector<std::string> out;
  for (const Diagnostic& d : c.diagnostics) {
    LineColumn lc = c.program->sources.line_column(d.location.file, d.location.begin);
    out.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) + " " +
                  (d.severity == Severity::kError ? "error: " : "warning: ") + d.message);
  }
  return out;
}

using Lines = std::vector<std::string>;

TEST(Check, UnknownCalleeInABlockNoModelInstantiates) {
  EXPECT_EQ(rendered(R"(block head(x) {
    return lineer(x, 8)
}
model m(batch = 1) {
    input x: f32[batch, 16]
    return x
}
)"),
            "test.nn:2:12: error: unknown operator or block 'lineer'; did you mean 'linear'?\n"
            "        return lineer(x, 8)\n"
            "               ^~~~~~\n");
}

TEST(Check, MisspeltArgumentInABranchNotTaken) {
  EXPECT_EQ(summary(R"(model m(batch = 1, const big = false) {
    input x: f32[batch, 16]
    if big {
        x = linear(x, 8, biass = true)
    } else if batch > 4 {
        x = relu(x, 2)
    } else {
        x = linear(x, 8)
    }
    y = if big { conv2d(x, 4) } else { x }
    return y
}
)"),
            (Lines{"4:26 error: linear() has no argument 'biass'; did you mean 'bias'?",
                   "6:21 error: relu() takes at most 1 arguments",
                   "10:18 error: conv2d() is missing its argument 'kernel'"}));
}

TEST(Check, ArgumentsAgainstBlockParameters) {
  EXPECT_EQ(summary(R"(block two(x, n, m = n * 2) {
    return linear(linear(x, m), n)
}
model m(batch = 1) {
    input x: f32[batch, 16]
    a = two(x)
    b = two(x, 4, m = 3, mm = 2)
    c = two(x, 4, 5, 6)
    d = two(x, 4, n = 5)
    e = two(x, n = 4, m = 8)
    return a + b + c + d + e
}
)"),
            (Lines{"6:9 error: block 'two' is missing its argument 'n'",
                   "7:26 error: block 'two' has no argument 'mm'; did you mean 'm'?",
                   "8:22 error: block 'two' takes at most 3 arguments",
                   "9:19 error: argument 'n' of block 'two' is given twice"}));
}

TEST(Check, DuplicateNamedArgumentPointsAtBoth) {
  EXPECT_EQ(rendered(R"(model m(batch = 1) {
    input x: f32[batch, 16]
    return linear(x, 4, bias = true, bias = false)
}
)"),
            "test.nn:3:38: error: argument 'bias' of linear() is given twice\n"
            "        return linear(x, 4, bias = true, bias = false)\n"
            "                                         ^~~~\n"
            "test.nn:3:32: note: first given here\n"
            "        return linear(x, 4, bias = true, bias = false)\n"
            "                                   ^~~~\n");
}

TEST(Check, TiedToIsAcceptedByEveryOperatorOnly) {
  EXPECT_EQ(summary(R"(block b(x) {
    return x
}
model m(batch = 1) {
    input ids: i64[batch, 4]
    e = wte: embedding(ids, 10, 8)
    y = linear(e, 10, bias = false, tied_to = "wte")
    return b(y, tied_to = "wte")
}
)"),
            (Lines{"8:17 error: block 'b' has no argument 'tied_to'"}));
}

TEST(Check, UnknownNames) {
  EXPECT_EQ(summary(R"(block b(x) {
    y = relu(x)
    return y + hidden
}
model m(batch = 1) {
    input image: f32[batch, 16]
    z = relu(imag)
    w = relu(later)
    later = relu(z)
    return w + linear + later + b(z)
}
)"),
            (Lines{"3:16 error: unknown name 'hidden'",
                   // Read only through the typo: the warning is true.
                   "6:11 warning: input 'image' is never used (if that is intended, name it '_image')",
                   "7:14 error: unknown name 'imag'; did you mean 'image'?", "8:14 error: unknown name 'later'",
                   "10:16 error: unknown name 'linear' ('linear' is called like a function: linear(...))"}));
}

TEST(Check, UseBeforeAssignmentHasANoteAtTheAssignment) {
  EXPECT_EQ(rendered(R"(model m(batch = 1) {
    input x: f32[batch, 16]
    y = relu(h)
    h = relu(x)
    return y + h
}
)"),
            "test.nn:3:14: error: unknown name 'h'\n"
            "        y = relu(h)\n"
            "                 ^\n"
            "test.nn:4:5: note: 'h' is only assigned later, here\n"
            "        h = relu(x)\n"
            "        ^\n");
}

TEST(Check, CalleesThatAreNotOperatorsOrBlocks) {
  EXPECT_EQ(summary(R"(model inner(batch = 1) {
    input x: f32[batch, 4]
    return x
}
model m(batch = 1) {
    input x: f32[batch, 4]
    a = inner(x)
    b = dim(x, axis = 1)
    c = dim(x)
    d = size: rank(x)
    e = max(4)
    return lstm_model(x, a, b, c, d, e)
}
)"),
            (Lines{"7:9 error: 'inner' is a model; only blocks can be called",
                   "8:16 error: 'dim' takes no named arguments", "9:9 error: dim() takes 2 arguments, got 1",
                   "10:15 error: 'rank' computes a value, not an operator; it cannot be labelled",
                   "11:9 error: max() takes at least 2 arguments",
                   "12:12 error: unknown operator or block 'lstm_model'; did you mean 'lstm'?"}));
}

TEST(Check, BlockWithoutReturnWhoseValueIsUsed) {
  EXPECT_EQ(rendered(R"(block side(x) {
    relu(x)
}
model m(batch = 1) {
    input x: f32[batch, 4]
    side(x)
    _ = side(x)
    return side(x)
}
)"),
            "test.nn:8:12: error: block 'side' returns nothing (it has no 'return'), but its value is used\n"
            "        return side(x)\n"
            "               ^~~~~~~\n"
            "test.nn:1:7: note: 'side' is defined here\n"
            "    block side(x) {\n"
            "          ^~~~\n");
}

TEST(Check, UnreachableStatementsAfterReturn) {
  EXPECT_EQ(summary(R"(block b(x, deep) {
    if deep {
        return relu(x)
        x = relu(x)
        x = relu(x)
    }
    for i in 0..2 {
        return x
    }
    scope s {
        if deep {
            return x
        } else {
            return relu(x)
        }
    }
    return x
}
model m(batch = 1) {
    input x: f32[batch, 4]
    return b(x, true)
}
)"),
            (Lines{"4:9 error: unreachable statement: it follows a 'return'",
                   "7:9 warning: loop variable 'i' is never used (if that is intended, name it '_i')",
                   "17:5 error: unreachable statement: it follows a 'return'"}));
}

TEST(Check, InputsOnlyInModelsAndWithKnownDtypes) {
  EXPECT_EQ(summary(R"(block b(x) {
    input y: f32[4]
    return x + y
}
model m(batch = 1) {
    input x: float33[batch, 4]
    return b(x)
}
)"),
            (Lines{"2:5 error: 'input' declares a model input; it is not allowed inside a block",
                   "6:14 error: unknown dtype 'float33' (known: f32, tf32, f16, bf16, fp8, i8, i4, i32, i64, bool)"}));
}

TEST(Check, LabelsNameCallsOnly) {
  EXPECT_EQ(summary(R"(model m(batch = 1) {
    input x: f32[batch, 4]
    a = first: relu(x)
    b = res: (a + x)
    c = name: x
    return "out{batch}": linear(b + c, 2)
}
)"),
            (Lines{"5:9 error: a label names an operator or block call, not this expression"}));
}

TEST(Check, DuplicateParameter) {
  EXPECT_EQ(summary(R"(block b(x, x) {
    return x
}
)"),
            (Lines{"1:12 error: parameter 'x' is declared twice"}));
}

TEST(Check, UnusedNamesAreWarnings) {
  Checked c = check_text(R"(block project(x, n, unused, _spare) {
    y = linear(x, n)
    scratch = relu(y)
    a, _ = split(y, 2, axis = 1)
    return a
}
model m(batch = 1, classes = 10) {
    input x: f32[batch, 16]
    input mask: f32[batch, 16]
    input _position: i64[batch]
    for i in 0..2 {
        x = project(x, 16, 0, 0)
    }
    for _j, w in [1, 2] {
        x = linear(x, w)
    }
    return x
}
)");
  EXPECT_FALSE(has_errors(c.diagnostics));
  std::vector<std::string> messages;
  for (const Diagnostic& d : c.diagnostics) {
    EXPECT_EQ(d.severity, Severity::kWarning);
    messages.push_back(d.message);
  }
  EXPECT_EQ(messages,
            (Lines{"argument 'unused' of block 'project' is never used (if that is intended, name it '_unused')",
                   "variable 'scratch' is assigned but never used (if that is intended, name it '_scratch')",
                   "input 'mask' is never used (if that is intended, name it '_mask')",
                   "loop variable 'i' is never used (if that is intended, name it '_i')"}));
}

TEST(Check, AModelWithoutReturnHasNoUnusedVariables) {
  // Its unread tensors are its outputs (docs/language.md §6).
  EXPECT_EQ(summary(R"(model m(batch = 1) {
    input x: f32[batch, 16]
    y = relu(x)
    z = sigmoid(x)
}
)"),
            Lines{});
}

TEST(Check, AcceptsWhatElaborationAccepts) {
  // Loop-carried names, names bound in one branch and read after it, defaults that read earlier
  // parameters, interpolations, labels that are not variables, nested patterns, parameters of a hardware-style
  // model that nothing reads.
  EXPECT_EQ(summary(R"(block stage(x, planes, blocks, stride = 1, width = planes * 2, memory = x) {
    for i in 0..blocks {
        if i > 0 {
            x = x + previous
        }
        previous = "conv{i}": conv2d(x, width, kernel = 3, stride = if i == 0 { stride } else { 1 }, padding = 1)
        x = relu(previous)
    }
    if stride > 1 {
        shortcut = memory
    }
    assert planes > 0, "planes ({planes}) must be positive"
    repeat 2 {
        x = relu(x)
    }
    scope head {
        x = fc: conv2d(x, planes, kernel = 1)
    }
    return x, shortcut
}
model profile(const matrix_fp32_flops = 19500000000000, const memory_bandwidth = 2039000000000) {
}
model m(batch = 1, height = 32, half = height / 2) {
    input image: f32[batch, 3, height, half]
    for stage_index, (planes, blocks) in [(8, 1), (16, 2)] {
        image, _ = "layer{stage_index}": stage(image, planes, blocks, stride = 2)
    }
    return image
}
)"),
            Lines{});
}

TEST(Check, StopsAfterTooManyErrors) {
  std::string text = "model m(batch = 1) {\n    input x: f32[batch, 4]\n";
  for (int i = 0; i < 200; ++i) text += "    x = relu(x" + std::to_string(i) + ")\n";
  text += "    return x\n}\n";
  Lines lines = summary(text);
  ASSERT_EQ(lines.size(), kMaxErrors + 1);
  EXPECT_EQ(lines.back(), "53:14 error: too many errors; stopping");
}

TEST(Check, ManyWarningsAreCounted) {
  std::string text = "block b(x) {\n";
  for (int i = 0; i < 80; ++i) text += "    v" + std::to_string(i) + " = 1\n";
  text += "    return x\n}\n";
  Checked c = check_text(text);
  ASSERT_EQ(c.diagnostics.size(), kMaxErrors + 1);
  EXPECT_EQ(c.diagnostics.back().message, "30 more warnings not shown");
  EXPECT_FALSE(has_errors(c.diagnostics));
}

// Every file of the standard library and every example, loaded as `nnscope check` loads it: no error and no
// warning (the library follows its own convention of '_' for what it leaves unread on purpose).
TEST(Check, StandardLibraryAndExamplesAreClean) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(std::string(NNSCOPE_SOURCE_DIR) + "/stdlib_models")) {
    if (entry.path().extension() == ".nn") files.push_back(entry.path());
  }
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NNSCOPE_SOURCE_DIR) + "/examples")) {
    if (entry.path().extension() == ".nn") files.push_back(entry.path());
  }
  ASSERT_GT(files.size(), 50u);
  for (const auto& path : files) {
    bool found = false;
    auto program = interp::load_program(path.string(), &found);
    ASSERT_TRUE(found && program->ok()) << path << "\n" << render_all(program->diagnostics, program->sources);
    std::vector<Diagnostic> diagnostics = check_program(*program);
    EXPECT_TRUE(diagnostics.empty()) << render_all(diagnostics, program->sources);
  }
}

}  // namespace
}  // namespace nnscope::check
