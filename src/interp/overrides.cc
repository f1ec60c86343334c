#include "interp/overrides.h"

#include <vector>

#include "interp/program.h"

namespace nnscope::interp {

std::optional<Diagnostic> check_overrides(const ast::Definition& model,
                                          const std::map<std::string, sym::Int>& overrides) {
  for (const auto& [name, value] : overrides) {
    const ast::Parameter* parameter = nullptr;
    for (const ast::Parameter& p : model.parameters) {
      if (p.name == name) parameter = &p;
    }
    if (!parameter) {
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
    if (!parameter->is_const && value < 1) {
      return Diagnostic{Severity::kError,
                        parameter->location,
                        "size parameter '" + name + "' must be at least 1, got " + sym::to_string(value),
                        {}};
    }
  }
  return std::nullopt;
}

}  // namespace nnscope::interp
