#include "cli/cli.h"

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "analysis/analysis.h"
#include "analysis/roofline.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "interp/interpreter.h"
#include "onnx/importer.h"
#include "ops/registry.h"
#include "stdlib/embedded.h"

namespace nnscope::cli {
namespace {

constexpr const char* kUsage = R"(usage: nnscope <command> [options]

Commands:
  analyze MODEL   analyse a model: shapes, parameters, GEMM / element-wise / activation work, bytes
  check FILE...   parse and validate model files; prints diagnostics only
  list            the standard-library models, one line each
  show MODEL      print a standard-library model's source
  dot MODEL       write the graph in Graphviz DOT (to stdout, or -o FILE)
  import FILE.onnx  translate an ONNX model into a .nn file (to stdout, or -o FILE); see docs/onnx.md
  ops             the operators the language knows

MODEL is a path to a .nn file, an .onnx file or the name of a standard-library model (see `nnscope list`).

Options for analyze and dot:
  --set NAME=VALUE        bind a model parameter (repeatable), e.g. --set batch=8
  --sweep NAME=V1,V2,...  evaluate at several values (repeatable: the points are the product)
  --dtype T               weights and activations: fp32 tf32 fp16 bf16 fp8 int8 int4 (default fp32)
  --weight-dtype T        weights only
  --act-dtype T           activations only
  --format F              table (default), csv (per-layer details), summary (summary CSV), json, dot
  --out DIR               also write MODEL.details.csv, MODEL.summary.csv, MODEL.json and MODEL.dot to DIR
  --depth N               collapse blocks deeper than N levels (0 = top level only)
  --mode M                infer (default) or train: add the backward pass, training memory and peak
  --optimizer O           (train) sgd, momentum, adam (default) or adamw: its state in the training memory
  --hw NAME|FILE          roofline time per layer on a hardware profile: a100 h100 nvdla_full tpu_v4, or a
                          .nn file of const parameters (docs/cost-model.md, "Roofline")
  --model NAME            which model of a file that defines several
  --limit NAME=N          raise a safety limit: ops (5000000), steps (20000000), loop-trips (10000000),
                          call-depth (200), expr-size (1000), string-bytes (1048576), list-items (100000),
                          path-depth (1000)
  -o FILE                 (dot) write to FILE instead of stdout

