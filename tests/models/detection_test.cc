// Pins the detection models of the standard library (ssd300_vgg16, maskrcnn_resnet50_fpn, retinanet, ...) to their
// reference figures: torchvision's parameter counts, and GEMM MACs from forward hooks on torchvision 0.14's
// modules (Conv2d, ConvTranspose2d, Linear) at the sizes named in each test.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "analysis/analysis.h"
#include "analysis/training.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::has_path;
using testing::macs_under;

std::vector<std::string> not_costed(const testing::ModelRun& r) {
  std::vector<std::string> paths;
  for (const ir::Op& op : r.graph.ops)
    if (!op.costs().costed) paths.push_back(op.path);
  return paths;
}

TEST(DetectionSsd300Vgg16, MatchesTorchvision) {
  auto r = testing::run_model("ssd300_vgg16");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(35'641'826));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(34'858'153'472));  // torchvision: 34.858 GMACs
  // Torchvision's hooks per part: the heads at 300x300.
  EXPECT_EQ(macs_under(*r, "head.classification_head."),
            Int(2'422'038'528) + 1'816'528'896 + 251'596'800 + 31'449'600 + 7'547'904 + 838'656);
  EXPECT_EQ(macs_under(*r, "head.regression_head."),
            Int(106'463'232) + 79'847'424 + 11'059'200 + 1'382'400 + 331'776 + 36'864);
  // 8732 default boxes: 4·38² + 6·19² + 6·10² + 6·5² + 4·3² + 4·1².
  EXPECT_EQ(4 * 38 * 38 + 6 * 19 * 19 + 6 * 10 * 10 + 6 * 5 * 5 + 4 * 3 * 3 + 4 * 1 * 1, 8732);
  bool found_logits = false;
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path == "postprocess.softmax") {
      found_logits = true;
      EXPECT_EQ(layer.output_shapes[0], (std::vector<Int>{1, 8732, 91}));
    }
  }
  EXPECT_TRUE(found_logits);
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 200, 4}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 200}));
  EXPECT_TRUE(has_path(r->graph, "backbone.features.21"));
  EXPECT_TRUE(has_path(r->graph, "backbone.scale_weight"));
  EXPECT_TRUE(has_path(r->graph, "backbone.extra.0.7.1"));
  EXPECT_TRUE(has_path(r->graph, "backbone.extra.4.2"));
  EXPECT_TRUE(has_path(r->graph, "head.classification_head.module_list.5"));
  EXPECT_EQ(not_costed(*r), (std::vector<std::string>{"postprocess.nms"}));
}

TEST(DetectionSsd300Vgg16, AnotherSizeMatchesTorchvision) {
  // torchvision's backbone and head hooks on a [2, 3, 512, 384] tensor: feature maps 64x48 ... 4x2, 18464
  // default boxes per image.
  auto r = testing::run_model("ssd300_vgg16", {{"batch", 2}, {"height", 512}, {"width", 384}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(35'641'826));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(150'076'440'576));
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path == "postprocess.softmax") {
      EXPECT_EQ(layer.output_shapes[0], (std::vector<Int>{2, 18464, 91}));
    }
  }
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{2, 200, 4}));
}

