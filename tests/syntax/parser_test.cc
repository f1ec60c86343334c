#include "syntax/parser.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "symbolic/rational.h"

namespace nnscope::syntax {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::Stmt;
using ast::StmtKind;

struct Parsed {
  SourceManager sources;
  FileId file = 0;
  ast::Module module;
  std::vector<Diagnostic> diagnostics;

  // "line:col: message" per diagnostic, which is how the tests check error locations.
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const Diagnostic& d : diagnostics) {
      LineColumn lc = sources.line_column(d.location.file, d.location.begin);
      out.push_back(std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + d.message);
    }
    return out;
  }
  std::string where(const Location& location) const {
    LineColumn begin = sources.line_column(location.file, location.begin);
    LineColumn end = sources.line_column(location.file, location.end);
    return std::to_string(begin.line) + ":" + std::to_string(begin.column) + "-" + std::to_string(end.line) + ":" +
           std::to_string(end.column);
  }
};

std::unique_ptr<Parsed> parse(const std::string& text) {
  auto parsed = std::make_unique<Parsed>();
  parsed->file = parsed->sources.add("test.nn", text);
  parsed->module = parse_module(parsed->sources, parsed->file, parsed->diagnostics);
  return parsed;
}

std::string int_text(sym::Int value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  unsigned __int128 magnitude =
      negative ? -static_cast<unsigned __int128>(value) : static_cast<unsigned __int128>(value);
  std::string digits;
  while (magnitude > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  return negative ? "-" + digits : digits;
}

// A compact S-expression of an expression tree, so tests can state structure (and precedence) in one line.
std::string dump(const Expr& e) {
  auto list = [](std::initializer_list<const Expr*> operands) {
    std::string out;
    for (const Expr* operand : operands) out += " " + dump(*operand);
    return out;
  };
  auto elements = [](ast::Exprs operands) {
    std::string out;
    for (const Expr* operand : operands) out += " " + dump(*operand);
    return out;
  };
  switch (e.kind) {
    case ExprKind::kInt:
      return int_text(e.as<ast::IntLiteral>().value);
    case ExprKind::kFloat:
      return std::string(e.as<ast::FloatLiteral>().spelling);
    case ExprKind::kString: {
      std::string out = "\"";
      for (const ast::StringPart& part : e.as<ast::StringLiteral>().parts) {
        out += part.expr ? "{" + dump(*part.expr) + "}" : std::string(part.text);
      }
      return out + "\"";
    }
    case ExprKind::kBool:
      return e.as<ast::BoolLiteral>().value ? "true" : "false";
    case ExprKind::kName:
      return std::string(e.as<ast::Name>().text());
    case ExprKind::kUnary: {
      const auto& unary = e.as<ast::Unary>();
      return "(" + std::string(unary.op) + list({unary.operand}) + ")";
    }
    case ExprKind::kBinary: {
      const auto& binary = e.as<ast::Binary>();
      return "(" + std::string(binary.op) + list({binary.left, binary.right}) + ")";
    }
    case ExprKind::kRange:
      return "(.." + list({e.as<ast::Range>().lower, e.as<ast::Range>().upper}) + ")";
    case ExprKind::kCall: {
      const auto& call = e.as<ast::Call>();
      std::string out = std::string(call.callee()) + "(";
      for (std::size_t i = 0; i < call.arguments().size(); ++i) {
        const ast::Argument& argument = call.arguments()[i];
        if (i > 0) out += ", ";
        if (argument.name) out += std::string(argument.name_text()) + "=";
        out += dump(*argument.value);
      }
      return out + ")";
    }
    case ExprKind::kIndex:
      return "(index" + list({e.as<ast::Index>().base, e.as<ast::Index>().index}) + ")";
    case ExprKind::kList: {
      ast::Exprs items = e.as<ast::Sequence>().elements;
      return "[" + (items.empty() ? std::string() : elements(items).substr(1)) + "]";
    }
    case ExprKind::kTuple:
      return "(tuple" + elements(e.as<ast::Sequence>().elements) + ")";
    case ExprKind::kIf: {
      const auto& choice = e.as<ast::IfExpr>();
      return "(if" + list({choice.condition, choice.then_value, choice.else_value}) + ")";
    }
    case ExprKind::kLabeled: {
      const auto& labeled = e.as<ast::Labeled>();
      return "(label " + dump(*labeled.label) + list({labeled.operand}) + ")";
    }
  }
  return "?";
}

// The expression a statement computes: an assignment's or expression statement's value, an assert's condition,
// a repeat's count or a for loop's iterable.
const Expr& value(const Stmt* s) {
  switch (s->kind) {
    case StmtKind::kAssign:
      return *s->as<ast::AssignStmt>().value;
    case StmtKind::kExpr:
      return *s->as<ast::ExprStmt>().value;
    case StmtKind::kAssert:
      return *s->as<ast::AssertStmt>().condition;
    case StmtKind::kRepeat:
      return *s->as<ast::RepeatStmt>().count;
    case StmtKind::kFor:
      return *s->as<ast::ForStmt>().iterable;
    default:
      throw std::logic_error("this statement has no value");
  }
}

// The names of a list of identifiers, for comparing with a std::vector<std::string>.
std::vector<std::string> texts(std::span<const ast::Identifier> identifiers) {
  std::vector<std::string> out;
  for (const ast::Identifier& identifier : identifiers) out.emplace_back(identifier.text());
  return out;
}

// The body of `model m()` wrapped around `body`.
std::unique_ptr<Parsed> parse_body(const std::string& body) { return parse("model m() {\n" + body + "\n}\n"); }

// Parses `x = <source>` and dumps the value; "error" lines if it did not parse cleanly.
std::string expr(const std::string& source) {
  auto parsed = parse_body("x = " + source);
  std::string out;
  for (const std::string& error : parsed->errors()) out += "error " + error + "\n";
  if (!out.empty()) return out;
  const auto& body = parsed->module.definitions.at(0).body;
  if (body.size() != 1 || body[0]->kind != StmtKind::kAssign) return "not one assignment";
  return dump(value(body[0]));
}

const char* kExample = R"(# A ResNet bottleneck.
import "std/layers.nn"

block bottleneck(x, planes, stride = 1, downsample = false) {
    out = relu(bn1: batchnorm(conv1: conv2d(x, planes, kernel = 1, bias = false)))
    out = relu(bn2: batchnorm(conv2: conv2d(out, planes, kernel = 3, stride = stride, padding = 1, bias = false)))
    out = bn3: batchnorm(conv3: conv2d(out, planes * 4, kernel = 1, bias = false))
    skip = if downsample {
        scope_free: x
    } else { x }
    assert channels(x) % 2 == 0, "odd channels {channels(x)}"
    return relu(out + skip)
}

model resnet50(batch = 1, height = 224, width = 224, classes = 1000, const widen = 1) {
    input image: f32[batch, 3, height, width]
    x = maxpool(relu(bn1: batchnorm(conv1: conv2d(image, 64, kernel = 7, stride = 2, padding = 3, bias = false))),
                kernel = 3, stride = 2, padding = 1)
    for stage, (planes, blocks, stride) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)] {
        for i in 0..blocks {
            x = "layer{stage + 1}.{i}": bottleneck(x, planes, stride = if i == 0 { stride } else { 1 },
                                                    downsample = i == 0)
        }
    }
    repeat 2 { x = x * 1 }
    scope head {
        y = fc: linear(flatten(avgpool: global_avgpool(x)), classes)
    }
    a, b = split(y, 2, axis = 1)
    return y
}
)";