  --help, --version

Exit status: 0 success, 1 the model has an error, 2 bad command-line usage.
)";

struct Options {
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, sym::Int> overrides;
  std::vector<std::pair<std::string, std::vector<sym::Int>>> sweeps;
  DType weight_dtype = DType::kF32;
  DType activation_dtype = DType::kF32;
  std::string format = "table";
  std::string out_dir;
  std::string output_file;
  std::string model_name;
  std::size_t depth = ~std::size_t{0};
  interp::Limits limits;
  bool train = false;
  analysis::TrainOptions train_options;
  std::string hardware;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

sym::Int parse_value(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : text) {
    if (c != '_') cleaned += c;
  }
  sym::Int value;
  if (cleaned.empty() || !sym::parse_int(cleaned, &value)) {
    throw UsageError(what + ": '" + text + "' is not an integer");
  }
  return value;
}

DType parse_dtype_option(const std::string& text, const std::string& option) {
  std::optional<DType> dtype = parse_dtype(text);
  // Weights and activations are floating point or quantised integers; int32/int64/bool are index types.
  if (dtype && (*dtype == DType::kI32 || *dtype == DType::kI64 || *dtype == DType::kBool)) dtype.reset();
  if (!dtype) throw UsageError(option + ": unknown dtype '" + text + "' (fp32 tf32 fp16 bf16 fp8 int8 int4)");
  return *dtype;
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  o.command = args.front();
  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string inline_value;
    bool has_inline = false;
    if (arg.starts_with("--") && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--set") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--set needs NAME=VALUE, got '" + v + "'");
      o.overrides[v.substr(0, eq)] = parse_value(v.substr(eq + 1), "--set " + v.substr(0, eq));
    } else if (arg == "--sweep") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--sweep needs NAME=V1,V2,..., got '" + v + "'");
      std::vector<sym::Int> values;
      std::string list = v.substr(eq + 1);
      std::size_t start = 0;
      while (start <= list.size()) {
        std::size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        values.push_back(parse_value(list.substr(start, comma - start), "--sweep " + v.substr(0, eq)));
        start = comma + 1;
      }
      o.sweeps.emplace_back(v.substr(0, eq), std::move(values));
    } else if (arg == "--dtype") {
      o.weight_dtype = o.activation_dtype = parse_dtype_option(value(), "--dtype");
    } else if (arg == "--weight-dtype") {
      o.weight_dtype = parse_dtype_option(value(), "--weight-dtype");
    } else if (arg == "--act-dtype") {
      o.activation_dtype = parse_dtype_option(value(), "--act-dtype");
    } else if (arg == "--format") {
      o.format = value();
      if (o.format != "table" && o.format != "csv" && o.format != "summary" && o.format != "json" &&
          o.format != "dot") {
        throw UsageError("--format must be table, csv, summary, json or dot; got '" + o.format + "'");
      }
    } else if (arg == "--out") {
      o.out_dir = value();
    } else if (arg == "-o" || arg == "--output") {
      o.output_file = value();
    } else if (arg == "--limit") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::string name = v.substr(0, eq);
      sym::Int n = eq == std::string::npos ? -1 : parse_value(v.substr(eq + 1), "--limit " + name);
      if (n < 1 || n > (sym::Int(1) << 62)) throw UsageError("--limit needs NAME=VALUE with a positive VALUE");
      auto count = static_cast<std::uint64_t>(n);
      if (name == "ops") {
        o.limits.max_ops = count;
      } else if (name == "steps") {
        o.limits.max_steps = count;
      } else if (name == "loop-trips") {
        o.limits.max_loop_trips = count;
      } else if (name == "call-depth") {
        o.limits.max_call_depth = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, 100'000));
      } else if (name == "expr-size") {
        o.limits.max_expr_size = count;
      } else if (name == "string-bytes") {
        o.limits.max_string_bytes = count;
      } else if (name == "list-items") {
        o.limits.max_list_items = count;
      } else if (name == "path-depth") {
        o.limits.max_path_depth = count;
      } else {
        throw UsageError("--limit: unknown limit '" + name +
                         "' (ops, steps, loop-trips, call-depth, expr-size, string-bytes, list-items, path-depth)");
      }
    } else if (arg == "--model") {
      o.model_name = value();
    } else if (arg == "--mode") {
      std::string mode = value();
      if (mode != "infer" && mode != "train") throw UsageError("--mode must be infer or train; got '" + mode + "'");
      o.train = mode == "train";
    } else if (arg == "--optimizer") {
      std::string name = value();
      std::optional<analysis::Optimizer> optimizer = analysis::parse_optimizer(name);
      if (!optimizer) throw UsageError("--optimizer must be sgd, momentum, adam or adamw; got '" + name + "'");
      o.train_options.optimizer = *optimizer;
    } else if (arg == "--hw") {
      o.hardware = value();
    } else if (arg == "--depth") {
      sym::Int d = parse_value(value(), "--depth");
      if (d < 0 || d > 1000) throw UsageError("--depth must be between 0 and 1000");
      o.depth = static_cast<std::size_t>(d);
    } else if (arg.starts_with("-") && arg != "-") {
      throw UsageError("unknown option '" + arg + "'");
    } else {
      o.positional.push_back(args[i]);
    }
  }
  return o;
}

// A loaded program and the elaborated graph of its model, or the diagnostics that stopped it.
struct Loaded {
  std::unique_ptr<interp::Program> program;
  const ast::Definition* model = nullptr;
};

// What analyze() built, kept alive until the process exits (keep_results_until_exit()). The pointer keeps it
// reachable, so leak checkers do not report it.
struct Retained {
  Loaded loaded;
  ir::Graph graph;
  analysis::Analysis analysis;
};
bool keep_results = false;
std::vector<Retained*>* retained = nullptr;

