// The command line: parses the arguments into a driver::Request, runs the pipeline library (src/driver/) and
// prints what it returns. Nothing here loads, analyses or formats a model.
#include "cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>

#include "driver/driver.h"
#include "driver/formats.h"
#include "emit/emit.h"
#include "emit/serving.h"
#include "ops/doc.h"
#include "ops/registry.h"
#include "source/suggest.h"
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
  import FILE     translate an ONNX model (.onnx) or a Hugging Face config.json into a .nn file (to stdout,
                  or -o FILE); see docs/onnx.md and docs/hf-config.md
  ops [NAME]      the operators the language knows; with a NAME, its arguments, defaults, costs and backward
  serve MODEL     LLM serving on a profile: prefill (time to first token), decode per token, KV cache, peak
                  memory, the batch where decoding turns compute-bound; docs/memory-traffic.md

MODEL is a path to a .nn file, an .onnx file, a Hugging Face config.json or the name of a standard-library model
(see `nnscope list`).

Options for analyze and dot:
  --set NAME=VALUE        bind a model parameter (repeatable), e.g. --set batch=8; a list parameter takes
                          V1,V2,..., e.g. --set block_config=6,12,48,32
  --sweep NAME=V1,V2,...  evaluate at several values (repeatable: the points are the product)
  --dtype T               weights and activations: fp32 tf32 fp16 bf16 fp8 int8 int4 (default fp32)
  --weight-dtype T        weights only
  --act-dtype T           activations only
  --format F              table (default), csv (per-layer details), summary (totals CSV, one row), summary-long,
                          json, dot, xlsx (an Excel workbook: use -o FILE or redirect stdout), html (one page
                          with charts)
  --out DIR               also write MODEL.details.csv, MODEL.summary.csv, MODEL.json, MODEL.dot, MODEL.xlsx
                          and MODEL.html to DIR
  --depth N               collapse blocks deeper than N levels (0 = top level only); the table's default
                          is the deepest depth that keeps it within 60 rows
  --columns LIST          (table) figure columns: params,macs,flops,elementwise,activation,bytes,intensity,
                          backward,time,bound (default params,macs,flops; backward with --mode train;
                          time,bound with --hw)
  --width N               (table) the columns the table fits (default: COLUMNS, else the terminal's width;
                          100 when written to a file or a pipe, -o FILE included)
  --top N                 (table) the N heaviest ops (by time with --hw, else FLOPs) with their share
  --mode M                infer (default) or train: add the backward pass, training memory and peak
  --optimizer O           (train) sgd, momentum, adam (default) or adamw: its state in the training memory
  --hw NAME|FILE          roofline time per layer on a hardware profile: a100 h100 nvdla_full tpu_v4, or a
                          .nn file of const parameters (docs/cost-model.md, "Roofline")
  --kernels K             memory traffic of fused (default: FlashAttention, GEMM epilogues) or unfused
                          kernels (every op through memory); docs/memory-traffic.md
  --set-hw NAME=VALUE     (with --hw) set a profile parameter, e.g. --set-hw matrix_fp16_flops=140e12 to derate
  --parallel PLAN         (train, with --hw) a multi-device plan tp=T,pp=P,dp=D[,sp][,ep=E][,zero=0|1|2|3]
                          [,recompute=none|selective|full][,microbatch=M]: memory, communication and step time
                          per device (docs/parallel.md)
  --global-batch N        (--parallel) sequences per step (default: one micro-batch per data-parallel replica)
  --tokens N              (--parallel) tokens to train on: the time to train
  --model NAME            which model of a file that defines several
  --limit NAME=N          raise a safety limit: ops (5000000), steps (20000000), loop-trips (10000000),
                          call-depth (200), expr-size (1000), string-bytes (1048576), list-items (100000),
                          path-depth (1000)
  -o FILE                 (analyze, dot) write to FILE instead of stdout
  --Werror                (check, analyze, dot) the static checker's warnings fail like errors

Options for serve (with --hw, --dtype, --weight-dtype, --act-dtype, --kernels, --set, --format table|json):
  --prompt P              prompt tokens per sequence (default 1)
  --generate G            tokens generated per sequence (default 1)
  --batch B               sequences decoded together (default 1)
  --kv-dtype T            the KV cache's dtype (default: the activation dtype)
  --sweep NAME=V1,...     batch, prompt or generate: one row per point

  --help, --version

