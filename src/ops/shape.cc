// Data movement: concat, split, chunk, reshape, flatten, squeeze, unsqueeze, transpose, permute, slice, pad,
// roll, upsample, expand, dropout, identity.
//
// These do no arithmetic: 0 GEMM MACs, 0 element-wise, 0 activation ops (the caller still counts the bytes
// they move). The one exception is upsample with an interpolating mode, which blends 2^d neighbours per
// output element: 2^d multiplies and 2^d - 1 adds (linear 3, bilinear 7, trilinear 15; bicubic blends 16
// neighbours: 31). Dropout is the identity at inference. No weights.
//
// Backward: the gradients of data movement are data movement too (0 ops), except: upsample sums each
// output's gradient back into the inputs it blended, as many element-wise ops as forward, or one add per
// output element beyond the input's for nearest; expand sums the gradient over the expanded axes
// (out - in adds); dropout multiplies the gradient by its mask (1 per element) and keeps the mask (1 byte
// per element).

#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// A hostile split size (1 out of a billion) must not make the graph explode.
constexpr sym::Int kMaxPieces = 1 << 16;

OpResult single(const OpArgs& args, TensorType out, bool view = false) {
  OpResult result;
  result.backward = per_input_backward(args);
  result.outputs.push_back(std::move(out));
  result.view = view;
  return result;
}

OpResult concat(const OpArgs& args, OpContext& context) {
  const std::vector<const TensorType*>& tensors = args.tensors("tensors");
  if (tensors.empty()) throw OpError("concat needs at least one tensor", "tensors");
  const TensorType& first = *tensors.front();
  std::size_t rank = first.shape.size();
  if (rank == 0) throw OpError("concat cannot join rank-0 tensors", "tensors");
  std::size_t axis = normalize_axis(args.integer("axis"), rank, context, "axis");
  Shape out = first.shape;
  for (std::size_t k = 1; k < tensors.size(); ++k) {
    const Shape& s = tensors[k]->shape;
    if (s.size() != rank) {
      throw OpError("cannot concatenate shapes " + shape_string(first.shape) + " and " + shape_string(s) + ": ranks " +
                        std::to_string(rank) + " and " + std::to_string(s.size()) + " differ",
                    "tensors");
    }
    for (std::size_t i = 0; i < rank; ++i) {
      if (i != axis && !context.same_size(first.shape[i], s[i])) {
        throw OpError("cannot concatenate shapes " + shape_string(first.shape) + " and " + shape_string(s) +
                          " along axis " + std::to_string(axis) + ": axis " + std::to_string(i) + " has " +
                          first.shape[i].to_string() + " and " + s[i].to_string(),
                      "tensors");
      }
    }
    out[axis] += s[axis];
  }
  return single(args, TensorType{std::move(out), first.dtype});
}

// Pieces of `size` elements, the last one taking what remains (torch.split with an integer).
std::vector<Expr> even_pieces(const Expr& total, const Expr& size, OpContext& context, const std::string& argument) {
  sym::Int n = context.value(total);
  sym::Int c = context.value(size);
  sym::Int count = n <= 0 ? 1 : (n + c - 1) / c;
  if (count > kMaxPieces) {
    throw OpError("splitting " + total.to_string() + " = " + sym::to_string(n) + " into pieces of " + size.to_string() +
                      " would give " + sym::to_string(count) + " outputs (at most " + sym::to_string(kMaxPieces) + ")",
                  argument);
  }
  std::vector<Expr> pieces(static_cast<std::size_t>(count - 1), size);
  pieces.push_back(total - size * Expr(count - 1));
  return pieces;
}

OpResult pieces_result(const OpArgs& args, const TensorType& x, std::size_t axis, const std::vector<Expr>& pieces) {
  OpResult result;
  result.backward = per_input_backward(args);
  for (const Expr& piece : pieces) {
    Shape s = x.shape;
    s[axis] = piece;
    result.outputs.push_back(TensorType{std::move(s), x.dtype});
  }
  return result;
}

