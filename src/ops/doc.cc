#include "ops/doc.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnscope::ops {
namespace {

constexpr std::size_t kWidth = 110;  // `nnscope ops NAME` wraps its text at this column

// 1.0, 0.01, 1e-5 (not 1e-05), inf: as a model would write the number.
std::string number_text(double value) {
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.1f", value);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%g", value);
  std::string text = buffer;
  std::size_t e = text.find('e');
  if (e == std::string::npos) return text;
  std::string mantissa = text.substr(0, e);
  std::string exponent = text.substr(e + 1);
  std::string sign = exponent[0] == '-' ? "-" : "";
  exponent.erase(0, exponent.find_first_not_of("+-0"));
  return mantissa + "e" + sign + exponent;
}

const char* kind_text(ArgKind kind) {
  switch (kind) {
    case ArgKind::kTensor:
      return "tensor";
    case ArgKind::kTensors:
      return "list of tensors";
    case ArgKind::kTensorOrNumber:
      return "tensor or number";
    case ArgKind::kInt:
      return "integer";
    case ArgKind::kInts:
      return "integer or list of integers";
    case ArgKind::kIntsOrString:
      return "integer, list of integers or string";
    case ArgKind::kNumber:
      return "number";
    case ArgKind::kBool:
      return "boolean";
    case ArgKind::kString:
      return "string";
  }
  return "value";
}

// How the argument appears in a signature: `x`, `stride = 1`, `stride = <kernel>`, `reference?`.
std::string argument_text(const ArgSpec& spec) {
  if (spec.required) return spec.name;
  std::string value = default_text(spec);
  return value.empty() ? spec.name + "?" : spec.name + " = " + value;
}

// Columns a UTF-8 word takes: its code points ('·' and '⌊' are one column, two or three bytes).
std::size_t display_width(const std::string& word) {
  return static_cast<std::size_t>(
      std::count_if(word.begin(), word.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Appends `text` word-wrapped to kWidth columns; the first line continues what `out` holds after its last
// newline, later lines start with `indent` spaces.
void wrap(std::string& out, const std::string& text, std::size_t indent) {
  std::size_t column = display_width(out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1));
  std::size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(pos, end - pos);
    if (!first && column + 1 + word.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (!first) {
      out += ' ';
      ++column;
    }
    out += word;
    column += display_width(word);
    first = false;
    pos = end + 1;
  }
  out += '\n';
}

// "Forward:  text", wrapped under its text.
void section(std::string& out, const std::string& title, const std::string& text) {
  constexpr std::size_t kTitleWidth = 10;
  std::string head = title + ":";
  head.resize(std::max(kTitleWidth, head.size() + 1), ' ');
  out += head;
  wrap(out, text, kTitleWidth);
}

}  // namespace

std::string default_text(const ArgSpec& spec) {
  if (!spec.default_meaning.empty()) return "<" + spec.default_meaning + ">";
  const ArgValue& v = spec.default_value;
  if (spec.required || !v.present) return "";
  switch (spec.kind) {
    case ArgKind::kInt:
    case ArgKind::kInts:
    case ArgKind::kIntsOrString: {
      if (v.is_string) return "\"" + v.string + "\"";
      std::string text;
      for (std::size_t i = 0; i < v.ints.size(); ++i) text += (i ? ", " : "") + v.ints[i].to_string();
      return v.scalar_int ? text : "(" + text + ")";
    }
    case ArgKind::kNumber:
    case ArgKind::kTensorOrNumber:
      return number_text(v.number);
    case ArgKind::kBool:
      return v.boolean ? "true" : "false";
    case ArgKind::kString:
      return "\"" + v.string + "\"";
    case ArgKind::kTensor:
    case ArgKind::kTensors:
      return "";
  }
  return "";
}

std::string signature(const OpDef& def) {
  std::string text = def.name + "(";
  for (std::size_t i = 0; i < def.args.size(); ++i) text += (i ? ", " : "") + argument_text(def.args[i]);
  return text + ")";
}

std::string operator_list(const Registry& registry) {
  std::string out;
  for (const OpDef& def : registry.all()) {
    std::string line = def.name + "(";
    for (std::size_t i = 0; i < def.args.size(); ++i) {
      line += (i ? ", " : "") + def.args[i].name;
      if (!def.args[i].required) line += "?";
    }
    line += ")";
    line.resize(std::max<std::size_t>(line.size() + 1, 60), ' ');
    out += line + def.summary + "\n";
  }
  return out;
}

std::string describe(const OpDef& def) {
  std::string out = signature(def) + "\n";
  wrap(out, def.summary, 0);
  out += "\nArguments:\n";
  std::size_t width = 0;
  for (const ArgSpec& spec : def.args) width = std::max(width, argument_text(spec).size());
  width = std::min<std::size_t>(width, 30) + 4;
  for (const ArgSpec& spec : def.args) {
    std::string head = "  " + argument_text(spec);
    head.resize(std::max(width, head.size() + 2), ' ');
    out += head;
    wrap(out, std::string(kind_text(spec.kind)) + (spec.required ? ", required" : "") + ". " + spec.about, width);
  }
  if (!def.doc.weights.empty()) {
    std::string tied = "  tied_to?";
    tied.resize(std::max(width, tied.size() + 2), ' ');
    out += tied;
    wrap(out,
         "string (any operator with weights). The path of an earlier op with weights of the same size, which this "
         "one reuses: it adds no parameters (docs/language.md §5.6).",
         width);
  }
  out += "\n";
  section(out, "Output", def.doc.output);
  section(out, "Weights", def.doc.weights.empty() ? "none" : def.doc.weights);
  section(out, "Forward", def.doc.forward);
  section(out, "Backward", def.doc.backward);
  return out;
}

}  // namespace nnscope::ops
