#include "ir/graph.h"

#include <algorithm>

namespace nnscope::ir {

std::size_t Op::depth() const { return static_cast<std::size_t>(std::count(path.begin(), path.end(), '.')); }

}  // namespace nnscope::ir
