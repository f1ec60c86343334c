// Object detection: what SSD, Faster/Mask R-CNN and their relatives need beyond the generic operators.
//
//   l2norm        SSD's L2Norm: x / ||x||₂ over the channels, times a learned scale per channel
//   shared_conv2d one convolution applied, with one set of weights, to every level of a feature pyramid
//                 (RPN / RetinaNet heads); GEMM MACs are the sum over the levels
//   roi_align     RoIAlign (He et al. 2017) over one level or a pyramid (torchvision's MultiScaleRoIAlign);
//                 the number of boxes is a shape, hence a model parameter; 0 GEMM
//   box_decode    anchor/proposal-relative deltas to corner boxes (torchvision's BoxCoder.decode)
//   nms           score sort + greedy non-maximum suppression keeping max_output boxes: data-dependent,
//                 not costed
//
// docs/cost-model.md §7.11 documents every rule and why it is what it is.
//
// Backward: l2norm like rmsnorm (common 3E, input 3E, scale 2E; keeps x); shared_conv2d like a convolution
// per level (dgrad = wgrad = forward MACs); roi_align scatters each sample's gradient back to its 4 reads,
// as many element-wise ops as forward, for the features only (keeps the boxes); box_decode's gradient to the
// deltas, as forward; nms has none.
#include "ops/common.h"
#include "ops/registry.h"

