// Rules for constants and for ops that compute or rearrange shapes: on folded constants and weights they
// fold (no statement), on activations they emit the .nn op of the same meaning.
#include <algorithm>
#include <cmath>

#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

bool is_float_type(std::int64_t t) { return t == kFloat || t == kDouble || t == kFloat16 || t == kBfloat16; }

Outcome constant(Translator& t) {
  const Node& node = t.node();
  const Attribute* a = node.attributes.empty() ? nullptr : &node.attributes.back();
  if (!a) return Unsupported{"Constant without a value"};
  Value v;
  v.kind = Kind::kConst;
  if (a->name == "value" && a->t) {
    if (!a->t->has_values) {
      std::optional<std::int64_t> count = element_count(a->t->dims);
      if (count && *count <= static_cast<std::int64_t>(kMaxConstElements))
        return Unsupported{"constant tensor of an unsupported type"};
      Value large;  // a large constant: only its shape matters
      large.kind = Kind::kConst;
      large.cdims = a->t->dims;
      large.is_float = true;
      return t.forward(0, large);
    }
    v.cdims = a->t->dims;
    v.is_float = is_float_type(a->t->data_type);
    TensorValues values = t.values_of(*a->t);
    for (std::int64_t x : values.ints) v.ints.push_back(lit(x));
    v.floats = std::move(values.floats);
  } else if (a->name == "value_float") {
    v.is_float = true;
    v.floats = {a->f};
    v.ints = {lit(saturated_int(a->f))};
  } else if (a->name == "value_int") {
    v.ints = {lit(a->i)};
    v.floats = {static_cast<double>(a->i)};
  } else if (a->name == "value_ints") {
    for (std::int64_t x : a->ints) v.ints.push_back(lit(x)), v.floats.push_back(static_cast<double>(x));
    v.cdims = {static_cast<std::int64_t>(a->ints.size())};
  } else if (a->name == "value_floats") {
    v.is_float = true;
    for (double x : a->floats) v.floats.push_back(x), v.ints.push_back(lit(saturated_int(x)));
    v.cdims = {static_cast<std::int64_t>(a->floats.size())};
  } else {
    return Unsupported{"Constant " + a->name};
  }
  return t.forward(0, v);
}

// Identity, Cast, CastLike: the value passes on (a constant cast between integer and float types converts).
Outcome pass_through(Translator& t) {
  const Value& v = t.in(0);
  if (v.kind == Kind::kMissing) return Unsupported{"input is not available"};
  if (v.kind == Kind::kTensor && t.is_graph_output(0)) return t.emit_tensor("identity(" + v.var + ")", v.rank);
  Value out = v;
  if (t.node().op_type == "Cast" && v.kind == Kind::kConst) {
    bool to_float = is_float_type(t.node().int_attr("to", kFloat));
    if (to_float && !out.is_float) {
      out.floats.clear();
      for (const IntElem& e : out.ints) out.floats.push_back(e.v ? static_cast<double>(*e.v) : 0.0);
      // Symbolic sizes stay integers (shape arithmetic through floats).
      out.is_float = std::all_of(out.ints.begin(), out.ints.end(), [](const IntElem& e) { return e.v.has_value(); });
    } else if (!to_float && out.is_float) {
      out.ints.clear();
      for (double f : out.floats) {
        std::optional<std::int64_t> n = float_to_int(f);
        // NaN, infinities and floats past int64 have no integer value (ONNX leaves the result undefined); as a
        // size they would become nonsense such as reshape(x, [-9223372036854775808, 2]).
        if (!n) {
          std::string text = std::isnan(f) ? "NaN" : std::isinf(f) ? (f > 0 ? "inf" : "-inf") : number_text(f);
          throw ImportError("casts the constant " + text + " to an integer type, which has no value for it");
        }
        out.ints.push_back(lit(*n));
      }
      out.is_float = false;
    }
  }
  return t.forward(0, out);
}

