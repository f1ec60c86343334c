#include "onnx/protobuf.h"

#include <cstring>

namespace nnscope::onnx {

Reader::Reader(std::string_view buffer, std::string path) : Reader(buffer, 0, buffer.size(), 0, std::move(path)) {}

Reader::Reader(std::string_view buffer, std::size_t begin, std::size_t end, int depth, std::string path)
    : buffer_(buffer), pos_(begin), end_(end), field_start_(begin), depth_(depth), path_(std::move(path)) {}

void Reader::fail(const std::string& message) const {
  throw ProtobufError("at byte " + std::to_string(field_start_) + " in " + path_ + ": " + message, field_start_);
}

std::uint64_t Reader::varint_at(std::string_view bytes, std::size_t& at, std::size_t base) const {
  std::uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    if (at >= bytes.size()) {
      throw ProtobufError("at byte " + std::to_string(base + at) + " in " + path_ + ": truncated varint", base + at);
    }
    auto byte = static_cast<std::uint8_t>(bytes[at++]);
    if (shift == 63 && (byte & 0x7e) != 0) {
      throw ProtobufError("at byte " + std::to_string(base + at - 1) + " in " + path_ + ": varint overflows 64 bits",
                          base + at - 1);
    }
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return value;
    if (shift >= 63) {
      throw ProtobufError("at byte " + std::to_string(base + at) + " in " + path_ + ": varint longer than 10 bytes",
                          base + at);
    }
  }
}

bool Reader::next() {
  if (pos_ >= end_) return false;
  field_start_ = pos_;
  std::string_view rest = buffer_.substr(0, end_);
  std::uint64_t key = varint_at(rest, pos_, 0);
  std::uint64_t number = key >> 3;
  auto wire = static_cast<std::uint8_t>(key & 7);
  if (number == 0 || number > 0x1fffffff) fail("invalid field number " + std::to_string(number));
  if (wire > 5) fail("invalid wire type " + std::to_string(wire) + " for field " + std::to_string(number));
  field_ = static_cast<std::uint32_t>(number);
  wire_ = static_cast<WireType>(wire);
  return true;
}

void Reader::expect(WireType wire, const char* what) const {
  if (wire_ != wire) {
    fail("field " + std::to_string(field_) + " should be " + what + " but has wire type " +
         std::to_string(static_cast<int>(wire_)));
  }
}

std::uint64_t Reader::read_varint() {
  expect(WireType::kVarint, "a varint");
  return varint_at(buffer_.substr(0, end_), pos_, 0);
}

std::int32_t Reader::read_int32() {
  std::int64_t v = read_int64();
  if (v < INT32_MIN || v > INT32_MAX) fail("field " + std::to_string(field_) + " does not fit 32 bits");
  return static_cast<std::int32_t>(v);
}

std::uint32_t Reader::read_fixed32() {
  expect(WireType::kFixed32, "a 32-bit value");
  if (end_ - pos_ < 4) fail("truncated 32-bit value");
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(buffer_[pos_ + static_cast<std::size_t>(i)]);
  pos_ += 4;
  return v;
}

std::uint64_t Reader::read_fixed64() {
  expect(WireType::kFixed64, "a 64-bit value");
  if (end_ - pos_ < 8) fail("truncated 64-bit value");
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(buffer_[pos_ + static_cast<std::size_t>(i)]);
  pos_ += 8;
  return v;
}

float Reader::float_from(const char* p) {
  std::uint32_t bits = 0;
  for (int i = 3; i >= 0; --i) bits = (bits << 8) | static_cast<std::uint8_t>(p[i]);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float Reader::read_float() {
  std::uint32_t bits = read_fixed32();
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

std::string_view Reader::read_bytes() {
  expect(WireType::kBytes, "length-delimited");
  std::uint64_t length = varint_at(buffer_.substr(0, end_), pos_, 0);
  if (length > end_ - pos_) {
    fail("field " + std::to_string(field_) + " claims " + std::to_string(length) + " bytes but only " +
         std::to_string(end_ - pos_) + " remain");
  }
  std::string_view bytes = buffer_.substr(pos_, static_cast<std::size_t>(length));
  pos_ += static_cast<std::size_t>(length);
  return bytes;
}

Reader Reader::read_message(const std::string& name) {
  if (depth_ + 1 > kMaxDepth) fail("messages nested more than " + std::to_string(kMaxDepth) + " deep");
  std::string_view bytes = read_bytes();
  std::size_t begin = pos_ - bytes.size();
  return Reader(buffer_, begin, pos_, depth_ + 1, path_ + "." + name);
}

void Reader::skip() {
  switch (wire_) {
    case WireType::kVarint:
      read_varint();
      return;
    case WireType::kFixed64:
      read_fixed64();
      return;
    case WireType::kFixed32:
      read_fixed32();
      return;
    case WireType::kBytes:
      read_bytes();
      return;
    case WireType::kStartGroup:
    case WireType::kEndGroup:
      fail("groups (wire types 3 and 4) are not supported (field " + std::to_string(field_) + ")");
  }
  fail("invalid wire type");
}

}  // namespace nnscope::onnx
