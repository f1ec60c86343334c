#pragma once
// The set of op paths and block prefixes the interpreter has handed out, which keeps paths unique. A 1M-op
// model inserts a million short strings: an open-addressing table of hashes over one character buffer makes
// a few large allocations in all and frees them at once, where a node-based set made two per path, missed
// the cache on every probe and took as long again to free.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nnscope::interp {

class PathSet {
 public:
  // Adds `path`; false when it was already present.
  bool insert(std::string_view path);
  bool contains(std::string_view path) const;
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t offset = 0;  // into text_
    std::uint32_t length = 0;
    bool used = false;
  };
  // The slot holding `path`, or the empty slot where it belongs.
  std::size_t find_slot(std::string_view path, std::uint64_t hash) const;
  void grow();

  std::vector<Slot> slots_;  // size a power of two, at most half full
  std::string text_;         // every path, back to back
  std::size_t size_ = 0;
};

}  // namespace nnscope::interp
