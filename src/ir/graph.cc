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

std::size_t Op::depth() const { return static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')); }

}  // namespace nnscope::ir
