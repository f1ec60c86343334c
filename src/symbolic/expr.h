#pragma once
// Symbolic integer expressions over a model's size parameters (batch, seq, height, ...).
//
// Canonical form: a Laurent polynomial with rational coefficients whose "variables" are atoms. An atom is
// either a symbol or an opaque term that division or min/max could not remove: floor(P / Q), min(P, Q),
// max(P, Q), where P and Q are themselves canonical expressions. Because the form is canonical, two
// expressions that are equal by these rules compare equal structurally (==), which is what shape checking
// relies on, and printing is compact and deterministic.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "symbolic/rational.h"

namespace nnscope::sym {

// Values bound to symbols, by name.
class Bindings {
 public:
  void set(std::string_view name, Int value);
  const Int* find(std::string_view name) const;
  bool empty() const { return values_.empty(); }
  const std::map<std::string, Int, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, Int, std::less<>> values_;
};

enum class PrintStyle {
  kUnicode,  // 16·batch·seq², ⌊(height + 1)/2⌋, ⌈height/32⌉
  kAscii,    // 16*batch*seq^2, floor((height + 1)/2), ceil(height/32)
};

class ExprNode;  // implementation detail, defined in expr.cc

// The reference count every expression node carries. Expressions are built and shared by one thread, so it is
// a plain integer: std::shared_ptr's atomic count cost more than the shape arithmetic it served (every copy of
// an Expr was a locked instruction, a hundred of them per op of a large model).
struct ExprNodeReferences {
  mutable std::size_t count = 0;
};

class Expr {
 public:
  Expr();           // zero
  Expr(Int value);  // NOLINT(google-explicit-constructor): integer literals are expressions
  Expr(const Expr& other) noexcept : node_(other.node_) {
    if (node_) ++node_->count;
  }
  Expr(Expr&& other) noexcept : node_(other.node_) { other.node_ = nullptr; }
  Expr& operator=(const Expr& other) noexcept {
    if (other.node_) ++other.node_->count;  // first, so that assigning an expression to itself is safe
    release();
    node_ = other.node_;
    return *this;
  }
  Expr& operator=(Expr&& other) noexcept {
    if (this != &other) {
      release();
      node_ = other.node_;
      other.node_ = nullptr;
    }
    return *this;
  }
  ~Expr() { release(); }
  static Expr constant(const Rational& value);
  static Expr symbol(std::string_view name);

  bool is_constant() const;
  bool is_zero() const;
  std::optional<Rational> constant_value() const;  // set when the expression has no atoms
  std::optional<Int> integer_value() const;        // set when the expression is a constant integer

  friend Expr operator+(const Expr& a, const Expr& b);
  friend Expr operator-(const Expr& a, const Expr& b);
  friend Expr operator*(const Expr& a, const Expr& b);
  Expr operator-() const;
  Expr& operator+=(const Expr& other) { return *this = *this + other; }
  Expr& operator-=(const Expr& other) { return *this = *this - other; }
  Expr& operator*=(const Expr& other) { return *this = *this * other; }

  // Exact division a / b, for quantities known to divide (hidden / heads). A constant divisor scales the
  // coefficients; a monomial divisor gives negative exponents (hidden·heads⁻¹, printed hidden/heads);
  // anything else becomes an opaque quotient atom. Throws DomainError when b is the constant 0.
  static Expr divide(const Expr& a, const Expr& b);
  // floor(a / b) and ceil(a / b) for integer-valued a and b. Constant results fold; a positive
  // integer divisor cancels the terms of a it divides and flattens nested floors
  // (floor((floor(x/a) + c)/b) = floor((x + c·a)/(a·b))), so conv/pool chains stay compact.
  // ceildiv is stored as a floor (ceil(a/b) = floor((a + b - 1)/b) for b > 0).
  static Expr floordiv(const Expr& a, const Expr& b);
  static Expr ceildiv(const Expr& a, const Expr& b);
  static Expr mod(const Expr& a, const Expr& b);  // a - b·floor(a/b)
  // min/max fold when both sides are constant or their difference is a constant.
  static Expr min(const Expr& a, const Expr& b);
  static Expr max(const Expr& a, const Expr& b);
  static Expr pow(const Expr& base, unsigned exponent);

  // Throws DomainError naming the symbol when a symbol is unbound, or on division by zero;
  // OverflowError when an intermediate value does not fit.
  Rational evaluate(const Bindings& bindings) const;
  // Like evaluate, but throws DomainError when the value is not an integer.
  Int evaluate_integer(const Bindings& bindings) const;
  // Replaces the bound symbols by their values and re-canonicalises; unbound symbols stay.
  Expr substitute(const Bindings& bindings) const;