OpResult split(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "split");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  const Expr& total = x.shape[axis];
  const ArgValue& sizes = args.get("sizes");
  if (sizes.scalar_int && sizes.ints.size() == 1) {
    require_at_least(sizes.ints, 1, context, "sizes");
    return pieces_result(args, x, axis, even_pieces(total, sizes.ints.front(), context, "sizes"));
  }
  if (sizes.ints.empty()) throw OpError("split 'sizes' must not be empty", "sizes");
  require_at_least(sizes.ints, 0, context, "sizes");
  Expr sum;
  for (const Expr& s : sizes.ints) sum += s;
  if (!context.same_size(sum, total)) {
    throw OpError("split sizes " + shape_string(sizes.ints) + " sum to " + sum.to_string() + " but axis " +
                      std::to_string(axis) + " of " + shape_string(x.shape) + " has " + total.to_string(),
                  "sizes");
  }
  return pieces_result(args, x, axis, sizes.ints);
}

OpResult chunk(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "chunk");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  const Expr& chunks = args.integer("chunks");
  require_at_least({chunks}, 1, context, "chunks");
  const Expr& total = x.shape[axis];
  // torch.chunk: pieces of ceil(n / chunks), hence possibly fewer than `chunks` of them.
  Expr size = context.value(Expr::mod(total, chunks)) == 0 ? Expr::divide(total, chunks) : Expr::ceildiv(total, chunks);
  if (context.value(size) < 1) size = Expr(1);
  return pieces_result(args, x, axis, even_pieces(total, size, context, "chunks"));
}

OpResult reshape(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  Shape out = args.get("shape").ints;
  std::size_t inferred = out.size();
  Expr known(1);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].integer_value() == -1) {
      if (inferred != out.size()) throw OpError("reshape 'shape' may contain only one -1", "shape");
      inferred = i;
    } else if (context.is_negative(out[i])) {
      throw OpError("reshape 'shape' entries must be non-negative or -1, got " + out[i].to_string(), "shape");
    } else {
      known *= out[i];
    }
  }
  Expr in_elements = numel(x);
  if (inferred != out.size()) {
    if (context.is_zero(known) || !context.is_zero(Expr::mod(in_elements, known))) {
      throw OpError("cannot reshape " + shape_string(x.shape) + " (" + in_elements.to_string() + " elements) into " +
                        shape_string(out) + ": the other dimensions (" + known.to_string() +
                        " elements) do not divide it",
                    "shape");
    }
    out[inferred] = Expr::divide(in_elements, known);
  } else if (!context.same_size(in_elements, numel(out))) {
    throw OpError("cannot reshape " + shape_string(x.shape) + " (" + in_elements.to_string() + " elements) into " +
                      shape_string(out) + " (" + numel(out).to_string() + " elements)",
                  "shape");
  }
  return single(args, TensorType{std::move(out), x.dtype}, true);
}

OpResult flatten(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  if (x.shape.empty()) return single(args, TensorType{{Expr(1)}, x.dtype}, true);
  std::size_t rank = x.shape.size();
  std::size_t start = normalize_axis(args.integer("start"), rank, context, "start");
  std::size_t end = normalize_axis(args.integer("end"), rank, context, "end");
  if (start > end) {
    throw OpError("flatten 'start' (axis " + std::to_string(start) + ") comes after 'end' (axis " +
                      std::to_string(end) + ") for " + shape_string(x.shape),
                  "start");
  }
  Shape out(x.shape.begin(), x.shape.begin() + static_cast<std::ptrdiff_t>(start));
  out.push_back(product(x.shape, start, end + 1));
  out.insert(out.end(), x.shape.begin() + static_cast<std::ptrdiff_t>(end + 1), x.shape.end());
  return single(args, TensorType{std::move(out), x.dtype}, true);
}