void retain(Loaded& loaded, ir::Graph& graph, analysis::Analysis& analysis) {
  if (!keep_results) return;
  if (!retained) retained = new std::vector<Retained*>;
  retained->push_back(new Retained{std::move(loaded), std::move(graph), std::move(analysis)});
}

bool is_onnx(const std::string& target) { return target.size() > 5 && target.ends_with(".onnx"); }

// A .nn file, a standard-library name, or an ONNX file (imported to .nn text first, docs/onnx.md). A bad
// ONNX file becomes one diagnostic naming the file and, for malformed protobuf, the byte offset and field.
std::unique_ptr<interp::Program> load_any(const std::string& target, bool* found) {
  if (!is_onnx(target)) return interp::load_program(target, found);
  if (!std::filesystem::exists(target)) {
    *found = false;
    return std::make_unique<interp::Program>();
  }
  std::string text;
  try {
    text = onnx::import_file(target);
  } catch (const onnx::ImportError& error) {
    auto program = std::make_unique<interp::Program>();
    program->diagnostics.push_back(Diagnostic{Severity::kError, Location::none(), error.what(), {}});
    return program;
  }
  *found = true;
  return interp::load_program_from_text(target, std::move(text));
}

bool write_file(const std::filesystem::path& path, const std::string& text, std::ostream& err);

int import_onnx(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.positional.size() != 1 || !is_onnx(o.positional[0])) throw UsageError("import takes one FILE.onnx");
  std::string text;
  try {
    text = onnx::import_file(o.positional[0]);
  } catch (const onnx::ImportError& error) {
    err << "nnscope: error: " << error.what() << "\n";
    return kExitModelError;
  }
  if (o.output_file.empty()) {
    out << text;
    return kExitOk;
  }
  return write_file(o.output_file, text, err) ? kExitOk : kExitUsage;
}

// Exit code when loading failed; 0 when `loaded` is ready.
int load(const std::string& target, const std::string& model_name, Loaded& loaded, std::ostream& err) {
  bool found = true;
  loaded.program = load_any(target, &found);
  if (!found) {
    std::string hint = interp::closest_name(target, stdlib::model_names());
    err << "nnscope: error: '" << target << "' is neither a file nor a standard-library model";
    if (!hint.empty()) err << "; did you mean '" << hint << "'?";
    err << "\n(nnscope list shows the standard-library models)\n";
    return kExitUsage;
  }
  if (loaded.program->ok()) loaded.model = loaded.program->select_model(model_name);
  if (!loaded.program->ok()) {
    err << render_all(loaded.program->diagnostics, loaded.program->sources);
    return kExitModelError;
  }
  return kExitOk;
}

// A hardware profile: stdlib_models/hardware/NAME.nn or a file, a model whose const parameters are the figures.
std::optional<analysis::HardwareProfile> load_hardware(const std::string& target, std::ostream& err, int* code) {
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
      std::string hint = interp::closest_name(target, names);
      std::string known;
      for (const std::string& n : names) known += (known.empty() ? "" : " ") + n;
      err << "nnscope: error: --hw: '" << target << "' is neither a file nor a built-in hardware profile (" << known
          << ")";
      if (!hint.empty()) err << "; did you mean '" << hint << "'?";
      err << "\n";
      *code = kExitUsage;
      return std::nullopt;
    }
  }
  const ast::Definition* model = program->ok() ? program->select_model("") : nullptr;
  if (!program->ok() || !model) {
    err << render_all(program->diagnostics, program->sources);
    *code = kExitModelError;
    return std::nullopt;
  }
  try {
    ir::Graph graph = interp::elaborate(*program, *model, {});
    std::vector<std::pair<std::string, double>> values;
    for (const ir::ModelParameter& p : graph.parameters) values.emplace_back(p.name, static_cast<double>(p.value));
    return analysis::make_profile(graph.model_name, values);
  } catch (const DiagnosticError& error) {
    err << render(error.diagnostic(), program->sources);
  } catch (const std::exception& error) {
    err << "nnscope: error: --hw: " << error.what() << "\n";
  }
  *code = kExitModelError;
  return std::nullopt;
}

