#include "symbolic/expr.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <unordered_set>
#include <vector>

namespace nnscope::sym {

// Readable failure messages.
void PrintTo(const Expr& e, std::ostream* os) { *os << e.to_string(); }
void PrintTo(const Rational& r, std::ostream* os) { *os << r.to_string(); }

namespace {

Expr S(std::string_view name) { return Expr::symbol(name); }
std::string U(const Expr& e) { return e.to_string(PrintStyle::kUnicode); }
std::string A(const Expr& e) { return e.to_string(PrintStyle::kAscii); }
std::string I(Int v) { return to_string(v); }

Bindings Bind(std::initializer_list<std::pair<std::string_view, Int>> values) {
  Bindings b;
  for (const auto& [name, value] : values) b.set(name, value);
  return b;
}

const Int kMax = static_cast<Int>(~static_cast<unsigned __int128>(0) >> 1);
const Int kTen20 = static_cast<Int>(10000000000LL) * 10000000000LL;

// Reference floor division on machine integers, for cross-checking symbolic results.
long long FloorDiv(long long a, long long b) {
  long long q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// ------------------------------------------------------------------------------------------------------------
// Construction and canonical equality

TEST(ExprBasics, ZeroAndConstants) {
  Expr zero;
  EXPECT_TRUE(zero.is_zero());
  EXPECT_TRUE(zero.is_constant());
  EXPECT_EQ(zero, Expr(0));
  EXPECT_EQ(zero.constant_value(), Rational(0));
  EXPECT_EQ(I(*zero.integer_value()), "0");
  Expr five(5);
  EXPECT_FALSE(five.is_zero());
  EXPECT_TRUE(five.is_constant());
  EXPECT_EQ(I(*five.integer_value()), "5");
  Expr half = Expr::constant(Rational(1, 2));
  EXPECT_TRUE(half.is_constant());
  EXPECT_EQ(*half.constant_value(), Rational(1, 2));
  EXPECT_FALSE(half.integer_value().has_value());
  EXPECT_EQ(Expr::constant(Rational(4, 2)), Expr(2));
  EXPECT_EQ(Expr(300) + Expr(400), Expr(700));  // beyond the small-literal cache
  EXPECT_FALSE(S("x").is_constant());
  EXPECT_FALSE(S("x").constant_value().has_value());
  EXPECT_FALSE(S("x").integer_value().has_value());
  EXPECT_THROW(S(""), DomainError);
}

TEST(ExprBasics, SymbolsAreInterned) {
  EXPECT_EQ(S("batch"), S("batch"));
  EXPECT_NE(S("batch"), S("seq"));
  EXPECT_EQ(S("batch").hash(), S("batch").hash());
}

TEST(ExprCanonical, DifferenceOfSquares) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ((a + b) * (a - b), a * a - b * b);
  EXPECT_EQ(((a + b) * (a - b)).hash(), (a * a - b * b).hash());
}

TEST(ExprCanonical, SelfCancellation) {
  Expr x = S("x");
  Expr d = x - x;
  EXPECT_EQ(d, Expr(0));
  EXPECT_TRUE(d.is_zero());
  EXPECT_TRUE(d.is_constant());
  EXPECT_TRUE((x * S("y") - S("y") * x).is_zero());
  EXPECT_EQ(x + 3 - x, Expr(3));
}

TEST(ExprCanonical, OrderIndependent) {
  Expr a = S("a"), b = S("b"), c = S("c");
  EXPECT_EQ(a + b + c, c + (b + a));
  EXPECT_EQ(a * b * c, c * a * b);
  EXPECT_EQ((a + 1) * (b + 2), a * b + 2 * a + b + 2);
  EXPECT_EQ(Expr::pow(a + b, 2), a * a + 2 * a * b + b * b);
  EXPECT_EQ(Expr::pow(a + 1, 3), a * a * a + 3 * a * a + 3 * a + 1);
  EXPECT_EQ(Expr::pow(a + b, 0), Expr(1));
  EXPECT_EQ(Expr::pow(a, 1), a);
  EXPECT_EQ(-(a - b), b - a);
  Expr acc = a;
  acc += b;
  acc *= 2;
  acc -= b;
  EXPECT_EQ(acc, 2 * a + b);
}

TEST(ExprCanonical, HashUsableInContainers) {
  Expr a = S("a"), b = S("b");
  std::unordered_set<Expr> set;
  set.insert(a * b + 1);
  set.insert(b * a + 1);
  set.insert((a + 1) * (b + 1) - a - b);
  EXPECT_EQ(set.size(), 1u);
  set.insert(a * b);
  EXPECT_EQ(set.size(), 2u);
}

TEST(ExprCanonical, RationalCoefficients) {
  Expr x = S("x");
  Expr half_x = Expr::divide(x, 2);
  EXPECT_EQ(half_x + half_x, x);
  EXPECT_EQ(half_x * 2, x);
  EXPECT_EQ(Expr::constant(Rational(1, 3)) * 3, Expr(1));
}

// ------------------------------------------------------------------------------------------------------------
// Overflow

TEST(ExprOverflow, Throws) {
  EXPECT_THROW(Expr(kTen20) * Expr(kTen20), OverflowError);
  EXPECT_THROW(Expr(kMax) + Expr(1), OverflowError);
  Expr x = S("x");
  EXPECT_THROW((Expr(kTen20) * x) * (Expr(kTen20) * x), OverflowError);
  EXPECT_THROW((x * x).evaluate(Bind({{"x", kTen20}})), OverflowError);
  EXPECT_THROW(Expr::pow(x, 200).evaluate(Bind({{"x", 2}})), OverflowError);
  EXPECT_EQ(I(Expr::pow(x, 126).evaluate_integer(Bind({{"x", 2}}))), "85070591730234615865843651857942052864");
}

// ------------------------------------------------------------------------------------------------------------
// Evaluation

TEST(ExprEvaluate, BertLikeFormula) {
  Expr B = S("B"), Sq = S("S");
  Expr layer = 4 * B * Sq * Expr::pow(768, 2) + 2 * B * Sq * Sq * 768 + 2 * B * Sq * 768 * 3072;
  Expr total = 12 * layer + B * Expr::pow(768, 2);
  EXPECT_EQ(U(total), "18432·B·S² + 84934656·B·S + 589824·B");
  EXPECT_EQ(total.degree("S"), 2);
  EXPECT_EQ(total.degree("B"), 1);
  struct Case {
    long long b, s;
    const char* expected;  // 12·(4·b·s·768² + 2·b·s²·768 + 2·b·s·768·3072) + b·768², by hand
  };
  for (const Case& c : {Case{1, 1, "85542912"}, Case{1, 128, "11174215680"}, Case{8, 512, "386551775232"},
                        Case{32, 4096, "21028178755584"}}) {
    Bindings bind = Bind({{"B", c.b}, {"S", c.s}});
    long long b = c.b, s = c.s;
    long long direct = 12 * (4 * b * s * 768 * 768 + 2 * b * s * s * 768 + 2 * b * s * 768 * 3072) + b * 768 * 768;
    EXPECT_EQ(I(total.evaluate_integer(bind)), c.expected);
    EXPECT_EQ(I(total.evaluate_integer(bind)), I(direct));
  }
}

TEST(ExprEvaluate, UnboundSymbolNamed) {
  Expr e = S("batch") * S("seq");
  try {
    e.evaluate(Bind({{"batch", 2}}));
    FAIL() << "expected DomainError";
  } catch (const DomainError& err) {
    EXPECT_NE(std::string(err.what()).find("unbound symbol 'seq'"), std::string::npos) << err.what();
  }
  // Also inside an atom.
  Expr f = Expr::floordiv(S("height"), 2);
  try {
    f.evaluate(Bindings());
    FAIL() << "expected DomainError";
  } catch (const DomainError& err) {
    EXPECT_NE(std::string(err.what()).find("unbound symbol 'height'"), std::string::npos) << err.what();
  }
}

TEST(ExprEvaluate, RationalAndInteger) {
  Expr x = S("x");
  Expr half = Expr::divide(x, 2);
  EXPECT_EQ(half.evaluate(Bind({{"x", 3}})), Rational(3, 2));
  EXPECT_THROW(half.evaluate_integer(Bind({{"x", 3}})), DomainError);
  EXPECT_EQ(I(half.evaluate_integer(Bind({{"x", 4}}))), "2");
  EXPECT_EQ(Expr(7).evaluate(Bindings()), Rational(7));
  EXPECT_EQ(Expr().evaluate(Bindings()), Rational(0));
}

TEST(ExprEvaluate, NegativeExponents) {
  Expr per_head = Expr::divide(S("hidden"), S("heads"));
  EXPECT_EQ(I(per_head.evaluate_integer(Bind({{"hidden", 768}, {"heads", 12}}))), "64");
  EXPECT_EQ(per_head.evaluate(Bind({{"hidden", 10}, {"heads", 4}})), Rational(5, 2));
  EXPECT_THROW(per_head.evaluate(Bind({{"hidden", 10}, {"heads", 0}})), DomainError);
  Expr inv_sq = Expr::divide(1, S("x") * S("x"));
  EXPECT_EQ(inv_sq.evaluate(Bind({{"x", 3}})), Rational(1, 9));
}

TEST(ExprEvaluate, FloorMinMaxQuotientAtoms) {
  Expr x = S("x"), y = S("y");
  Expr f = Expr::floordiv(x, 2);
  EXPECT_EQ(I(f.evaluate_integer(Bind({{"x", 7}}))), "3");
  EXPECT_EQ(I(f.evaluate_integer(Bind({{"x", -3}}))), "-2");
  Expr g = Expr::floordiv(x, y);
  EXPECT_EQ(I(g.evaluate_integer(Bind({{"x", 7}, {"y", -2}}))), "-4");
  EXPECT_THROW(g.evaluate(Bind({{"x", 7}, {"y", 0}})), DomainError);
  EXPECT_EQ(I(Expr::min(x, y).evaluate_integer(Bind({{"x", 2}, {"y", 7}}))), "2");
  EXPECT_EQ(I(Expr::max(x, y).evaluate_integer(Bind({{"x", 2}, {"y", 7}}))), "7");
  Expr q = Expr::divide(x + 1, x + y);
  EXPECT_EQ(I(q.evaluate_integer(Bind({{"x", 5}, {"y", -3}}))), "3");
  EXPECT_EQ(I(q.evaluate_integer(Bind({{"x", 5}, {"y", 1}}))), "1");
  EXPECT_THROW(q.evaluate(Bind({{"x", 5}, {"y", 2}})), DomainError);   // 6/7 is not exact
  EXPECT_THROW(q.evaluate(Bind({{"x", 5}, {"y", -5}})), DomainError);  // division by zero
}

// ------------------------------------------------------------------------------------------------------------
// Floor division

TEST(ExprFloorDiv, Constants) {
  EXPECT_EQ(Expr::floordiv(7, 2), Expr(3));
  EXPECT_EQ(Expr::floordiv(-7, 2), Expr(-4));
  EXPECT_EQ(Expr::floordiv(7, -2), Expr(-4));
  EXPECT_EQ(Expr::floordiv(Expr::constant(Rational(7, 2)), 1), Expr(3));
  EXPECT_EQ(Expr::floordiv(0, S("x")), Expr(0));
  EXPECT_THROW(Expr::floordiv(S("x"), 0), DomainError);
  EXPECT_THROW(Expr::floordiv(5, 0), DomainError);
  EXPECT_THROW(Expr::floordiv(S("x"), S("y") - S("y")), DomainError);
}

TEST(ExprFloorDiv, RequiredIdentities) {
  Expr h = S("h"), b = S("b");
  EXPECT_EQ(Expr::floordiv(h - 1, 2) + 1, Expr::floordiv(h + 1, 2));
  EXPECT_EQ(Expr::floordiv(Expr::floordiv(h + 1, 2) + 1, 2), Expr::floordiv(h + 3, 4));
  EXPECT_EQ(Expr::floordiv(4 * b * h + 6, 2), 2 * b * h + 3);
  EXPECT_EQ(Expr::floordiv(2 * h + 3, 2), h + 1);
  EXPECT_EQ(Expr::floordiv(h, 1), h);
}

TEST(ExprFloorDiv, ResNetStem) {
  Expr h = S("h");
  Expr conv = Expr::floordiv(h + 2 * 3 - 7, 2) + 1;  // k7 s2 p3
  EXPECT_EQ(conv, Expr::floordiv(h + 1, 2));
  Expr pool = Expr::floordiv(conv + 2 * 1 - 3, 2) + 1;  // k3 s2 p1
  EXPECT_EQ(pool, Expr::floordiv(h + 3, 4));
  EXPECT_EQ(I(pool.evaluate_integer(Bind({{"h", 224}}))), "56");
  EXPECT_EQ(pool.size(), Expr::floordiv(h + 3, 4).size());
}

TEST(ExprFloorDiv, MovesDivisibleTermsOut) {
  Expr h = S("h"), w = S("w");
  EXPECT_EQ(Expr::floordiv(4 * h + w + 5, 2), 2 * h + 2 + Expr::floordiv(w + 1, 2));
  EXPECT_EQ(Expr::floordiv(h - 5, 2), Expr::floordiv(h + 1, 2) - 3);
}

TEST(ExprFloorDiv, ContentIsDividedOut) {
  Expr h = S("h");
  EXPECT_EQ(Expr::floordiv(2 * h + 2, 4), Expr::floordiv(h + 1, 2));
  EXPECT_EQ(Expr::floordiv(6 * h, 4), Expr::floordiv(3 * h, 2));
  // After dividing out the content a nested floor gets coefficient 1 and flattens.
  EXPECT_EQ(Expr::floordiv(2 * Expr::floordiv(h, 3) + 2, 4), Expr::floordiv(h + 3, 6));
}

TEST(ExprFloorDiv, NegativeAndRationalDivisors) {
  Expr h = S("h");
  EXPECT_EQ(Expr::floordiv(h, -2), Expr::floordiv(-h, 2));
  EXPECT_EQ(Expr::floordiv(h + 3, -4), Expr::floordiv(-h - 3, 4));
  // floor(h / (3/2)) = floor(2h / 3)
  EXPECT_EQ(Expr::floordiv(h, Expr::constant(Rational(3, 2))), Expr::floordiv(2 * h, 3));
  // floor((h/2) / 3) = floor(h / 6)
  EXPECT_EQ(Expr::floordiv(Expr::divide(h, 2), 3), Expr::floordiv(h, 6));
}

TEST(ExprFloorDiv, NegativeLeadingNumeratorIsNormalised) {
  Expr h = S("h"), w = S("w");
  EXPECT_EQ(Expr::floordiv(-h, 6), -Expr::floordiv(h + 5, 6));
  EXPECT_EQ(-Expr::floordiv(-h, 6), Expr::ceildiv(h, 6));
  EXPECT_EQ(Expr::ceildiv(Expr::divide(h, 2), 3), Expr::ceildiv(h, 6));
  EXPECT_EQ(U(Expr::floordiv(-h, 2)), "-⌈h/2⌉");
  EXPECT_EQ(Expr::floordiv(Expr::floordiv(-h, 3) - 1, 2), Expr::floordiv(-h - 3, 6));
  for (long long hv = -30; hv <= 30; ++hv) {
    for (long long wv = -5; wv <= 5; ++wv) {
      Bindings b = Bind({{"h", hv}, {"w", wv}});
      ASSERT_EQ(I(Expr::floordiv(w - 3 * h, 4).evaluate_integer(b)), I(FloorDiv(wv - 3 * hv, 4)));
      ASSERT_EQ(I(Expr::floordiv(Expr::floordiv(-h, 3) + w, 2).evaluate_integer(b)),
                I(FloorDiv(FloorDiv(-hv, 3) + wv, 2)));
      ASSERT_EQ(I(Expr::floordiv(-Expr::floordiv(h + 1, 3) + w, 2).evaluate_integer(b)),
                I(FloorDiv(-FloorDiv(hv + 1, 3) + wv, 2)));
    }
  }
}

TEST(ExprPrint, IndependentOfCreationOrder) {
  Expr late = S("zz_made_first");
  Expr early = S("aa_made_second");
  EXPECT_EQ(U(late + early), "aa_made_second + zz_made_first");
  EXPECT_EQ(U(late * early), "aa_made_second·zz_made_first");
  EXPECT_EQ(U(Expr::min(late, early)), "min(aa_made_second, zz_made_first)");
  EXPECT_EQ(U(Expr::floordiv(late, 2) + Expr::floordiv(early, 2)), "⌊aa_made_second/2⌋ + ⌊zz_made_first/2⌋");
}

TEST(ExprFloorDiv, SymbolicDivisor) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(Expr::floordiv(6 * a * b, 2 * a * b), Expr(3));
  EXPECT_EQ(Expr::floordiv(3 * a + 3 * b, a + b), Expr(3));
  EXPECT_EQ(Expr::floordiv(-2 * a - 2 * b, a + b), Expr(-2));
  Expr opaque = Expr::floordiv(a, b);
  EXPECT_FALSE(opaque.is_constant());
  EXPECT_EQ(opaque, Expr::floordiv(a, b));
  EXPECT_EQ(opaque, Expr::floordiv(-a, -b));
  EXPECT_NE(opaque, Expr::floordiv(b, a));
  EXPECT_EQ(U(opaque), "⌊a/b⌋");
}

TEST(ExprFloorDiv, ConvPoolChainsAgreeWithDirectArithmetic) {
  Expr h = S("h");
  struct Layer {
    long long k, s, p;
  };
  const std::vector<Layer> layers = {{7, 2, 3}, {3, 2, 1}, {3, 1, 1}, {1, 2, 0}, {3, 2, 1}, {5, 3, 2}, {2, 2, 0}};
  Expr e = h;
  for (const Layer& l : layers) e = Expr::floordiv(e + 2 * l.p - l.k, l.s) + 1;
  // Every floor flattens into one.
  EXPECT_LE(e.size(), 12u) << U(e);
  for (long long v = 1; v <= 400; ++v) {
    long long direct = v;
    for (const Layer& l : layers) direct = FloorDiv(direct + 2 * l.p - l.k, l.s) + 1;
    ASSERT_EQ(I(e.evaluate_integer(Bind({{"h", v}}))), I(direct)) << "h=" << v << " " << U(e);
  }
}

TEST(ExprCeilDiv, Forms) {
  Expr h = S("h"), b = S("b");
  EXPECT_EQ(Expr::ceildiv(h, 32), Expr::floordiv(h + 31, 32));
  EXPECT_EQ(Expr::ceildiv(7, 2), Expr(4));
  EXPECT_EQ(Expr::ceildiv(-7, 2), Expr(-3));
  EXPECT_EQ(Expr::ceildiv(7, -2), Expr(-3));
  EXPECT_EQ(Expr::ceildiv(h, b), -Expr::floordiv(-h, b));
  EXPECT_EQ(Expr::ceildiv(h, -2), -Expr::floordiv(-h, -2));
  EXPECT_THROW(Expr::ceildiv(h, 0), DomainError);
  for (long long v = -20; v <= 20; ++v) {
    long long direct = -FloorDiv(-v, 3);
    EXPECT_EQ(I(Expr::ceildiv(h, 3).evaluate_integer(Bind({{"h", v}}))), I(direct));
    EXPECT_EQ(I(Expr::ceildiv(Expr::divide(h, 2), 3).evaluate_integer(Bind({{"h", v}}))), I(Rational(v, 6).ceil()));
  }
}

TEST(ExprMod, Forms) {
  Expr h = S("h");
  EXPECT_EQ(Expr::mod(7, 2), Expr(1));
  EXPECT_EQ(Expr::mod(-7, 2), Expr(1));
  EXPECT_EQ(Expr::mod(7, -2), Expr(-1));
  EXPECT_EQ(Expr::mod(2 * h + 1, 2), Expr(1));
  EXPECT_EQ(Expr::mod(4 * h, 2), Expr(0));
  EXPECT_EQ(Expr::mod(h, 2), h - 2 * Expr::floordiv(h, 2));
  EXPECT_EQ(I(Expr::mod(h, 5).evaluate_integer(Bind({{"h", 23}}))), "3");
  EXPECT_EQ(I(Expr::mod(h, 5).evaluate_integer(Bind({{"h", -23}}))), "2");
}

// ------------------------------------------------------------------------------------------------------------
// Exact division

TEST(ExprDivide, ConstantDivisor) {
  Expr x = S("x");
  EXPECT_EQ(Expr::divide(6 * x, 3), 2 * x);
  EXPECT_EQ(Expr::divide(x, Expr::constant(Rational(1, 2))), 2 * x);
  EXPECT_EQ(Expr::divide(7, 2), Expr::constant(Rational(7, 2)));
  EXPECT_THROW(Expr::divide(x, 0), DomainError);
  EXPECT_THROW(Expr::divide(x, x - x), DomainError);
}

TEST(ExprDivide, MonomialDivisor) {
  Expr hidden = S("hidden"), heads = S("heads"), b = S("b");
  EXPECT_EQ(Expr::divide(hidden, heads) * heads, hidden);
  EXPECT_EQ(Expr::divide(hidden * heads, heads), hidden);
  EXPECT_EQ(Expr::divide(2 * b * hidden, 2 * heads) * heads, b * hidden);
  EXPECT_EQ(Expr::divide(hidden, heads) * Expr::divide(heads, hidden), Expr(1));
  EXPECT_EQ(Expr::divide(hidden, heads).degree("heads"), -1);
  EXPECT_EQ(Expr::divide(hidden + heads, heads), Expr::divide(hidden, heads) + 1);
}

TEST(ExprDivide, ConstantMultipleAndQuotient) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(Expr::divide(2 * a + 2 * b, a + b), Expr(2));
  EXPECT_EQ(Expr::divide(a + b, 2 * a + 2 * b), Expr::constant(Rational(1, 2)));
  EXPECT_EQ(Expr::divide(0, a + b), Expr(0));
  Expr q = Expr::divide(a + 1, a + b);
  EXPECT_FALSE(q.is_constant());
  EXPECT_EQ(q, Expr::divide(2 * a + 2, 2 * a + 2 * b));
  EXPECT_EQ(q, Expr::divide(-a - 1, -a - b));
  EXPECT_EQ(q.symbols(), (std::vector<std::string>{"a", "b"}));
}