OpResult squeeze(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  std::size_t rank = x.shape.size();
  std::vector<bool> drop(rank, false);
  if (args.has("axis")) {
    for (const Expr& axis : args.get("axis").ints) {
      std::size_t a = normalize_axis(axis, rank, context, "axis");
      // PyTorch silently keeps a non-1 axis; a model that asks to squeeze one almost certainly has a bug.
      if (!context.same_size(x.shape[a], 1)) {
        throw OpError("cannot squeeze axis " + std::to_string(a) + " of " + shape_string(x.shape) + ": its size is " +
                          x.shape[a].to_string() + ", not 1",
                      "axis");
      }
      drop[a] = true;
    }
  } else {
    // Only dims that are 1 in every binding: squeezing a size parameter bound to 1 would change the rank.
    for (std::size_t i = 0; i < rank; ++i) drop[i] = x.shape[i].integer_value() == 1;
  }
  Shape out;
  for (std::size_t i = 0; i < rank; ++i) {
    if (!drop[i]) out.push_back(x.shape[i]);
  }
  return single(args, TensorType{std::move(out), x.dtype}, true);
}

OpResult unsqueeze(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size() + 1, context, "axis");
  Shape out = x.shape;
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(axis), Expr(1));
  return single(args, TensorType{std::move(out), x.dtype}, true);
}

OpResult transpose(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  std::size_t a = normalize_axis(args.integer("axis0"), x.shape.size(), context, "axis0");
  std::size_t b = normalize_axis(args.integer("axis1"), x.shape.size(), context, "axis1");
  Shape out = x.shape;
  std::swap(out[a], out[b]);
  return single(args, TensorType{std::move(out), x.dtype});
}

OpResult permute(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const std::vector<Expr>& dims = args.get("dims").ints;
  std::size_t rank = x.shape.size();
  if (dims.size() != rank) {
    throw OpError("permute 'dims' has " + std::to_string(dims.size()) + " entries but " + shape_string(x.shape) +
                      " has rank " + std::to_string(rank),
                  "dims");
  }
  std::vector<bool> used(rank, false);
  Shape out;
  for (const Expr& d : dims) {
    std::size_t a = normalize_axis(d, rank, context, "dims");
    if (used[a]) throw OpError("permute 'dims' names axis " + std::to_string(a) + " twice", "dims");
    used[a] = true;
    out.push_back(x.shape[a]);
  }
  return single(args, TensorType{std::move(out), x.dtype});
}

OpResult slice(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 1, "slice");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  const Expr& dim = x.shape[axis];
  const Expr& step = args.integer("step");
  require_at_least({step}, 1, context, "step");
  // Python's rules: a negative bound counts from the end, then bounds clamp to [0, dim]. The symbolic form
  // follows the branch taken at the bound sizes; only signs are recorded, so sweeps keep the formula.
  auto resolve = [&](Expr bound) -> Expr {
    if (context.is_negative(bound)) bound = dim + bound;
    if (context.is_negative(bound)) return Expr(0);
    if (context.is_positive(bound - dim)) return dim;
    return bound;
  };
  Expr start = resolve(args.integer("start"));
  Expr end = args.has("end") ? resolve(args.integer("end")) : dim;
  Expr length(0);
  if (context.is_positive(end - start)) {
    length = step.integer_value() == 1 ? end - start : Expr::ceildiv(end - start, step);
  }
  Shape out = x.shape;
  out[axis] = length;
  return single(args, TensorType{std::move(out), x.dtype});
}