Outcome dropout(Translator& t) {
  if (t.in(0).kind != Kind::kTensor) return pass_through(t);
  std::optional<double> p;
  if (const Attribute* a = t.node().attribute("ratio")) p = a->f;
  if (t.has(1)) p = t.scalar(1);
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs = "dropout(" + *x + (p && *p >= 0 && *p <= 1 ? ", " + number_text(*p) : "") + ")";
  return t.emit_tensor(rhs, t.rank_of(0));
}

Outcome shape(Translator& t) {
  Maybe<int> rank = t.need_rank(0);
  if (!rank) return rank.why();
  const Value& v = t.in(0);
  std::vector<IntElem> dims;
  if (v.kind == Kind::kTensor) {
    for (int k = 0; k < v.rank; ++k) {
      Maybe<IntElem> d = symbolic("dim(" + v.var + ", " + std::to_string(k) + ")", true);
      if (!d) return d.why();
      dims.push_back(*d);
    }
  } else if (v.kind == Kind::kWeight) {
    for (std::int64_t d : v.dims) dims.push_back(lit(d));
  } else if (v.kind == Kind::kConst) {
    for (std::int64_t d : v.cdims) dims.push_back(lit(d));
  } else {
    dims = v.fill_shape;
  }
  auto r = static_cast<std::int64_t>(dims.size());
  std::int64_t start = t.node().int_attr("start", 0), end = t.node().int_attr("end", r);
  if (start < 0) start = std::max<std::int64_t>(start, -r) + r;
  if (end < 0) end = std::max<std::int64_t>(end, -r) + r;
  start = std::clamp<std::int64_t>(start, 0, r);
  end = std::clamp<std::int64_t>(end, start, r);
  std::vector<IntElem> kept(dims.begin() + start, dims.begin() + end);
  return t.forward(0, folded({end - start}, std::move(kept), {}, false));
}

Outcome size(Translator& t) {
  const Value& v = t.in(0);
  if (v.kind != Kind::kTensor || v.rank < 0) return Unsupported{"Size of this input"};
  Maybe<IntElem> n = symbolic("prod(shape(" + v.var + "))", true);
  if (!n) return n.why();
  return t.forward(0, folded({}, {*n}, {}, false));
}

// A weight read at the rows given by ids (Gather on axis 0): an embedding lookup, its table counted as
// parameters once. Constant ids (BERT's token types as ConstantOfShape's zeros) become an integer tensor of
// their shape, which is all the cost depends on; a table of rank other than 2 is looked up as [rows, rest]
// and reshaped.
Outcome gather_rows(Translator& t, const Value& table) {
  const Node& node = t.node();
  const Value& index = t.in(1);
  if (table.dims.empty()) return Unsupported{"Gather of a scalar weight"};
  std::vector<std::int64_t> rest(table.dims.begin() + 1, table.dims.end());
  std::optional<std::int64_t> width = element_count(rest);
  if (!width) return Unsupported{"weight too large"};
  std::string ids;
  std::vector<std::string> ids_dims;  // for the reshape
  int ids_rank = -1;
  if (index.kind == Kind::kTensor) {
    ids = index.var;
    ids_rank = index.rank;
    for (int k = 0; k < ids_rank; ++k) ids_dims.push_back("dim(" + ids + ", " + std::to_string(k) + ")");
  } else if (index.kind == Kind::kConst || index.kind == Kind::kFilled) {
    if (index.kind == Kind::kConst && index.is_float) return Unsupported{"Gather with float indices"};
    if (index.kind == Kind::kConst) {
      for (std::int64_t d : index.cdims) ids_dims.push_back(std::to_string(d));
    } else {
      for (const IntElem& e : index.fill_shape) ids_dims.push_back(e.expr);
    }
    ids_rank = static_cast<int>(ids_dims.size());
    if (ids_rank > kMaxRank) return Unsupported{"indices of too many axes"};
    Maybe<std::string> made =
        t.emit_temp(ids_rank == 0 ? "arange(1)" : "expand(arange(1), " + list_text(ids_dims) + ")", node.inputs[1]);
    if (!made) return made.why();
    ids = *made;
  } else {
    return Unsupported{"Gather indices are not available"};
  }
  std::string rhs = "embedding(" + ids + ", " + std::to_string(table.dims[0]) + ", " + std::to_string(*width) + ")";
  if (ids_rank != 0 && rest.size() == 1) return t.emit_tensor(rhs, ids_rank < 0 ? -1 : ids_rank + 1, &table);
  std::vector<std::string> target = ids_dims;
  for (std::int64_t d : rest) target.push_back(std::to_string(d));
  if (ids_rank < 0 || target.empty()) return Unsupported{"Gather of this shape"};
  Maybe<std::string> rows = t.emit_temp(rhs, node.outputs[0] + "_rows", &table);
  if (!rows) return rows.why();
  return t.emit_tensor("reshape(" + *rows + ", " + list_text(target) + ")", static_cast<int>(target.size()));
}

