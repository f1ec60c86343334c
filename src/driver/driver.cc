#include "driver/driver.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "check/check.h"
#include "hfconfig/hf_config.h"
#include "interp/overrides.h"
#include "onnx/importer.h"
#include "ops/doc.h"
#include "ops/registry.h"
#include "stdlib/embedded.h"

namespace nnscope::driver {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

bool is_onnx(const std::string& target) { return target.size() > 5 && target.ends_with(".onnx"); }

// Runs `step`, turning every error a phase raises into a Failure: the one place errors are rendered. `name` (the
// file or model the user named) stands before errors that have no source location.
template <typename Step>
auto guarded(const interp::Program* program, const std::string& name, Step&& step) -> decltype(step()) {
  try {
    return step();
  } catch (const Failure&) {
    throw;
  } catch (const DiagnosticError& error) {
    throw Failure(kExitModelError, program ? render(error.diagnostic(), program->sources)
                                           : name + ": error: " + error.diagnostic().message + "\n");
  } catch (const sym::OverflowError& error) {
    throw Failure(kExitModelError, name + ": error: arithmetic overflow: " + error.what() + "\n");
  } catch (const sym::DomainError& error) {
    throw Failure(kExitModelError, name + ": error: " + error.what() + "\n");
  }
}

// A .nn file, a standard-library name, an ONNX file or a Hugging Face config.json (either translated to .nn text
// first).
std::unique_ptr<interp::Program> load_any(const std::string& target, bool* found,
                                          hfconfig::Imported* config = nullptr) {
  if (hfconfig::is_config(target)) return hfconfig::load_config(target, found, config);
  if (!is_onnx(target)) return interp::load_program(target, found);
  if (!std::filesystem::exists(target)) {
    *found = false;
    return std::make_unique<interp::Program>();
  }
  *found = true;
  try {
    return interp::load_program_from_text(target, onnx::import_file(target));
  } catch (const onnx::ImportError& error) {
    auto program = std::make_unique<interp::Program>();
    program->diagnostics.push_back(Diagnostic{Severity::kError, Location::none(), error.what(), {}});
    return program;
  }
}

std::string not_found(const std::string& what, const std::string& target, const std::vector<std::string>& names) {
  return "nnscope: error: " + what + did_you_mean(target, names);
}

// The static checker (src/check/) over every block and model of a loaded program, before elaboration. Returns the
// rendered warnings; throws Failure on an error, or on a warning with --Werror.
std::string static_check(const interp::Program& program, bool werror) {
  std::vector<Diagnostic> found = check::check_program(program);
  std::string text = render_all(found, program.sources);
  if (check::has_errors(found) || (werror && !found.empty())) throw Failure(kExitModelError, text);
  return text;
}

// Bindings that are wrong on the command line (an unknown name, a size below 1) are usage errors.
void check_overrides(const Loaded& loaded, const interp::ElaborateOptions& options) {
  if (std::optional<Diagnostic> bad =
          interp::check_overrides(*loaded.model, options.overrides, options.list_overrides)) {
    throw Failure(kExitUsage, render(*bad, loaded.program->sources));
  }
}

// Adds what --mode train, --hw and --parallel ask for.
void extend(analysis::Analysis& a, const Request& request, const analysis::HardwareProfile* hardware) {
  std::optional<analysis::Roofline> forward;  // --parallel's recomputation runs the forward pass again
  if (request.parallel && hardware) forward = analysis::analyze_roofline(a, *hardware);
  if (request.train)
    a.training = std::make_shared<analysis::Training>(analysis::analyze_training(a, request.train_options));
  if (hardware) a.roofline = std::make_shared<analysis::Roofline>(analysis::analyze_roofline(a, *hardware));
  if (forward) {
    try {
      a.parallel =
          std::make_shared<analysis::Parallel>(analysis::analyze_parallel(a, *forward, *hardware, *request.parallel));
    } catch (const std::invalid_argument& error) {
      usage_error(error.what());
    }
  }
}

// What a sweep's formats read of a point: its totals (training's and the roofline's too) and the model's name.
void keep_totals_only(analysis::Analysis& a, const ir::Graph& base) {
  a.graph = &base;
  a.layers = {};
  a.tensor_shapes.reset();
  if (a.training) a.training = std::make_shared<analysis::Training>(analysis::Training{{}, a.training->totals, {}});
  if (a.roofline) {
    auto roofline = std::make_shared<analysis::Roofline>(*a.roofline);
    roofline->layers = {};
    a.roofline = std::move(roofline);
  }
}

std::vector<emit::SweepPoint> sweep(const Request& request, const Loaded& loaded, const ir::Graph& base,
                                    const analysis::HardwareProfile* hardware) {
  std::size_t points = 1;
  std::vector<bool> axis_is_const;  // per --sweep, in order: its parameter is const (changes the graph's structure)
  for (const auto& [name, values] : request.sweeps) {
    auto parameter = std::find_if(base.parameters.begin(), base.parameters.end(),
                                  [&swept = name](const ir::ModelParameter& p) { return p.name == swept; });
    if (parameter == base.parameters.end()) {
      usage_error("--sweep " + name + ": model '" + base.model_name + "' has no parameter '" + name + "'");
    }
    axis_is_const.push_back(parameter->is_const);
    points *= values.size();
    if (points > 1'000'000) usage_error("--sweep: more than 1,000,000 points");
  }
  // Each point's values, in --sweep order; points that give the const parameters the same values form a group,
  // elaborated once.
  std::vector<emit::SweepPoint> results(points);
  std::map<std::vector<sym::Int>, std::vector<std::size_t>> groups;
  for (std::size_t index = 0; index < points; ++index) {
    emit::SweepPoint& point = results[index];
    std::vector<sym::Int> const_values;
    std::size_t rest = index;
    for (std::size_t axis = request.sweeps.size(); axis-- > 0;) {
      const auto& [name, values] = request.sweeps[axis];
      sym::Int v = values[rest % values.size()];
      rest /= values.size();
      point.values.insert(point.values.begin(), {name, v});
      if (axis_is_const[axis]) {
        const_values.insert(const_values.begin(), v);
      } else if (v < 1) {
        usage_error("--sweep " + name + ": sizes must be at least 1");
      }
    }
    groups[const_values].push_back(index);
  }
  auto overrides_at = [&](const emit::SweepPoint& point) {
    std::map<std::string, sym::Int> overrides = request.elaborate.overrides;
    for (const auto& [name, v] : point.values) overrides[name] = v;
    return overrides;
  };
  auto elaborate_at = [&](const emit::SweepPoint& point) {
    interp::ElaborateOptions options = request.elaborate;
    options.overrides = overrides_at(point);
    return std::make_unique<ir::Graph>(interp::elaborate(*loaded.program, *loaded.model, options));
  };
  // A group's graph lives only while its points are evaluated: a sweep keeps the totals of each point, never a
  // graph or per-layer figures (20,000 points of a large model stay small). Without training or a roofline (which
  // need every layer) a point needs only the totals, evaluated from formulas prepared once per graph: a
  // 1,000-point sweep then costs about one analysis, not a thousand.
  for (const auto& [const_values, indices] : groups) {
    std::unique_ptr<ir::Graph> group_graph;
    if (!const_values.empty()) group_graph = elaborate_at(results[indices.front()]);
    const ir::Graph& graph = group_graph ? *group_graph : base;
    std::optional<analysis::Analysis> graph_analysis;
    std::optional<analysis::TotalsEvaluator> totals_at;
    if (!request.train && !hardware) {
      graph_analysis = analysis::analyze(graph, request.kernels);
      totals_at.emplace(*graph_analysis);
    }
    for (std::size_t index : indices) {
      emit::SweepPoint& point = results[index];
      sym::Bindings bindings = graph.bindings;
      for (const auto& [name, v] : point.values) bindings.set(name, v);
      std::unique_ptr<ir::Graph> point_graph;  // outlives extend(), which reads the analysis' graph
      if (analysis::assumptions_hold(graph, bindings)) {
        point.analysis = totals_at ? totals_at->at(bindings) : analysis::analyze_at(graph, bindings, request.kernels);
      } else {
        // The sizes break an assumption the graph was built under (a branch on a size): elaborate this point.
        point_graph = elaborate_at(point);
        point.analysis = analysis::analyze(*point_graph, request.kernels);
      }
      extend(point.analysis, request, hardware);
      keep_totals_only(point.analysis, base);
    }
  }
  return results;
}

}  // namespace