OpResult pad(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const std::vector<Expr>& pads = args.get("pads").ints;
  std::size_t rank = x.shape.size();
  if (pads.size() % 2 != 0 || pads.size() > 2 * rank) {
    throw OpError("pad 'pads' needs pairs (before, after) for at most " + std::to_string(rank) +
                      " dimensions, last dimension first; got " + std::to_string(pads.size()) + " values",
                  "pads");
  }
  const std::string& mode = args.string("mode");
  if (mode != "constant" && mode != "reflect" && mode != "replicate" && mode != "circular") {
    throw OpError("pad 'mode' must be \"constant\", \"reflect\", \"replicate\" or \"circular\"; got \"" + mode + "\"",
                  "mode");
  }
  Shape out = x.shape;
  for (std::size_t k = 0; k < pads.size() / 2; ++k) {
    std::size_t axis = rank - 1 - k;
    const Expr& before = pads[2 * k];
    const Expr& after = pads[2 * k + 1];
    // Reflection mirrors about the edge element, so it cannot reach further than in - 1.
    if (mode == "reflect" || mode == "circular") {
      sym::Int in = context.value(x.shape[axis]);
      sym::Int limit = mode == "reflect" ? in - 1 : in;
      if (context.value(before) > limit || context.value(after) > limit) {
        throw OpError("pad " + before.to_string() + ", " + after.to_string() + " is too wide for " + mode +
                          " padding of axis " + std::to_string(axis) + " of " + shape_string(x.shape),
                      "pads");
      }
    }
    out[axis] = x.shape[axis] + before + after;
    // Negative padding crops, as in PyTorch, but not below an empty axis.
    bool crops = context.value(before) < 0 || context.value(after) < 0;
    if (crops && context.value(out[axis]) < 0) {
      throw OpError("padding axis " + std::to_string(axis) + " of " + shape_string(x.shape) + " by " +
                        before.to_string() + ", " + after.to_string() + " gives a negative size",
                    "pads");
    }
  }
  OpResult result = single(args, TensorType{std::move(out), x.dtype});
  result.display.padding.dims = pads;
  return result;
}

// torch.roll: a cyclic shift along some axes (Swin's shifted windows); every element moves, none is computed.
// Without `dims` the flattened tensor is shifted by one amount, as torch.roll does. The gradient is the output's
// gradient rolled back (0 ops), so there are no backward costs either.
OpResult roll(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const std::vector<Expr>& shifts = args.get("shifts").ints;
  if (shifts.empty()) throw OpError("roll needs at least one shift", "shifts");
  if (!args.has("dims")) {
    if (shifts.size() != 1) {
      throw OpError("roll without 'dims' shifts the flattened tensor by one amount; got " +
                        std::to_string(shifts.size()) + " shifts",
                    "shifts");
    }
  } else {
    const std::vector<Expr>& dims = args.get("dims").ints;
    if (dims.size() != shifts.size()) {
      throw OpError("roll has " + std::to_string(shifts.size()) + " shifts but " + std::to_string(dims.size()) +
                        " dims; give one shift per axis",
                    "dims");
    }
    std::vector<bool> used(x.shape.size(), false);
    for (const Expr& d : dims) {
      std::size_t a = normalize_axis(d, x.shape.size(), context, "dims");
      if (used[a]) throw OpError("roll 'dims' names axis " + std::to_string(a) + " twice", "dims");
      used[a] = true;
    }
  }
  return single(args, x);
}

OpResult upsample(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 3, "upsample");
  const TensorType& x = args.tensor("x");
  std::size_t rank = x.shape.size() - 2;
  bool has_scale = args.has("scale_factor");
  if (has_scale == args.has("size")) {
    throw OpError("upsample needs exactly one of 'scale_factor' and 'size'", has_scale ? "size" : "scale_factor");
  }
  const std::string& mode = args.string("mode");
  struct Mode {
    const char* name;
    std::size_t rank;  // 0: any
    sym::Int ops;      // element-wise ops per output element
  };
  static constexpr Mode kModes[] = {
      {"nearest", 0, 0},  {"nearest-exact", 0, 0}, {"linear", 1, 3},
      {"bilinear", 2, 7}, {"bicubic", 2, 31},      {"trilinear", 3, 15},
  };
  const Mode* chosen = nullptr;
  for (const Mode& m : kModes) {
    if (mode == m.name) chosen = &m;
  }
  if (!chosen) {
    throw OpError(
        "upsample 'mode' must be \"nearest\", \"nearest-exact\", \"linear\", \"bilinear\", \"bicubic\" or "
        "\"trilinear\"; got \"" +
            mode + "\"",
        "mode");
  }
  if (chosen->rank != 0 && chosen->rank != rank) {
    throw OpError("upsample mode \"" + mode + "\" needs " + std::to_string(chosen->rank) +
                      " spatial dimensions (a tensor of rank " + std::to_string(chosen->rank + 2) + "), got " +
                      shape_string(x.shape),
                  "mode");
  }
  Shape out(x.shape.begin(), x.shape.begin() + 2);
  if (has_scale) {
    std::vector<Expr> scale = args.ints("scale_factor", rank);
    require_at_least(scale, 1, context, "scale_factor");
    for (std::size_t i = 0; i < rank; ++i) out.push_back(x.shape[2 + i] * scale[i]);
  } else {
    std::vector<Expr> size = args.ints("size", rank);
    require_at_least(size, 1, context, "size");
    out.insert(out.end(), size.begin(), size.end());
  }
  OpResult result;
  result.forward.elementwise = Expr(chosen->ops) * numel(out);
  result.backward.input = {Cost{{}, chosen->ops == 0 ? numel(out) - numel(x) : result.forward.elementwise, {}}};
  result.backward.saves_input = {false};
  result.outputs.push_back(TensorType{std::move(out), x.dtype});
  return result;
}