// ------------------------------------------------------------------------------------------------------------
// min / max

TEST(ExprMinMax, Folding) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(Expr::min(3, 5), Expr(3));
  EXPECT_EQ(Expr::max(3, 5), Expr(5));
  EXPECT_EQ(Expr::min(-3, 5), Expr(-3));
  EXPECT_EQ(Expr::min(a + 1, a), a);
  EXPECT_EQ(Expr::max(a + 1, a), a + 1);
  EXPECT_EQ(Expr::min(a - 2, a + 2), a - 2);
  EXPECT_EQ(Expr::max(a * b, a * b + Expr::constant(Rational(1, 2))), a * b + Expr::constant(Rational(1, 2)));
  EXPECT_EQ(Expr::min(a, a), a);
  EXPECT_EQ(Expr::max(a, a), a);
}

TEST(ExprMinMax, CanonicalArguments) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(Expr::min(a, b), Expr::min(b, a));
  EXPECT_EQ(Expr::max(a, b + 1), Expr::max(b + 1, a));
  EXPECT_NE(Expr::min(a, b), Expr::max(a, b));
  EXPECT_EQ(U(Expr::min(b, a)), "min(a, b)");
  EXPECT_EQ(U(Expr::max(b + 1, a)), "max(a, b + 1)");
  EXPECT_EQ(Expr::min(a, b) + Expr::min(b, a), 2 * Expr::min(a, b));
}

