// Pins the standard library's YOLOv8 to Ultralytics' published model summaries (ultralytics/cfg/models/v8/
// yolov8.yaml): "YOLOv8n summary: 225 layers, 3157200 parameters, 3157184 gradients, 8.9 GFLOPs", and for the
// other scales s 11,166,560 / 28.8, m 25,902,640 / 79.3, l 43,691,520 / 165.7, x 68,229,648 / 258.5.
//
// How Ultralytics gets its GFLOPs (ultralytics/utils/torch_utils.py get_flops): thop.profile on the unfused
// model (BatchNorm separate from the convolutions) at a 32x32 input, times 2, scaled by (640/32)²; the
// scaling is exact because every feature map is 1/s² of the input's area. thop counts per output element of
// a Conv2d (Cin/groups)·k² multiply-accumulates plus 1 when the convolution has a bias (only the six final 1x1
// convolutions of the head do), 4 per element of an affine BatchNorm (normalise: 2, scale and shift: 2), and
// nothing for SiLU, max-pooling, nearest upsampling and concatenation. So the published figure is
//     GFLOPs = 2 · (conv MACs + bias adds + 4 · BatchNorm elements) / 1e9,
// which the test evaluates on nnscope's own per-layer figures. tools/reference/yolov8_reference.py (a plain
// PyTorch replica of the configuration) prints the pieces for YOLOv8n at 640x640: 3,157,200 parameters, conv
// MACs 4,371,456,000, bias adds 1,209,600, BatchNorm elements 13,888,000: 8.856 GFLOPs, published as 8.9.
// nnscope's GEMM MACs alone (4,371,993,600 for
// YOLOv8n, 8.74 GFLOPs when doubled) include the DFL's fixed 1x1 convolution (4 sides · 16 bins · 8,400 anchors
// = 537,600 MACs), which runs only at inference: the summary is printed for the model in training mode, whose
// Detect head returns the raw maps. Ultralytics' model card rounds the same model to 3.2 M parameters.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"