Exit status: 0 success, 1 the model has an error, 2 bad command-line usage.
)";

constexpr std::size_t kMaxWidth = 10'000;

// The width the table fits (docs/table.md, "Width"): --width N when given, else COLUMNS when set, else the width of
// the terminal when the table goes to a standard output that is one, else 100 columns. A table written to a file
// (-o FILE, or standard output redirected) or a pipe never takes its width from the window the command ran in.
std::size_t table_width(std::size_t width_option, bool to_stdout) {
  if (width_option > 0) return width_option;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0) {
      return static_cast<std::size_t>(std::min<long>(value, static_cast<long>(kMaxWidth)));
    }
  }
  struct winsize size {};
  if (to_stdout && ::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  return 100;
}

emit::EmitOptions table_options() {
  emit::EmitOptions options;
  options.auto_depth = true;
  return options;
}

struct Options {
  std::string command;
  std::vector<std::string> positional;
  driver::Request request;
  const driver::Format* format = driver::find_format("table");
  std::string out_dir;
  std::string output_file;
  emit::EmitOptions emit = table_options();
  std::string table_only;                 // an option that only the table takes, if given
  std::size_t width = 0;                  // --width N; 0: not given
  sym::Int global_batch = 0, tokens = 0;  // --global-batch, --tokens: parts of the --parallel plan
  analysis::ServeOptions serve;           // --prompt, --generate, --batch
};

sym::Int parse_value(const std::string& text, const std::string& what) {
  std::string cleaned;
  for (char c : text) {
    if (c != '_') cleaned += c;
  }
  sym::Int value;
  if (cleaned.empty() || !sym::parse_int(cleaned, &value)) {
    driver::usage_error(what + ": '" + text + "' is not an integer");
  }
  return value;
}

// Comma-separated integers (V1,V2,...), each as parse_value reads it.
std::vector<sym::Int> parse_values(const std::string& list, const std::string& what) {
  std::vector<sym::Int> values;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    values.push_back(parse_value(list.substr(start, comma - start), what));
    start = comma + 1;
  }
  return values;
}

