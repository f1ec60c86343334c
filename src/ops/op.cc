#include "ops/op.h"

namespace nnscope::ops {
namespace {

ArgSpec make(std::string name, ArgKind kind, bool required) {
  ArgSpec spec;
  spec.name = std::move(name);
  spec.kind = kind;
  spec.required = required;
  spec.default_value.kind = kind;
  return spec;
}

ArgSpec with_int_default(std::string name, ArgKind kind, sym::Int value) {
  ArgSpec spec = make(std::move(name), kind, false);
  spec.default_value.present = true;
  spec.default_value.ints = {Expr(value)};
  spec.default_value.scalar_int = true;
  return spec;
}

}  // namespace

ArgSpec ArgSpec::tensor(std::string name) { return make(std::move(name), ArgKind::kTensor, true); }
ArgSpec ArgSpec::tensors(std::string name) { return make(std::move(name), ArgKind::kTensors, true); }
ArgSpec ArgSpec::tensor_or_number(std::string name) { return make(std::move(name), ArgKind::kTensorOrNumber, true); }
ArgSpec ArgSpec::optional_tensor(std::string name) { return make(std::move(name), ArgKind::kTensor, false); }
ArgSpec ArgSpec::integer(std::string name) { return make(std::move(name), ArgKind::kInt, true); }
ArgSpec ArgSpec::integer(std::string name, sym::Int value) {
  return with_int_default(std::move(name), ArgKind::kInt, value);
}
ArgSpec ArgSpec::optional_integer(std::string name) { return make(std::move(name), ArgKind::kInt, false); }
ArgSpec ArgSpec::ints(std::string name) { return make(std::move(name), ArgKind::kInts, true); }
ArgSpec ArgSpec::ints(std::string name, sym::Int value) {
  return with_int_default(std::move(name), ArgKind::kInts, value);
}
ArgSpec ArgSpec::optional_ints(std::string name) { return make(std::move(name), ArgKind::kInts, false); }
ArgSpec ArgSpec::ints_or_string(std::string name, sym::Int value) {
  return with_int_default(std::move(name), ArgKind::kIntsOrString, value);
}
ArgSpec ArgSpec::number(std::string name, double value) {
  ArgSpec spec = make(std::move(name), ArgKind::kNumber, false);
  spec.default_value.present = true;
  spec.default_value.number = value;
  return spec;
}
ArgSpec ArgSpec::boolean(std::string name, bool value) {
  ArgSpec spec = make(std::move(name), ArgKind::kBool, false);
  spec.default_value.present = true;
  spec.default_value.boolean = value;
  return spec;
}
ArgSpec ArgSpec::string(std::string name, std::string value) {
  ArgSpec spec = make(std::move(name), ArgKind::kString, false);
  spec.default_value.present = true;
  spec.default_value.string = std::move(value);
  spec.default_value.is_string = true;
  return spec;
}
ArgSpec ArgSpec::optional_string(std::string name) { return make(std::move(name), ArgKind::kString, false); }

bool OpArgs::has(std::string_view name) const {
  for (std::size_t i = 0; i < specs_->size(); ++i) {
    if ((*specs_)[i].name == name) return values_[i].present;
  }
  return false;
}

const ArgValue& OpArgs::get(std::string_view name) const {
  for (std::size_t i = 0; i < specs_->size(); ++i) {
    if ((*specs_)[i].name == name) return values_[i];
  }
  // A rule asking for an argument its signature does not declare is a bug in the rule, not in the model.
  throw std::logic_error("operator rule asked for undeclared argument '" + std::string(name) + "'");
}

const TensorType& OpArgs::tensor(std::string_view name) const {
  const ArgValue& v = get(name);
  if (!v.tensor) throw OpError("argument '" + std::string(name) + "' must be a tensor", std::string(name));
  return *v.tensor;
}

const std::vector<const TensorType*>& OpArgs::tensors(std::string_view name) const { return get(name).tensors; }

const Expr& OpArgs::integer(std::string_view name) const {
  const ArgValue& v = get(name);
  if (v.ints.empty()) throw OpError("argument '" + std::string(name) + "' is missing", std::string(name));
  return v.ints.front();
}

std::vector<Expr> OpArgs::ints(std::string_view name, std::size_t rank) const {
  const ArgValue& v = get(name);
  if (v.scalar_int && v.ints.size() == 1) return std::vector<Expr>(rank, v.ints.front());
  if (v.ints.size() != rank) {
    throw OpError("argument '" + std::string(name) + "' needs " + std::to_string(rank) + " values, got " +
                      std::to_string(v.ints.size()),
                  std::string(name));
  }
  return v.ints;
}

double OpArgs::number(std::string_view name) const { return get(name).number; }
bool OpArgs::boolean(std::string_view name) const { return get(name).boolean; }
const std::string& OpArgs::string(std::string_view name) const { return get(name).string; }
bool OpArgs::is_string(std::string_view name) const { return get(name).is_string; }

std::size_t OpArgs::tensor_inputs() const {
  std::size_t count = 0;
  for (const ArgValue& v : values_) count += (v.tensor ? 1 : 0) + v.tensors.size();
  return count;
}

}  // namespace nnscope::ops