// Adds what --mode train and --hw ask for to an analysis (a run or a sweep point).
void extend(analysis::Analysis& a, const Options& o, const std::optional<analysis::HardwareProfile>& hardware) {
  if (o.train) {
    auto training = std::make_shared<analysis::Training>(analysis::analyze_training(a, o.train_options));
    // In training the peak is the one over forward and backward.
    a.totals.peak_activation_bytes = training->totals.peak_activation_bytes;
    a.totals.peak_after = training->totals.peak_at;
    a.training = std::move(training);
  }
  if (hardware) a.roofline = std::make_shared<analysis::Roofline>(analysis::analyze_roofline(a, *hardware));
}

interp::ElaborateOptions elaborate_options(const Options& o) {
  interp::ElaborateOptions e;
  e.overrides = o.overrides;
  e.weight_dtype = o.weight_dtype;
  e.activation_dtype = o.activation_dtype;
  e.limits = o.limits;
  return e;
}

bool write_file(const std::filesystem::path& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  if (!f) {
    err << "nnscope: error: cannot write '" << path.string() << "'\n";
    return false;
  }
  return true;
}

int analyze_sweep(const Options& o, const Loaded& loaded, const ir::Graph& base, std::ostream& out,
                  const std::optional<analysis::HardwareProfile>& hardware) {
  std::size_t points = 1;
  for (const auto& [name, values] : o.sweeps) {
    bool known = false;
    for (const ir::ModelParameter& p : base.parameters) known |= p.name == name;
    if (!known)
      throw UsageError("--sweep " + name + ": model '" + base.model_name + "' has no parameter '" + name + "'");
    points *= values.size();
    if (points > 1'000'000) throw UsageError("--sweep: more than 1,000,000 points");
  }
  std::deque<ir::Graph> regraphs;  // graphs elaborated again where the base graph's assumptions fail
  // Without training or a roofline (which need every layer) a point needs only the totals, evaluated from
  // formulas prepared once: a 1,000-point sweep then costs about one analysis, not a thousand.
  std::optional<analysis::Analysis> base_analysis;
  std::optional<analysis::TotalsEvaluator> totals_at;
  if (!o.train && !hardware) {
    base_analysis = analysis::analyze(base);
    totals_at.emplace(*base_analysis);
  }
  std::vector<emit::SweepPoint> results;
  results.reserve(points);
  for (std::size_t index = 0; index < points; ++index) {
    emit::SweepPoint point;
    sym::Bindings bindings = base.bindings;
    std::map<std::string, sym::Int> overrides = o.overrides;
    std::size_t rest = index;
    bool needs_elaboration = false;
    for (auto it = o.sweeps.rbegin(); it != o.sweeps.rend(); ++it) {
      sym::Int v = it->second[rest % it->second.size()];
      rest /= it->second.size();
      point.values.insert(point.values.begin(), {it->first, v});
      bindings.set(it->first, v);
      overrides[it->first] = v;
      for (const ir::ModelParameter& p : base.parameters) needs_elaboration |= p.name == it->first && p.is_const;
    }
    for (const auto& [name, v] : point.values) {
      if (v < 1) {
        for (const ir::ModelParameter& p : base.parameters) {
          if (p.name == name && !p.is_const) throw UsageError("--sweep " + name + ": sizes must be at least 1");
        }
      }
    }
    if (!needs_elaboration && analysis::assumptions_hold(base, bindings)) {
      if (totals_at) {
        point.analysis = totals_at->at(bindings);
      } else {
        point.analysis = analysis::analyze_at(base, bindings);
      }
    } else {
      interp::ElaborateOptions e = elaborate_options(o);
      e.overrides = overrides;
      regraphs.push_back(interp::elaborate(*loaded.program, *loaded.model, e));
      point.analysis = analysis::analyze(regraphs.back());
    }
    extend(point.analysis, o, hardware);
    // A sweep reports totals only; dropping the per-layer rows keeps 1,000 points of a large model small.
    point.analysis.layers = {};
    results.push_back(std::move(point));
  }
  if (o.format == "json") {
    out << emit::sweep_json(results);
  } else if (o.format == "csv" || o.format == "summary") {
    out << emit::sweep_csv(results);
  } else {
    out << emit::sweep_table(results);
  }
  return kExitOk;
}

