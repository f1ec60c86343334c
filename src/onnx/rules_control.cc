// If: a condition folded at import time (a constant, or a comparison of known sizes) picks the branch,
// whose nodes are translated in place of the If; with a condition known only at run time the node is not
// costed, and the header comment says why.
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

Outcome if_node(Translator& t) {
  const Value& condition = t.in(0);
  if (condition.kind != Kind::kConst || condition.ints.size() != 1 || !condition.ints[0].v) {
    return Unsupported{"condition not known at import"};
  }
  const char* which = *condition.ints[0].v ? "then_branch" : "else_branch";
  const Attribute* branch = t.node().attribute(which);
  if (!branch || branch->graphs.size() != 1) return Unsupported{std::string("no ") + which};
  return t.inline_branch(branch->graphs[0], which);
}

}  // namespace

void add_control_rules(RuleTable& table) { table["If"] = if_node; }

}  // namespace nnscope::onnx