DType parse_dtype_option(const std::string& text, const std::string& option) {
  std::optional<DType> dtype = parse_dtype(text);
  // Weights and activations are floating point or quantised integers; int32/int64/bool are index types.
  if (dtype && (*dtype == DType::kI32 || *dtype == DType::kI64 || *dtype == DType::kBool)) dtype.reset();
  if (!dtype) driver::usage_error(option + ": unknown dtype '" + text + "' (fp32 tf32 fp16 bf16 fp8 int8 int4)");
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
      if (i + 1 >= args.size()) driver::usage_error(arg + " needs a value");
      return args[++i];
    };
    if (arg == "--set") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) driver::usage_error("--set needs NAME=VALUE, got '" + v + "'");
      std::string name = v.substr(0, eq), text = v.substr(eq + 1);
      // A comma makes a list (--set block_config=6,12,48,32; one item: 6,); the last --set of a name wins.
      o.request.elaborate.overrides.erase(name);
      o.request.elaborate.list_overrides.erase(name);
      if (text.find(',') == std::string::npos) {
        o.request.elaborate.overrides[name] = parse_value(text, "--set " + name);
      } else {
        if (text.back() == ',') text.pop_back();
        o.request.elaborate.list_overrides[name] = parse_values(text, "--set " + name);
      }
    } else if (arg == "--sweep") {
      std::string v = value();
      std::size_t eq = v.find('=');
      if (eq == std::string::npos || eq == 0) driver::usage_error("--sweep needs NAME=V1,V2,..., got '" + v + "'");
      o.request.sweeps.emplace_back(v.substr(0, eq), parse_values(v.substr(eq + 1), "--sweep " + v.substr(0, eq)));
    } else if (arg == "--dtype") {
      o.request.elaborate.weight_dtype = o.request.elaborate.activation_dtype = parse_dtype_option(value(), "--dtype");
      o.request.weight_dtype_given = true;
    } else if (arg == "--weight-dtype") {
      o.request.elaborate.weight_dtype = parse_dtype_option(value(), "--weight-dtype");
      o.request.weight_dtype_given = true;
    } else if (arg == "--act-dtype") {
      o.request.elaborate.activation_dtype = parse_dtype_option(value(), "--act-dtype");
    } else if (arg == "--format") {
      std::string name = value();
      o.format = driver::find_format(name);
      if (!o.format) driver::usage_error("--format must be " + driver::format_names() + "; got '" + name + "'");
    } else if (arg == "--out") {
      o.out_dir = value();
    } else if (arg == "-o" || arg == "--output") {
      o.output_file = value();
    } else if (arg == "--limit") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::string name = v.substr(0, eq);
      sym::Int n = eq == std::string::npos ? -1 : parse_value(v.substr(eq + 1), "--limit " + name);
      if (n < 1 || n > (sym::Int(1) << 62)) driver::usage_error("--limit needs NAME=VALUE with a positive VALUE");
      auto count = static_cast<std::uint64_t>(n);
      if (name == "ops") {
        o.request.elaborate.limits.max_ops = count;
      } else if (name == "steps") {
        o.request.elaborate.limits.max_steps = count;
      } else if (name == "loop-trips") {
        o.request.elaborate.limits.max_loop_trips = count;
      } else if (name == "call-depth") {
        o.request.elaborate.limits.max_call_depth = static_cast<std::uint32_t>(std::min<std::uint64_t>(count, 100'000));
      } else if (name == "expr-size") {
        o.request.elaborate.limits.max_expr_size = count;
      } else if (name == "string-bytes") {
        o.request.elaborate.limits.max_string_bytes = count;
      } else if (name == "list-items") {
        o.request.elaborate.limits.max_list_items = count;
      } else if (name == "path-depth") {
        o.request.elaborate.limits.max_path_depth = count;
      } else {
        driver::usage_error("--limit: unknown limit '" + name +
                            "' (ops, steps, loop-trips, call-depth, expr-size, string-bytes, list-items, path-depth)");
      }
    } else if (arg == "--model") {
      o.request.model_name = value();
    } else if (arg == "--mode") {
      std::string mode = value();
      if (mode != "infer" && mode != "train") driver::usage_error("--mode must be infer or train; got '" + mode + "'");
      o.request.train = mode == "train";
    } else if (arg == "--optimizer") {
      std::string name = value();
      std::optional<analysis::Optimizer> optimizer = analysis::parse_optimizer(name);
      if (!optimizer) driver::usage_error("--optimizer must be sgd, momentum, adam or adamw; got '" + name + "'");
      o.request.train_options.optimizer = *optimizer;
    } else if (arg == "--hw") {
      o.request.hardware = value();
    } else if (arg == "--set-hw") {
      std::string v = value();
      std::size_t eq = v.find('=');
      std::string number = eq == std::string::npos ? "" : v.substr(eq + 1);
      std::erase(number, '_');
      char* end = nullptr;
      double parsed = number.empty() ? -1 : std::strtod(number.c_str(), &end);
      if (eq == 0 || number.empty() || *end != '\0' || !(parsed >= 0) || parsed > 1e30) {
        driver::usage_error("--set-hw needs NAME=VALUE with a non-negative number, got '" + v + "'");
      }
      o.request.hardware_overrides.emplace_back(v.substr(0, eq), parsed);
    } else if (arg == "--parallel") {
      try {
        o.request.parallel = analysis::parse_parallel_plan(value());
      } catch (const std::invalid_argument& error) {
        driver::usage_error(error.what());
      }
    } else if (arg == "--global-batch") {
      o.global_batch = parse_value(value(), "--global-batch");
      if (o.global_batch < 1) driver::usage_error("--global-batch must be at least 1");
    } else if (arg == "--tokens") {
      std::string text = value();
      char* end = nullptr;
      double tokens = std::strtod(text.c_str(), &end);  // 300e9 as well as 300000000000
      if (text.find_first_not_of("0123456789_") != std::string::npos) {
        if (*end != '\0' || !(tokens >= 1) || tokens > 1e30)
          driver::usage_error("--tokens: '" + text + "' is not a count");
        o.tokens = static_cast<sym::Int>(tokens);
      } else {
        o.tokens = parse_value(text, "--tokens");
      }
      if (o.tokens < 1) driver::usage_error("--tokens must be at least 1");
    } else if (arg == "--prompt" || arg == "--generate" || arg == "--batch") {
      sym::Int v = parse_value(value(), arg);
      if (v < 1) driver::usage_error(arg + " must be at least 1");
      (arg == "--prompt" ? o.serve.prompt : arg == "--generate" ? o.serve.generate : o.serve.batch) = v;
    } else if (arg == "--kv-dtype") {
      o.request.elaborate.kv_cache_dtype = parse_dtype_option(value(), "--kv-dtype");
    } else if (arg == "--kernels") {
      std::string name = value();
      std::optional<analysis::Kernels> kernels = analysis::parse_kernels(name);
      if (!kernels) driver::usage_error("--kernels must be fused or unfused; got '" + name + "'");
      o.request.kernels = *kernels;
    } else if (arg == "--depth") {
      sym::Int d = parse_value(value(), "--depth");
      if (d < 0 || d > 1000) driver::usage_error("--depth must be between 0 and 1000");
      o.emit.depth = static_cast<std::size_t>(d);
      o.emit.auto_depth = false;
    } else if (arg == "--columns") {
      o.emit.columns.clear();
      std::string list = value();
      for (std::size_t start = 0; start <= list.size();) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        std::string name = list.substr(start, comma - start);
        if (!emit::is_table_column(name)) {
          driver::usage_error("--columns: unknown column '" + name + "' (" + emit::table_column_names() + ")");
        }
        o.emit.columns.push_back(name);
        start = comma + 1;
      }
      o.table_only = "--columns";
    } else if (arg == "--width") {
      sym::Int n = parse_value(value(), "--width");
      if (n < 40 || n > static_cast<sym::Int>(kMaxWidth))
        driver::usage_error("--width must be between 40 and " + std::to_string(kMaxWidth));
      o.width = static_cast<std::size_t>(n);
      o.table_only = "--width";
    } else if (arg == "--top") {
      sym::Int n = parse_value(value(), "--top");
      if (n < 1 || n > 1'000'000) driver::usage_error("--top must be between 1 and 1000000");
      o.emit.top = static_cast<std::size_t>(n);
      o.table_only = "--top";
    } else if (arg == "--Werror") {
      o.request.werror = true;
    } else if (arg.starts_with("-") && arg != "-") {
      driver::usage_error("unknown option '" + arg + "'");
    } else {
      o.positional.push_back(args[i]);
    }
  }
  if ((o.global_batch || o.tokens) && !o.request.parallel)
    driver::usage_error("--global-batch and --tokens need --parallel");
  if (o.request.parallel) {
    o.request.parallel->global_batch = o.global_batch;
    o.request.parallel->tokens = o.tokens;
  }
  return o;
}

