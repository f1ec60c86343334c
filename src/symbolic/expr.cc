#include "symbolic/expr.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <unordered_map>
#include <utility>

namespace nnscope::sym {

namespace expr_detail {

// Symbols sort before compound atoms, so printed terms read alphabetically by their plain factors.
enum class AtomKind : std::uint8_t { kSymbol, kFloor, kMin, kMax, kQuotient };
using AtomId = std::uint32_t;

struct Factor {
  AtomId atom;
  std::int32_t exp;
  friend bool operator==(const Factor&, const Factor&) = default;
};

// A term's factors live in the node's shared factor array, so a node costs three allocations however
// many terms it has.
struct Term {
  Rational coef;
  std::uint32_t begin;
  std::uint32_t count;
  std::int32_t degree;  // sum of exponents, cached because it leads the term order
};

}  // namespace expr_detail

using expr_detail::AtomId;
using expr_detail::AtomKind;
using expr_detail::Factor;
using expr_detail::Term;

class ExprNode : public ExprNodeReferences {
 public:
  std::vector<Term> terms;  // canonical order: see compare_monomials
  std::vector<Factor> factors;

  std::span<const Factor> monomial(const Term& t) const { return {factors.data() + t.begin, t.count}; }
  // Most intermediate results are never hashed or measured, so both are computed on first use
  // (single-threaded by design, hence the plain mutable cache).
  std::size_t hash() const;
  std::size_t size() const;

 private:
  mutable std::size_t hash_ = 0;
  mutable std::size_t size_ = 0;
  mutable bool hash_known_ = false;
  mutable bool size_known_ = false;
};

struct ExprAccess {
  static const ExprNode* node(const Expr& e) { return static_cast<const ExprNode*>(e.node_); }
  static Expr wrap(const ExprNode* node) { return Expr(Expr::NewReference{}, node); }
};

namespace {

const ExprNode* node_of(const Expr& e) { return ExprAccess::node(e); }

std::size_t mix(std::size_t h, std::uint64_t v) {
  std::uint64_t x = v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return static_cast<std::size_t>(x ^ (x >> 31));
}

std::size_t hash_int(Int v) {
  auto u = static_cast<unsigned __int128>(v);
  return static_cast<std::size_t>(static_cast<std::uint64_t>(u) ^
                                  (static_cast<std::uint64_t>(u >> 64) * 0x9e3779b97f4a7c15ULL));
}

// ---------------------------------------------------------------------------------------------------------
// Atom interning. Atoms are compared by id for equality (the table guarantees one id per structure) and by
// structure for ordering, so canonical order and hashes do not depend on the order atoms were created in.

struct AtomInfo {
  AtomKind kind = AtomKind::kSymbol;
  std::string name;  // symbols only
  Expr lhs, rhs;     // compound atoms only
  std::size_t hash = 0;
  std::size_t arg_size = 0;          // size() of lhs + rhs
  std::vector<std::string> symbols;  // sorted, unique
  Expr expr;                         // the atom as a one-term expression
};

struct CompoundKey {
  AtomKind kind;
  Expr lhs, rhs;
  bool operator==(const CompoundKey& o) const { return kind == o.kind && lhs == o.lhs && rhs == o.rhs; }
};

struct CompoundKeyHash {
  std::size_t operator()(const CompoundKey& k) const {
    return mix(mix(static_cast<std::size_t>(k.kind), k.lhs.hash()), k.rhs.hash());
  }
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct AtomTable {
  std::deque<AtomInfo> atoms;  // deque: references stay valid while new atoms are appended
  std::unordered_map<std::string, AtomId, StringHash, std::equal_to<>> symbol_ids;
  std::unordered_map<CompoundKey, AtomId, CompoundKeyHash> compound_ids;
};

// Never destroyed, so expressions held in other static objects stay valid during shutdown.
AtomTable& table() {
  static AtomTable* const instance = new AtomTable();
  return *instance;
}

const AtomInfo& atom(AtomId id) { return table().atoms[id]; }

}  // namespace

std::size_t ExprNode::hash() const {
  if (!hash_known_) {
    // FNV-style accumulation with one final avalanche: cheap enough to recompute structure-wide.
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto feed = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL; };
    for (const Term& t : terms) {
      feed(hash_int(t.coef.num()));
      feed(hash_int(t.coef.den()));
      for (const Factor& f : monomial(t)) {
        feed(atom(f.atom).hash);
        feed(static_cast<std::uint64_t>(static_cast<std::int64_t>(f.exp)));
      }
      feed(0xfe);  // term boundary
    }
    hash_ = mix(0, h);
    hash_known_ = true;
  }
  return hash_;
}

std::size_t ExprNode::size() const {
  if (!size_known_) {
    std::size_t n = terms.size() + factors.size();
    for (const Factor& f : factors) n += atom(f.atom).arg_size;
    size_ = n;
    size_known_ = true;
  }
  return size_;
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// Ordering.

int compare_exprs(const Expr& a, const Expr& b);

int compare_atoms(AtomId a, AtomId b) {
  if (a == b) return 0;
  const AtomInfo& x = atom(a);
  const AtomInfo& y = atom(b);
  if (x.kind != y.kind) return x.kind < y.kind ? -1 : 1;
  if (x.kind == AtomKind::kSymbol) return x.name < y.name ? -1 : 1;  // distinct ids have distinct names
  if (int c = compare_exprs(x.lhs, y.lhs)) return c;
  return compare_exprs(x.rhs, y.rhs);
}

// Print order: higher total degree first, then lexicographic by factors (higher power first), and the
// constant term always last.
int compare_monomials(std::span<const Factor> a, int da, std::span<const Factor> b, int db) {
  if (a.empty() || b.empty()) {
    if (a.empty() == b.empty()) return 0;
    return a.empty() ? 1 : -1;
  }
  if (da != db) return da > db ? -1 : 1;
  std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_atoms(a[i].atom, b[i].atom)) return c;
    if (a[i].exp != b[i].exp) return a[i].exp > b[i].exp ? -1 : 1;
  }
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return 0;
}

