#pragma once
// Names in the generated model, made from ONNX names (which may hold any bytes): variable identifiers, the
// model's size parameters, and the hierarchical labels of statements (PyTorch's module scopes
// "/layer1/layer1.0/conv1/Conv" become the path "layer1.0.conv1"). Everything here is linear in the length
// of the names: hostile names (20,000 scope levels, 8,000 names that share their last 80 characters) cost
// no more than their size.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace nnscope::onnx {

// Scope levels a label keeps; deeper scopes are cut (no exporter nests modules this deep).
inline constexpr std::size_t kMaxLabelDepth = 64;
// Characters of one variable name taken from an ONNX name (its end, which tells tensors apart).
inline constexpr std::size_t kMaxIdentifierChars = 80;

// `raw` with every character outside [A-Za-z0-9_] replaced by '_', and a leading 't' when it would start
// with a digit or be empty.
std::string sanitize_identifier(std::string_view raw);
// One label part: letters, digits, '_' and '-' ('-' not first, so no spreadsheet reads it as a formula).
std::string label_part(std::string_view part);
std::string lower(std::string s);

// Variable names and size parameters, unique within the model and distinct from keywords, operators and
// built-ins.
class Names {
 public:
  explicit Names(const std::string& model_name);
  const std::string& model_name() const { return model_; }
  // A new variable for ONNX tensor `onnx_name`: "/layer1/Conv_output_0" -> "layer1_Conv" (then "_1", "_2").
  std::string fresh(const std::string& onnx_name);
  // The name for variable `var` once nothing reads it: "_var" (unique), which the language does not warn about.
  std::string unused(const std::string& var) { return unique("_" + var); }
  // The model parameter for symbolic dimension `dim_param`, one per distinct dim_param.
  std::string size_param(const std::string& dim_param);
  // A dim_param that is an expression of other dimensions ("past_seq + seq") as that expression of their size
  // parameters; any other dim_param is size_param's.
  std::string size_expression(const std::string& dim_param);
  const std::string* find_size_param(const std::string& dim_param) const;
  const std::vector<std::string>& size_params() const { return param_order_; }

 private:
  bool taken(const std::string& name) const;
  std::string unique(const std::string& base);

  std::string model_;
  std::unordered_set<std::string> used_;
  std::unordered_map<std::string, std::size_t> next_suffix_;  // base -> the last "_k" tried, so no rescans
  std::map<std::string, std::string> params_;
  std::vector<std::string> param_order_;
};

// The module scope of one node: its name's '/'-separated parts without the last (the node's own name), each
// part cut into label parts. A name without '/' is a plain label instead.
struct NodeScope {
  std::vector<std::string> parts;  // label parts, at most kMaxLabelDepth
  std::string plain;               // the dotted label of a name without '/', or ""
};
NodeScope node_scope(std::string_view node_name);

// One statement of the generated model: `lhs = "label": rhs`.
struct Stmt {
  std::string lhs;
  std::string rhs;
  std::size_t scope = 0;  // index into the scopes given to assign_labels (the node that emitted it)
  std::string op_type;
  std::string own;  // an explicit last label part (weights), or ""
  std::string label;
  // The statement whose op owns the weights this statement's op reuses (printed as tied_to = "its path").
  std::optional<std::size_t> tied_to;
  // A line of control text written as it is (`repeat N {`, `}`, `carry = y` of a Loop or Scan): no label, no op.
  bool verbatim = false;
};

// Labels every statement: its scope path, with the op type (or own name) added where the scope holds several
// kinds of statement or has sub-scopes, so labels stay distinct.
void assign_labels(std::vector<Stmt>& stmts, const std::vector<NodeScope>& scopes);

}  // namespace nnscope::onnx