// ------------------------------------------------------------------------------------------------------------
// substitute

TEST(ExprSubstitute, FoldsAtoms) {
  Expr h = S("h"), w = S("w"), a = S("a"), b = S("b");
  EXPECT_EQ((Expr::floordiv(h + 1, 2) * w).substitute(Bind({{"h", 7}})), 4 * w);
  EXPECT_EQ(Expr::min(a, b).substitute(Bind({{"a", 3}, {"b", 5}})), Expr(3));
  EXPECT_EQ(Expr::max(a, b + 1).substitute(Bind({{"b", 2}})), Expr::max(a, 3));
  EXPECT_EQ(Expr::divide(a + 1, a + b).substitute(Bind({{"b", 1}})), Expr(1));
  EXPECT_EQ(Expr::floordiv(a, b).substitute(Bind({{"b", 2}})), Expr::floordiv(a, 2));
  EXPECT_EQ(Expr::floordiv(a, b).substitute(Bind({{"a", 6}, {"b", 4}})), Expr(1));
  EXPECT_THROW(Expr::floordiv(a, b).substitute(Bind({{"b", 0}})), DomainError);
}

TEST(ExprSubstitute, PolynomialsAndNegativeExponents) {
  Expr hidden = S("hidden"), heads = S("heads"), x = S("x"), y = S("y");
  Expr per_head = Expr::divide(hidden, heads);
  EXPECT_EQ(per_head.substitute(Bind({{"heads", 12}})), Expr::divide(hidden, 12));
  EXPECT_EQ(per_head.substitute(Bind({{"hidden", 768}, {"heads", 12}})), Expr(64));
  EXPECT_EQ(per_head.substitute(Bind({{"hidden", 768}})), Expr::divide(768, heads));
  EXPECT_THROW(per_head.substitute(Bind({{"heads", 0}})), DomainError);
  EXPECT_EQ((x * x * y + 3 * x).substitute(Bind({{"x", 2}})), 4 * y + 6);
  Expr e = x * y + 1;
  EXPECT_EQ(e.substitute(Bind({{"z", 3}})), e);
  EXPECT_EQ(e.substitute(Bindings()), e);
  // Substituting a floor inside a negative power.
  Expr inv = Expr::divide(x, Expr::floordiv(y, 2));
  EXPECT_EQ(inv.substitute(Bind({{"y", 9}})), Expr::divide(x, 4));
}