TEST(DetectionMaskRcnn, MatchesTorchvision) {
  auto r = testing::run_model("maskrcnn_resnet50_fpn");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(44'401'393));
  // torchvision 0.14 forward hooks at 800x1333 with 1000 proposals and 100 detections per image.
  EXPECT_EQ(macs_under(*r, "backbone.body."), Int(87'333'299'200));
  EXPECT_EQ(macs_under(*r, "backbone.fpn."), Int(60'565'094'400));
  EXPECT_EQ(macs_under(*r, "rpn."), Int(52'849'750'272));
  EXPECT_EQ(macs_under(*r, "roi_heads."), Int(67'566'182'400));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(268'314'326'272));
  // The RPN head is one set of weights over the five levels: 256·256·9 + 256 + 256·3 + 3 + 256·12 + 12.
  Int rpn_params = 0;
  for (const ir::Op& op : r->graph.ops)
    if (op.path.rfind("rpn.", 0) == 0) rpn_params += op.costs().params.evaluate_integer(r->graph.bindings);
  EXPECT_EQ(rpn_params, Int(256) * 256 * 9 + 256 + 256 * 3 + 3 + 256 * 12 + 12);
  ASSERT_EQ(r->analysis.output_shapes.size(), 3u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 100, 4}));
  EXPECT_EQ(r->analysis.output_shapes[2], (std::vector<Int>{100, 91, 28, 28}));
  for (const char* path :
       {"backbone.body.conv1", "backbone.body.layer4.2.conv3", "backbone.body.layer1.0.downsample.0",
        "backbone.fpn.inner_blocks.0.0", "backbone.fpn.layer_blocks.3.0", "rpn.head.conv.0.0", "rpn.head.cls_logits",
        "rpn.head.bbox_pred", "roi_heads.box_roi_pool", "roi_heads.box_head.fc6", "roi_heads.box_predictor.bbox_pred",
        "roi_heads.mask_head.3.0", "roi_heads.mask_predictor.conv5_mask", "roi_heads.mask_predictor.mask_fcn_logits"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
  EXPECT_EQ(not_costed(*r), (std::vector<std::string>{"rpn.nms", "roi_heads.postprocess.nms"}));
}

TEST(DetectionMaskRcnn, PaddedBatchAndCounts) {
  // torchvision pads the batch to a multiple of 32 (800x1344); hooks there give 269,193,583,872.
  auto padded = testing::run_model("maskrcnn_resnet50_fpn", {{"width", 1344}});
  EXPECT_EQ(padded->analysis.totals.figures.gemm_macs, Int(269'193'583'872));
  // Batch 2 doubles everything (each image keeps its own 1000 proposals and 100 detections).
  auto two = testing::run_model("maskrcnn_resnet50_fpn", {{"batch", 2}, {"width", 1344}});
  EXPECT_EQ(two->analysis.totals.figures.gemm_macs, Int(2) * 269'193'583'872);
  EXPECT_EQ(two->analysis.output_shapes[2], (std::vector<Int>{200, 91, 28, 28}));
  // Per proposal, the box head and predictor: fc6 256·7·7·1024, fc7 1024·1024, cls 1024·91, bbox 1024·364.
  Int per_proposal = Int(12544) * 1024 + 1024 * 1024 + 1024 * 91 + 1024 * 364;
  EXPECT_EQ(per_proposal, Int(14'359'552));
  // Per detection, the mask head: 4 convs 256·256·9·14², conv5_mask 256·256·4·14², logits 91·256·28².
  Int per_detection = Int(4) * 256 * 256 * 9 * 196 + Int(256) * 256 * 4 * 196 + Int(91) * 256 * 784;
  auto fewer = testing::run_model("maskrcnn_resnet50_fpn", {{"proposals", 500}, {"detections", 50}});
  EXPECT_EQ(fewer->analysis.totals.figures.gemm_macs, Int(268'314'326'272) - 500 * per_proposal - 50 * per_detection);
  EXPECT_EQ(fewer->analysis.totals.figures.params, Int(44'401'393));
}

TEST(DetectionSsdResNet34, MlperfTraining300) {
  // Forward hooks on the MLPerf reference structure (ssd300.py, base_model.py) rebuilt from torchvision 0.14.
  auto r = testing::run_model("ssd_resnet34");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(19'972'534));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(15'862'078'720));
  EXPECT_EQ(macs_under(*r, "model."), Int(12'906'552'064));  // ResNet-34 through layer3 (stride-1 first block)
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path == "postprocess.softmax") {
      EXPECT_EQ(layer.output_shapes[0], (std::vector<Int>{1, 81, 8732}));
    }
  }
  for (const char* path : {"model.layer1.0", "model.layer1.4.2.conv2", "model.layer2.0.0.downsample.0",
                           "additional_blocks.4.2", "loc.5", "conf.0"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
}

TEST(DetectionSsdResNet34, MlperfInference1200) {
  // MLPerf Inference's SSD_R34 with strides [3, 3, 2, 2, 2, 2]: heads at stride 3, conv10 at stride 2.
  auto r =
      testing::run_model("ssd_resnet34", {{"height", 1200}, {"width", 1200}, {"head_stride", 3}, {"conv10_stride", 2}});
  EXPECT_EQ(r->analysis.totals.figures.params, Int(19'972'534));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(216'415'931'904));
  // Maps 50, 25, 13, 7, 3, 3: 4·2500 + 6·625 + 6·169 + 6·49 + 4·9 + 4·9 = 15130 boxes.
  for (const analysis::Layer& layer : r->analysis.layers) {
    if (r->graph.ops[layer.op].path == "postprocess.softmax") {
      EXPECT_EQ(layer.output_shapes[0], (std::vector<Int>{1, 81, 15130}));
    }
  }
}

TEST(DetectionUnet3d, MlperfTraining) {
  // Forward hooks (meta tensors) on the reference modules rebuilt from image_segmentation/pytorch/model.
  auto r = testing::run_model("unet3d");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(31'190'243));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(477'298'688'000));
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 3, 128, 128, 128}));
  for (const char* path : {"input_block.conv1.0", "downsample.3.conv2.1", "bottleneck.conv1.0",
                           "upsample.0.upsample_conv.0", "upsample.4.conv2.0", "output.conv.0"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
  auto other = testing::run_model("unet3d", {{"batch", 2}, {"depth", 64}, {"height", 96}});
  EXPECT_EQ(other->analysis.totals.figures.gemm_macs, Int(357'974'016'000));
  EXPECT_EQ(other->analysis.output_shapes[0], (std::vector<Int>{2, 3, 64, 96, 128}));
}

// RetinaNet (std/fpn.nn): tools/reference/retinanet_reference.py builds both configurations from torchvision
// 0.14's modules (FrozenBatchNorm2d backbones) and counts their convolutions with forward hooks; torchvision's
// published metadata for retinanet_resnet50_fpn (COCO_V1) says 34,014,999 parameters and 151.54 GFLOPS, the
// hooks' count at 800x800.
TEST(DetectionRetinaNet, MlperfResNeXt50Fpn264Classes) {
  auto r = testing::run_model("retinanet");
  EXPECT_EQ(r->analysis.totals.figures.params, Int(37'060'652));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(201'208'394'752));
  // P3-P7 of 100², 50², 25², 13², 7² with 9 anchors each: 120,087 anchors, 264 logits and 4 deltas each.
  EXPECT_EQ(9 * (100 * 100 + 50 * 50 + 25 * 25 + 13 * 13 + 7 * 7), 120'087);
  const analysis::Layer* logits = testing::find_layer(*r, "postprocess.sigmoid");
  ASSERT_NE(logits, nullptr);
  EXPECT_EQ(logits->output_shapes[0], (std::vector<Int>{1, 120'087, 264}));
  // The heads' weights are shared by the five levels: the classification head has 4·(256·256·9 + 256) +
  // 256·9·264·9 + 264·9 parameters, counted once.
  Int cls_head = 0;
  for (const analysis::Layer& layer : r->analysis.layers)
    if (r->graph.ops[layer.op].path.starts_with("head.classification_head.")) cls_head += layer.figures.params;
  EXPECT_EQ(cls_head, 4 * (256 * 256 * 9 + 256) + 256 * 9 * 264 * 9 + 264 * 9);
  for (const char* path :
       {"backbone.body.layer1.0.conv2", "backbone.body.layer4.2.bn3", "backbone.fpn.inner_blocks.0",
        "backbone.fpn.layer_blocks.2", "backbone.fpn.extra_blocks.p6", "backbone.fpn.extra_blocks.p7",
        "head.classification_head.conv.6", "head.classification_head.cls_logits", "head.regression_head.bbox_reg"}) {
    EXPECT_TRUE(has_path(r->graph, path)) << path;
  }
  // ResNeXt's grouped 3x3: 32 groups of 4 channels per 64 planes.
  EXPECT_EQ(testing::find_layer(*r, "backbone.body.layer1.0.conv2")->figures.params, Int(128 * 4 * 9));
  // Candidate selection (score threshold and per-level top-k) and NMS depend on the scores: not costed.
  EXPECT_EQ(not_costed(*r), (std::vector<std::string>{"postprocess.topk", "postprocess.nms"}));
  ASSERT_EQ(r->analysis.output_shapes.size(), 2u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 300, 4}));
  // The 5 · 1000 candidates are decoded (24 element-wise ops and 2 exps per box) and clipped (2 per coordinate).
  EXPECT_EQ(testing::find_layer(*r, "postprocess.box_decode")->figures.elementwise_ops, Int(24 * 5000));
  EXPECT_EQ(testing::find_layer(*r, "postprocess.clip_boxes_to_image")->figures.elementwise_ops, Int(2 * 4 * 5000));

  auto other = testing::run_model("retinanet", {{"batch", 2}, {"height", 512}, {"width", 640}});
  EXPECT_EQ(other->analysis.totals.figures.gemm_macs, Int(205'784'965'120));
  EXPECT_EQ(testing::find_layer(*other, "postprocess.sigmoid")->output_shapes[0], (std::vector<Int>{2, 61'380, 264}));
}

// Training as MLCommons' reference does it (--trainable-backbone-layers 3): the trunk's conv1 and layer1 are frozen.
// tools/reference/retinanet_reference.py counts the parameters left with requires_grad, the weight-gradient MACs
// of the convolutions whose weights train and the input-gradient MACs of those whose input needs a gradient (each
// as many as the forward MACs): none for conv1 and layer1 (frozen, reading the image), nor for layer2.0's conv1 and
// downsample (their input, layer1's output, needs no gradient).
TEST(DetectionRetinaNet, MlperfTrainingFreezesConv1AndLayer1) {
  struct Expected {
    std::map<std::string, Int> sizes;
    Int trainable, wgrad, dgrad;
  };
  const std::map<std::string, Int> resnet50 = {{"groups", 1}, {"width_per_group", 64}, {"classes", 91}};
  std::map<std::string, Int> resnet50_small = resnet50;
  resnet50_small.insert({{"batch", 2}, {"height", 512}, {"width", 640}});
  for (const Expected& e : {
           Expected{{}, 36'849'004, 191'613'514'752, 187'681'354'752},
           Expected{{{"batch", 2}, {"height", 512}, {"width", 640}}, 36'849'004, 195'959'808'000, 191'933'276'160},
           Expected{resnet50, 33'792'599, 141'515'477'248, 138'894'037'248},
           Expected{resnet50_small, 33'792'599, 144'742'758'400, 142'058'403'840},
       }) {
    auto r = testing::run_model("retinanet", e.sizes);
    analysis::Training train = analysis::analyze_training(r->analysis, {});
    EXPECT_EQ(train.totals.trainable_params, e.trainable);
    EXPECT_EQ(train.totals.backward_wgrad_macs, e.wgrad);
    EXPECT_EQ(train.totals.backward_dgrad_macs, e.dgrad);
  }
  // ResNeXt-50's frozen stem and layer1: 64·3·7·7 + (64·128 + 128·4·9 + 128·256 + 64·256) + 2·(256·128 + 128·4·9 +
  // 128·256).
  EXPECT_EQ(Int(37'060'652) - Int(36'849'004),
            64 * 3 * 49 + (64 * 128 + 128 * 4 * 9 + 128 * 256 + 64 * 256) + 2 * (256 * 128 + 128 * 4 * 9 + 128 * 256));
  auto r = testing::run_model("retinanet");
  EXPECT_TRUE(r->graph.ops[testing::find_layer(*r, "backbone.body.conv1")->op].costs().frozen);
  EXPECT_TRUE(r->graph.ops[testing::find_layer(*r, "backbone.body.layer1.2.conv3")->op].costs().frozen);
  EXPECT_FALSE(r->graph.ops[testing::find_layer(*r, "backbone.body.layer2.0.conv1")->op].costs().frozen);
  // --set trainable_backbone_layers=5 trains everything.
  auto all = testing::run_model("retinanet", {{"trainable_backbone_layers", 5}});
  EXPECT_EQ(analysis::analyze_training(all->analysis, {}).totals.trainable_params, Int(37'060'652));
}

TEST(DetectionRetinaNet, TorchvisionResNet50FpnCrossCheck) {
  // The same model with torchvision's retinanet_resnet50_fpn configuration.
  std::map<std::string, Int> resnet50 = {{"groups", 1}, {"width_per_group", 64}, {"classes", 91}};
  auto r = testing::run_model("retinanet", resnet50);
  EXPECT_EQ(r->analysis.totals.figures.params, Int(34'014'999));          // published num_params
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(151'540'437'248));  // published 151.54 GFLOPS
  resnet50.insert({{"batch", 2}, {"height", 512}, {"width", 640}});
  auto other = testing::run_model("retinanet", resnet50);
  EXPECT_EQ(other->analysis.totals.figures.gemm_macs, Int(155'008'317'440));
  EXPECT_EQ(testing::find_layer(*other, "postprocess.sigmoid")->output_shapes[0], (std::vector<Int>{2, 61'380, 91}));
}

}  // namespace
}  // namespace nnscope
