#include "syntax/ast.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace nnscope::ast {

// The nodes most of a large model is made of; keep them small (see the comment at the top of ast.h).
static_assert(sizeof(Name) <= 24 && sizeof(Call) <= 40 && sizeof(Argument) <= 16 && sizeof(Labeled) <= 32);
static_assert(sizeof(AssignStmt) <= 40 && sizeof(Identifier) <= 24);

namespace {
// Blocks grow from 4 KiB to this, so a million-statement file takes a few hundred blocks.
constexpr std::size_t kMaxBlockSize = std::size_t{1} << 20;
}  // namespace

Arena& Arena::operator=(Arena&& other) noexcept {
  blocks_ = std::move(other.blocks_);
  next_ = std::exchange(other.next_, nullptr);
  end_ = std::exchange(other.end_, nullptr);
  next_block_size_ = std::exchange(other.next_block_size_, 4096);
  used_ = std::exchange(other.used_, 0);
  other.blocks_.clear();
  return *this;
}

std::string_view Arena::copy(std::string_view text) {
  if (text.empty()) return {};
  char* out = static_cast<char*>(allocate(text.size(), 1));
  std::memcpy(out, text.data(), text.size());
  return {out, text.size()};
}

void* Arena::allocate_slow(std::size_t size, std::size_t align) {
  // new[] aligns to __STDCPP_DEFAULT_NEW_ALIGNMENT__ (16), which covers every node (sym::Int is the widest).
  static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= alignof(sym::Int));
  if (size + align > next_block_size_ / 4) {
    // A large span (a body of a million statements) gets a block of its own, so the current block, which
    // still has room for small nodes, stays current.
    blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
    used_ += size;
    return blocks_.back().get();
  }
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(next_block_size_));
  next_ = blocks_.back().get();
  end_ = next_ + next_block_size_;
  next_block_size_ = std::min(next_block_size_ * 2, kMaxBlockSize);
  return allocate(size, align);
}

}  // namespace nnscope::ast