// ------------------------------------------------------------------------------------------------------------
// symbols / degree / size

TEST(ExprIntrospection, Symbols) {
  Expr e = Expr::floordiv(S("h") + S("w"), 2) * S("batch") + Expr::min(S("seq"), 3) + S("batch");
  EXPECT_EQ(e.symbols(), (std::vector<std::string>{"batch", "h", "seq", "w"}));
  EXPECT_TRUE(Expr(5).symbols().empty());
  EXPECT_TRUE(Expr().symbols().empty());
  EXPECT_EQ(Expr::divide(S("hidden"), S("heads")).symbols(), (std::vector<std::string>{"heads", "hidden"}));
}

TEST(ExprIntrospection, Degree) {
  Expr a = S("a"), b = S("b");
  Expr e = (a + 1) * (a + 1) * b;
  EXPECT_EQ(e.degree("a"), 2);
  EXPECT_EQ(e.degree("b"), 1);
  EXPECT_EQ(e.degree("c"), 0);
  EXPECT_EQ(Expr(7).degree("a"), 0);
  EXPECT_EQ(Expr().degree("a"), 0);
  EXPECT_EQ((Expr::floordiv(a, 2) * a).degree("a"), 2);
  EXPECT_EQ(Expr::pow(Expr::floordiv(a + b, 2), 3).degree("b"), 3);
  EXPECT_EQ(Expr::min(a, b).degree("a"), 1);
  EXPECT_EQ((Expr::divide(b, a) + b).degree("a"), 0);
}