TEST(Parser, Example) {
  auto parsed = parse(kExample);
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  const ast::Module& m = parsed->module;
  EXPECT_EQ(m.doc, "A ResNet bottleneck.");
  ASSERT_EQ(m.imports.size(), 1u);
  EXPECT_EQ(m.imports[0].path, "std/layers.nn");
  EXPECT_EQ(parsed->where(m.imports[0].location), "2:1-2:23");
  ASSERT_EQ(m.definitions.size(), 2u);

  const ast::Definition& block = m.definitions[0];
  EXPECT_EQ(block.kind, ast::DefinitionKind::kBlock);
  EXPECT_EQ(block.name, "bottleneck");
  EXPECT_EQ(block.doc, "");
  EXPECT_EQ(parsed->where(block.location), "4:1-13:2");
  ASSERT_EQ(block.parameters.size(), 4u);
  EXPECT_EQ(block.parameters[0].name, "x");
  EXPECT_EQ(block.parameters[0].default_value, nullptr);
  EXPECT_EQ(dump(*block.parameters[3].default_value), "false");
  ASSERT_EQ(block.body.size(), 6u);
  EXPECT_EQ(dump(value(block.body[0])),
            "relu((label bn1 batchnorm((label conv1 conv2d(x, planes, kernel=1, bias=false)))))");
  EXPECT_EQ(dump(value(block.body[2])),
            "(label bn3 batchnorm((label conv3 conv2d(out, (* planes 4), kernel=1, bias=false))))");
  EXPECT_EQ(dump(value(block.body[3])), "(if downsample (label scope_free x) x)");
  EXPECT_EQ(parsed->where(block.body[3]->location), "8:5-10:17");
  EXPECT_EQ(block.body[4]->kind, StmtKind::kAssert);
  EXPECT_EQ(dump(value(block.body[4])), "(== (% channels(x) 2) 0)");
  EXPECT_EQ(dump(*block.body[4]->as<ast::AssertStmt>().message), "\"odd channels {channels(x)}\"");
  EXPECT_EQ(block.body[5]->kind, StmtKind::kReturn);
  EXPECT_EQ(dump(*block.body[5]->as<ast::ReturnStmt>().values[0]), "relu((+ out skip))");

  const ast::Definition& model = m.definitions[1];
  EXPECT_EQ(model.kind, ast::DefinitionKind::kModel);
  ASSERT_EQ(model.parameters.size(), 5u);
  EXPECT_FALSE(model.parameters[0].is_const);
  EXPECT_TRUE(model.parameters[4].is_const);
  EXPECT_EQ(model.parameters[4].name, "widen");
  ASSERT_EQ(model.body.size(), 7u);
  ASSERT_EQ(model.body[0]->kind, StmtKind::kInput);
  const auto& input = model.body[0]->as<ast::InputStmt>();
  EXPECT_EQ(input.name.text(), "image");
  EXPECT_EQ(input.dtype.text(), "f32");
  ASSERT_EQ(input.dims.size(), 4u);
  EXPECT_EQ(dump(*input.dims[3]), "width");
  EXPECT_EQ(parsed->where(input.location), "16:5-16:46");
  EXPECT_EQ(dump(value(model.body[1])),
            "maxpool(relu((label bn1 batchnorm((label conv1 conv2d(image, 64, kernel=7, stride=2, padding=3, "
            "bias=false))))), kernel=3, stride=2, padding=1)");

  ASSERT_EQ(model.body[2]->kind, StmtKind::kFor);
  const auto& outer = model.body[2]->as<ast::ForStmt>();
  EXPECT_EQ(outer.index.text(), "stage");
  ASSERT_EQ(outer.pattern.elements.size(), 3u);
  EXPECT_EQ(outer.pattern.elements[1].name, "blocks");
  EXPECT_EQ(dump(*outer.iterable), "[(tuple 64 3 1) (tuple 128 4 2) (tuple 256 6 2) (tuple 512 3 2)]");
  ASSERT_EQ(outer.body.size(), 1u);
  ASSERT_EQ(outer.body[0]->kind, StmtKind::kFor);
  const auto& inner = outer.body[0]->as<ast::ForStmt>();
  EXPECT_EQ(inner.index.text(), "");
  EXPECT_EQ(inner.pattern.name, "i");
  EXPECT_EQ(dump(*inner.iterable), "(.. 0 blocks)");
  ASSERT_EQ(inner.body.size(), 1u);
  EXPECT_EQ(dump(value(inner.body[0])),
            "(label \"layer{(+ stage 1)}.{i}\" bottleneck(x, planes, stride=(if (== i 0) stride 1), downsample=(== i "
            "0)))");

  EXPECT_EQ(model.body[3]->kind, StmtKind::kRepeat);
  EXPECT_EQ(dump(value(model.body[3])), "2");
  ASSERT_EQ(model.body[3]->as<ast::RepeatStmt>().body.size(), 1u);
  ASSERT_EQ(model.body[4]->kind, StmtKind::kScope);
  EXPECT_EQ(dump(*model.body[4]->as<ast::ScopeStmt>().label), "head");
  ASSERT_EQ(model.body[5]->kind, StmtKind::kAssign);
  const auto& split = model.body[5]->as<ast::AssignStmt>();
  EXPECT_EQ(texts(split.targets), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(parsed->where(split.targets[1].location), "29:8-29:9");
  EXPECT_EQ(model.body[6]->kind, StmtKind::kReturn);
}

TEST(Parser, Precedence) {
  EXPECT_EQ(expr("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(expr("a / b // c % d @ e"), "(@ (% (// (/ a b) c) d) e)");
  EXPECT_EQ(expr("a ** b ** c"), "(** a (** b c))");
  EXPECT_EQ(expr("-a ** 2"), "(- (** a 2))");
  EXPECT_EQ(expr("2 ** -1"), "(** 2 (- 1))");
  EXPECT_EQ(expr("- + a"), "(- (+ a))");
  EXPECT_EQ(expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(expr("a + b == c * d"), "(== (+ a b) (* c d))");
  EXPECT_EQ(expr("a < b and c >= d or not e != f"), "(or (and (< a b) (>= c d)) (not (!= e f)))");
  EXPECT_EQ(expr("a or b or c"), "(or (or a b) c)");
  EXPECT_EQ(expr("not not a"), "(not (not a))");
  EXPECT_EQ(expr("0..n + 1"), "(.. 0 (+ n 1))");
  EXPECT_EQ(expr("a <= b"), "(<= a b)");
  EXPECT_EQ(expr("a > b"), "(> a b)");
}

TEST(Parser, Primaries) {
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("1_000_000"), "1000000");
  EXPECT_EQ(expr("170141183460469231731687303715884105727"), "170141183460469231731687303715884105727");
  EXPECT_EQ(expr("1e-5"), "1e-5");
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("_"), "_");
  EXPECT_EQ(expr("()"), "(tuple)");
  EXPECT_EQ(expr("(a,)"), "(tuple a)");
  EXPECT_EQ(expr("(a, b,)"), "(tuple a b)");
  EXPECT_EQ(expr("[]"), "[]");
  EXPECT_EQ(expr("[a, [b], c,]"), "[a [b] c]");
  EXPECT_EQ(expr("x[0][i + 1]"), "(index (index x 0) (+ i 1))");
  EXPECT_EQ(expr("f()"), "f()");
  EXPECT_EQ(expr("f(a, b, c = 1, d = 2,)"), "f(a, b, c=1, d=2)");
  EXPECT_EQ(expr("split(x, 2)[0]"), "(index split(x, 2) 0)");
  EXPECT_EQ(expr("f(a == b)"), "f((== a b))");
  EXPECT_EQ(expr("if a { b } else if c { d } else { e }"), "(if a b (if c d e))");
}

TEST(Parser, FloatValue) {
  auto parsed = parse_body("x = 3.0e2");
  ASSERT_TRUE(parsed->diagnostics.empty());
  const Expr& number = value(parsed->module.definitions[0].body[0]);
  ASSERT_EQ(number.kind, ExprKind::kFloat);
  EXPECT_EQ(number.as<ast::FloatLiteral>().spelling, "3.0e2");
  EXPECT_DOUBLE_EQ(number.as<ast::FloatLiteral>().value, 300.0);
}

TEST(Parser, BinaryLocations) {
  auto parsed = parse_body("x = a + f(b)");
  ASSERT_TRUE(parsed->diagnostics.empty());
  const Expr& value_expr = value(parsed->module.definitions[0].body[0]);
  ASSERT_EQ(value_expr.kind, ExprKind::kBinary);
  const auto& sum = value_expr.as<ast::Binary>();
  EXPECT_EQ(parsed->where(sum.location), "2:5-2:13");
  EXPECT_EQ(parsed->where(sum.operator_location), "2:7-2:8");
  EXPECT_EQ(parsed->where(sum.right->location), "2:9-2:13");
  ASSERT_EQ(sum.right->kind, ExprKind::kCall);
  EXPECT_EQ(parsed->where(sum.right->as<ast::Call>().callee_location()), "2:9-2:10");
}

TEST(Parser, Labels) {
  EXPECT_EQ(expr("conv1: conv2d(x, 64)"), "(label conv1 conv2d(x, 64))");
  EXPECT_EQ(expr("\"layer{s}.{i}\": f(x)"), "(label \"layer{s}.{i}\" f(x))");
  EXPECT_EQ(expr("a: b: f(x)"), "(label a (label b f(x)))");
  EXPECT_EQ(expr("a: x + 1"), "(+ (label a x) 1)");
  EXPECT_EQ(expr("a:\n  f(x)"), "(label a f(x))");
  EXPECT_EQ(expr("f(a: g(x), k = b: h(y))"), "f((label a g(x)), k=(label b h(y)))");

  auto parsed = parse_body("conv1: conv2d(x, 64)");
  ASSERT_TRUE(parsed->diagnostics.empty());
  const Stmt& stmt = *parsed->module.definitions[0].body[0];
  EXPECT_EQ(stmt.kind, StmtKind::kExpr);
  const Expr& labeled = value(&stmt);
  ASSERT_EQ(labeled.kind, ExprKind::kLabeled);
  EXPECT_EQ(parsed->where(labeled.location), "2:1-2:21");
  EXPECT_EQ(parsed->where(labeled.as<ast::Labeled>().label->location), "2:1-2:6");
}

TEST(Parser, NewlineRules) {
  // A line ending with an operator, ',' or '=' continues; inside () and [] newlines do not matter.
  EXPECT_EQ(expr("a +\n  b"), "(+ a b)");
  EXPECT_EQ(expr("f(a,\n  b\n  )"), "f(a, b)");
  EXPECT_EQ(expr("(a\n + b)"), "(+ a b)");
  EXPECT_EQ(expr("[a\n, b]"), "[a b]");
  EXPECT_EQ(expr("\n a"), "a");
  EXPECT_EQ(expr("if c {\n a\n + b\n}\nelse {\n b }"), "(if c (+ a b) b)");

  // At depth 0 an operator, call '(' or index '[' that starts a line begins a new statement.
  auto parsed = parse_body("x = a\n- b\ny = f\n(c)\nz = g\n[d]");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  const auto& body = parsed->module.definitions[0].body;
  ASSERT_EQ(body.size(), 6u);
  EXPECT_EQ(dump(value(body[0])), "a");
  EXPECT_EQ(dump(value(body[1])), "(- b)");
  EXPECT_EQ(dump(value(body[2])), "f");
  EXPECT_EQ(dump(value(body[3])), "c");
  EXPECT_EQ(dump(value(body[4])), "g");
  EXPECT_EQ(dump(value(body[5])), "[d]");

  // A ':' that starts a line is not a label.
  auto colon = parse_body("a\n: f(x)");
  EXPECT_EQ(colon->errors(), std::vector<std::string>{"3:1: expected expression, found ':'"});

  // Two statements on one line.
  auto same_line = parse_body("x = 1 y = 2");
  EXPECT_EQ(same_line->errors(), std::vector<std::string>{"2:7: expected a new line after the statement, found 'y'"});
}

TEST(Parser, Interpolation) {
  auto parsed = parse_body("x = \"layer{i + 1}.{j}\"");
  ASSERT_TRUE(parsed->diagnostics.empty());
  const Expr& literal = value(parsed->module.definitions[0].body[0]);
  ASSERT_EQ(literal.kind, ExprKind::kString);
  std::span<const ast::StringPart> parts = literal.as<ast::StringLiteral>().parts;
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0].text, "layer");
  ASSERT_NE(parts[1].expr, nullptr);
  EXPECT_EQ(parsed->where(parts[1].expr->location), "2:12-2:17");
  ASSERT_EQ(parts[1].expr->kind, ExprKind::kBinary);
  EXPECT_EQ(parsed->where(parts[1].expr->as<ast::Binary>().operator_location), "2:14-2:15");
  EXPECT_EQ(parts[2].text, ".");
  EXPECT_EQ(parsed->where(parts[3].expr->location), "2:20-2:21");

  EXPECT_EQ(expr(R"("a\"b\\c\n\t\{\}{{}}")"), "\"a\"b\\c\n\t{}{}\"");
  EXPECT_EQ(expr(R"("")"), "\"\"");
  EXPECT_EQ(expr(R"("caf\u00e9")"),
            "error 2:9: invalid escape sequence '\\u' in string literal (valid: \\\" \\\\ \\n \\t \\{ \\})\n");
  EXPECT_EQ(expr("\"caf\xC3\xA9\""), "\"caf\xC3\xA9\"");
  EXPECT_EQ(expr(R"("{if c {a} else {b}}")"), "\"{(if c a b)}\"");
  EXPECT_EQ(expr(R"("{f("in{n}")}")"), "\"{f(\"in{n}\")}\"");
  // An interpolation cannot span lines either. (The rest of the broken literal on the next line is not
  // recoverable, so only the first error is checked.)
  auto split = parse_body("x = \"{ f(a,\nb) }\"");
  ASSERT_FALSE(split->diagnostics.empty());
  EXPECT_EQ(split->errors()[0], "2:6: unclosed interpolation in string literal: expected '}'");
}

