#include "ir/dtype.h"

#include <array>
#include <utility>

namespace nnscope {
namespace {

struct Spelling {
  std::string_view name;
  DType dtype;
};

constexpr std::array<Spelling, 20> kSpellings = {{
    {"f32", DType::kF32}, {"fp32", DType::kF32},  {"float32", DType::kF32}, {"tf32", DType::kTF32},
    {"f16", DType::kF16}, {"fp16", DType::kF16},  {"half", DType::kF16},    {"bf16", DType::kBF16},
    {"fp8", DType::kFP8}, {"f8", DType::kFP8},    {"i8", DType::kI8},       {"int8", DType::kI8},
    {"i4", DType::kI4},   {"int4", DType::kI4},   {"i32", DType::kI32},     {"int32", DType::kI32},
    {"i64", DType::kI64}, {"int64", DType::kI64}, {"bool", DType::kBool},   {"float16", DType::kF16},
}};

}  // namespace

std::optional<DType> parse_dtype(std::string_view name) {
  for (const Spelling& s : kSpellings) {
    if (s.name == name) return s.dtype;
  }
  return std::nullopt;
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return "fp32";
    case DType::kTF32:
      return "tf32";
    case DType::kF16:
      return "fp16";
    case DType::kBF16:
      return "bf16";
    case DType::kFP8:
      return "fp8";
    case DType::kI8:
      return "int8";
    case DType::kI4:
      return "int4";
    case DType::kI32:
      return "int32";
    case DType::kI64:
      return "int64";
    case DType::kBool:
      return "bool";
  }
  return "fp32";
}

sym::Rational dtype_bytes(DType dtype) {
  switch (dtype) {
    case DType::kF32:
    case DType::kTF32:
    case DType::kI32:
      return 4;
    case DType::kF16:
    case DType::kBF16:
      return 2;
    case DType::kFP8:
    case DType::kI8:
    case DType::kBool:
      return 1;
    case DType::kI4:
      return sym::Rational(1, 2);
    case DType::kI64:
      return 8;
  }
  return 4;
}

bool is_floating(DType dtype) {
  switch (dtype) {
    case DType::kF32:
    case DType::kTF32:
    case DType::kF16:
    case DType::kBF16:
    case DType::kFP8:
      return true;
    default:
      return false;
  }
}

}  // namespace nnscope
