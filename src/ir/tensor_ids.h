#pragma once
// An op's input or output tensor ids. Nearly every op reads one or two tensors and writes one, so up to two
// ids live inside the op itself and only longer lists (concat, split) allocate: a 1M-op graph saves two
// allocations an op. Same size as a std::vector; the part of the vector interface the code base uses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <utility>

namespace nnscope::ir {

using TensorId = std::size_t;

class TensorIds {
 public:
  TensorIds() = default;
  TensorIds(std::initializer_list<TensorId> ids) { assign(std::span<const TensorId>(ids.begin(), ids.size())); }
  explicit TensorIds(std::span<const TensorId> ids) { assign(ids); }
  TensorIds(const TensorIds& other) { assign(other); }
  TensorIds(TensorIds&& other) noexcept { take(other); }
  TensorIds& operator=(const TensorIds& other) {
    if (this != &other) {
      size_ = 0;
      assign(other);
    }
    return *this;
  }
  TensorIds& operator=(TensorIds&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~TensorIds() { release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const TensorId* data() const { return on_heap() ? heap_ : inline_; }
  TensorId* data() { return on_heap() ? heap_ : inline_; }
  const TensorId* begin() const { return data(); }
  const TensorId* end() const { return data() + size_; }
  TensorId* begin() { return data(); }
  TensorId* end() { return data() + size_; }
  const TensorId& operator[](std::size_t i) const { return data()[i]; }
  TensorId& operator[](std::size_t i) { return data()[i]; }
  const TensorId& front() const { return data()[0]; }
  const TensorId& back() const { return data()[size_ - 1]; }
  operator std::span<const TensorId>() const { return {data(), size_}; }

  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    auto* grown = new TensorId[n];
    std::copy_n(data(), size_, grown);
    if (on_heap()) delete[] heap_;
    heap_ = grown;
    capacity_ = static_cast<std::uint32_t>(n);
  }
  void push_back(TensorId id) {
    if (size_ == capacity_) reserve(2 * capacity_);
    data()[size_++] = id;
  }

  friend bool operator==(const TensorIds& a, const TensorIds& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  static constexpr std::uint32_t kInline = 2;
  bool on_heap() const { return capacity_ > kInline; }
  void assign(std::span<const TensorId> ids) {
    reserve(ids.size());
    std::copy(ids.begin(), ids.end(), data());
    size_ = static_cast<std::uint32_t>(ids.size());
  }
  void take(TensorIds& other) {
    std::memcpy(static_cast<void*>(this), &other, sizeof *this);
    other.capacity_ = kInline;
    other.size_ = 0;
  }
  void release() {
    if (on_heap()) delete[] heap_;
    capacity_ = kInline;
    size_ = 0;
  }

  union {
    TensorId inline_[kInline];
    TensorId* heap_;
  };
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = kInline;
};

}  // namespace nnscope::ir