TEST(Parser, StringErrors) {
  EXPECT_EQ(parse("model m() {\n  x = \"abc")->errors(),
            (std::vector<std::string>{"2:7: unterminated string literal",
                                      "2:11: expected '}' to close '{', found end of file"}));
  EXPECT_EQ(expr("\"abc\ny = 1"), "error 2:5: newline in string literal (string literals are single-line)\n");
  EXPECT_EQ(expr(R"("a\qb")"),
            "error 2:7: invalid escape sequence '\\q' in string literal (valid: \\\" \\\\ \\n \\t "
            "\\{ \\})\n");
  EXPECT_EQ(expr(R"("a{}b")"), "error 2:7: empty interpolation in string literal (write '{{' for a literal brace)\n");
  EXPECT_EQ(expr(R"("a{  }b")"), "error 2:7: empty interpolation in string literal (write '{{' for a literal brace)\n");
  EXPECT_EQ(expr(R"("a{b")"), "error 2:7: unclosed interpolation in string literal: expected '}'\n");
  EXPECT_EQ(expr(R"("a}b")"), "error 2:7: unmatched '}' in string literal (write '}}' for a literal brace)\n");
  EXPECT_EQ(expr(R"("a{b c}")"), "error 2:10: expected '}' to end the interpolation, found 'c'\n");
  EXPECT_EQ(expr(R"("a{b +}")"), "error 2:11: expected expression, found end of interpolation\n");
  EXPECT_EQ(expr(R"("a{$}")"), "error 2:8: unexpected character '$'\n");
  EXPECT_EQ(expr("\"a\xFF\""), "error 2:7: invalid UTF-8 in string literal (source files must be UTF-8)\n");
}

