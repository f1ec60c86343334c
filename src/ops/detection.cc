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
// docs/ops/detection.md documents every rule and why it is what it is.
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
  result.display = Display{dims_string(kernel), dims_string(stride), dims_string(padding), "1", "1"};
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
  Shape out = {rois, channels, size[0], size[1]};
  result.outputs.push_back(TensorType{out, first.dtype});
  result.display.kernel = dims_string(size);
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
  result.display.stride = "s" + sampling.to_string();
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
  result.backward.input = {result.forward};
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
  return result;
}

}  // namespace

void register_detection_ops(Registry& registry) {
  registry.add({"l2norm",
                "detection",
                "x / ||x||₂ along an axis (default the channels) times a learned scale per channel (SSD's L2Norm)",
                {ArgSpec::tensor("x"), ArgSpec::integer("axis", 1), ArgSpec::boolean("affine", true)},
                l2norm});
  registry.add({"shared_conv2d",
                "detection",
                "one 2-d convolution (one weight) applied to each tensor of a list, e.g. the levels of a pyramid",
                {ArgSpec::tensors("inputs"), ArgSpec::integer("out_channels"), ArgSpec::ints("kernel"),
                 ArgSpec::ints("stride", 1), ArgSpec::ints("padding", 0), ArgSpec::boolean("bias", true)},
                shared_conv2d});
  registry.add({"roi_align",
                "detection",
                "RoIAlign of boxes [N, R, 4] over a list of feature maps [N, C, H, W] -> [N·R, C, oh, ow]",
                {ArgSpec::tensors("features"), ArgSpec::tensor("boxes"), ArgSpec::ints("output_size"),
                 ArgSpec::integer("sampling_ratio", 2)},
                roi_align});
  registry.add({"box_decode",
                "detection",
                "box deltas [..., 4] relative to anchors or proposals -> corner boxes [..., 4]",
                {ArgSpec::tensor("deltas"), ArgSpec::optional_tensor("reference")},
                box_decode});
  registry.add({"nms",
                "detection",
                "non-maximum suppression: boxes [N, B, 4], scores [N, B] -> the best max_output (boxes, scores)",
                {ArgSpec::tensor("boxes"), ArgSpec::tensor("scores"), ArgSpec::integer("max_output")},
                nms});
}

}  // namespace nnscope::ops
