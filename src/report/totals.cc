#include "report/totals.h"

#include "analysis/roofline.h"
#include "analysis/training.h"

namespace nnscope::report {
namespace {

Value integer(sym::Int v) {
  Value value;
  value.kind = ValueKind::kInteger;
  value.integer = v;
  return value;
}
Value decimal(double v) {
  Value value;
  value.kind = ValueKind::kDecimal;
  value.decimal = v;
  return value;
}
const analysis::TrainTotals& train(const analysis::Analysis& a) { return a.training->totals; }

}  // namespace

bool shown(const Total& total, bool training, bool roofline) {
  return total.mode == Mode::kAlways || (total.mode == Mode::kTraining && training) ||
         (total.mode == Mode::kRoofline && roofline);
}

const std::vector<Total>& totals() {
  using A = const analysis::Analysis&;
  using F = analysis::TotalFormulas;
  using enum TotalKind;
  static const std::vector<Total> kTotals = {
      {"params", "params", kCount, Mode::kAlways, 0, [](A a) { return integer(a.totals.figures.params); }, "params",
       &F::params},
      // Of params, those one token uses: less in a mixture of experts, else equal (docs/cost-model.md).
      {"active_params", "", kCount, Mode::kAlways, 0, [](A a) { return integer(a.totals.active_params); }, "params",
       &F::active_params},
      {"gemm_macs", "MACs", kCount, Mode::kAlways, 0, [](A a) { return integer(a.totals.figures.gemm_macs); }, "MACs",
       &F::gemm_macs},
      {"elementwise_ops", "elem ops", kCount, Mode::kAlways, 0,
       [](A a) { return integer(a.totals.figures.elementwise_ops); }, "ops", &F::elementwise_ops},
      {"activation_ops", "act ops", kCount, Mode::kAlways, 0,
       [](A a) { return integer(a.totals.figures.activation_ops); }, "ops", &F::activation_ops},
      {"flops", "FLOPs", kCount, Mode::kAlways, 0, [](A a) { return integer(a.totals.figures.flops); }, "FLOPs",
       &F::flops},
      {"weight_bytes", "weights", kBytes, Mode::kAlways, 0, [](A a) { return integer(a.totals.figures.weight_bytes); },
       "bytes", &F::weight_bytes},
      {"activation_bytes", "activations", kBytes, Mode::kAlways, 0,
       [](A a) { return integer(a.totals.activation_bytes); }, "bytes", &F::activation_bytes},
      {"peak_activation_bytes", "peak act.", kBytes, Mode::kAlways, 0,
       [](A a) { return integer(a.peak_activation_bytes()); }, "bytes"},
      {"input_bytes", "", kBytes, Mode::kAlways, 0, [](A a) { return integer(a.totals.model_input_bytes); }, "bytes"},
      {"traffic_bytes", "traffic", kBytes, Mode::kAlways, 0,
       [](A a) { return integer(a.totals.figures.traffic_bytes); }, "bytes"},
      {"intensity", "", kRatio, Mode::kAlways, 6, [](A a) { return decimal(a.totals.figures.intensity()); },
       "FLOP/byte"},
      {"backward_dgrad_macs", "", kCount, Mode::kTraining, 0, [](A a) { return integer(train(a).backward_dgrad_macs); },
       "MACs"},
      {"backward_wgrad_macs", "", kCount, Mode::kTraining, 0, [](A a) { return integer(train(a).backward_wgrad_macs); },
       "MACs"},
      {"backward_gemm_macs", "bwd MACs", kCount, Mode::kTraining, 0,
       [](A a) { return integer(train(a).backward_gemm_macs); }, "MACs"},
      {"backward_elementwise_ops", "", kCount, Mode::kTraining, 0,
       [](A a) { return integer(train(a).backward_elementwise_ops); }, "ops"},
      {"backward_activation_ops", "", kCount, Mode::kTraining, 0,
       [](A a) { return integer(train(a).backward_activation_ops); }, "ops"},
      {"backward_flops", "", kCount, Mode::kTraining, 0, [](A a) { return integer(train(a).backward_flops); }, "FLOPs"},
      {"trainable_params", "", kCount, Mode::kTraining, 0, [](A a) { return integer(train(a).trainable_params); },
       "params"},
      {"train_flops", "train FLOPs", kCount, Mode::kTraining, 0, [](A a) { return integer(train(a).train_flops); },
       "FLOPs"},
      {"train_memory_bytes", "train mem.", kBytes, Mode::kTraining, 0,
       [](A a) { return integer(train(a).train_memory_bytes); }, "bytes"},
      {"est_time_s", "est. time", kSeconds, Mode::kRoofline, 12, [](A a) { return decimal(a.roofline->time_s); }, "s"},
      {"samples_per_s", "samples/s", kRatio, Mode::kRoofline, 6, [](A a) { return decimal(a.roofline->samples_per_s); },
       "samples/s"},
  };
  return kTotals;
}

}  // namespace nnscope::report