TEST(Parser, ImportErrors) {
  auto parsed = parse("import \"a{x}.nn\"\nimport foo\nimport \"ok.nn\"");
  EXPECT_EQ(parsed->errors(),
            (std::vector<std::string>{"1:8: an import path cannot contain interpolations",
                                      "2:8: expected a string with the imported path after 'import', found 'foo'"}));
  ASSERT_EQ(parsed->module.imports.size(), 1u);
  EXPECT_EQ(parsed->module.imports[0].path, "ok.nn");
}

TEST(Parser, ForLoops) {
  auto parsed = parse_body(
      "for i in 0..4 { }\n"
      "for k, v in items { }\n"
      "for (a, (b, c)) in pairs { }\n"
      "for i, (a, b) in pairs {\n  x = a\n}");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  const auto& body = parsed->module.definitions[0].body;
  ASSERT_EQ(body.size(), 4u);
  for (const Stmt* stmt : body) ASSERT_EQ(stmt->kind, StmtKind::kFor);
  auto loop = [&](std::size_t i) -> const ast::ForStmt& { return body[i]->as<ast::ForStmt>(); };
  EXPECT_EQ(loop(0).pattern.name, "i");
  EXPECT_EQ(loop(1).index.text(), "k");
  EXPECT_EQ(parsed->where(loop(1).index.location), "3:5-3:6");
  EXPECT_EQ(loop(1).pattern.name, "v");
  const ast::Pattern& nested = loop(2).pattern;
  ASSERT_EQ(nested.elements.size(), 2u);
  EXPECT_EQ(nested.elements[0].name, "a");
  ASSERT_EQ(nested.elements[1].elements.size(), 2u);
  EXPECT_EQ(nested.elements[1].elements[1].name, "c");
  EXPECT_EQ(parsed->where(nested.location), "4:5-4:16");
  EXPECT_EQ(loop(3).index.text(), "i");
  EXPECT_EQ(loop(3).pattern.elements.size(), 2u);
  EXPECT_EQ(loop(3).body.size(), 1u);
}

