// The public facade (include/nnscope/nnscope.h) over the pipeline library (src/driver/): analyze() is
// driver::run() with the facade's options, render() is the driver's table of formats, so both give byte for byte
// what `nnscope analyze` gives. This file only converts between the public types and the internal ones.
#include "nnscope/nnscope.h"

#include <limits>
#include <sstream>

#include "driver/driver.h"
#include "driver/formats.h"

namespace nnscope {

struct ReportState {
  std::unique_ptr<driver::Report> report;  // its analysis points into its graph: held, never moved
};

namespace {

// Errors the facade finds itself read as the command line's: "nnscope: error: ...", one line.
[[noreturn]] void fail(const std::string& message) { throw Error("nnscope: error: " + message + "\n"); }

// Runs a step of the pipeline library, its failures (already rendered, with file, line and caret) as Errors.
template <typename Step>
auto as_errors(Step&& step) -> decltype(step()) {
  try {
    return step();
  } catch (const driver::Failure& failure) {
    throw Error(failure.text());
  }
}

std::int64_t to_int64(sym::Int value, const std::string& what) {
  if (value > std::numeric_limits<std::int64_t>::max() || value < std::numeric_limits<std::int64_t>::min()) {
    fail(what + " = " + sym::to_string(value) + " does not fit in 64 bits");
  }
  return static_cast<std::int64_t>(value);
}

std::vector<std::vector<std::int64_t>> shapes_of(const analysis::ShapeList& shapes, const std::string& path) {
  std::vector<std::vector<std::int64_t>> result;
  for (const std::vector<sym::Int>& shape : shapes) {
    std::vector<std::int64_t>& dims = result.emplace_back();
    for (sym::Int d : shape) dims.push_back(to_int64(d, path + " shape"));
  }
  return result;
}

void fill(Report& report, const driver::Report& state) {
  const analysis::Analysis& a = *state.analysis;
  report.model = state.graph->model_name;
  report.warnings = state.warnings;
  for (const ir::ModelParameter& p : state.graph->parameters) report.parameters[p.name] = to_int64(p.value, p.name);
  const analysis::LayerFigures& t = a.totals.figures;
  report.totals = {to_int64(t.params, "params"),
                   to_int64(t.gemm_macs, "gemm_macs"),
                   to_int64(t.elementwise_ops, "elementwise_ops"),
                   to_int64(t.activation_ops, "activation_ops"),
                   to_int64(t.flops, "flops"),
                   to_int64(t.input_bytes, "input_bytes"),
                   to_int64(t.weight_bytes, "weight_bytes"),
                   to_int64(t.output_bytes, "output_bytes"),
                   to_int64(a.totals.activation_bytes, "activation_bytes"),
                   to_int64(a.peak_activation_bytes(), "peak_activation_bytes"),
                   a.training ? to_int64(a.training->totals.train_flops, "train_flops") : 0};
  const analysis::TotalFormulas& f = a.formulas;
  auto ascii = [](const sym::Expr& e) { return e.to_string(sym::PrintStyle::kAscii); };
  report.formulas = {ascii(f.params),    ascii(f.weight_bytes),    ascii(f.activation_bytes),
                     ascii(f.gemm_macs), ascii(f.elementwise_ops), ascii(f.activation_ops),
                     ascii(f.flops)};
  report.layers.reserve(a.layers.size());
  for (const analysis::Layer& layer : a.layers) {
    const ir::Op& op = state.graph->ops[layer.op];
    const analysis::LayerFigures& l = layer.figures;
    report.layers.push_back(
        {op.path, std::string(op.kind), shapes_of(layer.input_shapes, op.path), shapes_of(layer.output_shapes, op.path),
         to_int64(l.params, op.path + " params"), to_int64(l.gemm_macs, op.path + " gemm_macs"),
         to_int64(l.elementwise_ops, op.path + " elementwise_ops"),
         to_int64(l.activation_ops, op.path + " activation_ops"), to_int64(l.flops, op.path + " flops"),
         to_int64(l.input_bytes, op.path + " input_bytes"), to_int64(l.weight_bytes, op.path + " weight_bytes"),
         to_int64(l.output_bytes, op.path + " output_bytes")});
  }
  for (const analysis::NotCosted& n : a.not_costed) report.not_costed.push_back(n.path);
}

}  // namespace

std::string_view version() { return NNSCOPE_VERSION; }

Report analyze(const std::string& model_or_path, const Options& options) {
  auto state = std::make_shared<ReportState>();
  as_errors([&] {
    driver::Request request;
    request.target = model_or_path;
    request.model_name = options.model;
    for (const auto& [name, value] : options.bindings) request.elaborate.overrides[name] = value;
    request.elaborate.weight_dtype = driver::parse_storage_dtype(options.weight_dtype, "weight_dtype");
    request.elaborate.activation_dtype = driver::parse_storage_dtype(options.activation_dtype, "activation_dtype");
    request.weight_dtype_given = true;  // Options::weight_dtype always says it, fp32 by default
    request.train = options.mode == Mode::kTrain;
    state->report = driver::run(request);
  });
  Report report;
  fill(report, *state->report);
  report.state = std::move(state);
  return report;
}

std::string render(const Report& report, std::string_view format_name) {
  if (!report.state) fail("render: the report holds no analysis");
  const driver::Format* format = driver::find_format(format_name);
  if (!format) {
    fail("render: format must be " + driver::format_names() + "; got '" + std::string(format_name) + "'");
  }
  // As the command line prints it to a file or a pipe: 100 columns, the table at the depth that keeps it readable.
  emit::EmitOptions options;
  options.auto_depth = true;
  std::ostringstream out;
  as_errors([&] { driver::write_report(out, *report.state->report, *format, options); });
  return out.str();
}

}  // namespace nnscope