namespace nnscope {
namespace {

using sym::Int;
using testing::count_kind;
using testing::find_layer;

Int elements(const std::vector<Int>& shape) {
  Int n = 1;
  for (Int d : shape) n *= d;
  return n;
}

// thop's count for the training-mode forward (no DFL), as Ultralytics reports it: conv MACs + bias adds +
// 4 per BatchNorm element.
Int thop_ops(const testing::ModelRun& r) {
  Int ops = 0;
  for (const analysis::Layer& layer : r.analysis.layers) {
    const ir::Op& op = r.graph.ops[layer.op];
    if (op.path.ends_with("dfl.conv")) continue;
    if (op.kind == "conv2d") ops += layer.figures.gemm_macs + layer.figures.elementwise_ops;
    if (op.kind == "batchnorm") ops += 4 * elements(layer.output_shapes[0]);
  }
  return ops;
}

struct Scale {
  const char* name;
  Int width_percent, depth_percent, max_channels;
  Int params;
  double gflops;
};

TEST(YoloV8, MatchesUltralyticsSummaries) {
  const Scale kScales[] = {
      {"n", 25, 33, 1024, 3'157'200, 8.9},     {"s", 50, 33, 1024, 11'166'560, 28.8},
      {"m", 75, 67, 768, 25'902'640, 79.3},    {"l", 100, 100, 512, 43'691'520, 165.7},
      {"x", 125, 100, 512, 68'229'648, 258.5},
  };
  for (const Scale& s : kScales) {
    SCOPED_TRACE(std::string("YOLOv8") + s.name);
    auto r = testing::run_model(
        "yolov8n",
        {{"width_percent", s.width_percent}, {"depth_percent", s.depth_percent}, {"max_channels", s.max_channels}});
    EXPECT_EQ(r->analysis.totals.figures.params, s.params);
    double gflops = 2.0 * static_cast<double>(thop_ops(*r)) / 1e9;
    EXPECT_NEAR(gflops, s.gflops, 0.05) << "thop-style count " << gflops;
  }
}

TEST(YoloV8, NanoLayersInClosedForm) {
  auto r = testing::run_model("yolov8n");
  // Ultralytics' per-module parameter table for yolov8n.yaml (Conv = k²·Cin·Cout + 2·Cout for BatchNorm):
  // model.0 Conv(3, 16, 3, 2) 464, model.1 Conv(16, 32, 3, 2) 4,672, model.2 C2f(32, 32, 1) 7,360,
  // model.9 SPPF(256, 256) 164,608 and model.22 Detect(80, [64, 128, 256]) 897,664.
  auto conv = [](Int cin, Int cout, Int k) { return k * k * cin * cout + 2 * cout; };
  auto params_under = [&](const std::string& prefix) {
    Int p = 0;
    for (const analysis::Layer& layer : r->analysis.layers)
      if (r->graph.ops[layer.op].path.starts_with(prefix)) p += layer.figures.params;
    return p;
  };
  EXPECT_EQ(params_under("model.0."), conv(3, 16, 3));
  EXPECT_EQ(conv(3, 16, 3), Int(464));
  EXPECT_EQ(params_under("model.1."), Int(4'672));
  // C2f(32, 32, n = 1): cv1 1x1 32 -> 32, one bottleneck of two 3x3 16 -> 16, cv2 1x1 48 -> 32.
  EXPECT_EQ(params_under("model.2."), conv(32, 32, 1) + 2 * conv(16, 16, 3) + conv(48, 32, 1));
  EXPECT_EQ(params_under("model.2."), Int(7'360));
  EXPECT_EQ(params_under("model.9."), conv(256, 128, 1) + conv(512, 256, 1));
  EXPECT_EQ(params_under("model.9."), Int(164'608));
  // Detect: c2 = max(16, 64 / 4, 64) = 64, c3 = max(64, min(80, 100)) = 80; per level of C channels
  // conv(C, 64, 3) + conv(64, 64, 3) + (64·64 + 64) and conv(C, 80, 3) + conv(80, 80, 3) + (80·80 + 80);
  // DFL's 16 fixed weights.
  Int detect = 16;
  for (Int ch : {64, 128, 256})
    detect += conv(ch, 64, 3) + conv(64, 64, 3) + 64 * 64 + 64 + conv(ch, 80, 3) + conv(80, 80, 3) + 80 * 80 + 80;
  EXPECT_EQ(detect, Int(897'664));
  EXPECT_EQ(params_under("model.22."), detect);
  EXPECT_EQ(r->analysis.totals.figures.params, Int(3'157'200));

  // 640x640: P3 80x80, P4 40x40, P5 20x20: 8,400 anchors; 4 box + 80 class outputs each.
  ASSERT_EQ(r->analysis.output_shapes.size(), 3u);
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{1, 84, 8400}));
  EXPECT_EQ(r->analysis.output_shapes[1], (std::vector<Int>{1, 300, 4}));
  EXPECT_EQ(find_layer(*r, "model.22.cv3.2.2")->output_shapes[0], (std::vector<Int>{1, 80, 20, 20}));
  EXPECT_EQ(find_layer(*r, "model.21.cv2.conv")->output_shapes[0], (std::vector<Int>{1, 256, 20, 20}));
  EXPECT_EQ(find_layer(*r, "model.22.dfl.conv")->figures.gemm_macs, Int(4 * 16 * 8400));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, Int(4'371'456'000) + 4 * 16 * 8400);
  // model.4 and model.6 repeat round(6 · 0.33) = 2 bottlenecks, the others round(3 · 0.33) = 1.
  EXPECT_NE(find_layer(*r, "model.6.m.1.cv2.conv"), nullptr);
  EXPECT_EQ(find_layer(*r, "model.8.m.1.cv1.conv"), nullptr);
  // NMS is the only op without a cost: what survives depends on the scores.
  ASSERT_EQ(r->analysis.not_costed.size(), 1u);
  EXPECT_EQ(count_kind(r->graph, "nms"), 1u);
}

TEST(YoloV8, OtherInputSizes) {
  // A 320x480 input at batch 2: maps of 40x60, 20x30, 10x15 (3,150 anchors); every conv scales with the area, so
  // the MACs other than the DFL are 4,371,456,000 · (320·480)/(640·640) per image.
  auto r = testing::run_model("yolov8n", {{"batch", 2}, {"height", 320}, {"width", 480}});
  EXPECT_EQ(r->analysis.output_shapes[0], (std::vector<Int>{2, 84, 3150}));
  EXPECT_EQ(r->analysis.totals.figures.gemm_macs, 2 * (Int(4'371'456'000) * 320 * 480 / (640 * 640) + 4 * 16 * 3150));
  EXPECT_EQ(r->analysis.totals.figures.params, Int(3'157'200));
}

}  // namespace
}  // namespace nnscope