void usage_error(const std::string& message) {
  throw Failure(kExitUsage, "nnscope: error: " + message + "\n(see nnscope --help)\n");
}

DType parse_storage_dtype(const std::string& text, const std::string& option) {
  std::optional<DType> dtype = parse_dtype(text);
  if (dtype && (*dtype == DType::kI32 || *dtype == DType::kI64 || *dtype == DType::kBool)) dtype.reset();
  if (!dtype) usage_error(option + ": unknown dtype '" + text + "' (fp32 tf32 fp16 bf16 fp8 int8 int4)");
  return *dtype;
}

void set_limit(interp::Limits& limits, const std::string& name, sym::Int value) {
  if (value < 1 || value > (sym::Int(1) << 62)) usage_error("--limit needs NAME=VALUE with a positive VALUE");
  auto count = static_cast<std::uint64_t>(value);
  static const std::pair<std::string_view, std::uint64_t interp::Limits::*> kLimits[] = {
      {"ops", &interp::Limits::max_ops},
      {"steps", &interp::Limits::max_steps},
      {"loop-trips", &interp::Limits::max_loop_trips},
      {"expr-size", &interp::Limits::max_expr_size},
      {"string-bytes", &interp::Limits::max_string_bytes},
      {"list-items", &interp::Limits::max_list_items},
      {"path-depth", &interp::Limits::max_path_depth},
  };
  for (const auto& [limit, member] : kLimits) {
    if (name == limit) {
      limits.*member = count;
      return;
    }
  }
  if (name == "call-depth") {  // a 32-bit count: deeper than 100,000 would overflow the stack first anyway
    limits.max_call_depth = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, 100'000));
    return;
  }
  usage_error("--limit: unknown limit '" + name +
              "' (ops, steps, loop-trips, call-depth, expr-size, string-bytes, list-items, path-depth)");
}