Outcome gather(Translator& t) {
  const Value& data = t.in(0);
  std::int64_t axis = t.node().int_attr("axis", 0);
  if (data.kind == Kind::kConst) {
    auto idx = t.const_ints(1);
    if (!idx || data.cdims.size() != 1 || axis != 0) return Unsupported{"Gather on a constant"};
    Value out = folded(t.in(1).cdims, {}, {}, data.is_float);
    auto n = static_cast<std::int64_t>(data.ints.size());
    for (std::int64_t i : *idx) {
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Unsupported{"Gather index out of range"};
      out.ints.push_back(data.ints[static_cast<std::size_t>(i)]);
      if (data.floats.size() == data.ints.size()) out.floats.push_back(data.floats[static_cast<std::size_t>(i)]);
    }
    return t.forward(0, out);
  }
  if (data.kind == Kind::kWeight && (axis == 0 || axis == -static_cast<std::int64_t>(data.dims.size()))) {
    return gather_rows(t, data);
  }
  if (data.kind == Kind::kTensor) {
    Maybe<int> r = t.need_rank(0);
    if (!r) return r.why();
    Maybe<std::int64_t> a = normalized_axis(axis, *r);
    if (!a) return a.why();
    const Value& index = t.in(1);
    if (index.kind == Kind::kConst && index.ints.size() == 1) {
      const IntElem& i = index.ints[0];
      std::string dim = "dim(" + data.var + ", " + std::to_string(*a) + ")";
      std::string start = i.expr, end = "(" + i.expr + " + 1)";
      if (i.v && *i.v < 0) {
        start = "(" + dim + " + " + i.expr + ")";
        end = "(" + dim + " + " + std::to_string(*i.v + 1) + ")";
      } else if (i.v && *i.v < INT64_MAX) {
        end = std::to_string(*i.v + 1);
      }
      std::string sliced = "slice(" + data.var + ", " + std::to_string(*a) + ", " + start + ", " + end + ")";
      if (index.cdims.empty()) return t.emit_tensor("squeeze(" + sliced + ", " + std::to_string(*a) + ")", *r - 1);
      return t.emit_tensor(sliced, *r);
    }
    // Rows of an activation picked by an index vector (Swin V2: the relative-position bias table, computed by an
    // MLP, read at relative_position_index.view(-1)): gather_rows. A constant index is an integer tensor of its
    // length; its values only pick rows.
    bool vector_index = (index.kind == Kind::kConst && index.cdims.size() == 1 && !index.is_float) ||
                        (index.kind == Kind::kTensor && t.rank_of(1) == 1);
    if (*a == 0 && vector_index) {
      Maybe<std::string> rows =
          index.kind == Kind::kTensor
              ? Maybe<std::string>(index.var)
              : t.emit_temp("expand(arange(1), " + ints_text(index.cdims) + ")", t.node().inputs[1]);
      if (!rows) return rows.why();
      return t.emit_tensor("gather_rows(" + data.var + ", " + *rows + ")", *r);
    }
  }
  return Unsupported{"Gather of this kind"};
}