TEST(ExprIntrospection, Size) {
  Expr x = S("x"), y = S("y");
  EXPECT_EQ(Expr().size(), 0u);
  EXPECT_EQ(Expr(5).size(), 1u);
  EXPECT_EQ(x.size(), 2u);                              // term + factor
  EXPECT_EQ((x + y).size(), 4u);                        // 2 terms + 2 factors
  EXPECT_EQ((3 * x * y + 1).size(), 4u);                // 2 terms + 2 factors
  EXPECT_EQ(Expr::floordiv(x, 2).size(), 5u);           // term + factor + x (2) + 2 (1)
  EXPECT_EQ(Expr::floordiv(x + 1, 2).size(), 6u);       // term + factor + x + 1 (3) + 2 (1)
  EXPECT_EQ((Expr::min(x, y) * x).size(), 1u + 2 + 4);  // term + 2 factors + args
}

// ------------------------------------------------------------------------------------------------------------
// Printing

TEST(ExprPrint, Polynomials) {
  Expr batch = S("batch"), seq = S("seq");
  EXPECT_EQ(U(16 * batch * seq * seq), "16·batch·seq²");
  EXPECT_EQ(A(16 * batch * seq * seq), "16*batch*seq^2");
  EXPECT_EQ(U(batch * seq - 3), "batch·seq - 3");
  EXPECT_EQ(U(3 - batch), "-batch + 3");
  EXPECT_EQ(U(seq + batch), "batch + seq");
  EXPECT_EQ(U(Expr()), "0");
  EXPECT_EQ(U(Expr(-42)), "-42");
  EXPECT_EQ(U(Expr(kMax)), "170141183460469231731687303715884105727");
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(U(b + 5 + a * b + a * a), "a² + a·b + b + 5");
  EXPECT_EQ(U(a * b * b + a * a * b), "a²·b + a·b²");
  EXPECT_EQ(U(-2 * a * b - a), "-2·a·b - a");
}

