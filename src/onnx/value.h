#pragma once
// What the importer knows about one ONNX tensor while it translates the graph (a Value), and how a
// translation rule says it could not translate a node (Unsupported, returned, never thrown).
//
// Errors in the importer come in two kinds:
// - Unsupported: a node the importer has no rule for, or a pattern a rule does not handle. It is an ordinary
//   result (Maybe<T> / Outcome): the node becomes a not-costed `unsupported(...)` op and the import goes on.
// - ImportError (importer.h): the file is wrong (an input nothing defines, a malformed tensor, limits
//   exceeded). It is thrown, and carries the node (index, name, op_type) and the file to the user.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nnscope::onnx {

struct Tensor;

// Why a rule could not translate a node.
struct Unsupported {
  std::string reason;
};

// A value or the reason there is none.
template <typename T>
class Maybe {
 public:
  Maybe(T value) : value_(std::move(value)) {}  // NOLINT: implicit, so a rule can `return value;`
  Maybe(Unsupported why) : why_(std::move(why.reason)) {}
  explicit operator bool() const { return value_.has_value(); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  Unsupported why() const { return {why_}; }

 private:
  std::optional<T> value_;
  std::string why_;
};

// What a rule did with its node: translated it, or left it (with the reason) to the not-costed fallback.
class Outcome {
 public:
  static Outcome translated() { return Outcome(); }
  Outcome(Unsupported why) : unsupported_(true), why_(std::move(why.reason)) {}  // NOLINT: implicit
  bool ok() const { return !unsupported_; }
  const std::string& reason() const { return why_; }

 private:
  Outcome() = default;
  bool unsupported_ = false;
  std::string why_;
};

inline Outcome translated() { return Outcome::translated(); }

// One element of a shape-computing value: its .nn integer expression and, where known, its value.
struct IntElem {
  std::string expr;
  std::optional<std::int64_t> v;
  bool positive = false;  // a dimension (so never equal to a constant <= 0)
};

enum class Kind {
  kMissing,  // not available (an omitted input, or the output of a node nothing could translate)
  kTensor,   // an activation: a variable of the generated model
  kWeight,   // a learned tensor of known shape (an initializer, or a weight given as a graph input)
  kConst,    // a small constant or shape-computing tensor, elements folded at import time
  kFilled,   // ConstantOfShape with a symbolic or large shape
};

struct Value {
  Kind kind = Kind::kMissing;
  // kTensor
  std::string var;
  int rank = -1;
  // kWeight
  std::vector<std::int64_t> dims;
  std::string weight_name;
  std::string param_var;           // set once the weight is used as a plain tensor (param([...]))
  const Tensor* source = nullptr;  // the initializer, whose values a rule may read (Resize's scales)
  // The initializer or graph input this weight is (possibly transposed or reshaped): ops reading the same
  // root share one table of parameters. Empty for a part of a weight (a slice, a split, a concatenation).
  std::string weight_root;
  // kConst: elements flattened in row-major order. `pending` is an initializer whose elements are decoded
  // the first time a rule reads them (most integer initializers are never read).
  std::vector<IntElem> ints;
  std::vector<double> floats;
  bool is_float = false;
  std::vector<std::int64_t> cdims;
  const Tensor* pending = nullptr;
  bool from_initializer = false;  // a learned tensor small enough to be folded (e.g. an int8 weight)
  // kFilled
  std::vector<IntElem> fill_shape;
  double fill = 0;
};

}  // namespace nnscope::onnx