// The dims of a folded constant or a weight (what shape ops change without a statement).
std::vector<std::int64_t>& folded_dims(Value& v) { return v.kind == Kind::kConst ? v.cdims : v.dims; }

Outcome unsqueeze(Translator& t) {
  Maybe<std::vector<std::int64_t>> axes = t.axes_arg(1);
  if (!axes) return axes.why();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  int out_rank = *r + static_cast<int>(axes->size());
  axes = normalized_axes(std::move(*axes), out_rank);
  if (!axes) return axes.why();
  const Value& v = t.in(0);
  if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
    Value out = v;
    std::vector<std::int64_t>& dims = folded_dims(out);
    for (std::int64_t a : *axes)
      dims.insert(dims.begin() + std::min<std::int64_t>(a, static_cast<std::int64_t>(dims.size())), 1);
    out.param_var.clear();
    return t.forward(0, out);
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs = *x;
  for (std::int64_t a : *axes) rhs = "unsqueeze(" + rhs + ", " + std::to_string(a) + ")";
  return t.emit_tensor(rhs, out_rank);
}

Outcome squeeze(Translator& t) {
  Maybe<std::vector<std::int64_t>> axes = t.axes_arg(1);
  if (!axes) return axes.why();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  axes = normalized_axes(std::move(*axes), *r);
  if (!axes) return axes.why();
  std::reverse(axes->begin(), axes->end());  // erased from the last
  const Value& v = t.in(0);
  if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
    Value out = v;
    std::vector<std::int64_t>& dims = folded_dims(out);
    if (axes->empty()) {
      dims.erase(std::remove(dims.begin(), dims.end(), 1), dims.end());
    } else {
      for (std::int64_t a : *axes) {
        if (a >= static_cast<std::int64_t>(dims.size()) || dims[static_cast<std::size_t>(a)] != 1) {
          return Unsupported{"Squeeze of an axis that is not 1"};
        }
        dims.erase(dims.begin() + a);
      }
    }
    out.param_var.clear();
    return t.forward(0, out);
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  if (axes->empty()) return t.emit_tensor("squeeze(" + *x + ")", -1);
  std::string rhs = *x;
  for (std::int64_t a : *axes) rhs = "squeeze(" + rhs + ", " + std::to_string(a) + ")";
  return t.emit_tensor(rhs, *r - static_cast<int>(axes->size()));
}

Outcome concat(Translator& t) {
  std::size_t n = t.node().inputs.size();
  bool all_const = n > 0, all_weight = n > 0;
  for (std::size_t i = 0; i < n; ++i) {
    all_const &= t.in(i).kind == Kind::kConst;
    all_weight &= t.in(i).kind == Kind::kWeight;
  }
  std::int64_t axis = t.node().int_attr("axis", 0);
  if (all_const) {
    Value out = folded({}, {}, {}, false);
    std::int64_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const Value& v = t.in(i);
      if (v.cdims.size() != 1) return Unsupported{"Concat of constants of rank other than 1"};
      if (out.ints.size() + v.ints.size() > kMaxConstElements) return Unsupported{"constant too large"};
      out.ints.insert(out.ints.end(), v.ints.begin(), v.ints.end());
      out.is_float |= v.is_float;
      if (v.floats.size() == v.ints.size()) out.floats.insert(out.floats.end(), v.floats.begin(), v.floats.end());
      total += v.cdims[0];
    }
    out.cdims = {total};
    if (out.floats.size() != out.ints.size()) out.floats.clear();
    return t.forward(0, out);
  }
  if (all_weight) {
    Value out = t.in(0);
    out.param_var.clear();
    Maybe<std::int64_t> a = normalized_axis(axis, static_cast<int>(out.dims.size()));
    if (!a) return a.why();
    if (*a >= static_cast<std::int64_t>(out.dims.size())) return Unsupported{"Concat axis"};
    for (std::size_t i = 1; i < n; ++i) {
      const Value& v = t.in(i);
      if (v.dims.size() != out.dims.size()) return Unsupported{"Concat of weights of different ranks"};
      std::int64_t& d = out.dims[static_cast<std::size_t>(*a)];
      if (__builtin_add_overflow(d, v.dims[static_cast<std::size_t>(*a)], &d)) return Unsupported{"Concat size"};
    }
    out.weight_name = t.node().outputs[0];
    out.weight_root.clear();  // a new tensor made of parts
    return t.forward(0, out);
  }
  std::vector<std::string> parts;
  int r = -1;
  for (std::size_t i = 0; i < n; ++i) {
    r = std::max(r, t.rank_of(i));
    Maybe<std::string> part = t.tensor(i);
    if (!part) return part.why();
    parts.push_back(*part);
  }
  return t.emit_tensor("concat(" + list_text(parts) + ", axis = " + std::to_string(axis) + ")", r);
}