namespace nnscope::ops {
namespace {

// --- l2norm ----------------------------------------------------------------------------------------------

OpResult l2norm(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "x", 2, "l2norm");
  const TensorType& x = args.tensor("x");
  std::size_t axis = normalize_axis(args.integer("axis"), x.shape.size(), context, "axis");
  Expr c = x.shape[axis];
  Expr elements = numel(x);
  Expr rows = Expr::divide(elements, c);
  OpResult result;
  result.outputs.push_back(x);
  bool affine = args.boolean("affine");
  if (affine) result.weights.push_back(Weight{"weight", {c}});
  // square every element, sum C of them per row (C - 1 adds), clamp the norm at eps (1 per row), divide every
  // element by it, and multiply by the learned scale; sqrt once per row.
  result.forward.elementwise = elements + rows * (c - 1) + rows + elements;
  if (affine) result.forward.elementwise += elements;
  result.forward.activation = rows;
  result.backward.common.elementwise = 3 * elements;
  if (affine) result.backward.weight.elementwise = 2 * elements;
  result.backward.input = {Cost{{}, 3 * elements, {}}};
  result.backward.saves_input = {true};
  result.backward.saved_bytes = rows * Expr::constant(dtype_bytes(x.dtype));
  return result;
}

// --- shared_conv2d ---------------------------------------------------------------------------------------

OpResult shared_conv2d(const OpArgs& args, OpContext& context) {
  const std::vector<const TensorType*>& xs = args.tensors("inputs");
  if (xs.empty()) throw OpError("shared_conv2d needs at least one input tensor", "inputs");
  Expr out_channels = args.integer("out_channels");
  std::vector<Expr> kernel = args.ints("kernel", 2);
  std::vector<Expr> stride = args.ints("stride", 2);
  std::vector<Expr> padding = args.ints("padding", 2);
  bool bias = args.boolean("bias");
  require_at_least({out_channels}, 1, context, "out_channels");
  require_at_least(kernel, 1, context, "kernel");
  require_at_least(stride, 1, context, "stride");
  require_at_least(padding, 0, context, "padding");
  Expr in_channels = xs.front()->shape.size() == 4 ? xs.front()->shape[1] : Expr(0);

  OpResult result;
  Expr out_elements;
  for (std::size_t level = 0; level < xs.size(); ++level) {
    const TensorType& x = *xs[level];
    if (x.shape.size() != 4) {
      throw OpError("shared_conv2d expects tensors of rank 4 [N, C, H, W]; input " + std::to_string(level) + " is " +
                        shape_string(x.shape),
                    "inputs");
    }
    if (!context.same_size(x.shape[1], in_channels)) {
      throw OpError("shared_conv2d shares one weight, so every input needs the same channels: input 0 has " +
                        in_channels.to_string() + ", input " + std::to_string(level) + " has " + x.shape[1].to_string(),
                    "inputs");
    }
    Shape out = {x.shape[0], out_channels};
    for (std::size_t i = 0; i < 2; ++i) {
      out.push_back(
          window_output(x.shape[2 + i], kernel[i], stride[i], 2 * padding[i], 1, false, context, 2 + i, padding[i]));
    }
    out_elements += numel(out);
    result.outputs.push_back(TensorType{out, x.dtype});
  }
  Shape weight_shape = {out_channels, in_channels, kernel[0], kernel[1]};
  result.weights.push_back(Weight{"weight", weight_shape});
  if (bias) result.weights.push_back(Weight{"bias", {out_channels}});
  result.forward.gemm_macs = out_elements * in_channels * kernel[0] * kernel[1];
  if (bias) result.forward.elementwise = out_elements;
  result.backward.weight = result.forward;
  for (const TensorType& out : result.outputs) {
    result.backward.input.push_back(Cost{numel(out) * in_channels * kernel[0] * kernel[1], {}, {}});
    result.backward.saves_input.push_back(true);
    result.backward.weight_only_saves.push_back(true);  // only the weight gradient reads the inputs
  }
  result.display.kernel.dims = kernel;
  result.display.stride.dims = stride;
  result.display.padding.dims = padding;
  result.display.dilation.dims = {Expr(1), Expr(1)};
  result.display.groups.dims = {Expr(1)};
  return result;
}

// --- roi_align -------------------------------------------------------------------------------------------

OpResult roi_align(const OpArgs& args, OpContext& context) {
  const std::vector<const TensorType*>& levels = args.tensors("features");
  if (levels.empty()) throw OpError("roi_align needs at least one feature map", "features");
  const TensorType& boxes = args.tensor("boxes");
  if (boxes.shape.size() != 3 || !(boxes.shape[2] == Expr(4))) {
    throw OpError("roi_align expects boxes [N, R, 4] (R boxes per image), got " + shape_string(boxes.shape), "boxes");
  }
  std::vector<Expr> size = args.ints("output_size", 2);
  require_at_least(size, 1, context, "output_size");
  Expr sampling = args.integer("sampling_ratio");
  const TensorType& first = *levels.front();
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const TensorType& f = *levels[i];
    if (f.shape.size() != 4) {
      throw OpError("roi_align expects feature maps of rank 4 [N, C, H, W]; level " + std::to_string(i) + " is " +
                        shape_string(f.shape),
                    "features");
    }
    if (!context.same_size(f.shape[1], first.shape[1]) || !context.same_size(f.shape[0], first.shape[0])) {
      throw OpError("roi_align levels must share batch and channels: level 0 is " + shape_string(first.shape) +
                        ", level " + std::to_string(i) + " is " + shape_string(f.shape),
                    "features");
    }
  }
  if (!context.same_size(boxes.shape[0], first.shape[0])) {
    throw OpError("roi_align boxes " + shape_string(boxes.shape) + " and features " + shape_string(first.shape) +
                      " disagree on the batch (axis 0)",
                  "boxes");
  }
  Expr rois = boxes.shape[0] * boxes.shape[1];
  Expr channels = first.shape[1];
  OpResult result;
  result.backward = per_input_backward(args);  // the features' gradient is the common work; boxes get none
  Shape out = {rois, channels, size[0], size[1]};
  result.outputs.push_back(TensorType{out, first.dtype});
  result.display.kernel.dims = size;
  if (context.is_negative(sampling - 1)) {
    // sampling_ratio <= 0: ceil(box size / output size) samples per bin, which depends on the boxes.
    result.costed = false;
    return result;
  }
  // Per output element: sampling² bilinear samples of 4 weighted reads (4 mul + 3 add), their sum (s² - 1
  // adds) and one multiply by 1/s².
  Expr samples = sampling * sampling;
  result.forward.elementwise = numel(out) * (7 * samples + samples);
  if (levels.size() > 1) {
    // torchvision's LevelMapper, per box: area (2 sub, 1 mul), sqrt, /224, log2, + offset, floor, 2 clamps.
    result.forward.elementwise += rois * 7;
    result.forward.activation += rois * 2;
  }
  result.backward.common.elementwise = numel(out) * (7 * samples + samples);
  result.display.sampling_ratio.dims = {sampling};
  return result;
}

