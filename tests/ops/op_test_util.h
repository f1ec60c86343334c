#pragma once
// A small harness to call one operator rule directly, without the language: tests/ops/*_test.cc use it.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops::testing {

// Answers same_size/value from fixed bindings (as the interpreter does with the model's bound sizes).
class FakeContext : public OpContext {
 public:
  sym::Bindings bindings;
  DType act_dtype = DType::kF32;
  bool same_size(const Expr& a, const Expr& b) override {
    return a == b || a.evaluate_integer(bindings) == b.evaluate_integer(bindings);
  }
  sym::Int value(const Expr& e) override { return e.evaluate_integer(bindings); }
  bool is_negative(const Expr& e) override { return e.evaluate_integer(bindings) < 0; }
  bool is_zero(const Expr& e) override { return e.evaluate_integer(bindings) == 0; }
  bool is_positive(const Expr& e) override { return e.evaluate_integer(bindings) > 0; }
  DType activation_dtype() const override { return act_dtype; }
};

inline Shape shape(std::initializer_list<Expr> dims) { return Shape(dims); }

// Builds the arguments of one call by name, then runs the operator's rule.
class Call {
 public:
  explicit Call(const std::string& op) : def_(Registry::instance().find(op)) {
    if (!def_) throw std::logic_error("no operator " + op);
    given_.resize(def_->args.size());
  }
  // value_bound: the ids' values are known to lie in [0, value_bound) (as after arange); zero when unknown.
  Call& tensor(const std::string& name, Shape s, DType dtype = DType::kF32, Expr value_bound = {}) {
    owned_.push_back(std::make_unique<TensorType>(TensorType{std::move(s), dtype, std::move(value_bound)}));
    ArgValue v;
    v.kind = ArgKind::kTensor;
    v.tensor = owned_.back().get();
    return set(name, std::move(v));
  }
  Call& tensors(const std::string& name, std::vector<Shape> shapes, DType dtype = DType::kF32) {
    ArgValue v;
    v.kind = ArgKind::kTensors;
    for (Shape& s : shapes) {
      owned_.push_back(std::make_unique<TensorType>(TensorType{std::move(s), dtype}));
      v.tensors.push_back(owned_.back().get());
    }
    return set(name, std::move(v));
  }
  Call& integer(const std::string& name, Expr value) {
    ArgValue v;
    v.kind = ArgKind::kInt;
    v.ints = {std::move(value)};
    v.scalar_int = true;
    return set(name, std::move(v));
  }
  Call& ints(const std::string& name, std::vector<Expr> values) {
    ArgValue v;
    v.kind = ArgKind::kInts;
    v.ints = std::move(values);
    return set(name, std::move(v));
  }
  Call& number(const std::string& name, double value) {
    ArgValue v;
    v.kind = ArgKind::kNumber;
    v.number = value;
    return set(name, std::move(v));
  }
  Call& boolean(const std::string& name, bool value) {
    ArgValue v;
    v.kind = ArgKind::kBool;
    v.boolean = value;
    return set(name, std::move(v));
  }
  Call& string(const std::string& name, std::string value) {
    ArgValue v;
    v.kind = ArgKind::kString;
    v.string = std::move(value);
    v.is_string = true;
    return set(name, std::move(v));
  }
  // The tensors this call passes (each tensor argument, every tensor of a list): the op's inputs.
  std::size_t tensor_inputs() const {
    std::size_t count = 0;
    for (const auto& v : given_) {
      if (v) count += (v->tensor ? 1 : 0) + v->tensors.size();
    }
    return count;
  }
  const OpDef& def() const { return *def_; }
  OpResult run(OpContext& context) const {
    auto given = given_;
    return def_->apply(bind_args(*def_, std::move(given)), context);
  }
  OpResult run() const {
    FakeContext context;
    return run(context);
  }

 private:
  Call& set(const std::string& name, ArgValue value) {
    for (std::size_t i = 0; i < def_->args.size(); ++i) {
      if (def_->args[i].name == name) {
        value.present = true;
        given_[i] = std::move(value);
        return *this;
      }
    }
    throw std::logic_error(def_->name + " has no argument " + name);
  }
  const OpDef* def_;
  std::vector<std::optional<ArgValue>> given_;
  std::vector<std::unique_ptr<TensorType>> owned_;
};

// The message of the OpError a call throws, or "" when it succeeds.
inline std::string error_of(const Call& call, FakeContext& context) {
  try {
    call.run(context);
  } catch (const OpError& e) {
    return e.what();
  }
  return "";
}
inline std::string error_of(const Call& call) {
  FakeContext context;
  return error_of(call, context);
}

// The argument the OpError of a call names ("" for the call as a whole, or when it succeeds): the interpreter
// puts the diagnostic's caret there.
inline std::string failing_argument(const Call& call) {
  try {
    call.run();
  } catch (const OpError& e) {
    return e.argument();
  }
  return "";
}

// Total parameter count of a result (sum of weight element counts), evaluated.
inline sym::Int params(const OpResult& result, const sym::Bindings& bindings = {}) {
  Expr total;
  for (const Weight& w : result.weights) total += numel(w.shape);
  return total.evaluate_integer(bindings);
}

inline sym::Int eval(const Expr& e, const sym::Bindings& bindings = {}) { return e.evaluate_integer(bindings); }

}  // namespace nnscope::ops::testing
