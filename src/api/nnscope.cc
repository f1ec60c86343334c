// The public facade (include/nnscope/nnscope.h) over the internal pipeline: load, elaborate, analyse, emit.
// It mirrors what `nnscope analyze` does, so render() prints byte for byte what the command line prints.
#include "nnscope/nnscope.h"

#include <filesystem>
#include <limits>
#include <sstream>

#include "analysis/analysis.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "interp/interpreter.h"
#include "interp/program.h"
#include "onnx/importer.h"
#include "stdlib/embedded.h"

namespace nnscope {

struct ReportState {
  std::unique_ptr<interp::Program> program;
  ir::Graph graph;
  analysis::Analysis analysis;  // points into graph: a ReportState is never moved once analysed
};

namespace {

// Errors the facade finds itself read as the command line's: "nnscope: error: ...", one line.
[[noreturn]] void fail(const std::string& message) { throw Error("nnscope: error: " + message + "\n"); }

std::int64_t to_int64(sym::Int value, const std::string& what) {
  if (value > std::numeric_limits<std::int64_t>::max() || value < std::numeric_limits<std::int64_t>::min()) {
    fail(what + " = " + sym::to_string(value) + " does not fit in 64 bits");
  }
  return static_cast<std::int64_t>(value);
}

DType parse_dtype_option(const std::string& text, const char* option) {
  std::optional<DType> dtype = parse_dtype(text);
  if (!dtype || *dtype == DType::kI32 || *dtype == DType::kI64 || *dtype == DType::kBool) {
    fail(std::string(option) + ": unknown dtype '" + text + "' (fp32 tf32 fp16 bf16 fp8 int8 int4)");
  }
  return *dtype;
}

std::unique_ptr<interp::Program> load(const std::string& target) {
  bool found = true;
  std::unique_ptr<interp::Program> program;
  if (target.ends_with(".onnx") && std::filesystem::exists(target)) {
    try {
      program = interp::load_program_from_text(target, onnx::import_file(target));
    } catch (const onnx::ImportError& error) {
      fail(error.what());
    }
  } else {
    program = interp::load_program(target, &found);
  }
  if (!found) {
    std::string message = "'" + target + "' is neither a file nor a standard-library model";
    std::string hint = interp::closest_name(target, stdlib::model_names());
    if (!hint.empty()) message += "; did you mean '" + hint + "'?";
    fail(message);
  }
  return program;
}

std::vector<std::vector<std::int64_t>> shapes_of(const analysis::ShapeList& shapes, const std::string& path) {
  std::vector<std::vector<std::int64_t>> result;
  for (const std::vector<sym::Int>& shape : shapes) {
    std::vector<std::int64_t>& dims = result.emplace_back();
    for (sym::Int d : shape) dims.push_back(to_int64(d, path + " shape"));
  }
  return result;
}

void fill(Report& report, const ReportState& state) {
  const analysis::Analysis& a = state.analysis;
  report.model = state.graph.model_name;
  for (const ir::ModelParameter& p : state.graph.parameters) report.parameters[p.name] = to_int64(p.value, p.name);
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
                   to_int64(a.totals.peak_activation_bytes, "peak_activation_bytes"),
                   a.training ? to_int64(a.training->totals.train_flops, "train_flops") : 0};
  const analysis::TotalFormulas& f = a.formulas;
  auto ascii = [](const sym::Expr& e) { return e.to_string(sym::PrintStyle::kAscii); };
  report.formulas = {ascii(f.params),    ascii(f.weight_bytes),    ascii(f.activation_bytes),
                     ascii(f.gemm_macs), ascii(f.elementwise_ops), ascii(f.activation_ops),
                     ascii(f.flops)};
  report.layers.reserve(a.layers.size());
  for (const analysis::Layer& layer : a.layers) {
    const ir::Op& op = state.graph.ops[layer.op];
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
  interp::ElaborateOptions elaborate;
  for (const auto& [name, value] : options.bindings) elaborate.overrides[name] = value;
  elaborate.weight_dtype = parse_dtype_option(options.weight_dtype, "weight_dtype");
  elaborate.activation_dtype = parse_dtype_option(options.activation_dtype, "activation_dtype");

  auto state = std::make_shared<ReportState>();
  state->program = load(model_or_path);
  interp::Program& program = *state->program;
  const ast::Definition* model = program.ok() ? program.select_model(options.model) : nullptr;
  if (!program.ok()) throw Error(render_all(program.diagnostics, program.sources));
  try {
    state->graph = interp::elaborate(program, *model, elaborate);
    state->analysis = analysis::analyze(state->graph);
    if (options.mode == Mode::kTrain) {
      auto training = std::make_shared<analysis::Training>(analysis::analyze_training(state->analysis, {}));
      // As the command line does: in training the peak is the one over the forward and the backward pass.
      state->analysis.totals.peak_activation_bytes = training->totals.peak_activation_bytes;
      state->analysis.totals.peak_after = training->totals.peak_at;
      state->analysis.training = std::move(training);
    }
  } catch (const DiagnosticError& error) {
    throw Error(render(error.diagnostic(), program.sources));
  } catch (const sym::OverflowError& error) {
    fail(std::string("arithmetic overflow: ") + error.what());
  } catch (const sym::DomainError& error) {
    fail(error.what());
  }
  Report report;
  fill(report, *state);
  report.state = std::move(state);
  return report;
}

std::string render(const Report& report, std::string_view format) {
  if (!report.state) fail("render: the report holds no analysis");
  const analysis::Analysis& a = report.state->analysis;
  emit::EmitOptions options;
  if (format == "table") {
    // As the command line prints it to a file or a pipe: 100 columns, at the depth that keeps it readable.
    emit::EmitOptions table = options;
    table.auto_depth = true;
    return emit::table(a, table);
  }
  if (format == "csv") return emit::details_csv(a, options);
  if (format == "summary") return emit::summary_csv(a);
  if (format == "json") return emit::json(a, options);
  if (format == "dot") return emit::dot(a, options);
  if (format == "html") {
    std::ostringstream out;
    emit::html(out, a, options);
    return out.str();
  }
  fail("render: format must be table, csv, summary, json, dot or html; got '" + std::string(format) + "'");
}

}  // namespace nnscope
