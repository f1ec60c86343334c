#pragma once
// The set of op paths and block prefixes the interpreter has handed out, which keeps paths unique. A 1M-op
// model inserts a million short strings: an open-addressing table over one character buffer makes a few
// large allocations in all and frees them at once, where a node-based set made two per path, missed the
// cache on every probe and took as long again to free. Slots are 8 bytes (a hash fingerprint and an entry
// number), so the probed table of a million paths is 16 MB and mostly stays in cache; the entry itself is
// read only when a fingerprint matches.
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
  // Starts loading the slot where `path` would be probed first, so that a later insert(path) finds it in
  // cache; only a hint.
  void prefetch(std::string_view path) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t offset;  // into text_
    std::uint64_t hash;
  };
  // The slot holding `path`, or the empty slot where it belongs.
  std::size_t find_slot(std::string_view path, std::uint64_t hash) const;
  std::string_view text_of(std::size_t entry) const;
  void grow();

  // Each slot is 0 (empty) or (fingerprint << 32 | entry + 1); the size is a power of two, at most half full.
  std::vector<std::uint64_t> slots_;
  std::vector<Entry> entries_;  // in insertion order; entry i's text ends where entry i + 1's begins
  std::string text_;            // every path, back to back
};

}  // namespace nnscope::interp
