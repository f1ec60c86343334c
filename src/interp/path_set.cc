#include "interp/path_set.h"

#include <functional>

namespace nnscope::interp {
namespace {

std::uint64_t fingerprint(std::uint64_t hash) { return hash >> 32; }

}  // namespace

std::string_view PathSet::text_of(std::size_t entry) const {
  std::uint64_t end = entry + 1 < entries_.size() ? entries_[entry + 1].offset : text_.size();
  return std::string_view(text_).substr(entries_[entry].offset, end - entries_[entry].offset);
}

std::size_t PathSet::find_slot(std::string_view path, std::uint64_t hash) const {
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    std::uint64_t slot = slots_[i];
    if (slot == 0) return i;
    if ((slot >> 32) == fingerprint(hash)) {
      std::size_t entry = (slot & 0xffffffffu) - 1;
      if (entries_[entry].hash == hash && text_of(entry) == path) return i;
    }
  }
}

void PathSet::grow() {
  slots_.assign(slots_.empty() ? 64 : 2 * slots_.size(), 0);
  std::size_t mask = slots_.size() - 1;
  for (std::size_t entry = 0; entry < entries_.size(); ++entry) {
    std::uint64_t hash = entries_[entry].hash;
    std::size_t i = hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = fingerprint(hash) << 32 | (entry + 1);
  }
}

bool PathSet::insert(std::string_view path) {
  if (2 * (entries_.size() + 1) > slots_.size()) grow();
  std::uint64_t hash = std::hash<std::string_view>{}(path);
  std::size_t i = find_slot(path, hash);
  if (slots_[i] != 0) return false;
  slots_[i] = fingerprint(hash) << 32 | (entries_.size() + 1);
  entries_.push_back(Entry{text_.size(), hash});
  text_.append(path);
  return true;
}

void PathSet::prefetch(std::string_view path) const {
#if defined(__GNUC__)
  if (!slots_.empty()) __builtin_prefetch(&slots_[std::hash<std::string_view>{}(path) & (slots_.size() - 1)]);
#else
  (void)path;
#endif
}

bool PathSet::contains(std::string_view path) const {
  if (slots_.empty()) return false;
  return slots_[find_slot(path, std::hash<std::string_view>{}(path))] != 0;
}

}  // namespace nnscope::interp
