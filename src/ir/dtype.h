#pragma once
// Element types of tensors and weights, and their sizes in bytes (int4 is half a byte, hence Rational).
#include <optional>
#include <string>
#include <string_view>

#include "symbolic/rational.h"

namespace nnscope {

enum class DType { kF32, kTF32, kF16, kBF16, kFP8, kI8, kI4, kI32, kI64, kBool };

// Accepts the spellings users write: f32 fp32 float32 tf32 f16 fp16 half bf16 fp8 f8 i8 int8 i4 int4 i32
// int32 i64 int64 bool.
std::optional<DType> parse_dtype(std::string_view name);
std::string_view dtype_name(DType dtype);  // canonical spelling: fp32, tf32, fp16, bf16, fp8, int8, int4, ...
sym::Rational dtype_bytes(DType dtype);
bool is_floating(DType dtype);

}  // namespace nnscope