TEST(Parser, IfStatements) {
  auto parsed = parse_body(
      "if a { x = 1 }\n"
      "if a {\n  x = 1\n} else {\n  x = 2\n}\n"
      "if a { x = 1 } else if b { x = 2 } else if c { x = 3 }\n"
      "if a { x = 1 }\nelse if b { x = 2 }\nelse { x = 3 }");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  const auto& body = parsed->module.definitions[0].body;
  ASSERT_EQ(body.size(), 4u);
  for (const Stmt* stmt : body) ASSERT_EQ(stmt->kind, StmtKind::kIf);
  auto branches = [&](std::size_t i) -> const ast::IfStmt& { return body[i]->as<ast::IfStmt>(); };
  EXPECT_EQ(branches(0).branches.size(), 1u);
  EXPECT_FALSE(branches(0).has_else);
  EXPECT_TRUE(branches(1).has_else);
  EXPECT_EQ(branches(1).else_body.size(), 1u);
  EXPECT_EQ(branches(2).branches.size(), 3u);
  EXPECT_EQ(dump(*branches(2).branches[2].condition), "c");
  EXPECT_EQ(branches(2).branches[2].body.size(), 1u);
  EXPECT_FALSE(branches(2).has_else);
  EXPECT_EQ(branches(3).branches.size(), 2u);
  EXPECT_TRUE(branches(3).has_else);
}

