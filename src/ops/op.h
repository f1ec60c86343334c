#pragma once
// The interface every operator implements. An operator family lives in one file (conv.cc, norm.cc, ...)
// holding, for each of its operators, the signature, the shape rule, the weights (hence the parameter
// count) and the forward cost, together. docs/cost-model.md documents each one.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ir/dtype.h"
#include "ir/types.h"
#include "source/source.h"
#include "symbolic/expr.h"

namespace nnscope::ops {

using sym::Expr;
// The IR's basic types under the names operator rules have always used.
using ir::Backward;
using ir::Cost;
using ir::Shape;
using ir::TensorType;
using ir::Weight;
using Display = ir::DisplayHints;  // presentation strings; see ir/types.h

enum class ArgKind {
  kTensor,          // one tensor
  kTensors,         // a list or tuple of tensors (concat)
  kTensorOrNumber,  // a tensor, or a numeric constant (x * 0.5)
  kInt,             // an integer; may be symbolic
  kInts,            // an integer or a list/tuple of integers: kernel = 3, kernel = (1, 7)
  kIntsOrString,    // like kInts, or a string: padding = 1 | (1, 2) | "same"
  kNumber,          // a numeric constant (eps, negative_slope)
  kBool,
  kString,
};

// One bound argument as the operator sees it.
struct ArgValue {
  ArgKind kind = ArgKind::kInt;
  bool present = false;  // given by the caller or by a default
  const TensorType* tensor = nullptr;
  std::vector<const TensorType*> tensors;
  std::vector<Expr> ints;   // kInt: one element; kInts: as written
  bool scalar_int = false;  // kInts written as a single integer (broadcast over the spatial rank)
  double number = 0;        // kNumber, kTensorOrNumber without a tensor
  bool boolean = false;
  std::string string;
  bool is_string = false;  // kIntsOrString given a string
  Location location = Location::none();
};

struct ArgSpec {
  std::string name;
  ArgKind kind;
  bool required = true;
  ArgValue default_value;  // used when !required and the caller omitted the argument; may be absent
  // Documentation, shown by `nnscope ops NAME` (ops/doc.h): what the argument is, and for an optional argument
  // whose default is not a value, what leaving it out means, as a short phrase ("kernel" for pooling's stride,
  // shown as `stride = <kernel>`).
  std::string about;
  std::string default_meaning;

  // Builders for the documentation: ArgSpec::ints("stride").describe("...").defaults_to("kernel").
  ArgSpec describe(std::string text) && {
    about = std::move(text);
    return std::move(*this);
  }
  ArgSpec defaults_to(std::string meaning) && {
    default_meaning = std::move(meaning);
    return std::move(*this);
  }

  static ArgSpec tensor(std::string name);
  static ArgSpec tensors(std::string name);
  static ArgSpec tensor_or_number(std::string name);
  static ArgSpec optional_tensor(std::string name);  // absent unless given (prelu's slope, masks)
  static ArgSpec integer(std::string name);
  static ArgSpec integer(std::string name, sym::Int default_value);
  static ArgSpec optional_integer(std::string name);  // absent unless given
  static ArgSpec ints(std::string name);
  static ArgSpec ints(std::string name, sym::Int default_value);
  static ArgSpec optional_ints(std::string name);
  static ArgSpec ints_or_string(std::string name, sym::Int default_value);
  static ArgSpec number(std::string name, double default_value);
  static ArgSpec boolean(std::string name, bool default_value);
  static ArgSpec string(std::string name, std::string default_value);
  static ArgSpec optional_string(std::string name);
};

// Thrown by an operator's rule; the interpreter turns it into a diagnostic at the named argument (or at
// the call when argument is empty), with the block instantiation chain.
class OpError : public std::runtime_error {
 public:
  explicit OpError(std::string message, std::string argument = {})
      : std::runtime_error(std::move(message)), argument_(std::move(argument)) {}
  const std::string& argument() const { return argument_; }

 private:
  std::string argument_;
};

class OpArgs {
 public:
  OpArgs(const std::vector<ArgSpec>* specs, std::vector<ArgValue> values) : specs_(specs), values_(std::move(values)) {}