Outcome reshape(Translator& t) {
  Maybe<std::vector<IntElem>> target = t.shape_arg(1);
  if (!target) return target.why();
  bool allowzero = t.node().int_attr("allowzero", 0) != 0;
  const Value& v = t.in(0);
  if (v.kind == Kind::kConst || v.kind == Kind::kWeight) {
    Value out = v;
    out.param_var.clear();
    const std::vector<std::int64_t>& dims = folded_dims(out);
    std::optional<std::int64_t> total = element_count(dims);
    if (!total) return Unsupported{"Reshape of a constant with too many elements"};
    std::vector<std::int64_t> out_dims;
    int infer = -1;
    std::int64_t known = 1;
    for (std::size_t k = 0; k < target->size(); ++k) {
      if (!(*target)[k].v) return Unsupported{"symbolic reshape of a constant"};
      std::int64_t d = *(*target)[k].v;
      if (d == 0 && !allowzero) d = k < dims.size() ? dims[k] : 0;
      if (d == -1) {
        infer = static_cast<int>(k);
        d = 1;
      }
      if (d < 0 || __builtin_mul_overflow(known, d, &known)) return Unsupported{"Reshape target"};
      out_dims.push_back(d);
    }
    if (infer >= 0) out_dims[static_cast<std::size_t>(infer)] = known ? *total / known : 0;
    folded_dims(out) = out_dims;
    return t.forward(0, out);
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::vector<std::string> items;
  for (std::size_t k = 0; k < target->size(); ++k) {
    if ((*target)[k].v == 0 && !allowzero) {
      items.push_back("dim(" + *x + ", " + std::to_string(k) + ")");
    } else {
      items.push_back((*target)[k].expr);
    }
  }
  return t.emit_tensor("reshape(" + *x + ", " + list_text(items) + ")", static_cast<int>(target->size()));
}

Outcome transpose(Translator& t) {
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  std::vector<std::int64_t> perm;
  if (auto p = t.node().ints_attr("perm")) {
    perm = *p;
  } else {
    for (int k = *r - 1; k >= 0; --k) perm.push_back(k);
  }
  if (static_cast<int>(perm.size()) != *r) return Unsupported{"perm does not match the rank"};
  for (std::int64_t p : perm) {
    if (p < 0 || p >= *r) return Unsupported{"perm out of range"};
  }
  const Value& v = t.in(0);
  if (v.kind == Kind::kWeight || v.kind == Kind::kConst) {
    Value out = v;
    out.param_var.clear();
    std::vector<std::int64_t> src = folded_dims(out);
    for (std::size_t k = 0; k < perm.size(); ++k) folded_dims(out)[k] = src[static_cast<std::size_t>(perm[k])];
    if (v.kind == Kind::kConst && v.ints.size() > 1) {
      // A constant's elements move with their axes (torch.onnx writes F.pad's pads through a Transpose).
      const std::vector<std::int64_t>& dims = folded_dims(out);
      std::optional<std::int64_t> count = element_count(src);
      if (!count || static_cast<std::size_t>(*count) != v.ints.size()) return Unsupported{"Transpose of a constant"};
      bool with_floats = v.floats.size() == v.ints.size();
      out.ints.clear();
      out.floats.clear();
      std::vector<std::int64_t> stride(src.size(), 1);
      for (std::size_t k = src.size(); k-- > 1;) stride[k - 1] = stride[k] * src[k];
      std::vector<std::int64_t> index(dims.size(), 0);
      for (std::int64_t n = 0; n < *count; ++n) {
        std::int64_t flat = 0;
        for (std::size_t k = 0; k < dims.size(); ++k) flat += index[k] * stride[static_cast<std::size_t>(perm[k])];
        out.ints.push_back(v.ints[static_cast<std::size_t>(flat)]);
        if (with_floats) out.floats.push_back(v.floats[static_cast<std::size_t>(flat)]);
        for (std::size_t k = dims.size(); k-- > 0;) {
          if (++index[k] < dims[k]) break;
          index[k] = 0;
        }
      }
    }
    return t.forward(0, out);
  }
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  return t.emit_tensor("permute(" + *x + ", " + ints_text(perm) + ")", *r);
}

Outcome flatten(Translator& t) {
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  Maybe<std::int64_t> axis = normalized_axis(t.node().int_attr("axis", 1), *r);
  if (!axis) return axis.why();
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::string rhs;
  if (*axis == 0) {
    rhs = "unsqueeze(flatten(" + *x + ", 0, -1), 0)";
  } else if (*axis == *r) {
    rhs = "unsqueeze(flatten(" + *x + ", 0, -1), 1)";
  } else if (*axis == 1) {
    rhs = "flatten(" + *x + ", 1, -1)";
  } else {
    rhs = "flatten(flatten(" + *x + ", " + std::to_string(*axis) + ", -1), 0, " + std::to_string(*axis - 1) + ")";
  }
  return t.emit_tensor(rhs, 2);
}

Outcome expand(Translator& t) {
  Maybe<std::vector<IntElem>> target = t.shape_arg(1);
  if (!target) return target.why();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  if (target->size() < static_cast<std::size_t>(*r)) return Unsupported{"Expand to a lower rank"};
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  std::vector<std::string> items;
  std::size_t offset = target->size() - static_cast<std::size_t>(*r);
  for (std::size_t k = 0; k < target->size(); ++k) {
    // ONNX broadcasts both ways: a target 1 keeps the input's axis.
    bool keep = (*target)[k].v == 1 && k >= offset;
    items.push_back(keep ? "-1" : (*target)[k].expr);
  }
  return t.emit_tensor("expand(" + *x + ", " + list_text(items) + ")", static_cast<int>(target->size()));
}

Outcome constant_of_shape(Translator& t) {
  Maybe<std::vector<IntElem>> shape = t.shape_arg(0);
  if (!shape) return shape.why();
  double fill = 0;
  std::int64_t int_fill = 0;
  bool is_float = true;
  if (const Attribute* a = t.node().attribute("value"); a && a->t && a->t->has_values) {
    TensorValues values = t.values_of(*a->t);
    if (!values.floats.empty()) {
      fill = values.floats[0];
      is_float = is_float_type(a->t->data_type);
      int_fill = values.ints[0];
    }
  }
  bool known = shape->size() <= 1;
  std::vector<std::int64_t> dims;
  for (const IntElem& e : *shape) {
    known &= e.v.has_value();
    if (e.v) dims.push_back(*e.v);
  }
  std::optional<std::int64_t> count =
      known ? element_count(dims, static_cast<std::int64_t>(kMaxConstElements)) : std::nullopt;
  Value out;
  if (count) {
    out = folded(dims, std::vector<IntElem>(static_cast<std::size_t>(*count), lit(int_fill)),
                 std::vector<double>(static_cast<std::size_t>(*count), fill), is_float);
  } else {
    out.kind = Kind::kFilled;
    out.fill_shape = *shape;
    out.fill = fill;
  }
  return t.forward(0, out);
}

// ScatterND writes `updates` into a copy of `data` at `indices`, so its output has data's shape. torch.onnx writes it
// for assignment to a slice (Swin's shifted-window mask: mask[h0:h1, w0:w1] = count, on a ConstantOfShape of the
// padded sizes). The writes are copies, not arithmetic: the output is data itself, a constant made a tensor.
Outcome scatter_nd(Translator& t) {
  const Value& data = t.in(0);
  if (data.kind == Kind::kMissing) return Unsupported{"input 0 is not available"};
  if (data.kind == Kind::kWeight) return Unsupported{"ScatterND into a weight"};
  Value out = data;
  if (data.kind != Kind::kTensor) {
    int rank = t.rank_of(0);
    Maybe<std::string> x = t.tensor(0);
    if (!x) return x.why();
    out = Value{};
    out.kind = Kind::kTensor;
    out.var = *x;
    out.rank = rank;
  }
  t.discard_input(1);
  t.discard_input(2);
  return t.forward(0, out);
}

Outcome range(Translator& t) {
  Maybe<std::vector<IntElem>> start = t.shape_arg(0), limit = t.shape_arg(1), delta = t.shape_arg(2);
  if (!start) return start.why();
  if (!limit) return limit.why();
  if (!delta) return delta.why();
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1) return Unsupported{"Range of non-scalars"};
  const IntElem &s = (*start)[0], &l = (*limit)[0], &d = (*delta)[0];
  if (d.v == 0) return Unsupported{"Range with delta 0"};
  if (s.v && l.v && d.v) {
    // ceil((limit - start) / delta) elements, in 128 bits so no limit or step overflows.
    __int128 span = static_cast<__int128>(*l.v) - *s.v;
    __int128 step = *d.v;
    __int128 n = span / step + (span % step != 0 && (span > 0) == (step > 0) ? 1 : 0);
    if (n < 0) n = 0;
    if (n > INT64_MAX) return Unsupported{"Range of more than 2^63 elements"};
    if (n <= static_cast<__int128>(kMaxConstElements) && !t.is_graph_output(0)) {
      Value out = folded({static_cast<std::int64_t>(n)}, {}, {}, false);
      for (std::int64_t k = 0; k < n; ++k) {
        std::int64_t x = static_cast<std::int64_t>(*s.v + static_cast<__int128>(k) * step);
        out.ints.push_back(lit(x));
        out.floats.push_back(static_cast<double>(x));
      }
      return t.forward(0, out);
    }
    return t.emit_tensor("arange(" + std::to_string(static_cast<std::int64_t>(n)) + ")", 1);
  }
  Maybe<IntElem> span = int_binary("Sub", l, s);
  if (!span) return span.why();
  std::string n = d.v == 1 ? span->expr : "ceil_div(" + span->expr + ", " + d.expr + ")";
  return t.emit_tensor("arange(" + n + ")", 1);
}

}  // namespace

void add_tensor_rules(RuleTable& table) {
  table["Constant"] = constant;
  for (const char* op : {"Identity", "Cast", "CastLike"}) table[op] = pass_through;
  table["Dropout"] = dropout;
  table["Shape"] = shape;
  table["Size"] = size;
  table["Gather"] = gather;
  table["Unsqueeze"] = unsqueeze;
  table["Squeeze"] = squeeze;
  table["Concat"] = concat;
  table["Reshape"] = reshape;
  table["Transpose"] = transpose;
  table["Flatten"] = flatten;
  table["Expand"] = expand;
  table["ConstantOfShape"] = constant_of_shape;
  table["Range"] = range;
  table["ScatterND"] = scatter_nd;
}

}  // namespace nnscope::onnx