TEST(Parser, IfExpressionErrors) {
  EXPECT_EQ(expr("if a { b }"), "error 3:1: expected 'else' (an if-expression needs an else branch), found '}'\n");
  EXPECT_EQ(expr("1 + if a { b } else { c }"),
            "error 2:9: an if-expression cannot be an operand here; put it in parentheses\n");
  EXPECT_EQ(expr("(1 + (if a { b } else { c }))"), "(+ 1 (if a b c))");
}

TEST(Parser, OtherStatements) {
  auto parsed = parse_body(
      "input tokens: i64[]\n"
      "assert n > 0\n"
      "return a, b, c\n"
      "scope \"stage{i}\" { f(x) }\n"
      "_ = f(x)");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  const auto& body = parsed->module.definitions[0].body;
  ASSERT_EQ(body.size(), 5u);
  ASSERT_EQ(body[0]->kind, StmtKind::kInput);
  EXPECT_TRUE(body[0]->as<ast::InputStmt>().dims.empty());
  EXPECT_EQ(body[0]->as<ast::InputStmt>().dtype.text(), "i64");
  EXPECT_EQ(parsed->where(body[0]->as<ast::InputStmt>().dtype.location), "2:15-2:18");
  ASSERT_EQ(body[1]->kind, StmtKind::kAssert);
  EXPECT_EQ(body[1]->as<ast::AssertStmt>().message, nullptr);
  ASSERT_EQ(body[2]->kind, StmtKind::kReturn);
  EXPECT_EQ(body[2]->as<ast::ReturnStmt>().values.size(), 3u);
  ASSERT_EQ(body[3]->kind, StmtKind::kScope);
  EXPECT_EQ(dump(*body[3]->as<ast::ScopeStmt>().label), "\"stage{i}\"");
  EXPECT_EQ(body[3]->as<ast::ScopeStmt>().body.size(), 1u);
  EXPECT_EQ(body[3]->as<ast::ScopeStmt>().body[0]->kind, StmtKind::kExpr);
  ASSERT_EQ(body[4]->kind, StmtKind::kAssign);
  EXPECT_EQ(texts(body[4]->as<ast::AssignStmt>().targets), std::vector<std::string>{"_"});
}

TEST(Parser, Docs) {
  auto parsed = parse(
      "# Module doc.\n"
      "#   indented\n"
      "#\n"
      "\n"
      "# About blk.\n"
      "#no space\n"
      "block blk() {\n"
      "  # not a doc\n"
      "}\n"
      "\n"
      "# Detached.\n"
      "\n"
      "model m() { }  # trailing\n"
      "  # Indented doc.\n"
      "  model n() { }\n");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  EXPECT_EQ(parsed->module.doc, "Module doc.\n  indented\n");
  ASSERT_EQ(parsed->module.definitions.size(), 3u);
  EXPECT_EQ(parsed->module.definitions[0].doc, "About blk.\nno space");
  EXPECT_EQ(parsed->module.definitions[1].doc, "");
  EXPECT_EQ(parsed->module.definitions[2].doc, "Indented doc.");

  auto none = parse("\n# Not at the top.\nmodel m() {}");
  EXPECT_EQ(none->module.doc, "");
  EXPECT_EQ(none->module.definitions[0].doc, "Not at the top.");
}

TEST(Parser, DefinitionHeaders) {
  auto parsed = parse(
      "block a(x, y = 1, z) { }\n"
      "block b(const x = 1) { }\n"
      "model c(x, y = 2,) { }\n");
  EXPECT_EQ(parsed->errors(),
            (std::vector<std::string>{"1:19: parameter 'z' without a default follows a parameter with a default",
                                      "2:9: 'const' is only allowed on model parameters",
                                      "3:9: model parameter 'x' needs a default value"}));
  EXPECT_EQ(parsed->module.definitions.size(), 3u);
}

TEST(Parser, AssignmentInAConditionSuggestsComparison) {
  auto parsed = parse(
      "model m(n = 1) {\n"
      "    if n = 1 {\n"
      "        y = 2\n"
      "    }\n"
      "    z = if n = 2 { 1 } else { 0 }\n"
      "    assert z = 1, \"no\"\n"
      "}\n");
  EXPECT_EQ(parsed->errors(), (std::vector<std::string>{
                                  "2:10: '=' assigns a value and cannot be part of a condition; did you mean '=='?",
                                  "5:14: '=' assigns a value and cannot be part of a condition; did you mean '=='?",
                                  "6:14: '=' assigns a value and cannot be part of a condition; did you mean '=='?"}));
  // Read as the comparison, so the rest of the file parses without further errors.
  ASSERT_EQ(parsed->module.definitions.size(), 1u);
  ast::Body body = parsed->module.definitions[0].body;
  ASSERT_EQ(body.size(), 3u);
  const auto& condition = body[0]->as<ast::IfStmt>().branches[0].condition->as<ast::Binary>();
  EXPECT_EQ(condition.op, "==");
  EXPECT_EQ(parsed->where(condition.operator_location), "2:10-2:11");
}