OpResult expand(const OpArgs& args, OpContext& context) {
  const TensorType& x = args.tensor("x");
  const std::vector<Expr>& target = args.get("shape").ints;
  std::size_t rank = x.shape.size();
  if (target.size() < rank) {
    throw OpError("cannot expand " + shape_string(x.shape) + " to " + shape_string(target) + ": fewer dimensions",
                  "shape");
  }
  std::size_t lead = target.size() - rank;
  Shape out;
  for (std::size_t i = 0; i < target.size(); ++i) {
    const Expr& t = target[i];
    if (i < lead) {
      if (t.integer_value() && *t.integer_value() < 0) {
        throw OpError("new leading axis " + std::to_string(i) + " needs a size, got " + t.to_string(), "shape");
      }
      out.push_back(t);
      continue;
    }
    const Expr& s = x.shape[i - lead];
    // A size-1 axis takes the target before any comparison at the bound sizes: with batch bound to 1,
    // expanding 1 to batch must still give batch.
    if (t.integer_value() == -1 || s == t) {
      out.push_back(s);
    } else if (s.integer_value() == 1) {
      out.push_back(t);
    } else if (context.same_size(s, t)) {
      out.push_back(s);
    } else {
      throw OpError("cannot expand " + shape_string(x.shape) + " to " + shape_string(target) + ": axis " +
                        std::to_string(i) + " has " + s.to_string() + ", which is neither 1 nor " + t.to_string(),
                    "shape");
    }
  }
  Expr reduce = numel(out) - numel(x);
  OpResult result = single(args, TensorType{std::move(out), x.dtype}, true);
  result.backward.input = {Cost{{}, reduce, {}}};
  return result;
}

OpResult dropout(const OpArgs& args, OpContext&) {
  double p = args.number("p");
  if (!(p >= 0 && p <= 1)) throw OpError("dropout 'p' must be between 0 and 1", "p");
  OpResult result = single(args, args.tensor("x"), true);
  result.backward.input = {Cost{{}, numel(args.tensor("x")), {}}};
  result.backward.saved_bytes = numel(args.tensor("x"));
  return result;
}

OpResult identity(const OpArgs& args, OpContext&) { return single(args, args.tensor("x"), true); }

// A learned tensor that is not the weight of a layer (ViT's class token and position embedding, ConvNeXt's
// layer scale): its elements are parameters; reading it is the only work.
OpResult param(const OpArgs& args, OpContext& context) {
  Shape shape = args.get("shape").ints;
  if (shape.empty()) throw OpError("param needs at least one dimension", "shape");
  require_at_least(shape, 1, context, "shape");
  OpResult result = single(args, TensorType{shape, context.activation_dtype()}, false);
  result.weights.push_back(Weight{"weight", shape});
  return result;
}

// Position ids 0 .. end-1 as an int64 tensor (what BERT and GPT-2 index their position embeddings with).
OpResult arange(const OpArgs& args, OpContext& context) {
  const Expr& end = args.integer("end");
  require_at_least({end}, 1, context, "end");
  return single(args, TensorType{{end}, DType::kI64, end});
}