// --- box_decode ------------------------------------------------------------------------------------------

OpResult box_decode(const OpArgs& args, OpContext& context) {
  require_min_rank(args, "deltas", 1, "box_decode");
  const TensorType& deltas = args.tensor("deltas");
  if (!context.same_size(deltas.shape.back(), 4)) {
    throw OpError("box_decode expects deltas [..., 4] (dx, dy, dw, dh), got " + shape_string(deltas.shape), "deltas");
  }
  if (args.has("reference") && args.get("reference").tensor) {
    broadcast(deltas.shape, args.get("reference").tensor->shape, context);  // throws when they do not fit
  }
  Expr boxes = Expr::divide(numel(deltas), 4);
  OpResult result;
  result.outputs.push_back(TensorType{deltas.shape, deltas.dtype});
  // Per box (BoxCoder.decode_single): widths/heights 2, centres 4, deltas / weights 4, clamp dw, dh 2,
  // predicted centres 4, predicted sizes 2, half sizes 2, corners 4 = 24 element-wise; exp(dw), exp(dh) = 2.
  result.forward.elementwise = boxes * 24;
  result.forward.activation = boxes * 2;
  result.backward = per_input_backward(args);
  result.backward.input[0] = result.forward;  // the deltas' gradient; reference boxes get none
  return result;
}

// --- nms -------------------------------------------------------------------------------------------------

OpResult nms(const OpArgs& args, OpContext& context) {
  require_rank(args, "boxes", 3, "nms");
  require_rank(args, "scores", 2, "nms");
  const TensorType& boxes = args.tensor("boxes");
  const TensorType& scores = args.tensor("scores");
  if (!context.same_size(boxes.shape[2], 4)) {
    throw OpError("nms expects boxes [N, B, 4], got " + shape_string(boxes.shape), "boxes");
  }
  if (!context.same_size(boxes.shape[0], scores.shape[0]) || !context.same_size(boxes.shape[1], scores.shape[1])) {
    throw OpError("nms boxes " + shape_string(boxes.shape) + " and scores " + shape_string(scores.shape) +
                      " must agree on [N, B]",
                  "scores");
  }
  Expr keep = args.integer("max_output");
  require_at_least({keep}, 1, context, "max_output");
  if (context.is_negative(boxes.shape[1] - keep)) {
    throw OpError("nms cannot keep " + keep.to_string() + " = " + sym::to_string(context.value(keep)) +
                      " boxes out of " + boxes.shape[1].to_string() + " = " +
                      sym::to_string(context.value(boxes.shape[1])),
                  "max_output");
  }
  OpResult result;
  result.outputs.push_back(TensorType{{boxes.shape[0], keep, 4}, boxes.dtype});
  result.outputs.push_back(TensorType{{boxes.shape[0], keep}, scores.dtype});
  result.costed = false;  // sorting and suppression depend on the scores and overlaps
  result.backward = per_input_backward(args);
  return result;
}

}  // namespace

