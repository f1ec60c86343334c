#pragma once
// The --parallel plan's report: a section of the table and the `parallel` object of the JSON.
#include <string>

#include "analysis/parallel.h"
#include "emit/format.h"

namespace nnscope::emit::detail {

void append_parallel(std::string& out, const analysis::Parallel& parallel);
void write_parallel(JsonWriter& json, const analysis::Parallel& parallel);

}  // namespace nnscope::emit::detail
