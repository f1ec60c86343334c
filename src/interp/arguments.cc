#include "interp/arguments.h"

#include "interp/program.h"  // closest_name
#include "ops/common.h"
#include "source/diagnostic.h"

namespace nnscope::interp {

using Kind = Value::Kind;

std::string describe(const BuiltinHost& host, const Value& v) {
  switch (v.kind) {
    case Kind::kTensor:
      return "a tensor of shape " + ops::shape_string(host.tensor(v).shape);
    case Kind::kInt:
      return "the integer " + v.integer.to_string();
    case Kind::kList:
    case Kind::kTuple:
      return std::string("a ") + kind_name(v.kind) + " of " + std::to_string(v.items.size()) + " values";
    default:
      return std::string("a ") + kind_name(v.kind);
  }
}

double number_of(BuiltinHost& host, const Value& v, Location at) {
  if (v.kind == Kind::kFloat) return v.number;
  return static_cast<double>(host.concrete(v.integer, at));
}

std::vector<const ast::Argument*> match_arguments(BuiltinHost& host, const ast::Call& call, std::size_t count,
                                                  const std::function<const std::string&(std::size_t)>& name_at,
                                                  const std::string& what) {
  std::vector<const ast::Argument*> slots(count, nullptr);
  std::size_t position = 0;
  for (const ast::Argument& a : call.arguments()) {
    if (a.name_text() == kTiedTo || a.name_text() == kFrozen) continue;  // call_op and call_block handle them
    std::size_t slot = count;
    if (!a.name) {
      if (position >= count) {
        host.fail(a.value->location, what + " takes at most " + std::to_string(count) + " arguments");
      }
      slot = position++;
    } else {
      for (std::size_t i = 0; i < count; ++i) {
        if (name_at(i) == a.name_text()) slot = i;
      }
      if (slot == count) {
        const std::string name(a.name_text());
        std::vector<std::string> names;
        for (std::size_t i = 0; i < count; ++i) names.push_back(name_at(i));
        std::string hint = closest_name(name, names);
        host.fail(a.name->location,
                  what + " has no argument '" + name + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
      }
    }
    if (slots[slot]) {
      Diagnostic d{Severity::kError,
                   a.name ? a.name->location : a.value->location,
                   "argument '" + name_at(slot) + "' of " + what + " is given twice",
                   {}};
      d.notes.push_back({slots[slot]->value->location, "first given here"});
      throw DiagnosticError(std::move(d));
    }
    slots[slot] = &a;
  }
  return slots;
}

ops::ArgValue convert_argument(BuiltinHost& host, const ops::ArgSpec& spec, const Value& v, Location at,
                               const ops::OpDef& def, ir::TensorIds& inputs) {
  ops::ArgValue a;
  a.kind = spec.kind;
  a.present = true;
  a.location = at;
  auto wrong = [&](const std::string& expected) -> ops::ArgValue {
    host.fail(at,
              "argument '" + spec.name + "' of " + def.name + "() must be " + expected + ", got " + describe(host, v));
    return a;  // not reached: fail() throws, but GCC does not see [[noreturn]] through a virtual call
  };
  auto ints_from = [&](const Value& value) -> bool {
    if (value.kind == Kind::kInt) {
      a.ints = {value.integer};
      a.scalar_int = true;
      return true;
    }
    if (!value.is_sequence()) return false;
    for (const Value& item : value.items) {
      if (item.kind != Kind::kInt) return false;
      a.ints.push_back(item.integer);
    }
    return true;
  };
  switch (spec.kind) {
    case ops::ArgKind::kTensor:
      if (v.kind != Kind::kTensor) return wrong("a tensor");
      a.tensor = &host.tensor(v);
      inputs.push_back(v.tensor);
      return a;
    case ops::ArgKind::kTensors:
      if (!v.is_sequence()) return wrong("a list of tensors");
      for (const Value& item : v.items) {
        if (item.kind != Kind::kTensor) return wrong("a list of tensors");
        a.tensors.push_back(&host.tensor(item));
        inputs.push_back(item.tensor);
      }
      return a;
    case ops::ArgKind::kTensorOrNumber:
      if (v.kind == Kind::kTensor) {
        a.tensor = &host.tensor(v);
        inputs.push_back(v.tensor);
      } else if (v.kind == Kind::kInt || v.kind == Kind::kFloat) {
        a.number = number_of(host, v, at);
      } else {
        return wrong("a tensor or a number");
      }
      return a;
    case ops::ArgKind::kInt:
      if (v.kind != Kind::kInt) return wrong("an integer");
      a.ints = {v.integer};
      a.scalar_int = true;
      return a;
    case ops::ArgKind::kInts:
      if (!ints_from(v)) return wrong("an integer or a list of integers");
      return a;
    case ops::ArgKind::kIntsOrString:
      if (v.kind == Kind::kString) {
        a.string = std::string(v.text());
        a.is_string = true;
        return a;
      }
      if (!ints_from(v)) return wrong("an integer, a list of integers or a string");
      return a;
    case ops::ArgKind::kNumber:
      if (v.kind != Kind::kInt && v.kind != Kind::kFloat) return wrong("a number");
      a.number = number_of(host, v, at);
      return a;
    case ops::ArgKind::kBool:
      if (v.kind != Kind::kBool) return wrong("true or false");
      a.boolean = v.boolean;
      return a;
    case ops::ArgKind::kString:
      if (v.kind != Kind::kString) return wrong("a string");
      a.string = std::string(v.text());
      a.is_string = true;
      return a;
  }
  return a;
}

}  // namespace nnscope::interp