constexpr const char* kNoWork = "none: data movement (0 GEMM MACs, element-wise and activation ops; its bytes count)";
constexpr const char* kNoBackward = "0 (the gradient is moved the same way). Keeps nothing.";
constexpr const char* kViewNote = " A view: shares x's storage.";

ArgSpec x_argument() { return ArgSpec::tensor("x").describe("The input."); }

// A data-movement op: no weights, no work forward or backward.
void add_movement(Registry& registry, const std::string& name, const std::string& summary, std::vector<ArgSpec> args,
                  OpResult (*apply)(const OpArgs&, OpContext&), const std::string& output) {
  registry.add({.name = name,
                .summary = summary,
                .args = std::move(args),
                .apply = apply,
                .doc = {output, "", kNoWork, kNoBackward}});
}

}  // namespace

void register_shape_ops(Registry& registry) {
  registry.add({.name = "param",
                .summary = "a learned tensor of the given shape (its elements are parameters)",
                .args = {ArgSpec::ints("shape").describe("Its shape: at least one dimension, each at least 1.")},
                .apply = param,
                .doc = {"shape, in the run's activation dtype", "weight [shape]", "none (reading it moves its bytes)",
                        "none beyond the weight's gradient."}});
  add_movement(registry, "arange", "the integers 0 .. end-1 as an int64 tensor [end]",
               {ArgSpec::integer("end").describe("One past the last integer, at least 1.")}, arange, "[end], int64");
  add_movement(registry, "concat", "join tensors along an axis",
               {ArgSpec::tensors("tensors").describe("Tensors of the same rank, equal except along axis."),
                ArgSpec::integer("axis", 0).describe("The axis joined; negative counts from the end.")},
               concat, "the common shape with the sizes along axis summed; dtype of the first tensor");
  add_movement(
      registry, "split", "split along an axis into pieces of a size, or of listed sizes",
      {x_argument(),
       ArgSpec::ints("sizes").describe("An integer c (pieces of c, the last the rest) or a list of sizes summing to "
                                       "the axis size; at most 65,536 pieces."),
       ArgSpec::integer("axis", 0).describe("The axis split.")},
      split, "one tensor per piece (a tuple)");
  add_movement(registry, "chunk", "split along an axis into `chunks` pieces of ceil(n / chunks)",
               {x_argument(), ArgSpec::integer("chunks").describe("Pieces wanted (torch.chunk: possibly fewer)."),
                ArgSpec::integer("axis", 0).describe("The axis split.")},
               chunk, "pieces of ⌈n/chunks⌉ along axis, the last the rest (a tuple)");
  add_movement(registry, "reshape", "same elements, new shape (one -1 inferred)",
               {x_argument(), ArgSpec::ints("shape").describe("The new shape; one entry may be -1 (inferred).")},
               reshape, std::string("shape, with the same number of elements.") + kViewNote);
  add_movement(registry, "flatten", "merge axes start..end into one",
               {x_argument(), ArgSpec::integer("start", 1).describe("First axis merged."),
                ArgSpec::integer("end", -1).describe("Last axis merged (inclusive).")},
               flatten, std::string("axes start..end merged into one; rank 0 gives [1].") + kViewNote);
  add_movement(registry, "squeeze", "drop size-1 axes",
               {x_argument(), ArgSpec::optional_ints("axis")
                                  .describe("Axes removed, each of size 1; omitted, every axis that is the constant 1.")
                                  .defaults_to("all size-1 axes")},
               squeeze, std::string("x without those axes.") + kViewNote);
  add_movement(registry, "unsqueeze", "insert a size-1 axis",
               {x_argument(), ArgSpec::integer("axis").describe("Where the new axis goes, in [−rank−1, rank].")},
               unsqueeze, std::string("x with a size-1 axis inserted.") + kViewNote);
  add_movement(
      registry, "transpose", "swap two axes",
      {x_argument(), ArgSpec::integer("axis0").describe("One axis."), ArgSpec::integer("axis1").describe("The other.")},
      transpose, "x with the two axes swapped (a copy)");
  add_movement(registry, "permute", "reorder axes",
               {x_argument(), ArgSpec::ints("dims").describe("A permutation of x's axes.")}, permute,
               "x's axes in the order dims (a copy)");
  add_movement(registry, "slice", "x[start:end:step] along an axis",
               {x_argument(), ArgSpec::integer("axis").describe("The axis sliced."),
                ArgSpec::integer("start", 0).describe("First index; negative counts from the end."),
                ArgSpec::optional_integer("end")
                    .describe("One past the last index; negative counts from the end.")
                    .defaults_to("axis size"),
                ArgSpec::integer("step", 1).describe("Stride, at least 1.")},
               slice, "⌈(end − start)/step⌉ along axis (Python's rules, clamped), 0 when end ≤ start");
  add_movement(
      registry, "pad", "pad like torch.nn.functional.pad (last axis first)",
      {x_argument(),
       ArgSpec::ints("pads").describe("Pairs (before, after), last axis first, as F.pad; negative pads crop."),
       ArgSpec::number("value", 0.0).describe("The fill of \"constant\" padding."),
       ArgSpec::string("mode", "constant")
           .describe("\"constant\", \"reflect\" (each pad < size), \"replicate\" or \"circular\" (each pad ≤ size).")},
      pad, "each padded axis grows by before + after");
  add_movement(
      registry, "roll", "cyclic shift along axes, as torch.roll (without dims: of the flattened tensor)",
      {x_argument(), ArgSpec::ints("shifts").describe("The shift of each axis in dims (one shift without dims)."),
       ArgSpec::optional_ints("dims").describe("The axes to shift; absent: the flattened tensor.").defaults_to("none")},
      roll, "the shape and dtype of x");
  registry.add(
      {.name = "upsample",
       .summary = "resize spatial axes (nearest or interpolating)",
       .args = {ArgSpec::tensor("x").describe("[N, C, *spatial]."),
                ArgSpec::optional_ints("scale_factor")
                    .describe("Integer factors (one, or one per spatial axis); exactly one of scale_factor and size."),
                ArgSpec::optional_ints("size").describe("The output's spatial size."),
                ArgSpec::string("mode", "nearest")
                    .describe("\"nearest\", \"nearest-exact\", \"linear\" (1-d), \"bilinear\" or \"bicubic\" (2-d), "
                              "\"trilinear\" (3-d)."),
                ArgSpec::boolean("align_corners", false).describe("Changes the weights, not the count.")},
       .apply = upsample,
       .doc = {"[N, C, in·scale_factor or size]", "",
               "element-wise per output element: nearest 0 (a gather), linear 3, bilinear 7, bicubic 31, trilinear 15 "
               "(2^d multiplies, 2^d − 1 adds); activation 0",
               "the gradient summed back into the inputs blended: element-wise as forward; nearest O − E. Keeps "
               "nothing."}});
  registry.add({.name = "expand",
                .summary = "broadcast size-1 axes to a shape (-1 keeps an axis)",
                .args = {x_argument(), ArgSpec::ints("shape").describe("The target shape; -1 keeps an axis; extra "
                                                                       "leading axes are added.")},
                .apply = expand,
                .doc = {std::string("shape.") + kViewNote, "", kNoWork,
                        "the gradient summed over the expanded axes, element-wise O − E. Keeps nothing."}});
  registry.add({.name = "dropout",
                .summary = "identity at inference",
                .args = {x_argument(), ArgSpec::number("p", 0.5).describe("Drop probability, in [0, 1].")},
                .apply = dropout,
                .doc = {std::string("the shape and dtype of x.") + kViewNote, "", "none (the identity at inference)",
                        "the gradient multiplied by the mask, element-wise E. Keeps the mask (1 byte per element)."}});
  add_movement(registry, "identity", "returns its input", {x_argument()}, identity, std::string("x.") + kViewNote);
}

}  // namespace nnscope::ops
