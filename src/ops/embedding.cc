// Lookup tables: embedding and embedding_bag (DLRM's sparse features); and the sinusoidal timestep embedding of
// diffusion models, which looks nothing up but computes its rows.
//
// An embedding is a gather, not a matrix product: it does no GEMM work (counting it as GEMM was a fault
// of the seed tool). What it costs is memory traffic, reported as gathered_elements, the elements of the
// table rows actually read. embedding_bag also reduces each bag on the vector unit.
// Backward: no gradient for the ids; the table's gradient is a scatter-add of the output gradient into the
// rows read, one element-wise add per gathered element (never GEMM work), plus one divide per output element
// for a mean bag. Keeps the ids (and, for a max bag, the winners' indices).
//
// timestep_embedding (diffusers' get_timestep_embedding, the `Timesteps` module; ldm's timestep_embedding): for
// N timesteps and H = dim / 2 frequencies it builds the frequency table exp(-ln(max_period)·i / (H - shift))
// (H multiplies, H divides, H exps), the arguments t·f (N·H multiplies) and their sines and cosines (2·N·H), then
// concatenates (and, with flip_sin_to_cos, swaps the halves: movement, no ops); an odd dim pads a zero column.
// No parameters. Backward: the timesteps are data (the scheduler's integers), so nothing flows back.
#include <cmath>

#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

void require_integer_ids(const TensorType& ids, const std::string& op) {
  // PyTorch indexes tables with integer tensors only; a float here usually means the wrong input was wired.
  if (is_floating(ids.dtype) || ids.dtype == DType::kBool) {
    throw OpError(op + " ids must be an integer tensor, got " + std::string(dtype_name(ids.dtype)) + " " +
                      shape_string(ids.shape),
                  "ids");
  }
}

struct Table {
  Expr num_embeddings, embedding_dim;
};

Table table_args(const OpArgs& args, OpContext& context) {
  Table t{args.integer("num_embeddings"), args.integer("embedding_dim")};
  require_at_least({t.num_embeddings}, 1, context, "num_embeddings");
  require_at_least({t.embedding_dim}, 1, context, "embedding_dim");
  return t;
}

OpResult embedding(const OpArgs& args, OpContext& context) {
  const TensorType& ids = args.tensor("ids");
  require_integer_ids(ids, "embedding");
  Table t = table_args(args, context);
  // Where the ids' range is known (positions from arange), a row past the table is the index error PyTorch
  // raises at run time.
  if (!ids.value_bound.is_zero() && context.is_positive(ids.value_bound - t.num_embeddings)) {
    throw OpError("ids reach row " + size_string(ids.value_bound - 1, context) + ", but the table has only " +
                      size_string(t.num_embeddings, context) + " rows (num_embeddings); PyTorch raises an index error",
                  "ids");
  }

  Shape out_shape = ids.shape;
  out_shape.push_back(t.embedding_dim);
  OpResult result;
  result.outputs.push_back(TensorType{out_shape, context.activation_dtype()});
  result.weights.push_back(Weight{"weight", {t.num_embeddings, t.embedding_dim}});
  result.gathered_elements = numel(ids) * t.embedding_dim;
  result.backward.weight.elementwise = result.gathered_elements;
  result.backward.input = {Cost{}};
  result.backward.saves_input = {true};
  return result;
}

OpResult embedding_bag(const OpArgs& args, OpContext& context) {
  require_rank(args, "ids", 2, "embedding_bag");
  const TensorType& ids = args.tensor("ids");
  require_integer_ids(ids, "embedding_bag");
  Table t = table_args(args, context);
  const std::string& mode = args.string("mode");
  if (mode != "sum" && mode != "mean" && mode != "max") {
    throw OpError("embedding_bag mode must be \"sum\", \"mean\" or \"max\", got \"" + mode + "\"", "mode");
  }
  Expr bags = ids.shape[0];
  Expr bag_size = ids.shape[1];
  require_at_least({bag_size}, 1, context, "ids");

  OpResult result;
  result.outputs.push_back(TensorType{{bags, t.embedding_dim}, context.activation_dtype()});
  result.weights.push_back(Weight{"weight", {t.num_embeddings, t.embedding_dim}});
  // Reducing L rows takes L - 1 adds (or maxes) per output element; mean then divides each once.
  Expr out_elements = bags * t.embedding_dim;
  result.forward.elementwise = (bag_size - 1) * out_elements;
  if (mode == "mean") result.forward.elementwise += out_elements;
  result.gathered_elements = bags * bag_size * t.embedding_dim;
  result.backward.weight.elementwise = result.gathered_elements;
  if (mode == "mean") result.backward.weight.elementwise += out_elements;
  if (mode == "max") result.backward.saved_bytes = out_elements * 8;
  result.backward.input = {Cost{}};
  result.backward.saves_input = {true};
  return result;
}

