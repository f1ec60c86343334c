#include "report/columns.h"

namespace nnscope::report {
namespace {

Value of_kind(ValueKind kind) {
  Value value;
  value.kind = kind;
  return value;
}
Value text(std::string_view s) {
  Value value;
  value.text = s;
  return value;
}
Value integer(sym::Int v) {
  Value value = of_kind(ValueKind::kInteger);
  value.integer = v;
  return value;
}
Value decimal(double v) {
  Value value = of_kind(ValueKind::kDecimal);
  value.decimal = v;
  return value;
}
Value shapes(const std::vector<const std::vector<Int>*>& s) {
  Value value = of_kind(ValueKind::kShapes);
  value.shapes = &s;
  return value;
}

const RowAttributes& attributes_of(const ReportRow& row) {
  static const RowAttributes kNone;
  return row.attributes ? *row.attributes : kNone;
}

using format::kCsv;
using format::kJson;
constexpr std::uint32_t kBoth = kCsv | kJson;

}  // namespace

bool shown(const Column& column, std::uint32_t format, bool training, bool roofline) {
  if (!(column.formats & format)) return false;
  return column.mode == Mode::kAlways || (column.mode == Mode::kTraining && training) ||
         (column.mode == Mode::kRoofline && roofline);
}

const std::vector<Column>& columns() {
  using R = const ReportRow&;
  static const std::vector<Column> kColumns = {
      {"path", "", ValueKind::kText, kBoth, Mode::kAlways, false, false, 0, [](R r) { return text(r.group().path); }},
      {"level", "", ValueKind::kLevels, kCsv, Mode::kAlways, false, false, 0,
       [](R r) {
         Value v = of_kind(ValueKind::kLevels);
         v.text = r.group().path;
         return v;
       }},
      {"op", "", ValueKind::kText, kBoth, Mode::kAlways, false, false, 0, [](R r) { return text(r.group().kind); }},
      {"depth", "", ValueKind::kInteger, kJson, Mode::kAlways, false, false, 0,
       [](R r) { return integer(static_cast<sym::Int>(r.group().depth)); }},
      {"op_count", "ops", ValueKind::kInteger, kJson, Mode::kAlways, false, false, 0,
       [](R r) { return integer(static_cast<sym::Int>(r.group().op_count)); }},
      {"costed", "", ValueKind::kBool, kJson, Mode::kAlways, false, false, 0,
       [](R r) {
         Value v = of_kind(ValueKind::kBool);
         v.boolean = r.fully_costed();
         return v;
       }},
      {"input_shape", "", ValueKind::kShapes, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return shapes(r.inputs); }, "inputs"},
      {"output_shape", "", ValueKind::kShapes, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return shapes(r.outputs); }, "outputs"},
      {"kernel", "", ValueKind::kText, kBoth, Mode::kAlways, false, true, 0,
       [](R r) { return text(attributes_of(r).kernel); }},
      {"stride", "", ValueKind::kText, kBoth, Mode::kAlways, false, true, 0,
       [](R r) { return text(attributes_of(r).stride); }},
      {"padding", "", ValueKind::kText, kBoth, Mode::kAlways, false, true, 0,
       [](R r) { return text(attributes_of(r).padding); }},
      {"dilation", "", ValueKind::kText, kBoth, Mode::kAlways, false, true, 0,
       [](R r) { return text(attributes_of(r).dilation); }},
      {"groups", "", ValueKind::kInteger, kBoth, Mode::kAlways, false, true, 0,
       [](R r) {
         const RowAttributes& a = attributes_of(r);
         Value v = integer(a.groups);
         v.missing = !a.has_groups;
         return v;
       }},
      {"misc", "", ValueKind::kText, kBoth, Mode::kAlways, false, true, 0,
       [](R r) { return text(attributes_of(r).misc); }},
      {"params", "params", ValueKind::kInteger, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return integer(r.group().figures.params); }},
      {"input_bytes", "bytes", ValueKind::kInteger, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return integer(r.group().figures.input_bytes); }},
      {"weight_bytes", "bytes", ValueKind::kInteger, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return integer(r.group().figures.weight_bytes); }},
      {"output_bytes", "bytes", ValueKind::kInteger, kBoth, Mode::kAlways, false, false, 0,
       [](R r) { return integer(r.group().figures.output_bytes); }},
      {"gathered_bytes", "bytes", ValueKind::kInteger, kJson, Mode::kAlways, false, false, 0,
       [](R r) { return integer(r.group().figures.gathered_bytes); }},
      {"gemm_macs", "MACs", ValueKind::kInteger, kBoth, Mode::kAlways, true, false, 0,
       [](R r) { return integer(r.group().figures.gemm_macs); }},
      {"elementwise_ops", "ops", ValueKind::kInteger, kBoth, Mode::kAlways, true, false, 0,
       [](R r) { return integer(r.group().figures.elementwise_ops); }},
      {"activation_ops", "ops", ValueKind::kInteger, kBoth, Mode::kAlways, true, false, 0,
       [](R r) { return integer(r.group().figures.activation_ops); }},
      {"flops", "FLOPs", ValueKind::kInteger, kBoth, Mode::kAlways, true, false, 0,
       [](R r) { return integer(r.group().figures.flops); }},
      {"traffic_bytes", "bytes", ValueKind::kInteger, kBoth, Mode::kAlways, true, false, 0,
       [](R r) { return integer(r.group().figures.traffic_bytes); }},
      {"intensity", "FLOP/byte", ValueKind::kDecimal, kBoth, Mode::kAlways, true, false, 6,
       [](R r) { return decimal(r.group().figures.intensity()); }},
      {"backward_dgrad_macs", "MACs", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.dgrad_macs); }},
      {"backward_wgrad_macs", "MACs", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.wgrad_macs); }},
      {"backward_gemm_macs", "MACs", ValueKind::kInteger, kJson, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.gemm_macs()); }},
      {"backward_elementwise_ops", "ops", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.elementwise_ops); }},
      {"backward_activation_ops", "ops", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.activation_ops); }},
      {"backward_flops", "FLOPs", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.flops); }},
      {"saved_bytes", "bytes", ValueKind::kInteger, kBoth, Mode::kTraining, false, false, 0,
       [](R r) { return integer(r.training.saved_bytes); }},
      {"est_time_s", "s", ValueKind::kDecimal, kBoth, Mode::kRoofline, true, false, 12,
       [](R r) { return decimal(r.time_s); }},
      {"bound", "", ValueKind::kText, kBoth, Mode::kRoofline, true, false, 0,
       [](R r) { return text(analysis::unit_name(r.bound)); }},
      {"tied_to", "", ValueKind::kText, kJson, Mode::kAlways, false, true, 0,
       [](R r) { return text(r.op ? std::string_view(r.op->costs().tied_to) : std::string_view()); }},
      {"weights", "", ValueKind::kWeights, kJson, Mode::kAlways, false, false, 0,
       [](R) { return of_kind(ValueKind::kWeights); }},
  };
  return kColumns;
}

}  // namespace nnscope::report
