#include "onnx/printer.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "ops/registry.h"

namespace nnscope::onnx {
namespace {

// The length of the valid UTF-8 sequence at `pos` (2-4 bytes, no overlong forms or surrogates), else 0.
std::size_t utf8_length(std::string_view s, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(pos);
  std::size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || pos + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(pos + k) & 0xc0) != 0x80) return 0;
  }
  unsigned char c1 = byte(pos + 1);
  if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 >= 0xa0) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 >= 0x90))
    return 0;
  return n;
}

// C1 controls (U+0080..U+009F) and the bidirectional embeddings, overrides and isolates (U+202A..U+202E,
// U+2066..U+2069), which reorder how a line displays.
bool is_hidden_control(std::string_view seq) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(seq[i]); };
  if (seq.size() == 2) return b(0) == 0xc2 && b(1) < 0xa0;
  if (seq.size() == 3 && b(0) == 0xe2 && b(1) == 0x80) return b(2) >= 0xaa && b(2) <= 0xae;
  if (seq.size() == 3 && b(0) == 0xe2 && b(1) == 0x81) return b(2) >= 0xa6 && b(2) <= 0xa9;
  return false;
}

// The operator calls of `rhs` in the order the interpreter makes their ops: arguments first, left to right,
// then the call (builtins such as dim() make no op and are left out).
std::vector<std::string> ops_in_order(std::string_view rhs) {
  std::vector<std::string> calls, open;  // open: the call (or "" for a grouping parenthesis) at each level
  bool in_string = false;
  for (std::size_t i = 0; i < rhs.size(); ++i) {
    char c = rhs[i];
    if (c == '"') in_string = !in_string;
    if (in_string) continue;
    if (c == '(') {
      std::size_t start = i;
      while (start > 0 && (std::isalnum(static_cast<unsigned char>(rhs[start - 1])) || rhs[start - 1] == '_')) --start;
      open.emplace_back(rhs.substr(start, i - start));
    } else if (c == ')' && !open.empty()) {
      if (!open.back().empty() && ops::Registry::instance().find(open.back())) calls.push_back(open.back());
      open.pop_back();
    }
  }
  return calls;
}

}  // namespace

void resolve_tied_weights(std::vector<Stmt>& stmts) {
  bool any = std::any_of(stmts.begin(), stmts.end(), [](const Stmt& s) { return s.tied_to.has_value(); });
  if (!any) return;
  std::unordered_set<std::string> used;
  std::unordered_map<std::string, std::size_t> next_suffix;
  auto unique = [&](const std::string& base) {
    auto known = next_suffix.find(base);
    if (known == next_suffix.end() && used.insert(base).second) return base;
    std::size_t& next = known != next_suffix.end() ? known->second : next_suffix[base];
    for (;;) {
      std::string candidate = base + "_" + std::to_string(++next);
      if (used.insert(candidate).second) return candidate;
    }
  };
  std::vector<std::string> path(stmts.size());
  for (std::size_t i = 0; i < stmts.size(); ++i) {
    if (stmts[i].verbatim) continue;
    std::vector<std::string> calls = ops_in_order(stmts[i].rhs);
    for (std::size_t k = 0; k < calls.size(); ++k) {
      bool outermost = k + 1 == calls.size();
      path[i] = unique(outermost && !stmts[i].label.empty() ? stmts[i].label : calls[k]);
    }
  }
  for (Stmt& s : stmts) {
    if (!s.tied_to || s.rhs.empty() || s.rhs.back() != ')') continue;
    s.rhs.insert(s.rhs.size() - 1, ", tied_to = \"" + path[*s.tied_to] + "\"");
  }
}

std::string number_text(double v) {
  if (std::isnan(v)) return "0.0";
  if (std::isinf(v)) return v > 0 ? "1e300" : "-1e300";
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    double back = std::strtod(buffer, nullptr);
    if (back == v || static_cast<float>(back) == static_cast<float>(v)) break;
  }
  std::string s = buffer;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string list_text(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s + "]";
}

std::string ints_text(const std::vector<std::int64_t>& values) {
  std::vector<std::string> items;
  for (std::int64_t v : values) items.push_back(std::to_string(v));
  return list_text(items);
}

std::string elems_text(const std::vector<IntElem>& values) {
  std::vector<std::string> items;
  for (const IntElem& e : values) items.push_back(e.expr);
  return list_text(items);
}

std::string comment_text(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t n = c >= 0x80 ? utf8_length(text, i) : 0;
    if (n == 0 || is_hidden_control(text.substr(i, n))) {
      out += '?';
      i += n == 0 ? 1 : n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string quoted_name(std::string_view text, std::size_t max_chars) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i >= max_chars) {
      out += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", c);
      out += escape;
    }
  }
  return out + "'";
}

bool nesting_within_limit(std::string_view rhs) {
  int depth = 0;
  for (char c : rhs) {
    if (c == '(' || c == '[') {
      if (++depth > kMaxTextNesting) return false;
    } else if (c == ')' || c == ']') {
      --depth;
    }
  }
  return true;
}

std::string print_model(const ModelText& m) {
  std::string out = "# Imported from " + comment_text(m.source) + " by nnscope import";
  if (!m.producer_name.empty())
    out += " (producer " + comment_text(m.producer_name) + " " + comment_text(m.producer_version) + ")";
  out += "; ONNX opset " + std::to_string(m.opset) + ", " + std::to_string(m.nodes) + " nodes.\n";
  if (!m.unsupported.empty()) {
    out += "# Operators not costed (no rule, or a case the rule does not handle):";
    for (const auto& [op, entry] : m.unsupported) {
      out += " " + comment_text(op, 60) + " x" + std::to_string(entry.first);
      if (entry.second != "no rule") out += " (" + comment_text(entry.second, 80) + ")";
    }
    out += "\n";
  }
  for (const std::string& note : m.notes) out += "# " + comment_text(note, 400) + "\n";
  out += "model " + m.name + "(";
  for (std::size_t k = 0; k < m.size_params.size(); ++k) out += (k ? ", " : "") + m.size_params[k] + " = 1";
  out += ") {\n";
  for (const std::string& input : m.inputs) out += "    input " + input + "\n";
  std::string indent = "    ";
  for (const Stmt& s : *m.stmts) {
    if (s.verbatim) {
      if (s.rhs == "}" && indent.size() > 4) indent.resize(indent.size() - 4);
      out += indent + s.rhs + "\n";
      if (s.rhs.ends_with("{")) indent += "    ";
      continue;
    }
    out += indent + s.lhs + " = ";
    if (!s.label.empty()) out += "\"" + s.label + "\": ";
    out += s.rhs + "\n";
  }
  if (!m.returned.empty()) {
    out += "    return ";
    for (std::size_t k = 0; k < m.returned.size(); ++k) out += (k ? ", " : "") + m.returned[k];
    out += "\n";
  }
  out += "}\n";
  return out;
}

}  // namespace nnscope::onnx