int compare_terms(const ExprNode& x, const Term& a, const ExprNode& y, const Term& b) {
  return compare_monomials(x.monomial(a), a.degree, y.monomial(b), b.degree);
}

int compare_exprs(const Expr& a, const Expr& b) {
  const ExprNode* x = node_of(a);
  const ExprNode* y = node_of(b);
  if (x == y) return 0;
  if (!x || !y) return !x ? -1 : 1;
  std::size_t n = std::min(x->terms.size(), y->terms.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (int c = compare_terms(*x, x->terms[i], *y, y->terms[i])) return c;
    auto c = x->terms[i].coef <=> y->terms[i].coef;
    if (c != 0) return c < 0 ? -1 : 1;
  }
  if (x->terms.size() != y->terms.size()) return x->terms.size() < y->terms.size() ? -1 : 1;
  return 0;
}

// ---------------------------------------------------------------------------------------------------------
// Construction.

// Appends terms that the caller already produces in canonical order, dropping zero coefficients.
class NodeBuilder {
 public:
  void reserve(std::size_t terms, std::size_t factors) {
    terms_.reserve(terms);
    factors_.reserve(factors);
  }
  void append(const Rational& coef, std::span<const Factor> mono, int degree) {
    if (coef.is_zero()) return;
    terms_.push_back(Term{coef, static_cast<std::uint32_t>(factors_.size()), static_cast<std::uint32_t>(mono.size()),
                          static_cast<std::int32_t>(degree)});
    factors_.insert(factors_.end(), mono.begin(), mono.end());
  }
  Expr finish() {
    if (terms_.empty()) return Expr();
    auto* node = new ExprNode();
    node->terms = std::move(terms_);
    node->factors = std::move(factors_);
    return ExprAccess::wrap(node);
  }

 private:
  std::vector<Term> terms_;
  std::vector<Factor> factors_;
};

Expr make_constant(const Rational& value) {
  NodeBuilder b;
  b.append(value, {}, 0);
  return b.finish();
}

Expr single_atom_expr(AtomId id) {
  NodeBuilder b;
  Factor f{id, 1};
  b.append(Rational(1), std::span<const Factor>(&f, 1), 1);
  return b.finish();
}

AtomId intern_symbol(std::string_view name) {
  AtomTable& t = table();
  if (auto it = t.symbol_ids.find(name); it != t.symbol_ids.end()) return it->second;
  auto id = static_cast<AtomId>(t.atoms.size());
  AtomInfo& info = t.atoms.emplace_back();
  info.kind = AtomKind::kSymbol;
  info.name = std::string(name);
  info.hash = mix(0x5e, std::hash<std::string_view>{}(name));
  info.symbols = {info.name};
  t.symbol_ids.emplace(info.name, id);
  info.expr = single_atom_expr(id);
  return id;
}

const Expr& compound_atom(AtomKind kind, const Expr& lhs, const Expr& rhs) {
  AtomTable& t = table();
  CompoundKey key{kind, lhs, rhs};
  if (auto it = t.compound_ids.find(key); it != t.compound_ids.end()) return t.atoms[it->second].expr;
  auto id = static_cast<AtomId>(t.atoms.size());
  AtomInfo& info = t.atoms.emplace_back();
  info.kind = kind;
  info.lhs = lhs;
  info.rhs = rhs;
  info.hash = CompoundKeyHash{}(key);
  info.arg_size = lhs.size() + rhs.size();
  std::vector<std::string> a = lhs.symbols();
  std::vector<std::string> b = rhs.symbols();
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(info.symbols));
  t.compound_ids.emplace(std::move(key), id);
  info.expr = single_atom_expr(id);
  return info.expr;
}

bool is_constant_node(const ExprNode* n) { return !n || (n->terms.size() == 1 && n->terms[0].count == 0); }

