#include "onnx/naming.h"

#include <cctype>
#include <set>

#include "interp/builtins.h"
#include "ops/registry.h"

namespace nnscope::onnx {
namespace {

bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_keyword(const std::string& s) {
  static const std::set<std::string> kKeywords = {"model",  "block", "input", "import", "for",    "in",
                                                  "repeat", "if",    "else",  "assert", "return", "and",
                                                  "or",     "not",   "true",  "false",  "const",  "scope"};
  return kKeywords.count(s) > 0;
}

// Appends the label parts of `name` ("a.b..c" -> a, b, c) to `out`, up to kMaxLabelDepth in all.
void append_label_parts(std::string_view name, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= name.size() && out.size() < kMaxLabelDepth) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    std::string part = label_part(name.substr(start, dot - start));
    if (!part.empty()) out.push_back(std::move(part));
    start = dot + 1;
  }
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : ".") + p;
  return s;
}

}  // namespace

std::string sanitize_identifier(std::string_view raw) {
  std::string s;
  s.reserve(raw.size() + 1);
  for (char c : raw) s += is_ident_char(c) ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "t" + s;
  return s;
}

std::string label_part(std::string_view part) {
  std::string s;
  s.reserve(part.size() + 1);
  for (char c : part) s += is_ident_char(c) || c == '-' ? c : '_';
  if (!s.empty() && s[0] == '-') s = "_" + s;
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Names::Names(const std::string& model_name)
    : model_(sanitize_identifier(model_name.empty() ? "imported" : model_name)) {
  // A file named model.onnx or relu.onnx: the model's name may be no keyword, operator or built-in.
  while (is_keyword(model_) || ops::Registry::instance().find(model_) || interp::is_builtin(model_)) model_ += "_model";
}

bool Names::taken(const std::string& name) const {
  return used_.count(name) || is_keyword(name) || ops::Registry::instance().find(name) || interp::is_builtin(name) ||
         name == model_;
}

std::string Names::unique(const std::string& base) {
  std::string name = base;
  if (taken(name)) {
    std::size_t& k = next_suffix_[base];
    do {
      name = base + "_" + std::to_string(++k);
    } while (taken(name));
  }
  used_.insert(name);
  return name;
}

std::string Names::fresh(const std::string& onnx_name) {
  std::string_view base = onnx_name;
  if (base.size() > 1 && base[0] == '/') base.remove_prefix(1);
  constexpr std::string_view kOutputSuffix = "_output_0";  // PyTorch's name of a node's first output
  if (base.size() > kOutputSuffix.size() && base.ends_with(kOutputSuffix)) base.remove_suffix(kOutputSuffix.size());
  if (base.size() > kMaxIdentifierChars) base = base.substr(base.size() - kMaxIdentifierChars);
  return unique(sanitize_identifier(base));
}

std::string Names::size_param(const std::string& dim_param) {
  auto it = params_.find(dim_param);
  if (it != params_.end()) return it->second;
  std::string_view base = dim_param;
  if (base.size() > kMaxIdentifierChars) base = base.substr(0, kMaxIdentifierChars);
  std::string name = unique(sanitize_identifier(base));
  params_[dim_param] = name;
  param_order_.push_back(name);
  return name;
}

// Optimum and torch.onnx write a dimension that grows with a cache as an expression of other dimensions
// ("past_sequence_length + 1", "past_seq + seq"): it becomes that expression of their size parameters, so
// shapes that must agree (the attention mask and the keys) do. Names and small integers joined by + - *.
std::string Names::size_expression(const std::string& dim_param) {
  constexpr std::size_t kMaxTerms = 8;
  std::vector<std::string> terms;
  std::vector<char> operators;
  std::size_t i = 0;
  auto skip_spaces = [&] {
    while (i < dim_param.size() && dim_param[i] == ' ') ++i;
  };
  for (;;) {
    skip_spaces();
    std::size_t start = i;
    bool digits = i < dim_param.size() && std::isdigit(static_cast<unsigned char>(dim_param[i]));
    while (i < dim_param.size() && is_ident_char(dim_param[i])) {
      if (digits && !std::isdigit(static_cast<unsigned char>(dim_param[i]))) return size_param(dim_param);
      ++i;
    }
    if (i == start || (digits && i - start > 9) || terms.size() == kMaxTerms) return size_param(dim_param);
    terms.push_back(dim_param.substr(start, i - start));
    skip_spaces();
    if (i == dim_param.size()) break;
    char op = dim_param[i++];
    if (op != '+' && op != '-' && op != '*') return size_param(dim_param);
    operators.push_back(op);
  }
  if (operators.empty()) return size_param(dim_param);
  std::string expr = "(";
  for (std::size_t k = 0; k < terms.size(); ++k) {
    if (k) expr += std::string(" ") + operators[k - 1] + " ";
    bool number = std::isdigit(static_cast<unsigned char>(terms[k][0]));
    expr += number ? terms[k] : size_param(terms[k]);
  }
  return expr + ")";
}

const std::string* Names::find_size_param(const std::string& dim_param) const {
  auto it = params_.find(dim_param);
  return it == params_.end() ? nullptr : &it->second;
}

NodeScope node_scope(std::string_view name) {
  NodeScope scope;
  if (name.find('/') == std::string_view::npos) {
    std::vector<std::string> parts;
    append_label_parts(name, parts);
    scope.plain = joined(parts);
    return scope;
  }
  // "/layer1/layer1.0/conv1/Conv": "layer1.0" is inside "layer1" and names it in full, so it replaces it.
  std::vector<std::string_view> levels;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    std::string_view level = name.substr(start, slash - start);
    if (!level.empty()) {
      if (!levels.empty() && level.size() > levels.back().size() && level.starts_with(levels.back()) &&
          level[levels.back().size()] == '.') {
        levels.pop_back();
      }
      levels.push_back(level);
    }
    start = slash + 1;
  }
  if (!levels.empty()) levels.pop_back();  // the node's own name ("Conv", "Relu_1")
  for (std::string_view level : levels) append_label_parts(level, scope.parts);
  return scope;
}

