// Rules that cut tensors into parts or pad them: Slice, Split, Pad. On weights and folded constants they
// fold by shape (PyTorch's LSTM export slices and concatenates gate blocks of its weights).
#include <algorithm>

#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/rules.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

struct SliceArgs {
  std::vector<IntElem> starts, ends, axes, steps;
};

Maybe<SliceArgs> slice_args(Translator& t) {
  SliceArgs s;
  const Node& node = t.node();
  if (node.attribute("starts")) {  // opset < 10
    for (std::int64_t x : node.ints_attr("starts").value_or(std::vector<std::int64_t>{})) s.starts.push_back(lit(x));
    for (std::int64_t x : node.ints_attr("ends").value_or(std::vector<std::int64_t>{})) s.ends.push_back(lit(x));
    for (std::int64_t x : node.ints_attr("axes").value_or(std::vector<std::int64_t>{})) s.axes.push_back(lit(x));
  } else {
    for (std::size_t i : {1u, 2u, 3u, 4u}) {
      if (i >= 3 && !t.has(i)) continue;
      Maybe<std::vector<IntElem>> arg = t.shape_arg(i);
      if (!arg) return arg.why();
      (i == 1 ? s.starts : i == 2 ? s.ends : i == 3 ? s.axes : s.steps) = std::move(*arg);
    }
  }
  if (s.ends.size() != s.starts.size()) return Unsupported{"starts and ends differ in length"};
  if (s.starts.size() > static_cast<std::size_t>(kMaxRank)) return Unsupported{"more axes than a tensor may have"};
  if (s.axes.empty()) {
    for (std::size_t k = 0; k < s.starts.size(); ++k) s.axes.push_back(lit(static_cast<std::int64_t>(k)));
  }
  if (s.steps.empty()) s.steps.assign(s.starts.size(), lit(1));
  if (s.axes.size() != s.starts.size() || s.steps.size() != s.starts.size()) {
    return Unsupported{"Slice argument lengths"};
  }
  return s;
}

// The indices a Slice with known bounds reads along an axis of length n, in order (ONNX's clamping: a positive
// step reads [start, end) clamped to [0, n]; a negative step reads down from start clamped to [0, n - 1] to just
// above end clamped to [-1, n - 1]).
std::vector<std::int64_t> slice_indices(std::int64_t start, std::int64_t end, std::int64_t step, std::int64_t n) {
  if (start < 0) start = std::max(start, -n) + n;
  if (end < 0) end = std::max(end, -n - 1) + n;
  std::vector<std::int64_t> out;
  if (step > 0) {
    start = std::clamp<std::int64_t>(start, 0, n);
    end = std::clamp<std::int64_t>(end, 0, n);
    for (std::int64_t i = start; i < end; i += step) out.push_back(i);
  } else {
    start = std::clamp<std::int64_t>(start, 0, n - 1);
    end = std::clamp<std::int64_t>(end, -1, n - 1);
    for (std::int64_t i = start; i > end; i += step) out.push_back(i);
  }
  return out;
}

// Slicing a weight, a folded constant or a filled constant: by shape, and a constant's elements by value when
// they are known (a negative step reverses them: torch.onnx writes F.pad's pads reversed that way).
Outcome slice_folded(Translator& t, const SliceArgs& s, int r) {
  Value out = t.in(0);
  out.param_var.clear();
  out.weight_root.clear();  // a part of the weight
  std::vector<std::int64_t> dims = out.kind == Kind::kWeight  ? out.dims
                                   : out.kind == Kind::kConst ? out.cdims
                                                              : std::vector<std::int64_t>{};
  if (out.kind == Kind::kFilled) {
    for (const IntElem& e : out.fill_shape) {
      if (!e.v) return Unsupported{"Slice of a symbolic constant"};
      dims.push_back(*e.v);
    }
  }
  if (dims.size() != static_cast<std::size_t>(r)) return Unsupported{"Slice of a constant of unknown rank"};
  std::vector<std::vector<std::int64_t>> picked(dims.size());
  for (std::size_t k = 0; k < dims.size(); ++k) {
    for (std::int64_t i = 0; i < dims[k]; ++i) picked[k].push_back(i);
  }
  for (std::size_t k = 0; k < s.starts.size(); ++k) {
    if (!s.axes[k].v || !s.starts[k].v || !s.ends[k].v || !s.steps[k].v || *s.steps[k].v == 0 ||
        *s.steps[k].v == INT64_MIN) {
      return Unsupported{"Slice of a constant with symbolic bounds"};
    }
    Maybe<std::int64_t> a = normalized_axis(*s.axes[k].v, r);
    if (!a) return a.why();
    if (*a >= r) return Unsupported{"Slice axis"};
    auto axis = static_cast<std::size_t>(*a);
    picked[axis] = slice_indices(*s.starts[k].v, *s.ends[k].v, *s.steps[k].v, dims[axis]);
  }
  std::vector<std::int64_t> out_dims;
  for (const auto& p : picked) out_dims.push_back(static_cast<std::int64_t>(p.size()));
  if (out.kind == Kind::kWeight) out.dims = out_dims;
  if (out.kind == Kind::kFilled) {
    for (std::size_t k = 0; k < out_dims.size(); ++k) out.fill_shape[k] = lit(out_dims[k]);
  }
  if (out.kind == Kind::kConst) {
    std::optional<std::int64_t> count = element_count(dims, static_cast<std::int64_t>(kMaxConstElements));
    bool values = count && out.ints.size() == static_cast<std::size_t>(*count);
    if (!values && dims.size() == 1) return Unsupported{"Slice of a constant's shape only"};
    std::vector<IntElem> ints;
    std::vector<double> floats;
    bool with_floats = values && out.floats.size() == out.ints.size();
    if (values) {
      // Row-major walk over the output, reading the input element each output index maps to.
      std::optional<std::int64_t> out_count = element_count(out_dims, static_cast<std::int64_t>(kMaxConstElements));
      if (!out_count) return Unsupported{"Slice of a constant"};
      std::vector<std::size_t> index(out_dims.size(), 0);
      for (std::int64_t n = 0; n < *out_count; ++n) {
        std::int64_t flat = 0;
        for (std::size_t k = 0; k < dims.size(); ++k) flat = flat * dims[k] + picked[k][index[k]];
        ints.push_back(out.ints[static_cast<std::size_t>(flat)]);
        if (with_floats) floats.push_back(out.floats[static_cast<std::size_t>(flat)]);
        for (std::size_t k = out_dims.size(); k-- > 0;) {
          if (++index[k] < static_cast<std::size_t>(out_dims[k])) break;
          index[k] = 0;
        }
      }
    }
    out.ints = std::move(ints);
    out.floats = std::move(floats);
    out.cdims = out_dims;
  }
  return t.forward(0, out);
}