TEST(Parser, ErrorMessages) {
  EXPECT_EQ(expr("f(a, b"), "error 3:1: expected ')' to close '(', found '}'\n");
  EXPECT_EQ(expr("[a, b"), "error 3:1: expected ']' to close '[', found '}'\n");
  EXPECT_EQ(expr("a + * b"), "error 2:9: expected expression, found '*'\n");
  EXPECT_EQ(expr("f(a = 1, b)"), "error 2:14: positional argument follows a named argument\n");
  EXPECT_EQ(expr("(a)(b)"), "error 2:8: only names can be called\n");
  EXPECT_EQ(expr("f(a)(b)"), "error 2:9: only names can be called\n");
  EXPECT_EQ(expr("a < b < c"), "error 2:11: comparison operators cannot be chained; combine comparisons with 'and'\n");
  EXPECT_EQ(expr("0..1..2"), "error 2:9: ranges cannot be chained\n");
  EXPECT_EQ(expr("99999999999999999999999999999999999999999"),
            "error 2:5: integer literal too large (the limit is 2^127 - 1)\n");

  auto parsed = parse_body("f(x)[0] = 1");
  EXPECT_EQ(parsed->errors(), std::vector<std::string>{"2:9: only names can be assigned to"});

  // The note points at the opening bracket.
  auto paren = parse_body("x = f(a, b c)");
  ASSERT_EQ(paren->diagnostics.size(), 1u);
  EXPECT_EQ(paren->errors()[0], "2:12: expected ')' to close '(', found 'c'");
  ASSERT_EQ(paren->diagnostics[0].notes.size(), 1u);
  EXPECT_EQ(paren->where(paren->diagnostics[0].notes[0].location), "2:6-2:7");

  auto top = parse("x = 1\nmodel m() {}");
  EXPECT_EQ(top->errors(), std::vector<std::string>{"1:1: expected 'model', 'block' or 'import', found 'x'"});
  EXPECT_EQ(top->module.definitions.size(), 1u);

  auto unclosed = parse("model m() {\n  for i in x {\n    y = 1\n");
  EXPECT_EQ(unclosed->errors(), std::vector<std::string>{"4:1: expected '}' to close '{', found end of file"});
  ASSERT_EQ(unclosed->module.definitions.size(), 1u);
  EXPECT_EQ(unclosed->module.definitions[0].body.size(), 1u);
}

TEST(Parser, RecoveryWithoutCascades) {
  auto parsed = parse(
      "model m() {\n"
      "  a = f(1, 2\n"      // 2: unclosed paren; recovery must not eat the rest of the body
      "  b = )\n"           // 3
      "  for x y in z {\n"  // 4: error in a header; the whole for (with its body) is skipped
      "    for j in k { }\n"
      "  }\n"
      "  c = 1 + $ + 2\n"  // 7: lexer error only, no parser error on top
      "  d = [1,\n"        // 8: newlines inside [] are fine
      "       2]\n"
      "  e = ok\n"
      "}\n"
      "block bad(x y) {\n"  // 12: error in a header: skip to the next definition
      "  z = (((\n"
      "}\n"
      "block good() { return 1 }\n"
      "model n() {\n"
      "  x = \"unterminated\n"  // 17
      "  y = 2\n"
      "}\n");
  EXPECT_EQ(parsed->errors(),
            (std::vector<std::string>{
                "3:3: expected ')' to close '(', found 'b'", "4:9: expected 'in' after the loop variables, found 'y'",
                "7:11: unexpected character '$'", "12:13: expected ',' or ')' to close '(', found 'y'",
                "17:7: newline in string literal (string literals are single-line)"}));
  const auto& defs = parsed->module.definitions;
  ASSERT_EQ(defs.size(), 3u);
  EXPECT_EQ(defs[0].name, "m");
  ASSERT_EQ(defs[0].body.size(), 2u);  // d and e
  EXPECT_EQ(texts(defs[0].body[0]->as<ast::AssignStmt>().targets), std::vector<std::string>{"d"});
  EXPECT_EQ(defs[1].name, "good");
  EXPECT_EQ(defs[2].name, "n");
  ASSERT_EQ(defs[2].body.size(), 1u);
  EXPECT_EQ(texts(defs[2].body[0]->as<ast::AssignStmt>().targets), std::vector<std::string>{"y"});
}

TEST(Parser, StrayClosersAtTopLevel) {
  auto parsed = parse("}\n)\nmodel m() { x = 1 }\n}");
  EXPECT_EQ(parsed->errors(), (std::vector<std::string>{"1:1: expected 'model', 'block' or 'import', found '}'",
                                                        "4:1: expected 'model', 'block' or 'import', found '}'"}));
  EXPECT_EQ(parsed->module.definitions.size(), 1u);
}

TEST(Parser, TooManyErrors) {
  std::string body;
  for (int i = 0; i < 80; ++i) body += "x = )\n";
  auto parsed = parse_body(body);
  ASSERT_EQ(parsed->diagnostics.size(), kMaxErrors + 1);
  EXPECT_EQ(parsed->diagnostics.back().message, "too many errors; stopping");
  EXPECT_EQ(parsed->errors()[49], "51:5: expected expression, found ')'");
}