TEST(ExprPrint, Exponents) {
  Expr x = S("x");
  EXPECT_EQ(U(Expr::pow(x, 3)), "x³");
  EXPECT_EQ(U(Expr::pow(x, 4)), "x⁴");
  EXPECT_EQ(U(Expr::pow(x, 5)), "x⁵");
  EXPECT_EQ(U(Expr::pow(x, 9)), "x⁹");
  EXPECT_EQ(U(Expr::pow(x, 10)), "x^10");
  EXPECT_EQ(A(Expr::pow(x, 5)), "x^5");
  EXPECT_EQ(A(Expr::pow(x, 12)), "x^12");
}

TEST(ExprPrint, RationalCoefficientsAndDenominators) {
  Expr seq = S("seq"), batch = S("batch"), hidden = S("hidden"), heads = S("heads");
  EXPECT_EQ(U(Expr::divide(3 * seq, 2)), "3·seq/2");
  EXPECT_EQ(U(Expr::divide(seq, 2)), "seq/2");
  EXPECT_EQ(U(-Expr::divide(3 * seq, 2)), "-3·seq/2");
  EXPECT_EQ(U(seq - Expr::constant(Rational(7, 2))), "seq - 7/2");
  EXPECT_EQ(U(Expr::constant(Rational(-7, 2))), "-7/2");
  EXPECT_EQ(U(Expr::divide(2 * batch * hidden, heads)), "2·batch·hidden/heads");
  EXPECT_EQ(A(Expr::divide(2 * batch * hidden, heads)), "2*batch*hidden/heads");
  EXPECT_EQ(U(Expr::divide(S("a"), S("b") * S("c"))), "a/(b·c)");
  EXPECT_EQ(A(Expr::divide(S("a"), S("b") * S("c"))), "a/(b*c)");
  EXPECT_EQ(U(Expr::divide(hidden, 2 * heads)), "hidden/(2·heads)");
  EXPECT_EQ(U(Expr::divide(1, heads * heads)), "1/heads²");
  EXPECT_EQ(U(Expr::divide(3, heads)), "3/heads");
}