// Bound `c` of a Slice on an axis of length `n` (text) as ONNX reads it for a negative step: negative values
// count from the end, and the result is clamped to [lo, n - 1].
std::string clamped_index(std::int64_t c, const std::string& n, std::int64_t lo) {
  constexpr std::int64_t kFar = std::int64_t{1} << 40;  // INT64_MAX / INT64_MIN as exporters write "to the end"
  if (c >= kFar || c == -1) return "(" + n + " - 1)";
  if (c <= -kFar) return std::to_string(lo);
  if (c >= 0) return "min(" + std::to_string(c) + ", " + n + " - 1)";
  return "max(" + n + " - " + std::to_string(-c) + ", " + std::to_string(lo) + ")";
}

std::string plus_one(const std::string& index, const std::string& n) {
  if (index == "-1") return "0";
  if (index == "(" + n + " - 1)") return n;
  return "(" + index + " + 1)";
}

Outcome slice(Translator& t) {
  Maybe<SliceArgs> s = slice_args(t);
  if (!s) return s.why();
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  const Value& v = t.in(0);
  Maybe<std::string> x = Unsupported{""};
  if (v.kind == Kind::kConst || v.kind == Kind::kWeight || v.kind == Kind::kFilled) {
    Outcome folded = slice_folded(t, *s, *r);
    if (folded.ok()) return folded;
    // Cut to a symbolic length (Hugging Face's position_ids[:, :seq], token_type_ids and causal-mask buffers; a
    // position table): sliced as a tensor. An integer buffer only indexes embeddings, so it becomes an integer
    // tensor of its shape; a weight stays whole in the parameters (param) and is read in part.
    // A filled constant of symbolic shape (ConstantOfShape of sizes, e.g. Swin's attention mask) is a
    // constant(...) tensor sliced as any other.
    x = v.kind == Kind::kConst && !v.is_float
            ? t.emit_temp("expand(arange(1), " + ints_text(v.cdims) + ")", t.node().inputs[0])
            : t.tensor(0);
  } else {
    x = t.tensor(0);
  }
  if (!x) return x.why();
  std::string rhs = *x;
  for (std::size_t k = 0; k < s->starts.size(); ++k) {
    const IntElem &start = s->starts[k], &end = s->ends[k], &step = s->steps[k];
    if (!s->axes[k].v) return Unsupported{"symbolic Slice axis"};
    if (step.v == 0) return Unsupported{"Slice with step 0"};
    Maybe<std::int64_t> a = normalized_axis(*s->axes[k].v, *r);
    if (!a) return a.why();
    if (*a >= *r) return Unsupported{"Slice axis out of range"};
    if (step.v && *step.v < 0) {
      // Walking backwards reads as many elements as the forward slice with step |step| from just after the
      // index it stops before up to the first index it reads (x.flip(axis): starts -1, ends INT64_MIN): the
      // same shape and cost, in the other order.
      if (!start.v || !end.v || *step.v == INT64_MIN) return Unsupported{"negative-step Slice with symbolic bounds"};
      std::string n = "dim(" + *x + ", " + std::to_string(*a) + ")";
      std::string first = clamped_index(*start.v, n, 0), stop = clamped_index(*end.v, n, -1);
      rhs = "slice(" + rhs + ", " + std::to_string(*a) + ", " + plus_one(stop, n) + ", " + plus_one(first, n) + ", " +
            std::to_string(-*step.v) + ")";
      continue;
    }
    std::string args = rhs + ", " + std::to_string(*a) + ", " + start.expr;
    bool to_end = end.v && *end.v >= (std::int64_t{1} << 40);
    if (!to_end) args += ", " + end.expr;
    if (step.v != 1) args += (to_end ? ", step = " : ", ") + step.expr;
    if (to_end && start.v == 0 && step.v == 1) continue;  // the whole axis
    rhs = "slice(" + args + ")";
  }
  if (rhs == *x) {  // every axis whole
    if (v.kind == Kind::kTensor) return t.forward(0, v);
    Value whole;
    whole.kind = Kind::kTensor;
    whole.var = *x;
    whole.rank = *r;
    t.set_out(0, std::move(whole));
    return translated();
  }
  return t.emit_tensor(rhs, *r);
}

