#include "interp/path_set.h"

#include <functional>

namespace nnscope::interp {

std::size_t PathSet::find_slot(std::string_view path, std::uint64_t hash) const {
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (!slot.used) return i;
    if (slot.hash == hash && std::string_view(text_).substr(slot.offset, slot.length) == path) return i;
  }
}

void PathSet::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : 2 * old.size(), Slot{});
  std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.used) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].used) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

bool PathSet::insert(std::string_view path) {
  if (2 * (size_ + 1) > slots_.size()) grow();
  std::uint64_t hash = std::hash<std::string_view>{}(path);
  Slot& slot = slots_[find_slot(path, hash)];
  if (slot.used) return false;
  slot = Slot{hash, text_.size(), static_cast<std::uint32_t>(path.size()), true};
  text_.append(path);
  ++size_;
  return true;
}

bool PathSet::contains(std::string_view path) const {
  if (slots_.empty()) return false;
  return slots_[find_slot(path, std::hash<std::string_view>{}(path))].used;
}

}  // namespace nnscope::interp