TEST(ExprPrint, Floors) {
  Expr height = S("height"), w = S("w");
  EXPECT_EQ(U(Expr::floordiv(height, 2)), "⌊height/2⌋");
  EXPECT_EQ(A(Expr::floordiv(height, 2)), "floor(height/2)");
  EXPECT_EQ(U(Expr::floordiv(height + 1, 4)), "⌊(height + 1)/4⌋");
  EXPECT_EQ(A(Expr::floordiv(height + 1, 4)), "floor((height + 1)/4)");
  EXPECT_EQ(U(Expr::floordiv(height - 1, 2) + 1), "⌈height/2⌉");  // floor((height + 1)/2), printed as a ceiling
  EXPECT_EQ(U(Expr::ceildiv(height, 32)), "⌈height/32⌉");
  EXPECT_EQ(A(Expr::ceildiv(height, 32)), "ceil(height/32)");
  EXPECT_EQ(U(Expr::ceildiv(height + w, 4)), "⌈(height + w)/4⌉");
  EXPECT_EQ(U(Expr::floordiv(height + 3, 4) * w), "w·⌈height/4⌉");
  EXPECT_EQ(U(Expr::floordiv(height, 2) - 1), "⌊height/2⌋ - 1");
  EXPECT_EQ(U(Expr::pow(Expr::floordiv(height, 2), 2)), "⌊height/2⌋²");
  EXPECT_EQ(U(Expr::floordiv(height, S("a") * S("b"))), "⌊height/(a·b)⌋");
  EXPECT_EQ(U(Expr::floordiv(height, S("a") + 1)), "⌊height/(a + 1)⌋");
  EXPECT_EQ(A(Expr::floordiv(height + 1, S("a") + 1)), "floor((height + 1)/(a + 1))");
}

TEST(ExprPrint, MinMaxQuotient) {
  Expr a = S("a"), b = S("b");
  EXPECT_EQ(U(Expr::min(a, b)), "min(a, b)");
  EXPECT_EQ(A(Expr::max(a, 2 * b)), "max(a, 2*b)");
  EXPECT_EQ(U(Expr::min(a, b) * 3), "3·min(a, b)");
  EXPECT_EQ(U(Expr::divide(a + 1, a + b)), "(a + 1)/(a + b)");
  EXPECT_EQ(U(Expr::divide(a, a + b)), "a/(a + b)");
  EXPECT_EQ(U(2 * Expr::divide(a + 1, a + b)), "2·((a + 1)/(a + b))");
  EXPECT_EQ(U(Expr::divide(a + 1, a + b) + 1), "(a + 1)/(a + b) + 1");
}

// ------------------------------------------------------------------------------------------------------------
// Cost