void assign_labels(std::vector<Stmt>& stmts, const std::vector<NodeScope>& scopes) {
  // The scopes as a tree of label parts: a label is its node's path; a node holds the kinds of statement
  // labelled there and whether deeper scopes hang below it.
  struct ScopeNode {
    std::string first_kind;
    bool has_kind = false;
    bool several_kinds = false;
    bool has_children = false;
  };
  std::vector<ScopeNode> tree(1);
  std::unordered_map<std::string, std::size_t> child;  // "parent id \0 part" -> id
  std::vector<std::size_t> node_of(scopes.size(), 0);
  std::vector<bool> placed(scopes.size(), false);
  auto place = [&](std::size_t scope_index) {
    if (placed[scope_index]) return node_of[scope_index];
    std::size_t at = 0;
    for (const std::string& part : scopes[scope_index].parts) {
      std::string key = std::to_string(at) + '\0' + part;
      auto [it, inserted] = child.emplace(std::move(key), tree.size());
      if (inserted) tree.emplace_back();
      tree[at].has_children = true;
      at = it->second;
    }
    placed[scope_index] = true;
    return node_of[scope_index] = at;
  };
  for (const Stmt& s : stmts) {
    if (s.verbatim || scopes[s.scope].parts.empty()) continue;
    ScopeNode& node = tree[place(s.scope)];
    std::string kind = s.own.empty() ? s.op_type : "own:" + s.own;
    if (!node.has_kind) {
      node.first_kind = kind;
      node.has_kind = true;
    } else if (node.first_kind != kind) {
      node.several_kinds = true;
    }
  }
  std::vector<std::string> keys(scopes.size());
  for (Stmt& s : stmts) {
    if (s.verbatim) continue;
    const NodeScope& scope = scopes[s.scope];
    std::string leaf = s.own.empty() ? lower(label_part(s.op_type)) : s.own;
    if (leaf.empty()) leaf = "op";
    if (scope.parts.empty()) {
      s.label = scope.plain.empty() ? leaf : scope.plain;
      if (!s.own.empty() && !scope.plain.empty()) s.label += "." + s.own;
      continue;
    }
    std::string& key = keys[s.scope];
    if (key.empty()) key = joined(scope.parts);
    const ScopeNode& node = tree[node_of[s.scope]];
    bool single = !node.several_kinds && s.own.empty() && !node.has_children;
    s.label = single ? key : key + "." + leaf;
  }
}

}  // namespace nnscope::onnx