int analyze(const Options& o, std::ostream& out, std::ostream& err, bool dot_command) {
  if (o.positional.size() != 1)
    throw UsageError(o.command + " takes one MODEL (a .nn file or a standard-library name)");
  Loaded loaded;
  if (int code = load(o.positional[0], o.model_name, loaded, err)) return code;
  std::optional<analysis::HardwareProfile> hardware;
  if (!o.hardware.empty()) {
    int code = kExitOk;
    hardware = load_hardware(o.hardware, err, &code);
    if (!hardware) return code;
  }
  try {
    ir::Graph graph = interp::elaborate(*loaded.program, *loaded.model, elaborate_options(o));
    if (!o.sweeps.empty() && !dot_command) return analyze_sweep(o, loaded, graph, out, hardware);
    // Nothing reads the syntax trees after elaboration (diagnostics need only the source text): freeing them
    // (a few large arena blocks) lets the analysis reuse their memory; a 1M-statement file's trees are 200 MB.
    loaded.program->definitions.clear();
    loaded.program->modules.clear();
    loaded.model = nullptr;
    analysis::Analysis a = analysis::analyze(graph);
    extend(a, o, hardware);
    emit::EmitOptions emit_options;
    emit_options.depth = o.depth;
    if (!o.out_dir.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(o.out_dir, ec);
      if (ec) {
        err << "nnscope: error: cannot create directory '" << o.out_dir << "': " << ec.message() << "\n";
        return kExitUsage;
      }
      std::filesystem::path dir(o.out_dir);
      const std::string& name = graph.model_name;
      if (!write_file(dir / (name + ".details.csv"), emit::details_csv(a, emit_options), err) ||
          !write_file(dir / (name + ".summary.csv"), emit::summary_csv(a), err) ||
          !write_file(dir / (name + ".json"), emit::json(a, emit_options), err) ||
          !write_file(dir / (name + ".dot"), emit::dot(a, emit_options), err)) {
        return kExitUsage;
      }
    }
    std::string format = dot_command ? "dot" : o.format;
    if (format == "json" && o.output_file.empty()) {
      emit::json(out, a, emit_options);  // streamed: a 1M-op report is hundreds of MB
      retain(loaded, graph, a);
      return kExitOk;
    }
    std::string text;
    if (format == "table") text = emit::table(a, emit_options);
    if (format == "csv") text = emit::details_csv(a, emit_options);
    if (format == "summary") text = emit::summary_csv(a);
    if (format == "json") text = emit::json(a, emit_options);
    if (format == "dot") text = emit::dot(a, emit_options);
    if (!o.output_file.empty()) {
      if (!write_file(o.output_file, text, err)) return kExitUsage;
    } else {
      out << text;
    }
    retain(loaded, graph, a);
    return kExitOk;
  } catch (const DiagnosticError& error) {
    err << render(error.diagnostic(), loaded.program->sources);
    return kExitModelError;
  } catch (const sym::OverflowError& error) {
    err << "nnscope: error: arithmetic overflow: " << error.what() << "\n";
    return kExitModelError;
  } catch (const sym::DomainError& error) {
    err << "nnscope: error: " << error.what() << "\n";
    return kExitModelError;
  }
}