// Reports outlive run() in the nnscope executable (keep_results_until_exit()); the pointer keeps them reachable,
// so leak checkers do not report them.
bool keep_results = false;
std::vector<driver::Report*>* retained = nullptr;

void retain(std::unique_ptr<driver::Report> report) {
  if (!keep_results) return;
  if (!retained) retained = new std::vector<driver::Report*>;
  retained->push_back(report.release());
}

int analyze(Options& o, std::ostream& out, std::ostream& err, bool dot_command) {
  if (o.positional.size() != 1)
    driver::usage_error(o.command + " takes one MODEL (a .nn file or a standard-library name)");
  o.request.target = o.positional[0];
  // A workbook is binary: on a terminal it would be noise, and could leave the terminal in a strange state.
  if (o.format->name == "xlsx" && o.output_file.empty() && &out == &std::cout && ::isatty(STDOUT_FILENO))
    driver::usage_error("--format xlsx writes a binary workbook: give -o FILE.xlsx or redirect stdout");
  if (dot_command) {
    o.format = driver::find_format("dot");
    o.request.sweeps.clear();
  }
  if (!o.table_only.empty() && o.format->name != "table") {
    driver::usage_error(o.table_only + " applies to the table; --format " + std::string(o.format->name) +
                        " shows every column and layer");
  }
  o.emit.width = table_width(o.width, o.output_file.empty() && &out == &std::cout);
  std::unique_ptr<driver::Report> report = driver::run(o.request);
  err << report->warnings;
  if (!o.out_dir.empty()) driver::write_out_dir(o.out_dir, *report, o.emit);
  if (o.output_file.empty()) {
    driver::write_report(out, *report, *o.format, o.emit);
  } else {
    driver::write_files(
        {{o.output_file, [&](std::ostream& file) { driver::write_report(file, *report, *o.format, o.emit); }}});
  }
  retain(std::move(report));
  return kExitOk;
}

