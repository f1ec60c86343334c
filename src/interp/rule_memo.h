#pragma once
// Remembers what an operator's rule answered for given arguments. A rule is a pure function of its arguments'
// values and of the run's bindings, which are fixed while a model is elaborated, and a large model repeats
// the same layer many times: a repeated call reuses the output types and the shared cost record instead of
// running the rule, binding defaults and interning the costs again. Tensors are compared by type (shape,
// dtype and value bound), never by identity. Fixed in size and direct-mapped, like the symbolic operation memo: a miss
// only costs running the rule. The rule's assumptions need no replay: the first run recorded them, and the interpreter
// records each assumption once.
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "ir/graph.h"
#include "ops/op.h"

namespace nnscope::interp {

class RuleMemo {
 public:
  struct Answer {
    std::vector<ops::TensorType> outputs;
    std::shared_ptr<const ir::OpCosts> costs;
    std::shared_ptr<const ops::Display> display;  // null when the op has no kernel/stride columns
    bool view = false;
  };
  using Arguments = std::vector<std::optional<ops::ArgValue>>;  // aligned with the OpDef's signature

  static std::size_t hash(const ops::OpDef& def, const Arguments& given);
  // The remembered answer for `def` applied to `given` (whose hash is `hash`), or null.
  const Answer* find(std::size_t hash, const ops::OpDef& def, const Arguments& given) const;
  const Answer& remember(std::size_t hash, const ops::OpDef& def, const Arguments& given, Answer answer);

 private:
  // An argument as remembered: tensor types by value, since the tensors an ArgValue points to move as the
  // graph grows.
  struct Argument {
    bool given = false;
    ops::ArgKind kind = ops::ArgKind::kInt;
    std::optional<ops::TensorType> tensor;
    std::vector<ops::TensorType> tensors;
    std::vector<sym::Expr> ints;
    bool scalar_int = false;
    double number = 0;
    bool boolean = false;
    std::string string;
    bool is_string = false;
  };
  struct Entry {
    const ops::OpDef* def = nullptr;
    std::size_t hash = 0;
    std::vector<Argument> arguments;
    Answer answer;
  };
  static bool same(const Argument& remembered, const std::optional<ops::ArgValue>& given);

  static constexpr std::size_t kEntries = 1024;
  std::vector<Entry> entries_ = std::vector<Entry>(kEntries);
};

}  // namespace nnscope::interp