Outcome split(Translator& t) {
  const Value& v = t.in(0);
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  Maybe<std::int64_t> axis = normalized_axis(t.node().int_attr("axis", 0), *r);
  if (!axis) return axis.why();
  if (*axis >= *r) return Unsupported{"Split axis"};
  std::vector<IntElem> sizes;
  if (auto s = t.node().ints_attr("split")) {
    for (std::int64_t x : *s) sizes.push_back(lit(x));
  } else if (t.has(1)) {
    Maybe<std::vector<IntElem>> arg = t.shape_arg(1);
    if (!arg) return arg.why();
    sizes = std::move(*arg);
  }
  std::size_t pieces = t.node().outputs.size();
  if (pieces == 0) return Unsupported{"Split without outputs"};
  if (v.kind == Kind::kWeight) {
    if (sizes.size() != pieces) {
      std::int64_t d = v.dims[static_cast<std::size_t>(*axis)];
      auto p = static_cast<std::int64_t>(pieces);
      sizes.assign(pieces, lit(d / p + (d % p != 0 ? 1 : 0)));
    }
    for (std::size_t k = 0; k < pieces; ++k) {
      if (!sizes[k].v) return Unsupported{"symbolic Split of a weight"};
    }
    for (std::size_t k = 0; k < pieces; ++k) {
      Value out = v;
      out.param_var.clear();
      out.dims[static_cast<std::size_t>(*axis)] = *sizes[k].v;
      out.weight_name = t.node().outputs[k];
      out.weight_root.clear();
      t.set_out(k, out);
    }
    return translated();
  }
  if (v.kind != Kind::kTensor) return Unsupported{"Split of a constant"};
  std::string a = std::to_string(*axis);
  std::string rhs = sizes.size() == pieces ? "split(" + v.var + ", " + elems_text(sizes) + ", axis = " + a + ")"
                                           : "chunk(" + v.var + ", " + std::to_string(pieces) + ", axis = " + a + ")";
  if (pieces == 1) rhs = "identity(" + v.var + ")";
  int rank = *r;
  Maybe<std::vector<std::string>> vars = t.emit(rhs, pieces);
  if (!vars) return vars.why();
  for (std::size_t k = 0; k < pieces; ++k) {
    Value out;
    out.kind = Kind::kTensor;
    out.var = (*vars)[k];
    out.rank = rank;
    t.set_out(k, out);
  }
  return translated();
}

Outcome pad(Translator& t) {
  Maybe<int> r = t.need_rank(0);
  if (!r) return r.why();
  auto rank = static_cast<std::size_t>(*r);
  std::vector<IntElem> pads;
  if (auto p = t.node().ints_attr("pads")) {
    for (std::int64_t v : *p) pads.push_back(lit(v));
  } else {
    Maybe<std::vector<IntElem>> arg = t.shape_arg(1);
    if (!arg) return arg.why();
    pads = std::move(*arg);
  }
  if (pads.size() != 2 * rank) return Unsupported{"pads length"};
  if (t.has(3)) return Unsupported{"Pad with axes"};
  std::string mode = t.node().string_attr("mode", "constant");
  std::string m = mode == "constant"  ? "constant"
                  : mode == "reflect" ? "reflect"
                  : mode == "edge"    ? "replicate"
                  : mode == "wrap"    ? "circular"
                                      : "";
  if (m.empty()) return Unsupported{"Pad mode " + mode};
  // Torch order: last axis first; leading axes without padding are dropped.
  std::size_t first = 0;
  while (first < rank && pads[first].v == 0 && pads[first + rank].v == 0) ++first;
  std::vector<IntElem> torch_pads;
  for (std::size_t k = rank; k-- > first;) {
    torch_pads.push_back(pads[k]);
    torch_pads.push_back(pads[k + rank]);
  }
  if (torch_pads.empty()) return t.forward(0, t.in(0));
  Maybe<std::string> x = t.tensor(0);
  if (!x) return x.why();
  return t.emit_tensor("pad(" + *x + ", " + elems_text(torch_pads) + ", mode = \"" + m + "\")", t.rank_of(0));
}

}  // namespace

void add_slice_rules(RuleTable& table) {
  table["Slice"] = slice;
  table["Split"] = split;
  table["Pad"] = pad;
}

}  // namespace nnscope::onnx