Loaded load(const std::string& target, const std::string& model_name) {
  Loaded loaded;
  bool found = true;
  hfconfig::Imported config;
  loaded.program = load_any(target, &found, &config);
  loaded.default_weight_dtype = config.weight_dtype;
  if (!found) {
    throw Failure(kExitUsage, not_found("'" + target + "' is neither a file nor a standard-library model", target,
                                        stdlib::model_names()) +
                                  "\n(nnscope list shows the standard-library models)\n");
  }
  if (loaded.program->ok()) loaded.model = loaded.program->select_model(model_name);
  if (!loaded.program->ok()) {
    throw Failure(kExitModelError, render_all(loaded.program->diagnostics, loaded.program->sources));
  }
  return loaded;
}

// A profile is stdlib_models/hardware/NAME.nn or a file: a model whose const parameters are the figures.
analysis::HardwareProfile load_hardware(const std::string& target,
                                        const std::vector<std::pair<std::string, double>>& overrides) {
  std::unique_ptr<interp::Program> program;
  std::string embedded_path = "hardware/" + target + ".nn";
  if (const std::string_view* text = stdlib::find_file(embedded_path)) {
    program = interp::load_program_from_text("<stdlib>/" + embedded_path, std::string(*text));
  } else {
    bool found = true;
    program = interp::load_program(target, &found);
    if (!found) {
      std::vector<std::string> names;
      for (const stdlib::EmbeddedFile& f : stdlib::embedded_files()) {
        if (f.path.starts_with("hardware/") && f.path.ends_with(".nn")) {
          names.emplace_back(f.path.substr(9, f.path.size() - 12));
        }
      }
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : " ") + n;
      throw Failure(kExitUsage, not_found("--hw: '" + target + "' is neither a file nor a built-in hardware profile (" +
                                              known + ")",
                                          target, names) +
                                    "\n");
    }
  }
  const ast::Definition* model = program->ok() ? program->select_model("") : nullptr;
  if (!program->ok() || !model) throw Failure(kExitModelError, render_all(program->diagnostics, program->sources));
  return guarded(program.get(), target, [&] {
    ir::Graph graph = interp::elaborate(*program, *model, {});
    std::vector<std::pair<std::string, double>> values;
    for (const ir::ModelParameter& p : graph.parameters) values.emplace_back(p.name, static_cast<double>(p.value));
    values.insert(values.end(), overrides.begin(), overrides.end());
    try {
      return analysis::make_profile(graph.model_name, values);
    } catch (const std::runtime_error& error) {  // a parameter the profile format does not know, or one missing
      throw Failure(kExitModelError, std::string("nnscope: error: --hw: ") + error.what() + "\n");
    }
  });
}

std::string import_model(const std::string& path) {
  if (hfconfig::is_config(path)) {
    bool found = true;
    hfconfig::Imported imported;
    std::unique_ptr<interp::Program> program = hfconfig::load_config(path, &found, &imported);
    if (!program->ok()) {
      throw Failure(found ? kExitModelError : kExitUsage, render_all(program->diagnostics, program->sources));
    }
    return imported.text;
  }
  if (!is_onnx(path)) usage_error("import takes one FILE.onnx or config.json");
  try {
    return onnx::import_file(path);
  } catch (const onnx::ImportError& error) {
    throw Failure(kExitModelError, std::string("nnscope: error: ") + error.what() + "\n");
  }
}

