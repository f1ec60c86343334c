#include "interp/value.h"

namespace nnscope::interp {

using Kind = Value::Kind;

const char* kind_name(Value::Kind kind) {
  switch (kind) {
    case Kind::kNone:
      return "nothing";
    case Kind::kInt:
      return "integer";
    case Kind::kFloat:
      return "number";
    case Kind::kBool:
      return "boolean";
    case Kind::kString:
      return "string";
    case Kind::kTensor:
      return "tensor";
    case Kind::kList:
      return "list";
    case Kind::kTuple:
      return "tuple";
    case Kind::kRange:
      return "range";
  }
  return "value";
}

}  // namespace nnscope::interp
