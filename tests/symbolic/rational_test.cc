#include "symbolic/rational.h"

#include <gtest/gtest.h>

#include <string>

namespace nnscope::sym {
namespace {

const Int kMax = static_cast<Int>(~static_cast<unsigned __int128>(0) >> 1);  // 2^127 - 1
const Int kMin = -kMax - 1;
const Int kTen20 = static_cast<Int>(10000000000LL) * 10000000000LL;

TEST(CheckedArithmetic, ExactResults) {
  EXPECT_TRUE(checked_add(2, 3) == 5);
  EXPECT_TRUE(checked_sub(2, 3) == -1);
  EXPECT_TRUE(checked_mul(-4, 6) == -24);
  EXPECT_TRUE(checked_neg(7) == -7);
  EXPECT_TRUE(checked_add(kMax, kMin) == -1);
  EXPECT_TRUE(checked_mul(kTen20, 1000000000000000000LL) == kTen20 * 1000000000000000000LL);
}

TEST(CheckedArithmetic, OverflowThrows) {
  EXPECT_THROW(checked_add(kMax, 1), OverflowError);
  EXPECT_THROW(checked_sub(kMin, 1), OverflowError);
  EXPECT_THROW(checked_mul(kTen20, kTen20), OverflowError);
  EXPECT_THROW(checked_mul(kMin, -1), OverflowError);
  EXPECT_THROW(checked_neg(kMin), OverflowError);
  EXPECT_NO_THROW(checked_neg(kMax));
}

TEST(FloorDivision, RoundsTowardMinusInfinity) {
  EXPECT_TRUE(floor_div(7, 2) == 3);
  EXPECT_TRUE(floor_div(-7, 2) == -4);
  EXPECT_TRUE(floor_div(7, -2) == -4);
  EXPECT_TRUE(floor_div(-7, -2) == 3);
  EXPECT_TRUE(floor_div(6, 3) == 2);
  EXPECT_TRUE(floor_div(-6, 3) == -2);
  EXPECT_TRUE(floor_div(0, 5) == 0);
  EXPECT_TRUE(floor_div(kMin, 1) == kMin);
  EXPECT_THROW(floor_div(kMin, -1), OverflowError);
  EXPECT_THROW(floor_div(1, 0), DomainError);
}

TEST(FloorDivision, ModHasSignOfDivisor) {
  EXPECT_TRUE(floor_mod(7, 2) == 1);
  EXPECT_TRUE(floor_mod(-7, 2) == 1);
  EXPECT_TRUE(floor_mod(7, -2) == -1);
  EXPECT_TRUE(floor_mod(-7, -2) == -1);
  EXPECT_TRUE(floor_mod(6, 3) == 0);
  EXPECT_TRUE(floor_mod(kMin, -1) == 0);
  EXPECT_THROW(floor_mod(1, 0), DomainError);
}

TEST(Gcd, NonNegative) {
  EXPECT_TRUE(gcd(12, 18) == 6);
  EXPECT_TRUE(gcd(-12, 18) == 6);
  EXPECT_TRUE(gcd(12, -18) == 6);
  EXPECT_TRUE(gcd(0, 5) == 5);
  EXPECT_TRUE(gcd(-5, 0) == 5);
  EXPECT_TRUE(gcd(0, 0) == 0);
  EXPECT_TRUE(gcd(17, 5) == 1);
  EXPECT_TRUE(gcd(kMin, 6) == 2);
  EXPECT_THROW(gcd(kMin, 0), OverflowError);  // 2^127 is not representable
}

TEST(IntText, ToString) {
  EXPECT_EQ(to_string(Int(0)), "0");
  EXPECT_EQ(to_string(Int(-42)), "-42");
  EXPECT_EQ(to_string(kTen20), "100000000000000000000");
  EXPECT_EQ(to_string(-kTen20), "-100000000000000000000");
  EXPECT_EQ(to_string(kMax), "170141183460469231731687303715884105727");
  EXPECT_EQ(to_string(kMin), "-170141183460469231731687303715884105728");
}

TEST(IntText, Parse) {
  Int v = 99;
  ASSERT_TRUE(parse_int("123", &v));
  EXPECT_TRUE(v == 123);
  ASSERT_TRUE(parse_int("-45", &v));
  EXPECT_TRUE(v == -45);
  ASSERT_TRUE(parse_int("0", &v));
  EXPECT_TRUE(v == 0);
  ASSERT_TRUE(parse_int("-0", &v));
  EXPECT_TRUE(v == 0);
  ASSERT_TRUE(parse_int("007", &v));
  EXPECT_TRUE(v == 7);
  ASSERT_TRUE(parse_int("100000000000000000000", &v));
  EXPECT_TRUE(v == kTen20);
  ASSERT_TRUE(parse_int("170141183460469231731687303715884105727", &v));
  EXPECT_TRUE(v == kMax);
  ASSERT_TRUE(parse_int("-170141183460469231731687303715884105728", &v));
  EXPECT_TRUE(v == kMin);
}

TEST(IntText, ParseRejectsJunkAndOverflow) {
  Int v = 99;
  EXPECT_FALSE(parse_int("", &v));
  EXPECT_FALSE(parse_int("-", &v));
  EXPECT_FALSE(parse_int("+5", &v));
  EXPECT_FALSE(parse_int("12a", &v));
  EXPECT_FALSE(parse_int(" 12", &v));
  EXPECT_FALSE(parse_int("1.5", &v));
  EXPECT_FALSE(parse_int("--1", &v));
  EXPECT_FALSE(parse_int("170141183460469231731687303715884105728", &v));
  EXPECT_FALSE(parse_int("-170141183460469231731687303715884105729", &v));
  EXPECT_FALSE(parse_int("99999999999999999999999999999999999999999", &v));
  EXPECT_TRUE(v == 99);  // untouched on failure
}

TEST(Rational, Normalised) {
  Rational r(6, -4);
  EXPECT_TRUE(r.num() == -3);
  EXPECT_TRUE(r.den() == 2);
  EXPECT_EQ(r, Rational(-3, 2));
  Rational z(0, -7);
  EXPECT_TRUE(z.num() == 0);
  EXPECT_TRUE(z.den() == 1);
  EXPECT_TRUE(z.is_zero());
  EXPECT_TRUE(Rational(10, 5).is_integer());
  EXPECT_EQ(Rational(10, 5), Rational(2));
  EXPECT_THROW(Rational(1, 0), DomainError);
  EXPECT_THROW(Rational(kMin, -1), OverflowError);
}

TEST(Rational, Arithmetic) {
  EXPECT_EQ(Rational(1, 2) + Rational(1, 3), Rational(5, 6));
  EXPECT_EQ(Rational(1, 2) - Rational(1, 3), Rational(1, 6));
  EXPECT_EQ(Rational(1, 6) + Rational(1, 3), Rational(1, 2));
  EXPECT_EQ(Rational(2, 3) * Rational(3, 4), Rational(1, 2));
  EXPECT_EQ(Rational(2, 3) / Rational(4, 9), Rational(3, 2));
  EXPECT_EQ(Rational(2, 3) / Rational(-4, 9), Rational(-3, 2));
  EXPECT_EQ(-Rational(2, 3), Rational(-2, 3));
  EXPECT_EQ(Rational(7) * Rational(-3), Rational(-21));
  EXPECT_THROW(Rational(1, 2) / Rational(0), DomainError);
}

TEST(Rational, CrossCancellationAvoidsSpuriousOverflow) {
  EXPECT_EQ(Rational(kMax, 3) * Rational(3, kMax), Rational(1));
  EXPECT_EQ(Rational(kMax) / Rational(kMax), Rational(1));
  EXPECT_THROW(Rational(kMax) * Rational(2), OverflowError);
  EXPECT_THROW(Rational(kMax) + Rational(1), OverflowError);
  EXPECT_THROW(Rational(kTen20) * Rational(kTen20), OverflowError);
  EXPECT_THROW(-Rational(kMin), OverflowError);
}

TEST(Rational, FloorCeil) {
  EXPECT_TRUE(Rational(7, 2).floor() == 3);
  EXPECT_TRUE(Rational(7, 2).ceil() == 4);
  EXPECT_TRUE(Rational(-7, 2).floor() == -4);
  EXPECT_TRUE(Rational(-7, 2).ceil() == -3);
  EXPECT_TRUE(Rational(6).floor() == 6);
  EXPECT_TRUE(Rational(6).ceil() == 6);
  EXPECT_TRUE(Rational(-6).ceil() == -6);
}

TEST(Rational, Ordering) {
  EXPECT_LT(Rational(1, 3), Rational(1, 2));
  EXPECT_LT(Rational(-1, 2), Rational(1, 3));
  EXPECT_LT(Rational(-1, 2), Rational(-1, 3));
  EXPECT_GT(Rational(5), Rational(9, 2));
  EXPECT_LE(Rational(2, 4), Rational(1, 2));
  EXPECT_EQ(Rational(3, 7) <=> Rational(6, 14), std::strong_ordering::equal);
  // n/(n-1) shrinks as n grows; the cross products would overflow 128 bits.
  EXPECT_LT(Rational(kMax, kMax - 1), Rational(kMax - 1, kMax - 2));
  EXPECT_GT(Rational(-kMax, kMax - 1), Rational(-(kMax - 1), kMax - 2));
}

TEST(Rational, Text) {
  EXPECT_EQ(Rational(3).to_string(), "3");
  EXPECT_EQ(Rational(-7, 2).to_string(), "-7/2");
  EXPECT_EQ(Rational(0).to_string(), "0");
  EXPECT_DOUBLE_EQ(Rational(-7, 2).to_double(), -3.5);
  EXPECT_DOUBLE_EQ(Rational(1, 3).to_double(), 1.0 / 3.0);
}

}  // namespace
}  // namespace nnscope::sym
