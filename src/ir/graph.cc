#include "ir/graph.h"

#include <algorithm>

namespace nnscope::ir {

bool Assumption::satisfied_by(sym::Int actual) const {
  switch (kind) {
    case Kind::kEquals:
      return actual == value;
    case Kind::kNegative:
      return (actual < 0) == holds;
    case Kind::kZero:
      return (actual == 0) == holds;
    case Kind::kPositive:
      return (actual > 0) == holds;
  }
  return false;
}

namespace {

std::size_t mix(std::size_t seed, std::size_t value) {
  return seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}

std::size_t hash_cost(std::size_t seed, const Cost& c) {
  return mix(mix(mix(seed, c.gemm_macs.hash()), c.elementwise.hash()), c.activation.hash());
}

bool same_cost(const Cost& a, const Cost& b) {
  return a.gemm_macs == b.gemm_macs && a.elementwise == b.elementwise && a.activation == b.activation;
}

}  // namespace

std::size_t OpCosts::hash() const {
  std::size_t h = mix(mix(params.hash(), gathered_elements.hash()), std::hash<std::string>{}(tied_to));
  h = mix(mix(h, idle_params.hash()), frozen);
  h = mix(h, gathered_dtype ? 1 + static_cast<std::size_t>(*gathered_dtype) : 0);
  for (bool weight_only : backward.weight_only_saves) h = mix(h, weight_only);
  for (const Weight& w : weights) {
    h = mix(h, std::hash<std::string>{}(w.name));
    for (const sym::Expr& d : w.shape) h = mix(h, d.hash());
  }
  h = hash_cost(h, forward);
  h = hash_cost(hash_cost(h, backward.common), backward.weight);
  for (const Cost& c : backward.input) h = hash_cost(h, c);
  for (bool saves : backward.saves_input) h = mix(h, saves);
  return mix(mix(mix(h, backward.saves_output), backward.saved_bytes.hash()), costed);
}

bool operator==(const OpCosts& a, const OpCosts& b) {
  if (a.weights.size() != b.weights.size() || a.backward.input.size() != b.backward.input.size()) return false;
  for (std::size_t i = 0; i < a.weights.size(); ++i) {
    if (a.weights[i].name != b.weights[i].name || a.weights[i].shape != b.weights[i].shape) return false;
  }
  for (std::size_t i = 0; i < a.backward.input.size(); ++i) {
    if (!same_cost(a.backward.input[i], b.backward.input[i])) return false;
  }
  return a.params == b.params && a.tied_to == b.tied_to && a.gathered_elements == b.gathered_elements &&
         a.gathered_dtype == b.gathered_dtype && a.idle_params == b.idle_params && a.frozen == b.frozen &&
         a.backward.weight_only_saves == b.backward.weight_only_saves && a.costed == b.costed &&
         same_cost(a.forward, b.forward) && same_cost(a.backward.common, b.backward.common) &&
         same_cost(a.backward.weight, b.backward.weight) && a.backward.saves_input == b.backward.saves_input &&
         a.backward.saves_output == b.backward.saves_output && a.backward.saved_bytes == b.backward.saved_bytes;
}

std::shared_ptr<const OpCosts> CostTable::intern(OpCosts costs) {
  std::size_t h = costs.hash();
  auto [first, last] = by_hash_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    if (*it->second == costs) return it->second;
  }
  auto shared = std::make_shared<const OpCosts>(std::move(costs));
  by_hash_.emplace(h, shared);
  return shared;
}

const OpCosts& Op::costs() const {
  static const OpCosts kNone;
  return shared_costs ? *shared_costs : kNone;
}

OpCosts& Op::edit_costs() {
  auto own = std::make_shared<OpCosts>(costs());
  OpCosts& editable = *own;
  shared_costs = std::move(own);
  return editable;
}

std::string DisplayDims::formula() const {
  if (!word.empty()) return word;
  std::string out;
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? "x" : "") + dims[i].to_string();
  return out;
}

std::size_t Op::depth() const { return static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')); }

}  // namespace nnscope::ir