Expr scale(const Expr& x, const Rational& r) {
  const ExprNode* n = node_of(x);
  if (!n || r.is_zero()) return Expr();
  if (r == Rational(1)) return x;
  NodeBuilder b;
  b.reserve(n->terms.size(), n->factors.size());
  for (const Term& t : n->terms) b.append(t.coef * r, n->monomial(t), t.degree);
  return b.finish();
}

// Merges two canonical term lists, which keeps the result canonical without sorting.
Expr add_impl(const Expr& a, const Expr& b, bool negate_b) {
  const ExprNode* x = node_of(a);
  const ExprNode* y = node_of(b);
  if (!y) return a;
  if (!x) return negate_b ? scale(b, Rational(-1)) : b;
  NodeBuilder out;
  out.reserve(x->terms.size() + y->terms.size(), x->factors.size() + y->factors.size());
  std::size_t i = 0, j = 0;
  while (i < x->terms.size() || j < y->terms.size()) {
    int c;
    if (i == x->terms.size()) {
      c = 1;
    } else if (j == y->terms.size()) {
      c = -1;
    } else {
      c = compare_terms(*x, x->terms[i], *y, y->terms[j]);
    }
    if (c < 0) {
      const Term& t = x->terms[i++];
      out.append(t.coef, x->monomial(t), t.degree);
    } else if (c > 0) {
      const Term& t = y->terms[j++];
      out.append(negate_b ? -t.coef : t.coef, y->monomial(t), t.degree);
    } else {
      const Term& s = x->terms[i++];
      const Term& t = y->terms[j++];
      out.append(negate_b ? s.coef - t.coef : s.coef + t.coef, x->monomial(s), s.degree);
    }
  }
  return out.finish();
}

// Appends the product of two monomials (each sorted by atom) to `out`, cancelling exponents that sum to 0.
void multiply_monomials(std::span<const Factor> a, std::span<const Factor> b, std::vector<Factor>& out) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int c;
    if (i == a.size()) {
      c = 1;
    } else if (j == b.size()) {
      c = -1;
    } else {
      c = compare_atoms(a[i].atom, b[j].atom);
    }
    if (c < 0) {
      out.push_back(a[i++]);
    } else if (c > 0) {
      out.push_back(b[j++]);
    } else {
      std::int32_t e;
      if (__builtin_add_overflow(a[i].exp, b[j].exp, &e)) throw OverflowError("exponent overflow");
      if (e != 0) out.push_back(Factor{a[i].atom, e});
      ++i;
      ++j;
    }
  }
}

Expr multiply_impl(const Expr& a, const Expr& b) {
  const ExprNode* x = node_of(a);
  const ExprNode* y = node_of(b);
  if (!x || !y) return Expr();
  if (is_constant_node(x)) return scale(b, x->terms[0].coef);
  if (is_constant_node(y)) return scale(a, y->terms[0].coef);
  std::size_t raw_terms = Expr::product_terms_bound(x->terms.size(), y->terms.size());
  if (raw_terms > Expr::kMaxTerms) {
    throw SizeError("expression too large: a product of " + std::to_string(x->terms.size()) + " and " +
                    std::to_string(y->terms.size()) + " terms (more than " + std::to_string(Expr::kMaxTerms) + ")");
  }
  std::vector<Term> raw;
  std::vector<Factor> buf;
  raw.reserve(raw_terms);
  buf.reserve(x->factors.size() * y->terms.size() + y->factors.size() * x->terms.size());
  for (const Term& s : x->terms) {
    for (const Term& t : y->terms) {
      auto begin = static_cast<std::uint32_t>(buf.size());
      multiply_monomials(x->monomial(s), y->monomial(t), buf);
      std::int32_t degree;
      if (__builtin_add_overflow(s.degree, t.degree, &degree)) throw OverflowError("exponent overflow");
      raw.push_back(Term{s.coef * t.coef, begin, static_cast<std::uint32_t>(buf.size() - begin), degree});
    }
  }
  auto mono = [&](const Term& t) { return std::span<const Factor>(buf.data() + t.begin, t.count); };
  std::sort(raw.begin(), raw.end(),
            [&](const Term& p, const Term& q) { return compare_monomials(mono(p), p.degree, mono(q), q.degree) < 0; });
  NodeBuilder out;
  out.reserve(raw.size(), buf.size());
  for (std::size_t i = 0; i < raw.size();) {
    Rational sum = raw[i].coef;
    std::size_t j = i + 1;
    while (j < raw.size() && compare_monomials(mono(raw[i]), raw[i].degree, mono(raw[j]), raw[j].degree) == 0) {
      sum = sum + raw[j].coef;
      ++j;
    }
    out.append(sum, mono(raw[i]), raw[i].degree);
    i = j;
  }
  return out.finish();
}

bool has_integer_coefficients(const ExprNode* n) {
  if (!n) return true;
  return std::all_of(n->terms.begin(), n->terms.end(), [](const Term& t) { return t.coef.is_integer(); });
}

