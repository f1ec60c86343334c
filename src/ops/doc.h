#pragma once
// Operator documentation rendered from the schema (OpDef, ArgSpec, OpDoc): the signature with its defaults,
// the list `nnscope ops` prints and the page `nnscope ops NAME` prints. docs/cost-model.md writes the same
// signatures; a test keeps the two in agreement (tests/ops/schema_test.cc).
#include <string>

#include "ops/op.h"
#include "ops/registry.h"

namespace nnscope::ops {

// The default an optional argument shows: "1", "0.01", "1e-5", "true", "\"none\"", "<kernel>" (a default that
// is not a value, ArgSpec::default_meaning), or "" for one that is absent unless given.
std::string default_text(const ArgSpec& spec);

// "conv2d(x, out_channels, kernel, stride = 1, padding = 0, dilation = 1, groups = 1, bias = true)"; an optional
// argument without a default is written `reference?`.
std::string signature(const OpDef& def);

// `nnscope ops`: one line per operator, its arguments (`?` marks optional ones) and its summary.
std::string operator_list(const Registry& registry);

// `nnscope ops NAME`: the signature, the summary, every argument with its kind, default and meaning, the output,
// the weights, the forward cost and the backward rule.
std::string describe(const OpDef& def);

}  // namespace nnscope::ops
