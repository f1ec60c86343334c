#include "interp/overrides.h"

#include <vector>

#include "interp/program.h"

namespace nnscope::interp {
namespace {

const ast::Parameter* find_parameter(const ast::Definition& model, const std::string& name) {
  for (const ast::Parameter& p : model.parameters) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Diagnostic no_such_parameter(const ast::Definition& model, const std::string& name) {
  std::string list;
  std::vector<std::string> names;
  for (const ast::Parameter& p : model.parameters) {
    list += (list.empty() ? "" : ", ") + p.name;
    names.push_back(p.name);
  }
  std::string hint = closest_name(name, names);
  return Diagnostic{Severity::kError,
                    model.name_location,
                    "--set " + name + ": model '" + model.name + "' has no parameter '" + name + "'" +
                        (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                        " (its parameters: " + (list.empty() ? "none" : list) + ")",
                    {}};
}

std::string comma_list(const std::vector<sym::Int>& values) {
  std::string text;
  for (const sym::Int& v : values) text += (text.empty() ? "" : ",") + sym::to_string(v);
  return text;
}

}  // namespace

bool is_list_parameter(const ast::Parameter& parameter) {
  return parameter.default_value && parameter.default_value->kind == ast::ExprKind::kList;
}

std::optional<Diagnostic> check_overrides(const ast::Definition& model,
                                          const std::map<std::string, sym::Int>& overrides,
                                          const std::map<std::string, std::vector<sym::Int>>& list_overrides) {
  for (const auto& [name, value] : overrides) {
    const ast::Parameter* parameter = find_parameter(model, name);
    if (!parameter) return no_such_parameter(model, name);
    if (is_list_parameter(*parameter)) {
      return Diagnostic{Severity::kError,
                        parameter->location,
                        "--set " + name + ": parameter '" + name +
                            "' is a list; give its items separated by commas (a " + "one-item list is written '" +
                            sym::to_string(value) + ",')",
                        {}};
    }
    if (!parameter->is_const && value < 1) {
      return Diagnostic{Severity::kError,
                        parameter->location,
                        "size parameter '" + name + "' must be at least 1, got " + sym::to_string(value),
                        {}};
    }
  }
  for (const auto& [name, values] : list_overrides) {
    const ast::Parameter* parameter = find_parameter(model, name);
    if (!parameter) return no_such_parameter(model, name);
    if (!is_list_parameter(*parameter)) {
      return Diagnostic{
          Severity::kError,
          parameter->location,
          "--set " + name + ": parameter '" + name + "' is an integer, got the list " + comma_list(values),
          {}};
    }
  }
  return std::nullopt;
}

}  // namespace nnscope::interp
