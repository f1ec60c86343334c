#pragma once
// Exact rational numbers over 128-bit integers. Every operation is checked: a result that does not fit
// throws OverflowError instead of wrapping, because a wrapped count is a silently wrong answer.
#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace nnscope::sym {

using Int = __int128;

// The errors symbolic arithmetic raises; callers that can recover from a value that cannot be computed (a sweep
// point that must be elaborated again) catch this base, and nothing broader.
class ArithmeticError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OverflowError : public ArithmeticError {
 public:
  using ArithmeticError::ArithmeticError;
};

// An expression too large to build: a product whose number of terms would pass Expr::kMaxTerms. Caught with
// OverflowError (it is one), so every phase that reports overflow reports this too.
class SizeError : public OverflowError {
 public:
  using OverflowError::OverflowError;
};

// Division by zero, or a non-integer where an integer is required.
class DomainError : public ArithmeticError {
 public:
  using ArithmeticError::ArithmeticError;
};

Int checked_add(Int a, Int b);
Int checked_sub(Int a, Int b);
Int checked_mul(Int a, Int b);
Int checked_neg(Int a);
Int floor_div(Int a, Int b);  // rounds toward minus infinity; b != 0
Int floor_mod(Int a, Int b);  // result has the sign of b
Int gcd(Int a, Int b);        // non-negative

std::string to_string(Int value);
// Parses an optionally signed decimal integer; nullopt-like failure is reported by returning false.
bool parse_int(std::string_view text, Int* out);

// Always normalised: den > 0 and gcd(|num|, den) == 1.
class Rational {
 public:
  Rational() = default;
  Rational(Int value) : num_(value) {}  // NOLINT(google-explicit-constructor): integers are rationals
  Rational(Int num, Int den);           // throws DomainError when den == 0

  Int num() const { return num_; }
  Int den() const { return den_; }
  bool is_integer() const { return den_ == 1; }
  bool is_zero() const { return num_ == 0; }
  int sign() const { return num_ < 0 ? -1 : (num_ > 0 ? 1 : 0); }
  Int floor() const;
  Int ceil() const;
  double to_double() const;
  std::string to_string() const;  // "3", "-7/2"

  friend Rational operator+(const Rational& a, const Rational& b);
  friend Rational operator-(const Rational& a, const Rational& b);
  friend Rational operator*(const Rational& a, const Rational& b);
  friend Rational operator/(const Rational& a, const Rational& b);  // throws DomainError on division by zero
  Rational operator-() const;
  friend bool operator==(const Rational& a, const Rational& b) = default;
  friend std::strong_ordering operator<=>(const Rational& a, const Rational& b);

 private:
  Int num_ = 0;
  Int den_ = 1;
};

}  // namespace nnscope::sym