void register_detection_ops(Registry& registry) {
  registry.add(
      {.name = "l2norm",
       .summary = "x / ||x||₂ along an axis (default the channels) times a learned scale per channel (SSD's L2Norm)",
       .args = {ArgSpec::tensor("x").describe("The input, e.g. [N, C, H, W]."),
                ArgSpec::integer("axis", 1).describe("The axis of the vectors normalised (C = x.shape[axis])."),
                ArgSpec::boolean("affine", true).describe("Whether the layer has a learned scale [C].")},
       .apply = l2norm,
       .doc = {"the shape and dtype of x", "weight [C] when affine",
               "R = E/C vectors: element-wise E + R·(C − 1) + R + E (+ E when affine): squares, the sums, the clamp, "
               "the division, the scale; activation R (one sqrt per vector)",
               "as rmsnorm: always element-wise 3E, the input gradient 3E, the scale's gradient 2E. Keeps x and the "
               "norm of each vector."}});
  registry.add(
      {.name = "shared_conv2d",
       .summary = "one 2-d convolution (one weight) applied to each tensor of a list, e.g. the levels of a pyramid",
       .args = {ArgSpec::tensors("inputs").describe("A list of [N, Cin, H_l, W_l], all with the same Cin."),
                ArgSpec::integer("out_channels").describe("Output channels Cout, at least 1."),
                ArgSpec::ints("kernel").describe("Window size: one integer, or (kh, kw)."),
                ArgSpec::ints("stride", 1).describe("Step of the window."),
                ArgSpec::ints("padding", 0).describe("Zeros added on both sides of each spatial axis."),
                ArgSpec::boolean("bias", true).describe("Whether the layer has a bias [Cout].")},
       .apply = shared_conv2d,
       .doc = {"one [N, Cout, H'_l, W'_l] per input (a tuple; one tensor for a one-element list), as conv2d",
               "weight [Cout, Cin, kh, kw], bias [Cout] when bias: once for every level",
               "GEMM MACs Σ_l N·Cout·H'_l·W'_l·Cin·kh·kw; element-wise the output elements when bias; activation 0",
               "as a convolution per level: dgrad MACs = that level's forward MACs, wgrad MACs = forward MACs, the "
               "bias gradient the output elements. Keeps every input."}});
  registry.add(
      {.name = "roi_align",
       .summary = "RoIAlign of boxes [N, R, 4] over a list of feature maps [N, C, H, W] -> [N·R, C, oh, ow]",
       .args = {ArgSpec::tensors("features").describe("Feature maps [N, C, H_l, W_l], one per level ([x] for one)."),
                ArgSpec::tensor("boxes").describe("[N, R, 4]: R boxes per image (a shape, so a model parameter)."),
                ArgSpec::ints("output_size").describe("(oh, ow), or one integer for both; at least 1."),
                ArgSpec::integer("sampling_ratio", 2)
                    .describe("Samples per bin along each axis, s; at most 0 is adaptive (then not costed).")},
       .apply = roi_align,
       .doc = {"[N·R, C, oh, ow]", "",
               "element-wise N·R·C·oh·ow·8·s² (s² bilinear samples of 4 weighted reads, their mean), + 7·N·R with "
               "several levels (the level mapper); activation 2·N·R with several levels, else 0; not costed when "
               "sampling_ratio ≤ 0",
               "scatters each sample's gradient back to its 4 reads: element-wise as forward, for the features. "
               "Keeps nothing."}});
  registry.add(
      {.name = "box_decode",
       .summary = "box deltas [..., 4] relative to anchors or proposals -> corner boxes [..., 4]",
       .args = {ArgSpec::tensor("deltas").describe("Regression deltas (dx, dy, dw, dh): [..., 4]."),
                ArgSpec::optional_tensor("reference")
                    .describe("Reference boxes that are tensors of the graph (proposals), broadcast to deltas; "
                              "omitted, constant anchors of the model.")},
       .apply = box_decode,
       .doc = {"the shape of deltas", "",
               "B = numel(deltas)/4 boxes: element-wise 24·B (BoxCoder.decode_single); activation 2·B (exp(dw), "
               "exp(dh))",
               "the gradient to the deltas, as forward. Keeps nothing."}});
  registry.add(
      {.name = "nms",
       .summary = "non-maximum suppression: boxes [N, B, 4], scores [N, B] -> the best max_output (boxes, scores)",
       .args = {ArgSpec::tensor("boxes").describe("Candidate boxes [N, B, 4] (per class: [N, B·K, 4])."),
                ArgSpec::tensor("scores").describe("Their scores [N, B]."),
                ArgSpec::integer("max_output").describe("Boxes kept per image, 1 to B (the worst case is assumed).")},
       .apply = nms,
       .doc = {"(boxes [N, max_output, 4], scores [N, max_output])", "",
               "not costed: how many overlap tests run and boxes survive depends on the data", "none (no gradient)."}});
}

}  // namespace nnscope::ops