bool same_monomial(const ExprNode& x, const Term& a, const ExprNode& y, const Term& b) {
  auto ma = x.monomial(a);
  auto mb = y.monomial(b);
  return std::equal(ma.begin(), ma.end(), mb.begin(), mb.end());
}

// c when a == c·b for a constant c (b non-zero).
std::optional<Rational> constant_ratio(const Expr& a, const Expr& b) {
  const ExprNode* x = node_of(a);
  const ExprNode* y = node_of(b);
  if (!y) return std::nullopt;
  if (!x) return Rational(0);
  if (x->terms.size() != y->terms.size()) return std::nullopt;
  Rational c = x->terms[0].coef / y->terms[0].coef;
  for (std::size_t i = 0; i < x->terms.size(); ++i) {
    if (!same_monomial(*x, x->terms[i], *y, y->terms[i])) return std::nullopt;
    if (x->terms[i].coef != y->terms[i].coef * c) return std::nullopt;
  }
  return c;
}

Int lcm(Int a, Int b) { return checked_mul(a / gcd(a, b), b); }

// floor(a / k) for a with integer coefficients and k > 0.
Expr floor_by_positive_integer(const Expr& a, Int k) {
  const ExprNode* n = node_of(a);
  if (!n || k == 1) return a;
  // Terms that k divides leave the floor exactly; so does the whole part of the constant term.
  NodeBuilder moved, rest;
  for (const Term& t : n->terms) {
    Int c = t.coef.num();
    auto mono = n->monomial(t);
    if (mono.empty()) {
      moved.append(floor_div(c, k), mono, 0);
      rest.append(floor_mod(c, k), mono, 0);
    } else if (c % k == 0) {
      moved.append(c / k, mono, t.degree);
    } else {
      rest.append(c, mono, t.degree);
    }
  }
  Expr out = moved.finish();
  Expr r = rest.finish();
  const ExprNode* rn = node_of(r);
  if (is_constant_node(rn)) return out;  // a remainder constant lies in [0, k) and floors to 0
  // floor(g·x / (g·k)) = floor(x / k): dividing out the content makes equal floors structurally equal.
  Int g = k;
  for (const Term& t : rn->terms) g = gcd(g, t.coef.num());
  if (g > 1) {
    r = scale(r, Rational(1, g));
    k /= g;
    rn = node_of(r);
  }
  // floor(-x/k) = -floor((x + k - 1)/k) for integer x. Keeping the numerator's leading coefficient positive
  // makes -floor(-x/k) and ceil(x/k) the same expression.
  if (rn->terms[0].coef.sign() < 0) return out - floor_by_positive_integer(Expr(k - 1) - r, k);
  // floor((floor(x/m) + R)/k) = floor((x + R·m)/(m·k)) for integer R: keeps conv/pool chains one floor deep.
  for (const Term& t : rn->terms) {
    if (t.count != 1 || t.coef != Rational(1)) continue;
    const Factor& f = rn->factors[t.begin];
    const AtomInfo& info = atom(f.atom);
    if (f.exp != 1 || info.kind != AtomKind::kFloor) continue;
    std::optional<Int> m = info.rhs.integer_value();
    if (!m || *m <= 0) continue;
    Expr inner = info.lhs + (r - info.expr) * Expr(*m);
    return out + floor_by_positive_integer(inner, checked_mul(*m, k));
  }
  return out + compound_atom(AtomKind::kFloor, r, Expr(k));
}

