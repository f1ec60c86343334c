// The Translator's reading of a node's inputs: values (folded constants decoded on first use, bounded),
// ranks, tensors as .nn expressions, constants and weights.
#include <algorithm>
#include <filesystem>

#include "onnx/file_bytes.h"
#include "onnx/folding.h"
#include "onnx/printer.h"
#include "onnx/translator.h"

namespace nnscope::onnx {
namespace {

// Elements of all folded constants of one import together. Shape subgraphs fold a few elements per node;
// the bound keeps a file of thousands of large integer constants from taking gigabytes.
constexpr std::size_t kMaxFoldedElements = std::size_t{1} << 20;

}  // namespace

// ---- inputs

const Value& Translator::in(std::size_t i) {
  static const Value kMissing;
  if (i >= node_->inputs.size() || node_->inputs[i].empty()) return kMissing;
  auto it = values_.find(node_->inputs[i]);
  if (it == values_.end()) return kMissing;
  if (it->second.pending) {
    const Tensor& t = *it->second.pending;
    it->second.pending = nullptr;
    materialize(it->second, t);
  }
  return it->second;
}

const Value& Translator::constant_view(std::size_t i) {
  static const Value kMissing;
  const Value& v = in(i);
  if (v.kind == Kind::kConst) return v;
  if (v.kind != Kind::kWeight || !v.source || !v.source->has_values) return kMissing;
  auto [it, inserted] = initializer_views_.try_emplace(v.source->name);
  if (inserted) {
    it->second = folded(v.dims, {}, {}, true);
    materialize(it->second, *v.source);
  }
  return it->second;
}

const Value* Translator::value_of(const std::string& onnx_name) const {
  auto it = values_.find(onnx_name);
  return it == values_.end() ? nullptr : &it->second;
}

void Translator::materialize(Value& v, const Tensor& t) {
  TensorValues values = values_of(t);
  for (std::int64_t x : values.ints) v.ints.push_back(lit(x));
  v.floats = std::move(values.floats);
}

TensorValues Translator::values_of(const Tensor& t) {
  if (!t.has_values) return {};
  std::size_t count = 1;
  for (std::int64_t d : t.dims) count *= static_cast<std::size_t>(d);  // at most kMaxKeptElements (decoder)
  count_folded(count);
  std::string external;
  if (t.external) {
    const ExternalData& data = t.external_data;
    std::filesystem::path location(data.location);
    bool inside = !data.location.empty() && location.is_relative();
    for (const auto& part : location) inside &= part != "..";
    if (!inside) {
      throw ImportError("tensor " + quoted_name(t.name) + " keeps its data at " + quoted_name(data.location) +
                        ", which is not a path inside the model's directory");
    }
    std::uint64_t length = data.length.value_or(count * element_width(t.data_type));
    std::filesystem::path path = std::filesystem::path(options_.external_data_dir) / location;
    try {
      external = read_file_range(path.string(), data.offset, length);
    } catch (const ImportError& e) {
      throw ImportError("tensor " + quoted_name(t.name) +
                        " keeps its values in external data, needed here: " + e.message());
    }
  }
  try {
    return decode_values(t, external);
  } catch (const ProtobufError& e) {
    throw ImportError(std::string("malformed tensor: ") + e.what());
  }
}

void Translator::count_folded(std::size_t elements) {
  folded_elements_ += elements;
  if (folded_elements_ > kMaxFoldedElements) {
    throw ImportError("more than " + std::to_string(kMaxFoldedElements) +
                      " elements in folded constants (shape computations and small constants)");
  }
}

int Translator::rank_of(std::size_t i) {
  const Value& v = in(i);
  switch (v.kind) {
    case Kind::kTensor:
      return v.rank;
    case Kind::kWeight:
      return static_cast<int>(v.dims.size());
    case Kind::kConst:
      return static_cast<int>(v.cdims.size());
    case Kind::kFilled:
      return static_cast<int>(v.fill_shape.size());
    case Kind::kMissing:
      break;
  }
  return -1;
}

Maybe<int> Translator::need_rank(std::size_t i) {
  int r = rank_of(i);
  if (r < 0) return Unsupported{"the rank of input " + std::to_string(i) + " is unknown"};
  if (r > kMaxRank)
    return Unsupported{"input " + std::to_string(i) + " has more than " + std::to_string(kMaxRank) + " axes"};
  return r;
}

Maybe<std::string> Translator::tensor(std::size_t i) {
  const Value& v = in(i);
  if (rank_of(i) > kMaxRank) return Unsupported{"input " + std::to_string(i) + " has too many axes"};
  switch (v.kind) {
    case Kind::kTensor:
      return v.var;
    case Kind::kWeight: {
      if (!v.param_var.empty()) return v.param_var;
      Value& w = values_[node_->inputs[i]];
      std::string name = w.weight_name.empty() ? node_->inputs[i] : w.weight_name;
      std::vector<std::int64_t> dims = w.dims;
      if (dims.empty()) dims.push_back(1);
      for (std::int64_t& d : dims) d = std::max<std::int64_t>(d, 1);
      bool exact = std::find(w.dims.begin(), w.dims.end(), 0) == w.dims.end();
      Stmt s;
      s.lhs = names_.fresh(name);
      s.rhs = "param(" + ints_text(dims) + ")";
      s.op_type = "param";
      std::size_t dot = name.rfind('.');
      s.own = label_part(dot == std::string::npos ? name : name.substr(dot + 1));
      s.scope = scopes_.size() - 1;
      if (exact) own_weight(s, w);
      w.param_var = s.lhs;
      params_made_.push_back(node_->inputs[i]);
      stmts_.push_back(std::move(s));
      return w.param_var;
    }
    case Kind::kConst: {
      std::vector<std::int64_t> dims = v.cdims;
      if (dims.empty()) dims.push_back(1);
      return emit_temp("constant(" + ints_text(dims) + ")", node_->inputs[i]);
    }
    case Kind::kFilled:
      return emit_temp("constant(" + elems_text(v.fill_shape) + ")", node_->inputs[i]);
    case Kind::kMissing:
      break;
  }
  return Unsupported{"input " + std::to_string(i) + " is not available"};
}

std::optional<std::vector<std::int64_t>> Translator::const_ints(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst) return std::nullopt;
  std::vector<std::int64_t> out;
  for (const IntElem& e : v.ints) {
    if (!e.v) return std::nullopt;
    out.push_back(*e.v);
  }
  return out;
}

