#include "symbolic/rational.h"

#include <algorithm>
#include <string_view>

namespace nnscope::sym {

namespace {

using UInt = unsigned __int128;

constexpr Int kIntMax = static_cast<Int>(~static_cast<UInt>(0) >> 1);

UInt magnitude(Int v) { return v < 0 ? static_cast<UInt>(0) - static_cast<UInt>(v) : static_cast<UInt>(v); }

[[noreturn]] void overflow(const char* what) { throw OverflowError(std::string("integer overflow in ") + what); }

// Compares a/b with c/d (b, d > 0) by continued-fraction expansion, so no cross product can overflow.
std::strong_ordering compare_fractions(Int a, Int b, Int c, Int d) {
  for (;;) {
    Int qa = floor_div(a, b);
    Int qc = floor_div(c, d);
    if (qa != qc) return qa <=> qc;
    Int ra = floor_mod(a, b);  // in [0, b); a - qa·b itself could overflow on the way
    Int rc = floor_mod(c, d);
    if (ra == 0 || rc == 0) return ra <=> rc;
    // ra/b < rc/d  <=>  d/rc < b/ra
    Int na = d, nb = rc, nc = b, nd = ra;
    a = na;
    b = nb;
    c = nc;
    d = nd;
  }
}

}  // namespace

Int checked_add(Int a, Int b) {
  Int r;
  if (__builtin_add_overflow(a, b, &r)) overflow("addition");
  return r;
}

Int checked_sub(Int a, Int b) {
  Int r;
  if (__builtin_sub_overflow(a, b, &r)) overflow("subtraction");
  return r;
}

Int checked_mul(Int a, Int b) {
  Int r;
  if (__builtin_mul_overflow(a, b, &r)) overflow("multiplication");
  return r;
}

Int checked_neg(Int a) { return checked_sub(0, a); }

Int floor_div(Int a, Int b) {
  if (b == 0) throw DomainError("division by zero");
  if (b == -1) return checked_neg(a);  // the one quotient that can overflow; also avoids INT_MIN % -1
  Int q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

Int floor_mod(Int a, Int b) {
  if (b == 0) throw DomainError("division by zero");
  if (b == -1) return 0;
  Int r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

Int gcd(Int a, Int b) {
  UInt x = magnitude(a);
  UInt y = magnitude(b);
  while (y != 0) {
    UInt t = x % y;
    x = y;
    y = t;
  }
  if (x > static_cast<UInt>(kIntMax)) overflow("gcd");  // only gcd(-2^127, 0) or gcd(-2^127, -2^127)
  return static_cast<Int>(x);
}

std::string to_string(Int value) {
  if (value >= INT64_MIN && value <= INT64_MAX) return std::to_string(static_cast<std::int64_t>(value));
  UInt m = magnitude(value);
  std::string digits;
  while (m != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  if (value < 0) digits.push_back('-');
  std::reverse(digits.begin(), digits.end());
  return digits;
}

bool parse_int(std::string_view text, Int* out) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  // Accumulate the magnitude unsigned so that -2^127 parses.
  const UInt limit = static_cast<UInt>(kIntMax) + (negative ? 1 : 0);
  UInt m = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return false;
    UInt digit = static_cast<UInt>(ch - '0');
    if (m > (limit - digit) / 10) return false;
    m = m * 10 + digit;
  }
  if (negative) {
    *out = m == 0 ? 0 : static_cast<Int>(static_cast<UInt>(0) - m);
  } else {
    *out = static_cast<Int>(m);
  }
  return true;
}

Rational::Rational(Int num, Int den) {
  if (den == 0) throw DomainError("rational with zero denominator");
  if (den < 0) {
    num = checked_neg(num);
    den = checked_neg(den);
  }
  Int g = gcd(num, den);  // >= 1 because den != 0
  num_ = num / g;
  den_ = den / g;
}

Int Rational::floor() const { return floor_div(num_, den_); }

Int Rational::ceil() const {
  Int q = num_ / den_;
  if (num_ % den_ != 0 && num_ > 0) ++q;
  return q;
}

double Rational::to_double() const { return static_cast<double>(num_) / static_cast<double>(den_); }

std::string Rational::to_string() const {
  if (den_ == 1) return sym::to_string(num_);
  return sym::to_string(num_) + "/" + sym::to_string(den_);
}

Rational operator+(const Rational& a, const Rational& b) {
  if (a.den_ == 1 && b.den_ == 1) return Rational(checked_add(a.num_, b.num_));
  Int g = gcd(a.den_, b.den_);
  Int da = a.den_ / g;
  Int db = b.den_ / g;
  return Rational(checked_add(checked_mul(a.num_, db), checked_mul(b.num_, da)), checked_mul(a.den_, db));
}

Rational operator-(const Rational& a, const Rational& b) { return a + (-b); }

Rational operator*(const Rational& a, const Rational& b) {
  if (a.den_ == 1 && b.den_ == 1) return Rational(checked_mul(a.num_, b.num_));
  // Cross-cancel first so that representable results are not lost to intermediate overflow.
  Int g1 = gcd(a.num_, b.den_);
  Int g2 = gcd(b.num_, a.den_);
  if (g1 == 0) g1 = 1;
  if (g2 == 0) g2 = 1;
  return Rational(checked_mul(a.num_ / g1, b.num_ / g2), checked_mul(a.den_ / g2, b.den_ / g1));
}

Rational operator/(const Rational& a, const Rational& b) {
  if (b.num_ == 0) throw DomainError("division by zero");
  return a * Rational(b.den_, b.num_);
}

Rational Rational::operator-() const {
  Rational r;
  r.num_ = checked_neg(num_);
  r.den_ = den_;
  return r;
}

std::strong_ordering operator<=>(const Rational& a, const Rational& b) {
  if (a.den_ == 1 && b.den_ == 1) return a.num_ <=> b.num_;
  if (a.sign() != b.sign()) return a.sign() <=> b.sign();
  return compare_fractions(a.num_, a.den_, b.num_, b.den_);
}

}  // namespace nnscope::sym