std::unique_ptr<Report> run(const Request& given, Timings* timings) {
  Request request = given;
  if (request.parallel) {  // a plan is for training, on a profile, at one point
    if (request.hardware.empty()) usage_error("--parallel needs --hw (the devices' profile)");
    if (!request.sweeps.empty()) usage_error("--parallel does not combine with --sweep");
    request.train = true;
    if (request.parallel->microbatch > 0) {
      auto [it, added] = request.elaborate.overrides.emplace("batch", request.parallel->microbatch);
      if (!added && it->second != request.parallel->microbatch) {
        usage_error("--parallel microbatch=" + sym::to_string(request.parallel->microbatch) +
                    " disagrees with --set batch=" + sym::to_string(it->second));
      }
    }
  } else if (!request.hardware_overrides.empty() && request.hardware.empty()) {
    usage_error("--set-hw needs --hw");
  }
  auto report = std::make_unique<Report>();
  Clock::time_point start = Clock::now();
  report->loaded = load(given.target, given.model_name);
  if (report->loaded.default_weight_dtype && !request.weight_dtype_given) {
    request.elaborate.weight_dtype = *report->loaded.default_weight_dtype;
  }
  report->warnings = static_check(*report->loaded.program, request.werror);
  std::optional<analysis::HardwareProfile> hardware;
  if (!request.hardware.empty()) hardware = load_hardware(request.hardware, request.hardware_overrides);
  check_overrides(report->loaded, request.elaborate);
  if (timings) timings->load = seconds_since(start);
  const interp::Program* program = report->loaded.program.get();
  guarded(program, request.target, [&] {
    start = Clock::now();
    report->graph = std::make_unique<ir::Graph>(interp::elaborate(*program, *report->loaded.model, request.elaborate));
    if (timings) timings->elaborate = seconds_since(start);
    start = Clock::now();
    if (!request.sweeps.empty()) {
      report->sweep = sweep(request, report->loaded, *report->graph, hardware ? &*hardware : nullptr);
    } else {
      // Nothing reads the syntax trees after elaboration (diagnostics need only the source text): freeing them
      // lets the analysis reuse their memory; a 1M-statement file's trees are 200 MB.
      report->loaded.program->definitions.clear();
      report->loaded.program->modules.clear();
      report->loaded.model = nullptr;
      report->analysis = std::make_unique<analysis::Analysis>(analysis::analyze(*report->graph, request.kernels));
      extend(*report->analysis, request, hardware ? &*hardware : nullptr);
    }
    if (timings) timings->analyze = seconds_since(start);
  });
  return report;
}

int check(const std::vector<std::string>& files, const Request& options, std::string& diagnostics) {
  int status = kExitOk;
  for (const std::string& file : files) {
    bool found = true;
    std::unique_ptr<interp::Program> program = load_any(file, &found);
    if (!program->ok()) {
      diagnostics += render_all(program->diagnostics, program->sources);
      status = std::max(status, found ? kExitModelError : kExitUsage);
      continue;
    }
    try {
      diagnostics += static_check(*program, options.werror);
    } catch (const Failure& failure) {
      diagnostics += failure.text();
      status = std::max(status, failure.status());
      continue;
    }
    // Every model of the file is elaborated at its defaults, so shape errors are found too; analysing catches
    // figures that overflow.
    for (const ast::Definition& definition : program->main().definitions) {
      if (definition.kind != ast::DefinitionKind::kModel) continue;
      if (std::optional<Diagnostic> bad =
              interp::check_overrides(definition, options.elaborate.overrides, options.elaborate.list_overrides)) {
        diagnostics += render(*bad, program->sources);
        status = std::max(status, kExitUsage);
        continue;
      }
      try {
        guarded(program.get(), file, [&] {
          ir::Graph graph = interp::elaborate(*program, definition, options.elaborate);
          analysis::analyze(graph);
        });
      } catch (const Failure& failure) {
        diagnostics += failure.text();
        status = std::max(status, kExitModelError);
      }
    }
  }
  return status;
}