std::optional<double> Translator::scalar(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst) return std::nullopt;
  if (v.is_float && v.floats.size() == 1) return v.floats[0];
  if (!v.is_float && v.ints.size() == 1 && v.ints[0].v) return static_cast<double>(*v.ints[0].v);
  return std::nullopt;
}

bool Translator::is_shape_value(std::size_t i) {
  const Value& v = in(i);
  return v.kind == Kind::kConst && !v.is_float;
}

Maybe<std::vector<IntElem>> Translator::shape_arg(std::size_t i) {
  const Value& v = in(i);
  if (v.kind != Kind::kConst || v.is_float) return Unsupported{"the shape is not computed from sizes"};
  return v.ints;
}

Maybe<std::vector<std::int64_t>> Translator::axes_arg(std::size_t input_index) {
  std::optional<std::vector<std::int64_t>> axes = node_->ints_attr("axes");
  if (!axes && has(input_index)) {
    axes = const_ints(input_index);
    if (!axes) return Unsupported{"axes are not constant"};
  }
  if (!axes) return std::vector<std::int64_t>{};
  if (axes->size() > static_cast<std::size_t>(kMaxRank)) return Unsupported{"more axes than a tensor may have"};
  return *axes;
}

Maybe<const Value*> Translator::weight(std::size_t i, const char* what) {
  if (i < node_->inputs.size()) {
    // An integer initializer small enough to be a folded constant is still a learned tensor when a layer
    // reads it as its weight (the int8 weights of quantized models).
    auto it = values_.find(node_->inputs[i]);
    if (it != values_.end() && it->second.kind == Kind::kConst && it->second.from_initializer) {
      auto [view, made] = weight_views_.try_emplace(it->first);
      if (made) {
        view->second.kind = Kind::kWeight;
        view->second.dims = it->second.cdims;
        view->second.weight_name = it->second.weight_name;
        view->second.weight_root = it->second.weight_root;
      }
      return &view->second;
    }
  }
  const Value& w = in(i);
  if (w.kind != Kind::kWeight) return Unsupported{std::string(what) + " is not a weight of known shape"};
  return &w;
}

bool Translator::is_graph_output(std::size_t k) const {
  return k < node_->outputs.size() && graph_outputs_.count(node_->outputs[k]);
}

}  // namespace nnscope::onnx
