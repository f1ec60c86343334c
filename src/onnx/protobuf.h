#pragma once
// A bounds-checked reader of the protocol-buffer wire format (no protobuf library): varints with overflow
// checks, length-delimited fields checked against the bytes that remain, fixed 32/64-bit values, and
// skipping of unknown fields. Every problem throws ProtobufError with the byte offset and the field path.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace nnscope::onnx {

class ProtobufError : public std::runtime_error {
 public:
  ProtobufError(const std::string& message, std::size_t offset) : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

enum class WireType : std::uint8_t {
  kVarint = 0,
  kFixed64 = 1,
  kBytes = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5
};

// One message's bytes: [begin, end) of a buffer whose first byte has offset 0 (offsets in errors are
// absolute). `depth` counts the enclosing messages, so hostile nesting is refused.
class Reader {
 public:
  static constexpr int kMaxDepth = 64;

  Reader(std::string_view buffer, std::string path);
  // The message at [begin, end) of `buffer` (a part found earlier), read again on its own.
  static Reader part(std::string_view buffer, std::size_t begin, std::size_t end, std::string path) {
    return Reader(buffer, begin, end, 0, std::move(path));
  }

  bool done() const { return pos_ >= end_; }
  // Reads the next field's key. Returns false at the end of the message.
  bool next();
  std::uint32_t field() const { return field_; }
  WireType wire_type() const { return wire_; }
  std::size_t offset() const { return pos_; }
  std::size_t end() const { return end_; }
  const std::string& path() const { return path_; }

  // Values of the current field; each checks the wire type.
  std::uint64_t read_varint();
  std::int64_t read_int64() { return static_cast<std::int64_t>(read_varint()); }
  std::int32_t read_int32();
  std::uint32_t read_fixed32();
  std::uint64_t read_fixed64();
  float read_float();
  std::string_view read_bytes();
  // The current field as a nested message; `name` extends the path shown in errors.
  Reader read_message(const std::string& name);
  // Skips the current field, whatever its wire type.
  void skip();
  // Repeated scalar fields may be packed (one length-delimited run) or not (one value per key).
  template <typename F>
  void read_packed_varints(F&& each) {
    if (wire_ == WireType::kBytes) {
      std::string_view run = read_bytes();
      std::size_t at = 0;
      std::size_t base = pos_ - run.size();
      while (at < run.size()) each(static_cast<std::int64_t>(varint_at(run, at, base)));
    } else {
      each(read_int64());
    }
  }
  template <typename F>
  void read_packed_floats(F&& each) {
    if (wire_ == WireType::kBytes) {
      std::string_view run = read_bytes();
      if (run.size() % 4 != 0)
        fail("packed float field has " + std::to_string(run.size()) + " bytes, not a multiple of 4");
      for (std::size_t i = 0; i < run.size(); i += 4) each(float_from(run.data() + i));
    } else {
      each(read_float());
    }
  }

  [[noreturn]] void fail(const std::string& message) const;

 private:
  Reader(std::string_view buffer, std::size_t begin, std::size_t end, int depth, std::string path);
  std::uint64_t varint_at(std::string_view bytes, std::size_t& at, std::size_t base) const;
  static float float_from(const char* p);
  void expect(WireType wire, const char* what) const;

  std::string_view buffer_;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t field_start_ = 0;
  int depth_ = 0;
  std::string path_;
  std::uint32_t field_ = 0;
  WireType wire_ = WireType::kVarint;
};

}  // namespace nnscope::onnx