  // Every symbol that occurs, also inside floor/min/max atoms; sorted and unique.
  std::vector<std::string> symbols() const;
  // Highest exponent of `symbol` among the polynomial's top-level terms (0 when absent; atoms that
  // contain the symbol count as degree 1 if they occur). Lets tests say "linear in batch".
  int degree(std::string_view symbol) const;
  // True when the expression is an integer at every integer binding: integer coefficients, no negative
  // exponents, and min/max atoms over such expressions (floors and exact quotients are integers anyway).
  bool is_integer_valued() const;
  // Number of nodes (terms, factors and atoms, recursively): the measure that expression-size limits use.
  std::size_t size() const;
  // Number of terms (summands) of the canonical form; 0 for zero.
  std::size_t terms() const;

  // Sizes known before building, so that a caller can refuse an operation instead of running out of memory.
  // Upper bounds on the terms of a product of factors with the given term counts (each term of the product is a
  // product of one term of each factor), and of base^exponent for a base of `terms` terms (a product of a
  // multiset of `exponent` base terms: the multinomial count C(terms + exponent - 1, exponent)). Both saturate
  // at SIZE_MAX; both are reached when the base terms are independent monomials (a + b + c, not 1 + a + a²).
  static std::size_t product_terms_bound(std::size_t a_terms, std::size_t b_terms);
  static std::size_t power_terms_bound(std::size_t terms, unsigned exponent);
  // A product whose raw term count (a_terms · b_terms) passes this throws SizeError before it is built: a
  // safety net for every phase; no shape or cost formula of a real model comes near it, and the interpreter's
  // expression-size limit (interp::Limits) stops model arithmetic far earlier.
  static constexpr std::size_t kMaxTerms = std::size_t{1} << 20;

  std::string to_string(PrintStyle style = PrintStyle::kUnicode) const;
  std::size_t hash() const;
  friend bool operator==(const Expr& a, const Expr& b);
  friend bool operator!=(const Expr& a, const Expr& b) { return !(a == b); }

 private:
  struct NewReference {};  // keeps `Expr(0)` from meaning a null node
  Expr(NewReference, const ExprNodeReferences* node) : node_(node) {
    if (node_) ++node_->count;
  }
  void release() {
    if (node_ && --node_->count == 0) destroy(node_);
  }
  static void destroy(const ExprNodeReferences* node);  // deletes the ExprNode
  const ExprNodeReferences* node_ = nullptr;            // an ExprNode; nullptr is zero
  friend class ExprNode;
  friend struct ExprAccess;
};

// Adds up many expressions. The layers of a large model repeat a few formulas, so equal addends are counted
// and each distinct one is multiplied by its count once: summing a formula per layer of a 1M-op model costs a
// hash lookup per layer rather than a polynomial addition. The total equals the plain sum (the canonical form
// does not depend on the order of additions).
class Sum {
 public:
  Sum& operator+=(const Expr& e) { return add(e, 1); }
  Sum& add(const Expr& e, Int times);  // e added `times` times (times >= 0)
  Expr total() const;

 private:
  struct Hash {
    std::size_t operator()(const Expr& e) const { return e.hash(); }
  };
  std::unordered_map<Expr, Int, Hash> counts_;
  std::vector<Expr> order_;  // first-seen order, so the total is built the same way every run
};

// Evaluates many expressions at one binding, each distinct node once. The formulas of a large model share
// their nodes (Expr's operations return the same node for the same operands), so evaluating every layer's
// figures costs one evaluation per distinct formula, not per layer. Remembered expressions are kept alive,
// so a node address cannot be reused for a different expression while the Evaluator lives.
class Evaluator {
 public:
  explicit Evaluator(const Bindings& bindings) : bindings_(bindings) {}
  const Bindings& bindings() const { return bindings_; }
  Rational evaluate(const Expr& e);     // as Expr::evaluate
  Int evaluate_integer(const Expr& e);  // as Expr::evaluate_integer

 private:
  struct Known {
    Expr expr;
    Rational value;
  };
  const Bindings& bindings_;
  std::unordered_map<const ExprNode*, Known> known_;
};

}  // namespace nnscope::sym

template <>
struct std::hash<nnscope::sym::Expr> {
  std::size_t operator()(const nnscope::sym::Expr& e) const { return e.hash(); }
};