std::vector<ModelSummary> list_models() {
  std::vector<ModelSummary> models;
  for (const std::string& name : stdlib::model_names()) {
    ModelSummary summary;
    summary.name = name;
    try {
      Loaded loaded = load(name, "");
      const std::string& doc = loaded.model->doc.empty() ? loaded.program->main().doc : loaded.model->doc;
      summary.description = doc.substr(0, doc.find('\n'));
      guarded(loaded.program.get(), name, [&] {
        ir::Graph graph = interp::elaborate(*loaded.program, *loaded.model, {});
        analysis::Analysis a = analysis::analyze(graph);
        summary.params = a.totals.figures.params;
        summary.gemm_macs = a.totals.figures.gemm_macs;
      });
    } catch (const Failure& failure) {
      summary.error = failure.text();
    }
    models.push_back(std::move(summary));
  }
  return models;
}

std::vector<analysis::Serving> serve(const Request& request, const analysis::ServeOptions& options) {
  if (request.hardware.empty()) usage_error("serve needs --hw PROFILE");
  Loaded loaded = load(request.target, request.model_name);
  static_check(*loaded.program, request.werror);
  analysis::HardwareProfile hardware = load_hardware(request.hardware);
  for (const char* name : {"batch", "seq", "past"}) {
    bool known = false;
    for (const ast::Parameter& p : loaded.model->parameters) known |= p.name == name;
    if (!known) {
      usage_error("serve needs a decoder model with the parameters batch, seq and past (the KV cache); '" +
                  request.target + "' has no '" + name + "'");
    }
  }
  for (const char* name : {"batch", "seq", "past"}) {
    if (request.elaborate.overrides.contains(name)) {
      usage_error(std::string("serve sets ") + name + " itself: use --prompt, --generate and --batch");
    }
  }
  check_overrides(loaded, request.elaborate);
  std::size_t points = 1;
  for (const auto& [name, values] : request.sweeps) {
    if (name != "batch" && name != "prompt" && name != "generate") {
      usage_error("serve --sweep: only batch, prompt and generate can be swept; got '" + name + "'");
    }
    for (sym::Int v : values) {
      if (v < 1) usage_error("serve --sweep " + name + ": values must be at least 1");
    }
    points *= values.size();
    if (points > 10'000) usage_error("serve --sweep: more than 10,000 points");
  }
  analysis::StepAt step_at = [&](sym::Int batch, sym::Int seq, sym::Int past) {
    interp::ElaborateOptions elaborate = request.elaborate;
    elaborate.overrides["batch"] = batch;
    elaborate.overrides["seq"] = seq;
    elaborate.overrides["past"] = past;
    analysis::ServeStep step;
    auto graph = std::make_shared<ir::Graph>(interp::elaborate(*loaded.program, *loaded.model, elaborate));
    auto a = std::make_shared<analysis::Analysis>(analysis::analyze(*graph, request.kernels));
    a->roofline = std::make_shared<analysis::Roofline>(analysis::analyze_roofline(*a, hardware));
    step.graph = std::move(graph);
    step.analysis = std::move(a);
    return step;
  };
  std::vector<analysis::Serving> results;
  for (std::size_t index = 0; index < points; ++index) {
    analysis::ServeOptions point = options;
    std::size_t rest = index;
    for (auto it = request.sweeps.rbegin(); it != request.sweeps.rend(); ++it) {
      sym::Int v = it->second[rest % it->second.size()];
      rest /= it->second.size();
      (it->first == "batch" ? point.batch : it->first == "prompt" ? point.prompt : point.generate) = v;
    }
    results.push_back(guarded(loaded.program.get(), request.target,
                              [&] { return analysis::analyze_serving(point, hardware, step_at); }));
  }
  return results;
}

std::string_view stdlib_source(const std::string& name) {
  const std::string_view* text = stdlib::find_file(name + ".nn");
  if (!text) text = stdlib::find_file(name);
  if (!text) {
    throw Failure(kExitUsage, "nnscope: error: no standard-library model '" + name + "'" +
                                  did_you_mean(name, stdlib::model_names()) + "\n");
  }
  return *text;
}

std::string operator_docs(const std::string& name) {
  const ops::Registry& registry = ops::Registry::instance();
  if (name.empty()) return ops::operator_list(registry);
  const ops::OpDef* def = registry.find(name);
  if (!def) {
    std::vector<std::string> names;
    for (const ops::OpDef& d : registry.all()) names.push_back(d.name);
    usage_error("no operator '" + name + "'" + did_you_mean(name, names));
  }
  return ops::describe(*def);
}

}  // namespace nnscope::driver
