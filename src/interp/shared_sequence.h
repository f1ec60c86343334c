#pragma once
// The storage of the language's strings and lists. Values are immutable and copied freely (every variable
// lookup copies one), so the elements live in a shared buffer that only ever grows: a value sees the first
// size() elements, which nobody changes. Appending to a value that ends where its buffer ends extends the
// buffer in place; `l = l + [i]` or `s = s + "x"` repeated n times then costs O(n) in all, not O(n²).
// Appending to any other value (an older one, whose buffer a newer value has extended) copies first.
#include <cstddef>
#include <memory>
#include <span>

namespace nnscope::interp {

template <typename Buffer>  // std::string or std::vector<Value>: contiguous, with data(), size(), reserve()
class SharedSequence {
 public:
  using Element = typename Buffer::value_type;

  SharedSequence() = default;
  explicit SharedSequence(Buffer elements)
      : buffer_(std::make_shared<Buffer>(std::move(elements))), size_(buffer_->size()) {}

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Element* begin() const { return buffer_ ? buffer_->data() : nullptr; }
  const Element* end() const { return begin() + size_; }
  const Element& operator[](std::size_t i) const { return (*buffer_)[i]; }
  std::span<const Element> elements() const { return {begin(), size_}; }

  // The number of elements concat(a, b) writes: b's alone when it extends a's buffer in place.
  static std::size_t concat_writes(const SharedSequence& a, const SharedSequence& b) {
    if (a.empty() || b.empty()) return 0;
    return extends_in_place(a, b) ? b.size_ : a.size_ + b.size_;
  }

  // a followed by b. The caller checks the size limit first: size() of the result is a.size() + b.size().
  static SharedSequence concat(const SharedSequence& a, const SharedSequence& b) {
    if (b.empty()) return a;
    if (a.empty()) return b;
    SharedSequence result;
    if (extends_in_place(a, b)) {
      result.buffer_ = a.buffer_;
    } else {
      result.buffer_ = std::make_shared<Buffer>();
      result.buffer_->reserve(a.size_ + b.size_);
      result.buffer_->insert(result.buffer_->end(), a.begin(), a.end());
    }
    Buffer& out = *result.buffer_;
    out.insert(out.end(), b.begin(), b.end());  // grows the capacity geometrically
    result.size_ = out.size();
    return result;
  }

 private:
  // When `a` is its whole buffer and `b` lies elsewhere (appending a buffer to itself would read what it
  // writes).
  static bool extends_in_place(const SharedSequence& a, const SharedSequence& b) {
    return a.buffer_->size() == a.size_ && a.buffer_ != b.buffer_;
  }

  std::shared_ptr<Buffer> buffer_;  // null for the empty sequence
  std::size_t size_ = 0;
};

}  // namespace nnscope::interp
