#include "interp/rule_memo.h"

#include <bit>
#include <cstdint>
#include <functional>
#include <string_view>

namespace nnscope::interp {
namespace {

std::size_t mix(std::size_t seed, std::size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_type(std::size_t h, const ops::TensorType& type) {
  h = mix(h, static_cast<std::size_t>(type.dtype));
  h = mix(h, type.shape.size());
  for (const sym::Expr& d : type.shape) h = mix(h, d.hash());
  return mix(h, type.value_bound.hash());
}

bool same_type(const ops::TensorType& a, const ops::TensorType& b) {
  return a.dtype == b.dtype && a.shape == b.shape && a.value_bound == b.value_bound;
}

}  // namespace

std::size_t RuleMemo::hash(const ops::OpDef& def, const Arguments& given) {
  std::size_t h = std::hash<const void*>{}(&def);
  for (const std::optional<ops::ArgValue>& a : given) {
    if (!a) {
      h = mix(h, 0x51);
      continue;
    }
    h = mix(h, static_cast<std::size_t>(a->kind));
    if (a->tensor) h = hash_type(h, *a->tensor);
    for (const ops::TensorType* t : a->tensors) h = hash_type(h, *t);
    for (const sym::Expr& e : a->ints) h = mix(h, e.hash());
    h = mix(h, std::bit_cast<std::uint64_t>(a->number));
    if (!a->string.empty()) h = mix(h, std::hash<std::string_view>{}(a->string));  // most arguments are not strings
    h = mix(h, (a->scalar_int ? 1 : 0) | (a->boolean ? 2 : 0) | (a->is_string ? 4 : 0));
  }
  return h;
}

bool RuleMemo::same(const Argument& r, const std::optional<ops::ArgValue>& given) {
  if (!given) return !r.given;
  const ops::ArgValue& a = *given;
  if (!r.given || r.kind != a.kind || r.tensor.has_value() != (a.tensor != nullptr) ||
      r.tensors.size() != a.tensors.size() || r.ints != a.ints || r.scalar_int != a.scalar_int ||
      std::bit_cast<std::uint64_t>(r.number) != std::bit_cast<std::uint64_t>(a.number) || r.boolean != a.boolean ||
      r.string != a.string || r.is_string != a.is_string) {
    return false;
  }
  if (a.tensor && !same_type(*r.tensor, *a.tensor)) return false;
  for (std::size_t i = 0; i < a.tensors.size(); ++i) {
    if (!same_type(r.tensors[i], *a.tensors[i])) return false;
  }
  return true;
}

const RuleMemo::Answer* RuleMemo::find(std::size_t hash, const ops::OpDef& def, const Arguments& given) const {
  const Entry& e = entries_[hash % kEntries];
  if (e.def != &def || e.hash != hash || e.arguments.size() != given.size()) return nullptr;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!same(e.arguments[i], given[i])) return nullptr;
  }
  return &e.answer;
}

const RuleMemo::Answer& RuleMemo::remember(std::size_t hash, const ops::OpDef& def, const Arguments& given,
                                           Answer answer) {
  Entry& e = entries_[hash % kEntries];
  e.def = &def;
  e.hash = hash;
  e.arguments.assign(given.size(), Argument{});
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) continue;
    const ops::ArgValue& a = *given[i];
    Argument& r = e.arguments[i];
    r.given = true;
    r.kind = a.kind;
    if (a.tensor) r.tensor = *a.tensor;
    for (const ops::TensorType* t : a.tensors) r.tensors.push_back(*t);
    r.ints = a.ints;
    r.scalar_int = a.scalar_int;
    r.number = a.number;
    r.boolean = a.boolean;
    r.string = a.string;
    r.is_string = a.is_string;
  }
  e.answer = std::move(answer);
  return e.answer;
}

}  // namespace nnscope::interp