  bool has(std::string_view name) const;
  const ArgValue& get(std::string_view name) const;
  const TensorType& tensor(std::string_view name) const;
  const std::vector<const TensorType*>& tensors(std::string_view name) const;
  const Expr& integer(std::string_view name) const;
  // An integer broadcasts to `rank` copies; a list must have exactly `rank` elements (else OpError).
  std::vector<Expr> ints(std::string_view name, std::size_t rank) const;
  double number(std::string_view name) const;
  bool boolean(std::string_view name) const;
  const std::string& string(std::string_view name) const;
  bool is_string(std::string_view name) const;
  // How many tensors the call passes, which become the op's inputs: each tensor argument given, every element
  // of a list of tensors, a tensor given where a number may stand.
  std::size_t tensor_inputs() const;

 private:
  const std::vector<ArgSpec>* specs_;
  std::vector<ArgValue> values_;
};

// What an operator rule may ask of the interpreter.
class OpContext {
 public:
  virtual ~OpContext() = default;
  // True when a and b are the same size: structurally equal, or equal at the bound values of the size
  // parameters (the interpreter records that assumption so a sweep can tell when it stops holding).
  virtual bool same_size(const Expr& a, const Expr& b) = 0;
  // The value of `e` at the bound sizes (recorded as an assumption like same_size).
  virtual sym::Int value(const Expr& e) = 0;
  // Predicates on `e` at the bound sizes. Prefer them to value() for checks such as "at least 1": they record
  // only the outcome, so a sweep need not elaborate again where only magnitudes change.
  virtual bool is_negative(const Expr& e) = 0;
  virtual bool is_zero(const Expr& e) = 0;
  virtual bool is_positive(const Expr& e) = 0;
  // The dtype floating-point activations have in this run (--dtype / --act-dtype).
  virtual DType activation_dtype() const = 0;
};

struct OpResult {
  std::vector<TensorType> outputs;
  std::vector<Weight> weights;  // parameters = the sum of their element counts
  Cost forward;
  Backward backward;
  bool costed = true;      // false: no cost rule, the op is listed as "not costed"
  Expr gathered_elements;  // embeddings: elements of the table rows actually read (x weight dtype = bytes)
  // The dtype of the gathered elements when they are not the weights' (a graph gather of activation rows).
  std::optional<DType> gathered_dtype;
  // Of the weights' elements, those one token does not use: the experts a mixture of experts does not route it to.
  // 0 for every dense op; parameters minus idle_params are the op's active parameters.
  Expr idle_params;
  Display display;    // presentation only (ir::DisplayHints)
  bool view = false;  // outputs share storage with inputs[0] (reshape, flatten, dropout at inference)
};

// What `nnscope ops NAME` prints about an operator besides its arguments, kept in the schema beside its rule
// (as ONNX keeps an operator's documentation in its OpSchema), in the notation of docs/cost-model.md:
// E = numel(x), O = numel(output), N, C, H, W the axes of x.
struct OpDoc {
  std::string output;    // the output shape, and its dtype where that is not x's
  std::string weights;   // the parameters; empty when there are none
  std::string forward;   // forward work: GEMM MACs, element-wise ops, activation ops
  std::string backward;  // backward work (dgrad and wgrad MACs, element-wise, activation) and what it keeps
};

struct OpDef {
  std::string name;     // what the language calls it: "conv2d"
  std::string summary;  // one line for docs and `nnscope ops`
  std::vector<ArgSpec> args;
  OpResult (*apply)(const OpArgs& args, OpContext& context) = nullptr;
  OpDoc doc;
};

// Fills omitted arguments from the signature's defaults; `given` is aligned with def.args (nullopt = not
// given). A missing required argument throws OpError naming it.
inline OpArgs bind_args(const OpDef& def, std::vector<std::optional<ArgValue>> given) {
  std::vector<ArgValue> values(def.args.size());
  for (std::size_t i = 0; i < def.args.size(); ++i) {
    if (i < given.size() && given[i]) {
      values[i] = std::move(*given[i]);
      values[i].present = true;
    } else if (def.args[i].required) {
      throw OpError(def.name + "() is missing its argument '" + def.args[i].name + "'", def.args[i].name);
    } else {
      values[i] = def.args[i].default_value;
    }
  }
  return OpArgs(&def.args, std::move(values));
}

}  // namespace nnscope::ops