int check(const Options& o, std::ostream& err) {
  if (o.positional.empty()) throw UsageError("check takes one or more FILEs");
  int code = kExitOk;
  for (const std::string& file : o.positional) {
    bool found = true;
    auto program = load_any(file, &found);
    if (!program->ok()) {
      err << render_all(program->diagnostics, program->sources);
      code = std::max(code, found ? kExitModelError : kExitUsage);
      continue;
    }
    // Every model of the file is elaborated at its defaults, so shape errors are found too.
    for (const ast::Definition& def : program->main().definitions) {
      if (def.kind != ast::DefinitionKind::kModel) continue;
      try {
        // Analysing too catches figures that overflow.
        ir::Graph graph = interp::elaborate(*program, def, elaborate_options(o));
        analysis::analyze(graph);
      } catch (const DiagnosticError& error) {
        err << render(error.diagnostic(), program->sources);
        code = std::max(code, kExitModelError);
      } catch (const std::exception& error) {
        err << file << ": error: " << error.what() << "\n";
        code = std::max(code, kExitModelError);
      }
    }
  }
  return code;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

int list(std::ostream& out, std::ostream& err) {
  for (const std::string& name : stdlib::model_names()) {
    Loaded loaded;
    std::ostringstream sink;
    if (load(name, "", loaded, sink) != kExitOk) {
      err << "nnscope: error: standard-library model '" << name << "' does not load\n" << sink.str();
      return kExitModelError;
    }
    std::string description = first_line(loaded.model->doc.empty() ? loaded.program->main().doc : loaded.model->doc);
    std::string figures;
    try {
      ir::Graph graph = interp::elaborate(*loaded.program, *loaded.model, {});
      analysis::Analysis a = analysis::analyze(graph);
      figures = emit::human_count(a.totals.figures.params, "params") + ", " +
                emit::human_count(a.totals.figures.gemm_macs, "MACs");
    } catch (const std::exception& error) {
      figures = std::string("error: ") + error.what();
    }
    std::string padded = name;
    padded.resize(std::max<std::size_t>(padded.size() + 1, 22), ' ');
    std::string figures_padded = figures;
    figures_padded.resize(std::max<std::size_t>(figures.size() + 1, 34), ' ');
    out << padded << figures_padded << description << "\n";
  }
  return kExitOk;
}

int show(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.positional.size() != 1) throw UsageError("show takes one standard-library model name");
  const std::string_view* text = stdlib::find_file(o.positional[0] + ".nn");
  if (!text) text = stdlib::find_file(o.positional[0]);
  if (!text) {
    std::string hint = interp::closest_name(o.positional[0], stdlib::model_names());
    err << "nnscope: error: no standard-library model '" << o.positional[0] << "'";
    if (!hint.empty()) err << "; did you mean '" << hint << "'?";
    err << "\n";
    return kExitUsage;
  }
  out << *text;
  return kExitOk;
}

int list_ops(std::ostream& out) {
  for (const ops::OpDef& def : ops::Registry::instance().all()) {
    std::string signature = def.name + "(";
    for (std::size_t i = 0; i < def.args.size(); ++i) {
      signature += (i ? ", " : "") + def.args[i].name;
      if (!def.args[i].required) signature += "?";
    }
    signature += ")";
    std::string padded = signature;
    padded.resize(std::max<std::size_t>(padded.size() + 1, 60), ' ');
    out << padded << def.summary << "\n";
  }
  return kExitOk;
}

}  // namespace

void keep_results_until_exit() { keep_results = true; }

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  try {
    if (args.empty()) {
      err << kUsage;
      return kExitUsage;
    }
    const std::string& command = args.front();
    if (command == "--help" || command == "-h" || command == "help") {
      out << kUsage;
      return kExitOk;
    }
    if (command == "--version") {
      out << "nnscope " << NNSCOPE_VERSION << "\n";
      return kExitOk;
    }
    Options o = parse_options(args);
    if (command == "analyze") return analyze(o, out, err, false);
    if (command == "dot") return analyze(o, out, err, true);
    if (command == "check") return check(o, err);
    if (command == "list") return list(out, err);
    if (command == "show") return show(o, out, err);
    if (command == "ops") return list_ops(out);
    if (command == "import") return import_onnx(o, out, err);
    std::string hint = interp::closest_name(command, {"analyze", "check", "list", "show", "dot", "ops", "import"});
    throw UsageError("unknown command '" + command + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
  } catch (const UsageError& error) {
    err << "nnscope: error: " << error.what() << "\n(see nnscope --help)\n";
    return kExitUsage;
  } catch (const DiagnosticError& error) {
    err << "nnscope: error: " << error.what() << "\n";
    return kExitModelError;
  } catch (const std::exception& error) {
    err << "nnscope: error: " << error.what() << "\n";
    return kExitModelError;
  }
}

}  // namespace nnscope::cli