int serve(Options& o, std::ostream& out) {
  if (o.positional.size() != 1) driver::usage_error("serve takes one MODEL (a decoder with batch, seq and past)");
  o.request.target = o.positional[0];
  std::vector<analysis::Serving> points = driver::serve(o.request, o.serve);
  if (o.format->name == "json") {
    out << emit::serving_json(points);
  } else if (o.format->name == "table") {
    out << (o.request.sweeps.empty() ? emit::serving_table(points.front()) : emit::serving_sweep_table(points));
  } else {
    driver::usage_error("serve --format must be table or json");
  }
  return kExitOk;
}

int import_model(const Options& o, std::ostream& out) {
  if (o.positional.size() != 1) driver::usage_error("import takes one FILE.onnx or config.json");
  std::string text = driver::import_model(o.positional[0]);
  if (o.output_file.empty()) {
    out << text;
  } else {
    driver::write_files({{o.output_file, [&](std::ostream& file) { file << text; }}});
  }
  return kExitOk;
}

int check(const Options& o, std::ostream& err) {
  if (o.positional.empty()) driver::usage_error("check takes one or more FILEs");
  std::string diagnostics;
  int status = driver::check(o.positional, o.request, diagnostics);
  err << diagnostics;
  return status;
}

std::string padded(std::string text, std::size_t width) {
  text.resize(std::max(text.size() + 1, width), ' ');
  return text;
}

int list(std::ostream& out, std::ostream& err) {
  for (const driver::ModelSummary& model : driver::list_models()) {
    std::string figures = emit::human_count(model.params, "params") + ", " + emit::human_count(model.gemm_macs, "MACs");
    if (!model.error.empty()) {
      err << "nnscope: error: standard-library model '" << model.name << "' does not load\n" << model.error;
      return kExitModelError;
    }
    out << padded(model.name, 22) << padded(figures, 34) << model.description << "\n";
  }
  return kExitOk;
}

int show(const Options& o, std::ostream& out, std::ostream& err) {
  if (o.positional.size() != 1) driver::usage_error("show takes one standard-library model name");
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

// `nnscope ops`: every operator; `nnscope ops NAME`: that one in full (ops/doc.h).
int list_ops(const Options& o, std::ostream& out) {
  const ops::Registry& registry = ops::Registry::instance();
  if (o.positional.empty()) {
    out << ops::operator_list(registry);
    return kExitOk;
  }
  if (o.positional.size() > 1) driver::usage_error("ops takes at most one operator NAME");
  const ops::OpDef* def = registry.find(o.positional[0]);
  if (!def) {
    std::vector<std::string> names;
    for (const ops::OpDef& d : registry.all()) names.push_back(d.name);
    driver::usage_error("no operator '" + o.positional[0] + "'" + did_you_mean(o.positional[0], names));
  }
  out << ops::describe(*def);
  return kExitOk;
}

int dispatch(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
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
  if (command == "ops") return list_ops(o, out);
  if (command == "import") return import_model(o, out);
  if (command == "serve") return serve(o, out);
  std::string hint =
      interp::closest_name(command, {"analyze", "check", "list", "show", "dot", "ops", "import", "serve"});
  driver::usage_error("unknown command '" + command + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

}  // namespace

void keep_results_until_exit() { keep_results = true; }

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return kExitUsage;
  }
  int status = kExitOk;
  try {
    status = dispatch(args, out, err);
  } catch (const driver::Failure& failure) {
    err << failure.text();
    return failure.status();
  } catch (const std::exception& error) {  // a failure no phase anticipated: still a message, never a crash
    err << "nnscope: error: " << error.what() << "\n";
    return kExitModelError;
  }
  // A full disk or a closed pipe must not pass for success.
  out.flush();
  if (!out) {
    err << "nnscope: error: cannot write the output: " << std::strerror(errno ? errno : EIO) << "\n";
    return kExitModelError;
  }
  return status;
}

}  // namespace nnscope::cli
