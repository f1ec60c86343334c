#pragma once
// A growable array that never moves its elements: storage comes in fixed-size chunks, and a new chunk is added
// when the last one is full. The graph keeps its ops and tensors in these. A std::vector of a million ops
// (200 MB) doubles its way up, and every doubling copies all elements into freshly mapped pages, so the
// process touches twice the final size; here each element is written once, where it stays. Element
// addresses stay valid as the array grows.
#include <algorithm>
#include <bit>
#include <compare>
#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

namespace nnscope::ir {

template <typename T>
class ChunkedVector {
 public:
  // About 256 KiB a chunk, a power of two elements so that indexing is a shift and a mask.
  static constexpr std::size_t kChunkSize =
      std::bit_floor(std::max<std::size_t>(1, (std::size_t{1} << 18) / sizeof(T)));
  static constexpr std::size_t kChunkShift = std::countr_zero(kChunkSize);

  template <bool kConst>
  class Iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = std::conditional_t<kConst, const T*, T*>;
    using reference = std::conditional_t<kConst, const T&, T&>;
    using Owner = std::conditional_t<kConst, const ChunkedVector, ChunkedVector>;

    Iterator() = default;
    Iterator(Owner* owner, std::size_t index) : owner_(owner), index_(index) {}
    operator Iterator<true>() const { return Iterator<true>(owner_, index_); }

    reference operator*() const { return (*owner_)[index_]; }
    pointer operator->() const { return &(*owner_)[index_]; }
    reference operator[](difference_type n) const { return (*owner_)[index_ + static_cast<std::size_t>(n)]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    Iterator operator++(int) { return Iterator(owner_, index_++); }
    Iterator& operator--() {
      --index_;
      return *this;
    }
    Iterator operator--(int) { return Iterator(owner_, index_--); }
    Iterator& operator+=(difference_type n) {
      index_ += static_cast<std::size_t>(n);  // a negative n wraps around to the same index, as intended
      return *this;
    }
    Iterator& operator-=(difference_type n) {
      index_ -= static_cast<std::size_t>(n);
      return *this;
    }
    friend Iterator operator+(Iterator it, difference_type n) { return it += n; }
    friend Iterator operator+(difference_type n, Iterator it) { return it += n; }
    friend Iterator operator-(Iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const Iterator& a, const Iterator& b) {
      return static_cast<difference_type>(a.index_) - static_cast<difference_type>(b.index_);
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.index_ == b.index_; }
    friend auto operator<=>(const Iterator& a, const Iterator& b) { return a.index_ <=> b.index_; }

   private:
    Owner* owner_ = nullptr;
    std::size_t index_ = 0;
  };
  using iterator = Iterator<false>;
  using const_iterator = Iterator<true>;
  using value_type = T;
  using size_type = std::size_t;

  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& other) {
    for (const T& element : other) push_back(element);
  }
  ChunkedVector(ChunkedVector&& other) noexcept
      : chunks_(std::move(other.chunks_)), size_(std::exchange(other.size_, 0)) {}
  ChunkedVector& operator=(const ChunkedVector& other) {
    if (this != &other) {
      ChunkedVector copy(other);
      swap(copy);
    }
    return *this;
  }
  ChunkedVector& operator=(ChunkedVector&& other) noexcept {
    ChunkedVector taken(std::move(other));
    swap(taken);
    return *this;
  }
  ~ChunkedVector() { clear(); }

  void swap(ChunkedVector& other) noexcept {
    chunks_.swap(other.chunks_);
    std::swap(size_, other.size_);
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](std::size_t i) { return chunks_[i >> kChunkShift][i & (kChunkSize - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> kChunkShift][i & (kChunkSize - 1)]; }
  T& front() { return (*this)[0]; }
  const T& front() const { return (*this)[0]; }
  T& back() { return (*this)[size_ - 1]; }
  const T& back() const { return (*this)[size_ - 1]; }

  iterator begin() { return iterator(this, 0); }
  iterator end() { return iterator(this, size_); }
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

  template <typename... Args>
  T& emplace_back(Args&&... args) {
    if (size_ == chunks_.size() * kChunkSize) chunks_.push_back(std::allocator<T>().allocate(kChunkSize));
    T* slot = &chunks_[size_ >> kChunkShift][size_ & (kChunkSize - 1)];
    std::construct_at(slot, std::forward<Args>(args)...);
    ++size_;
    return *slot;
  }
  void push_back(const T& value) { emplace_back(value); }
  void push_back(T&& value) { emplace_back(std::move(value)); }

  // Destroys every element and frees every chunk.
  void clear() {
    for (std::size_t i = 0; i < size_; ++i) std::destroy_at(&(*this)[i]);
    for (T* chunk : chunks_) std::allocator<T>().deallocate(chunk, kChunkSize);
    chunks_.clear();
    size_ = 0;
  }

 private:
  std::vector<T*> chunks_;
  std::size_t size_ = 0;
};

}  // namespace nnscope::ir
