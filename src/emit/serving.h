#pragma once
// `nnscope serve` reports (docs/memory-traffic.md, "Serving"): the summary of one point, a table with a row per
// point of a sweep, and JSON for either. Formats only what analysis/serving.h computed.
#include <string>
#include <vector>

#include "analysis/serving.h"

namespace nnscope::emit {

std::string serving_table(const analysis::Serving& serving);
std::string serving_sweep_table(const std::vector<analysis::Serving>& points);
// {"schema_version", "command": "serve", "points": [...]}: one point, or one per point of the sweep.
std::string serving_json(const std::vector<analysis::Serving>& points);

}  // namespace nnscope::emit