Expr min_max(const Expr& a, const Expr& b, bool is_min) {
  if (auto d = (a - b).constant_value()) {
    bool a_le_b = d->sign() <= 0;
    return is_min == a_le_b ? a : b;
  }
  AtomKind kind = is_min ? AtomKind::kMin : AtomKind::kMax;
  // min and max commute, so a canonical argument order makes min(a, b) == min(b, a).
  if (compare_exprs(a, b) <= 0) return compound_atom(kind, a, b);
  return compound_atom(kind, b, a);
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation and substitution.

Rational rational_pow(Rational base, int exp) {
  if (exp < 0) {
    if (base.is_zero()) throw DomainError("division by zero");
    base = Rational(1) / base;
    exp = -exp;
  }
  Rational result(1);
  while (exp != 0) {
    if (exp & 1) result = result * base;
    exp >>= 1;
    if (exp != 0) base = base * base;
  }
  return result;
}

Rational evaluate_node(const ExprNode* n, const Bindings& bindings);

Rational evaluate_atom(AtomId id, const Bindings& bindings) {
  const AtomInfo& info = atom(id);
  if (info.kind == AtomKind::kSymbol) {
    if (const Int* v = bindings.find(info.name)) return Rational(*v);
    throw DomainError("unbound symbol '" + info.name + "'");
  }
  Rational p = evaluate_node(node_of(info.lhs), bindings);
  Rational q = evaluate_node(node_of(info.rhs), bindings);
  switch (info.kind) {
    case AtomKind::kFloor:
      if (q.is_zero()) throw DomainError("division by zero in " + info.expr.to_string());
      return Rational((p / q).floor());
    case AtomKind::kMin:
      return p <= q ? p : q;
    case AtomKind::kMax:
      return p >= q ? p : q;
    case AtomKind::kQuotient: {
      if (q.is_zero()) throw DomainError("division by zero in " + info.expr.to_string());
      Rational r = p / q;
      if (!r.is_integer()) {
        throw DomainError("inexact division in " + info.expr.to_string() + ": " + p.to_string() + " / " +
                          q.to_string());
      }
      return r;
    }
    case AtomKind::kSymbol:
      break;
  }
  throw DomainError("corrupt atom");
}

Rational evaluate_node(const ExprNode* n, const Bindings& bindings) {
  Rational sum;
  if (!n) return sum;
  for (const Term& t : n->terms) {
    Rational product = t.coef;
    for (const Factor& f : n->monomial(t)) product = product * rational_pow(evaluate_atom(f.atom, bindings), f.exp);
    sum = sum + product;
  }
  return sum;
}

bool mentions_bound(const AtomInfo& info, const Bindings& bindings) {
  return std::any_of(info.symbols.begin(), info.symbols.end(),
                     [&](const std::string& s) { return bindings.find(s) != nullptr; });
}

Expr substitute_atom(AtomId id, const Bindings& bindings) {
  const AtomInfo& info = atom(id);
  if (!mentions_bound(info, bindings)) return info.expr;
  if (info.kind == AtomKind::kSymbol) return Expr(*bindings.find(info.name));
  Expr p = info.lhs.substitute(bindings);
  Expr q = info.rhs.substitute(bindings);
  switch (info.kind) {
    case AtomKind::kFloor:
      return Expr::floordiv(p, q);
    case AtomKind::kMin:
      return Expr::min(p, q);
    case AtomKind::kMax:
      return Expr::max(p, q);
    case AtomKind::kQuotient:
      return Expr::divide(p, q);
    case AtomKind::kSymbol:
      break;
  }
  throw DomainError("corrupt atom");
}

// ---------------------------------------------------------------------------------------------------------
// Printing.

struct Style {
  const char* mul;
  const char* floor_open;
  const char* floor_close;
  const char* ceil_open;
  const char* ceil_close;
  bool superscripts;
};

constexpr Style kUnicodeStyle{"\u00b7", "\u230a", "\u230b", "\u2308", "\u2309", true};
constexpr Style kAsciiStyle{"*", "floor(", ")", "ceil(", ")", false};

std::string exponent_suffix(int exp, const Style& style) {
  if (exp == 1) return "";
  if (style.superscripts && exp >= 2 && exp <= 9) {
    static constexpr std::array<const char*, 10> kSuperscripts = {"",       "",       "\u00b2", "\u00b3", "\u2074",
                                                                  "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
    return kSuperscripts[static_cast<std::size_t>(exp)];
  }
  return "^" + std::to_string(exp);
}

std::string print_expr(const ExprNode* n, const Style& style);

std::size_t term_count(const Expr& e) {
  const ExprNode* n = node_of(e);
  return n ? n->terms.size() : 0;
}

// "p/q" with each side parenthesised only where the plain form would read differently.
std::string print_fraction(const Expr& p, const Expr& q, const Style& style) {
  std::string ps = print_expr(node_of(p), style);
  std::string qs = print_expr(node_of(q), style);
  if (term_count(p) > 1 || ps.find('/') != std::string::npos) ps = "(" + ps + ")";
  if (term_count(q) > 1 || qs.find('/') != std::string::npos || qs.find(style.mul) != std::string::npos) {
    qs = "(" + qs + ")";
  }
  return ps + "/" + qs;
}

std::string print_atom(AtomId id, const Style& style, bool standalone) {
  const AtomInfo& info = atom(id);
  switch (info.kind) {
    case AtomKind::kSymbol:
      return info.name;
    case AtomKind::kFloor: {
      // floor((P + k - 1)/k) reads better as ceil(P/k); storage stays a floor.
      std::optional<Int> k = info.rhs.integer_value();
      const ExprNode* ln = node_of(info.lhs);
      if (k && *k > 1 && ln && ln->terms.size() > 1 && ln->terms.back().count == 0 &&
          ln->terms.back().coef == Rational(*k - 1)) {
        return style.ceil_open + print_fraction(info.lhs - Expr(*k - 1), info.rhs, style) + style.ceil_close;
      }
      return style.floor_open + print_fraction(info.lhs, info.rhs, style) + style.floor_close;
    }
    case AtomKind::kMin:
    case AtomKind::kMax:
      return std::string(info.kind == AtomKind::kMin ? "min(" : "max(") + print_expr(node_of(info.lhs), style) + ", " +
             print_expr(node_of(info.rhs), style) + ")";
    case AtomKind::kQuotient: {
      std::string s = print_fraction(info.lhs, info.rhs, style);
      return standalone ? s : "(" + s + ")";
    }
  }
  return "?";
}

// Prints |coef|·monomial; the caller supplies the sign.
std::string print_term(const ExprNode& n, const Term& t, const Style& style) {
  Int p = t.coef.num() < 0 ? checked_neg(t.coef.num()) : t.coef.num();
  Int q = t.coef.den();
  auto mono = n.monomial(t);
  bool standalone = p == 1 && q == 1 && mono.size() == 1 && mono[0].exp == 1;
  std::vector<std::string> num, den;
  if (q != 1) den.push_back(to_string(q));
  std::string out;
  if (p != 1 || std::none_of(mono.begin(), mono.end(), [](const Factor& f) { return f.exp > 0; })) {
    out = to_string(p);
  }
  for (const Factor& f : mono) {
    std::string s = print_atom(f.atom, style, standalone);
    if (f.exp > 0) {
      if (!out.empty()) out += style.mul;
      out += s + exponent_suffix(f.exp, style);
    } else {
      den.push_back(s + exponent_suffix(-f.exp, style));
    }
  }
  if (den.size() == 1) {
    out += "/" + den[0];
  } else if (den.size() > 1) {
    out += "/(";
    for (std::size_t i = 0; i < den.size(); ++i) {
      if (i > 0) out += style.mul;
      out += den[i];
    }
    out += ")";
  }
  return out;
}

std::string print_expr(const ExprNode* n, const Style& style) {
  if (!n) return "0";
  std::string out;
  for (std::size_t i = 0; i < n->terms.size(); ++i) {
    const Term& t = n->terms[i];
    bool negative = t.coef.sign() < 0;
    if (i == 0) {
      if (negative) out += "-";
    } else {
      out += negative ? " - " : " + ";
    }
    out += print_term(*n, t, style);
  }
  return out;
}

}  // namespace

// -------------------------------------------------------------------------------------------------------------
// Bindings

void Bindings::set(std::string_view name, Int value) { values_.insert_or_assign(std::string(name), value); }

const Int* Bindings::find(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

// -------------------------------------------------------------------------------------------------------------
// Expr

Expr::Expr() = default;

void Expr::destroy(const ExprNodeReferences* node) { delete static_cast<const ExprNode*>(node); }

Expr::Expr(Int value) {
  // Small literals recur constantly in shape arithmetic; sharing them saves an allocation each.
  constexpr Int kLow = -16, kHigh = 256;
  if (value == 0) return;
  if (value >= kLow && value <= kHigh) {
    static const std::vector<Expr>* const cache = [] {
      auto* v = new std::vector<Expr>();
      for (Int i = kLow; i <= kHigh; ++i) v->push_back(make_constant(Rational(i)));
      return v;
    }();
    *this = (*cache)[static_cast<std::size_t>(value - kLow)];
    return;
  }
  *this = make_constant(Rational(value));
}

Expr Expr::constant(const Rational& value) {
  if (value.is_integer()) return Expr(value.num());
  return make_constant(value);
}

Expr Expr::symbol(std::string_view name) {
  if (name.empty()) throw DomainError("symbol name must not be empty");
  return atom(intern_symbol(name)).expr;
}

bool Expr::is_constant() const { return is_constant_node(ExprAccess::node(*this)); }

bool Expr::is_zero() const { return node_ == nullptr; }

std::optional<Rational> Expr::constant_value() const {
  if (!node_) return Rational(0);
  if (!is_constant()) return std::nullopt;
  return ExprAccess::node(*this)->terms[0].coef;
}

std::optional<Int> Expr::integer_value() const {
  std::optional<Rational> v = constant_value();
  if (!v || !v->is_integer()) return std::nullopt;
  return v->num();
}

namespace {

// Memo of recent sums, differences and products, keyed by the operands' node identity. Shapes and costs are
// built again and again from the same nodes (every layer of a 1M-op model multiplies the same `batch` and
// `width`), so most operations are answered here without building a node, and the answer is the same shared
// node, which also keeps the graph's memory small. Entries hold their operands, so a node address cannot be
// reused while it is a key. Direct-mapped and fixed in size: a miss just computes and overwrites.
class OperationMemo {
 public:
  enum Op : std::uint8_t { kAdd, kSub, kMul };

  template <typename Compute>
  Expr get(Op op, const Expr& a, const Expr& b, Compute compute) {
    const ExprNode* x = node_of(a);
    const ExprNode* y = node_of(b);
    if (!x || !y) return compute();  // zero operands are trivial
    auto h = mix(mix(op, reinterpret_cast<std::uintptr_t>(x)), reinterpret_cast<std::uintptr_t>(y));
    Entry& e = entries_[h & (kEntries - 1)];
    if (e.op == op && node_of(e.a) == x && node_of(e.b) == y) return e.result;
    Expr result = compute();  // may throw; the entry is then left as it was
    e = Entry{op, a, b, result};
    return result;
  }

 private:
  static constexpr std::size_t kEntries = 4096;
  struct Entry {
    Op op = kAdd;
    Expr a, b, result;
  };
  std::vector<Entry> entries_ = std::vector<Entry>(kEntries);
};

// Never destroyed, like the atom table.
OperationMemo& memo() {
  static OperationMemo* const instance = new OperationMemo();
  return *instance;
}

}  // namespace

Expr operator+(const Expr& a, const Expr& b) {
  return memo().get(OperationMemo::kAdd, a, b, [&] { return add_impl(a, b, false); });
}
Expr operator-(const Expr& a, const Expr& b) {
  return memo().get(OperationMemo::kSub, a, b, [&] { return add_impl(a, b, true); });
}
Expr operator*(const Expr& a, const Expr& b) {
  return memo().get(OperationMemo::kMul, a, b, [&] { return multiply_impl(a, b); });
}
Expr Expr::operator-() const { return scale(*this, Rational(-1)); }

Expr Expr::divide(const Expr& a, const Expr& b) {
  if (b.is_zero()) throw DomainError("division by zero");
  if (std::optional<Rational> bv = b.constant_value()) return scale(a, Rational(1) / *bv);
  if (a.is_zero()) return Expr();
  const ExprNode* bn = ExprAccess::node(b);
  if (bn->terms.size() == 1) {
    const Term& t = bn->terms[0];
    std::vector<Factor> inverse(bn->factors.begin(), bn->factors.end());
    for (Factor& f : inverse) f.exp = -f.exp;
    NodeBuilder nb;
    nb.append(Rational(1) / t.coef, inverse, -t.degree);
    return a * nb.finish();
  }
  if (std::optional<Rational> c = constant_ratio(a, b)) return constant(*c);
  // Scale so the divisor's leading coefficient is 1: (2a)/(2b) and a/b become the same atom.
  Rational lead = bn->terms[0].coef;
  return compound_atom(AtomKind::kQuotient, scale(a, Rational(1) / lead), scale(b, Rational(1) / lead));
}

Expr Expr::floordiv(const Expr& a, const Expr& b) {
  if (b.is_zero()) throw DomainError("floor division by zero");
  if (std::optional<Rational> bv = b.constant_value()) {
    if (std::optional<Rational> av = a.constant_value()) return Expr((*av / *bv).floor());
    // Scale both sides so the divisor is a positive integer and a has integer coefficients.
    Rational d = *bv;
    Expr num = a;
    if (d.sign() < 0) {
      d = -d;
      num = -num;
    }
    Int l = d.den();
    for (const Term& t : ExprAccess::node(num)->terms) l = lcm(l, t.coef.den());
    if (l != 1) num = scale(num, Rational(l));
    return floor_by_positive_integer(num, checked_mul(d.num(), l / d.den()));
  }
  if (a.is_zero()) return Expr();
  if (std::optional<Rational> c = constant_ratio(a, b)) return Expr(c->floor());
  // floor(a/b) = floor(-a/-b): fix the sign of the divisor's leading coefficient.
  if (ExprAccess::node(b)->terms[0].coef.sign() < 0) return compound_atom(AtomKind::kFloor, -a, -b);
  return compound_atom(AtomKind::kFloor, a, b);
}

Expr Expr::ceildiv(const Expr& a, const Expr& b) {
  if (b.is_zero()) throw DomainError("ceiling division by zero");
  std::optional<Int> k = b.integer_value();
  if (k && *k > 0 && has_integer_coefficients(ExprAccess::node(a))) return floordiv(a + Expr(*k - 1), b);
  return -floordiv(-a, b);
}

Expr Expr::mod(const Expr& a, const Expr& b) { return a - b * floordiv(a, b); }

Expr Expr::min(const Expr& a, const Expr& b) { return min_max(a, b, true); }
Expr Expr::max(const Expr& a, const Expr& b) { return min_max(a, b, false); }

Expr Expr::pow(const Expr& base, unsigned exponent) {
  Expr result(1);
  Expr square = base;
  while (exponent != 0) {
    if (exponent & 1U) result = result * square;
    exponent >>= 1U;
    if (exponent != 0) square = square * square;
  }
  return result;
}

Rational Expr::evaluate(const Bindings& bindings) const { return evaluate_node(ExprAccess::node(*this), bindings); }

Int Expr::evaluate_integer(const Bindings& bindings) const {
  Rational v = evaluate(bindings);
  if (!v.is_integer()) throw DomainError(to_string() + " is not an integer: " + v.to_string());
  return v.num();
}

Expr Expr::substitute(const Bindings& bindings) const {
  const ExprNode* n = ExprAccess::node(*this);
  if (!n || bindings.empty()) return *this;
  bool touched = std::any_of(n->factors.begin(), n->factors.end(),
                             [&](const Factor& f) { return mentions_bound(atom(f.atom), bindings); });
  if (!touched) return *this;
  Expr result;
  for (const Term& t : n->terms) {
    Expr numerator = constant(t.coef);
    Expr denominator(1);
    for (const Factor& f : n->monomial(t)) {
      Expr value = substitute_atom(f.atom, bindings);
      if (f.exp > 0) {
        numerator = numerator * pow(value, static_cast<unsigned>(f.exp));
      } else {
        denominator = denominator * pow(value, static_cast<unsigned>(-f.exp));
      }
    }
    result = result + (denominator == Expr(1) ? numerator : divide(numerator, denominator));
  }
  return result;
}

Rational Evaluator::evaluate(const Expr& e) {
  const ExprNode* n = ExprAccess::node(e);
  if (!n) return Rational(0);
  if (auto it = known_.find(n); it != known_.end()) return it->second.value;
  Rational value = e.evaluate(bindings_);
  known_.emplace(n, Known{e, value});
  return value;
}

Int Evaluator::evaluate_integer(const Expr& e) {
  Rational v = evaluate(e);
  if (!v.is_integer()) throw DomainError(e.to_string() + " is not an integer: " + v.to_string());
  return v.num();
}

std::vector<std::string> Expr::symbols() const {
  std::vector<std::string> out;
  if (!node_) return out;
  for (const Factor& f : ExprAccess::node(*this)->factors) {
    const std::vector<std::string>& s = atom(f.atom).symbols;
    out.insert(out.end(), s.begin(), s.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int Expr::degree(std::string_view symbol) const {
  if (!node_) return 0;
  bool found = false;
  int best = INT32_MIN;
  for (const Term& t : ExprAccess::node(*this)->terms) {
    int d = 0;  // a term without the symbol has degree 0 in it
    for (const Factor& f : ExprAccess::node(*this)->monomial(t)) {
      const AtomInfo& info = atom(f.atom);
      bool contains = info.kind == AtomKind::kSymbol
                          ? info.name == symbol
                          : std::binary_search(info.symbols.begin(), info.symbols.end(), symbol);
      if (contains) {
        d += f.exp;
        found = true;
      }
    }
    best = std::max(best, d);
  }
  return found ? best : 0;
}

bool Expr::is_integer_valued() const {
  if (!has_integer_coefficients(ExprAccess::node(*this))) return false;
  if (!node_) return true;
  return std::all_of(ExprAccess::node(*this)->factors.begin(), ExprAccess::node(*this)->factors.end(),
                     [](const Factor& f) {
                       const AtomInfo& info = atom(f.atom);
                       if (f.exp < 0) return false;
                       if (info.kind == AtomKind::kMin || info.kind == AtomKind::kMax) {
                         return info.lhs.is_integer_valued() && info.rhs.is_integer_valued();
                       }
                       return true;
                     });
}

std::size_t Expr::size() const { return node_ ? ExprAccess::node(*this)->size() : 0; }
std::size_t Expr::terms() const { return node_ ? ExprAccess::node(*this)->terms.size() : 0; }

std::size_t Expr::product_terms_bound(std::size_t a_terms, std::size_t b_terms) {
  std::size_t product;
  return __builtin_mul_overflow(a_terms, b_terms, &product) ? SIZE_MAX : product;
}

std::size_t Expr::power_terms_bound(std::size_t terms, unsigned exponent) {
  if (exponent == 0) return 1;
  if (terms <= 1) return terms;
  // C(terms - 1 + exponent, exponent) = prod_{i=1..m} (n - m + i) / i with m the smaller side, exact at each
  // step (a running product of consecutive integers divided by i! is a binomial coefficient).
  std::size_t n = terms - 1 + exponent;
  std::size_t m = std::min<std::size_t>(terms - 1, exponent);
  unsigned __int128 c = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    c = c * (n - m + i) / i;
    if (c > SIZE_MAX) return SIZE_MAX;
  }
  return static_cast<std::size_t>(c);
}

std::string Expr::to_string(PrintStyle style) const {
  return print_expr(ExprAccess::node(*this), style == PrintStyle::kUnicode ? kUnicodeStyle : kAsciiStyle);
}

Sum& Sum::add(const Expr& e, Int times) {
  if (e.is_zero() || times == 0) return *this;
  auto [it, inserted] = counts_.try_emplace(e, 0);
  if (inserted) order_.push_back(e);
  it->second = checked_add(it->second, times);
  return *this;
}

Expr Sum::total() const {
  Expr total;
  for (const Expr& e : order_) total += counts_.at(e) == 1 ? e : Expr(counts_.at(e)) * e;
  return total;
}

std::size_t Expr::hash() const { return node_ ? ExprAccess::node(*this)->hash() : 0x2545f491; }

bool operator==(const Expr& a, const Expr& b) {
  const ExprNode* x = ExprAccess::node(a);
  const ExprNode* y = ExprAccess::node(b);
  if (x == y) return true;
  if (!x || !y || x->terms.size() != y->terms.size() || x->factors != y->factors) return false;
  for (std::size_t i = 0; i < x->terms.size(); ++i) {
    if (x->terms[i].coef != y->terms[i].coef || x->terms[i].count != y->terms[i].count) return false;
  }
  return true;
}

}  // namespace nnscope::sym