OpResult timestep_embedding(const OpArgs& args, OpContext& context) {
  const TensorType& timesteps = args.tensor("timesteps");
  if (timesteps.dtype == DType::kBool) {
    throw OpError("timestep_embedding timesteps must be numbers, got bool " + shape_string(timesteps.shape),
                  "timesteps");
  }
  Expr dim = args.integer("dim");
  require_at_least({dim}, 2, context, "dim");
  if (args.number("max_period") <= 0) throw OpError("timestep_embedding max_period must be positive", "max_period");
  Expr half = Expr::floordiv(dim, 2);
  // diffusers divides by H - downscale_freq_shift: a shift equal to H is a division by zero there.
  double shift = args.number("downscale_freq_shift");
  if (shift == std::floor(shift) && std::abs(shift) < 1e15 &&
      context.value(half) == sym::Int(static_cast<long long>(shift))) {
    throw OpError("timestep_embedding downscale_freq_shift equals dim / 2 (" + size_string(half, context) +
                      "): the frequencies would divide by zero",
                  "downscale_freq_shift");
  }
  Shape out_shape = timesteps.shape;
  out_shape.push_back(dim);
  Expr n = numel(timesteps);
  OpResult result;
  result.outputs.push_back(TensorType{out_shape, context.activation_dtype()});
  result.forward.elementwise = 2 * half + n * half;
  result.forward.activation = half + 2 * n * half;
  result.backward.input = {Cost{}};
  result.backward.saves_input = {false};
  return result;
}

}  // namespace

void register_embedding_ops(Registry& registry) {
  registry.add(
      {.name = "embedding",
       .summary = "table lookup: integer ids [...] -> [..., embedding_dim], weight [num_embeddings, embedding_dim]",
       .args = {ArgSpec::tensor("ids").describe("Integer ids (int4, int8, int32, int64), any rank including 0."),
                ArgSpec::integer("num_embeddings").describe("Rows of the table, at least 1."),
                ArgSpec::integer("embedding_dim").describe("Width of a row, at least 1.")},
       .apply = embedding,
       .doc = {"ids.shape + [embedding_dim], in the run's activation dtype", "weight [num_embeddings, embedding_dim]",
               "a gather: GEMM MACs, element-wise and activation 0; gathered elements numel(ids)·embedding_dim (the "
               "bytes of the rows read)",
               "no gradient for the ids; the table's gradient is a scatter-add, element-wise = the gathered "
               "elements. Keeps the ids."}});
  registry.add(
      {.name = "embedding_bag",
       .summary = "bags of lookups reduced by sum, mean or max: ids [B, L] -> [B, embedding_dim]",
       .args = {ArgSpec::tensor("ids").describe("Integer ids [B, L]: B bags of L ids."),
                ArgSpec::integer("num_embeddings").describe("Rows of the table, at least 1."),
                ArgSpec::integer("embedding_dim").describe("Width of a row, at least 1."),
                ArgSpec::string("mode", "sum").describe("How a bag is reduced: \"sum\", \"mean\" or \"max\".")},
       .apply = embedding_bag,
       .doc = {"[B, embedding_dim], in the run's activation dtype", "weight [num_embeddings, embedding_dim]",
               "element-wise (L − 1)·B·embedding_dim (sum, max), + B·embedding_dim for mean; GEMM MACs and "
               "activation 0; gathered elements B·L·embedding_dim",
               "no gradient for the ids; the table's gradient is a scatter-add of the gathered elements (+ "
               "B·embedding_dim divides for mean). Keeps the ids, and the winners' indices (int64) for max."}});
  registry.add(
      {.name = "timestep_embedding",
       .summary = "sinusoidal embedding of diffusion timesteps [...] -> [..., dim] (diffusers' Timesteps)",
       .args = {ArgSpec::tensor("timesteps").describe("The timesteps, integer or floating point, any rank."),
                ArgSpec::integer("dim").describe("Width of the embedding, at least 2; an odd dim pads a zero column."),
                ArgSpec::boolean("flip_sin_to_cos", false)
                    .describe("Cosines first (diffusers' flip_sin_to_cos); changes the order, not the count."),
                ArgSpec::number("downscale_freq_shift", 1.0)
                    .describe("The frequencies are exp(−ln(max_period)·i / (dim/2 − shift)); not the count."),
                ArgSpec::number("max_period", 10000.0).describe("The longest period, positive.")},
       .apply = timestep_embedding,
       .doc = {"timesteps.shape + [dim], in the run's activation dtype", "",
               "N = numel(timesteps), H = ⌊dim/2⌋: element-wise 2H + N·H (the frequency table's multiply and "
               "divide, the products t·f); activation H + 2·N·H (its exps, then a sine and a cosine per product); "
               "GEMM MACs 0",
               "nothing: the timesteps are data and get no gradient. Keeps nothing."}});
}

}  // namespace nnscope::ops