TEST(Parser, NestingLimit) {
  auto nested = [](std::size_t depth) { return std::string(depth, '(') + "x" + std::string(depth, ')'); };
  EXPECT_EQ(expr(nested(200)), "x");
  std::string deep = expr(nested(300));
  EXPECT_NE(deep.find("expression nested too deeply (limit 256)"), std::string::npos) << deep;
  EXPECT_EQ(deep.find('\n'), deep.size() - 1) << "exactly one error: " << deep;

  std::string long_sum = "x";
  for (int i = 0; i < 1000; ++i) long_sum += " + x";
  EXPECT_NE(expr(long_sum).find("expression nested too deeply"), std::string::npos);
  std::string minuses(1000, '-');
  EXPECT_NE(expr(minuses + "x").find("expression nested too deeply"), std::string::npos);
  std::string indexes = "x";
  for (int i = 0; i < 1000; ++i) indexes += "[0]";
  EXPECT_NE(expr(indexes).find("expression nested too deeply"), std::string::npos);
  std::string labels;
  for (int i = 0; i < 1000; ++i) labels += "a: ";
  EXPECT_NE(expr(labels + "x").find("expression nested too deeply"), std::string::npos);
  std::string powers = "x";
  for (int i = 0; i < 1000; ++i) powers += " ** x";
  EXPECT_NE(expr(powers).find("expression nested too deeply"), std::string::npos);
  std::string ifs;
  for (int i = 0; i < 1000; ++i) ifs += "if c { a } else ";
  EXPECT_NE(expr(ifs + "{ b }").find("expression nested too deeply"), std::string::npos);

  std::string loops;
  for (int i = 0; i < 1000; ++i) loops += "for i in x {\n";
  for (int i = 0; i < 1000; ++i) loops += "}\n";
  auto parsed = parse_body(loops);
  ASSERT_EQ(parsed->diagnostics.size(), 1u);
  EXPECT_NE(parsed->diagnostics[0].message.find("nested too deeply (limit 256)"), std::string::npos);

  std::string patterns = "for " + std::string(1000, '(') + "a" + std::string(1000, ')') + " in x { }";
  EXPECT_EQ(parse_body(patterns)->diagnostics.size(), 1u);

  std::string interpolations = "x = \"";
  for (int i = 0; i < 300; ++i) interpolations += "{(";
  EXPECT_FALSE(parse_body(interpolations)->diagnostics.empty());
}

TEST(Parser, TreeOfAFlatModelIsSmall) {
  // Generated models reach a million statements and their tree is held during elaboration, so it must stay
  // near 200 bytes a statement (nodes in the module's arena, names as views into the source text).
  constexpr std::size_t kStatements = 10'000;
  std::string text = "model flat(batch = 1, width = 64) {\n  input x: f32[batch, width]\n";
  for (std::size_t i = 0; i < kStatements; i += 2) {
    text += "  x = fc" + std::to_string(i) + ": linear(x, width)\n  x = relu(x)\n";
  }
  text += "  return x\n}\n";
  auto parsed = parse(text);
  ASSERT_TRUE(parsed->diagnostics.empty());
  ASSERT_EQ(parsed->module.definitions[0].body.size(), kStatements + 2);
  EXPECT_LE(parsed->module.arena.bytes_used(), 256 * kStatements);
  EXPECT_EQ(dump(value(parsed->module.definitions[0].body[3])), "(label fc2 linear(x, width))");
}

TEST(Parser, HugeInputs) {
  // 200,000 '(' report one error and do not overflow the stack.
  auto parens = parse_body("x = " + std::string(200000, '('));
  ASSERT_EQ(parens->diagnostics.size(), 1u);
  EXPECT_EQ(parens->errors()[0], "2:260: expression nested too deeply (limit 256)");

  // 20 MiB on one line, in a few shapes.
  const std::size_t kSize = 20u << 20;
  std::string sum = "x = a";
  while (sum.size() < kSize) sum += " + a";
  EXPECT_EQ(parse_body(sum)->diagnostics.size(), 1u);

  std::string string = "x = \"" + std::string(kSize, 'a') + "\"";
  auto long_string = parse_body(string);
  ASSERT_TRUE(long_string->diagnostics.empty());
  EXPECT_EQ(value(long_string->module.definitions[0].body[0]).as<ast::StringLiteral>().parts[0].text.size(), kSize);

  std::string list = "x = [";
  while (list.size() < kSize) list += "a,b,c,d,e,f,g,";
  list += "]";
  // A list of millions of elements is refused with one error (kMaxElements) instead of building a node each.
  auto long_list = parse_body(list);
  ASSERT_EQ(long_list->diagnostics.size(), 1u);
  EXPECT_NE(long_list->errors()[0].find("more than 100000 elements in one list"), std::string::npos);
  std::string at_limit = "x = [";
  for (std::size_t i = 0; i < kMaxElements; ++i) at_limit += "1,";
  EXPECT_TRUE(parse_body(at_limit + "]")->diagnostics.empty());

  EXPECT_EQ(parse_body("x = " + std::string(kSize, '$'))->diagnostics.size(), 1u);
  EXPECT_EQ(parse_body("# " + std::string(kSize, 'c'))->diagnostics.size(), 0u);
  std::string binary(kSize, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = static_cast<char>(i * 7919 % 251);
  EXPECT_LE(parse(binary)->diagnostics.size(), kMaxErrors + 1);
}

TEST(Parser, ByteOrderMarkAndCrlf) {
  auto parsed = parse("\xEF\xBB\xBF# Doc.\r\nmodel m() {\r\n  x = 1 +\r\n    2\r\n}\r\n");
  ASSERT_EQ(parsed->errors(), std::vector<std::string>{});
  EXPECT_EQ(parsed->module.doc, "Doc.");
  EXPECT_EQ(dump(value(parsed->module.definitions[0].body[0])), "(+ 1 2)");
}

TEST(Parser, EmptyFile) {
  auto parsed = parse("");
  EXPECT_TRUE(parsed->diagnostics.empty());
  EXPECT_TRUE(parsed->module.definitions.empty());
}

}  // namespace
}  // namespace nnscope::syntax