TEST(ExprPerformance, DeepCnnShapePropagationIsFast) {
  // 150 conv layers over height and width with channel/FLOP bookkeeping: a few thousand operations.
  Expr batch = S("batch"), height = S("height"), width = S("width");
  auto start = std::chrono::steady_clock::now();
  Expr h = height, w = width, flops;
  Int channels = 64;
  for (int layer = 0; layer < 150; ++layer) {
    int stride = layer % 30 == 0 ? 2 : 1;
    h = Expr::floordiv(h + 2 - 3, stride) + 1;
    w = Expr::floordiv(w + 2 - 3, stride) + 1;
    flops += 2 * batch * h * w * Expr(channels * channels * 9);
    EXPECT_EQ(Expr::max(h, h + 0), h);
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(h.size(), Expr::floordiv(height + 31, 32).size());
  EXPECT_EQ(h, Expr::floordiv(height + 31, 32));
  EXPECT_EQ(U(h), "⌈height/32⌉");
  // Generous: the budget is well under a millisecond in optimised builds; sanitizers are much slower.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 100);
  long long expected = 0, hv = 64;
  for (int layer = 0; layer < 150; ++layer) {
    if (layer % 30 == 0) hv = FloorDiv(hv - 1, 2) + 1;
    expected += 2 * hv * hv * 64 * 64 * 9;
  }
  EXPECT_EQ(I(flops.evaluate_integer(Bind({{"batch", 1}, {"height", 64}, {"width", 64}}))), I(expected));
}

// The totals' accumulator counts equal addends; its result must be the plain sum, whatever the order.
TEST(ExprSum, EqualsThePlainSum) {
  Expr b = Expr::symbol("batch");
  Expr s = Expr::symbol("seq");
  std::vector<Expr> addends = {b * 64,    s * s * b, b * 64, Expr(7), Expr(), b * 64, Expr::floordiv(s + 1, Expr(2)),
                               s * s * b, -(b * 64)};
  Sum sum;
  Expr plain;
  for (const Expr& e : addends) {
    sum += e;
    plain += e;
  }
  EXPECT_EQ(sum.total(), plain);
  EXPECT_EQ(sum.total().to_string(), plain.to_string());

  Sum repeated;
  repeated.add(b * 64, 1000000).add(Expr(3), 2).add(s, 0);
  EXPECT_EQ(repeated.total(), b * 64000000 + 6);
  EXPECT_TRUE(Sum().total().is_zero());
}

}  // namespace
// Issue 18, item 3: sizes known before an operation runs, so a caller can refuse it.
TEST(ExprSizeBounds, TermsAndBoundsMatchWhatIsBuilt) {
  Expr a = S("a"), b = S("b"), c = S("c");
  EXPECT_EQ(Expr().terms(), 0u);
  EXPECT_EQ(Expr(7).terms(), 1u);
  EXPECT_EQ((a + b + 1).terms(), 3u);
  // Independent monomials reach the bound exactly: (a + b + c + 1)^k has C(k + 3, 3) terms.
  for (unsigned k : {0u, 1u, 2u, 5u, 9u}) {
    std::size_t expected = (k + 3) * (k + 2) * (k + 1) / 6;
    EXPECT_EQ(Expr::power_terms_bound(4, k), expected) << k;
    EXPECT_EQ(Expr::pow(a + b + c + 1, k).terms(), expected) << k;
  }
  EXPECT_EQ(Expr::product_terms_bound(3, 4), 12u);
  EXPECT_EQ(((a + b + 1) * (c + 2 * S("d") * S("d") + 5 + S("e"))).terms(), 12u);
  EXPECT_EQ(((a + b + 1) * (c + 2 * a * c + 5 + b * b)).terms(), 11u);  // a·c twice
  // A bound, not the count: 1 + a + a² squared has 5 terms, not 6.
  EXPECT_EQ(Expr::power_terms_bound(3, 2), 6u);
  EXPECT_EQ(Expr::pow(1 + a + a * a, 2).terms(), 5u);
  // The reproducers: C(136, 8) and C(131, 3), without building anything; saturation past size_t.
  EXPECT_EQ(Expr::power_terms_bound(9, 128), std::size_t{2353351951665});
  EXPECT_EQ(Expr::power_terms_bound(4, 128), 366145u);
  EXPECT_EQ(Expr::power_terms_bound(1000, 128), SIZE_MAX);
  EXPECT_EQ(Expr::product_terms_bound(SIZE_MAX / 2, 3), SIZE_MAX);
}

TEST(ExprSizeBounds, HugeProductsThrowBeforeAllocating) {
  // Two expressions of 2,925 terms each: a product of 8.6 million raw terms passes kMaxTerms.
  Expr p = Expr::pow(S("a") + S("b") + S("c") + 1, 24);  // C(27, 3) = 2925 terms
  ASSERT_GT(Expr::product_terms_bound(p.terms(), p.terms()), Expr::kMaxTerms);
  EXPECT_THROW(p * p, SizeError);
  EXPECT_THROW(Expr::pow(S("a") + S("b") + S("c") + S("d") + 1, 128), SizeError);
  // A SizeError is an OverflowError, so every phase that reports overflow reports it.
  try {
    (void)(p * p);
  } catch (const OverflowError& e) {
    EXPECT_NE(std::string(e.what()).find("expression too large"), std::string::npos);
  }
}

}  // namespace nnscope::sym
