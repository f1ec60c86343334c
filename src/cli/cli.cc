// The command line: parses the arguments into a driver::Request, runs the pipeline library (src/driver/) and
// prints what it returns. Nothing here loads, analyses or formats a model.
#include "cli/cli.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "cli/options.h"

namespace nnscope::cli {
namespace {

using driver::kExitModelError;
using driver::kExitOk;
using driver::kExitUsage;

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

// The width the table fits (docs/table.md, "Width"): --width N when given, else COLUMNS when set, else the width of
// the terminal when the table goes to a standard output that is one, else 100 columns. A table written to a file
// (-o FILE, or standard output redirected) or a pipe never takes its width from the window the command ran in.
std::size_t table_width(std::size_t width_option, bool to_stdout) {
  if (width_option > 0) return width_option;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long value = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && value > 0) {
      return static_cast<std::size_t>(std::min<long>(value, static_cast<long>(kMaxTableWidth)));
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
  // Rather than be ignored silently: a sweep's reports have one row of totals per point and no layers.
  if (!o.per_layer_only.empty() && !o.request.sweeps.empty()) {
    driver::usage_error(o.per_layer_only +
                        " applies to the layers of one analysis; a --sweep reports one row of "
                        "totals per point");
  }
  o.emit.width = table_width(o.width, o.output_file.empty() && &out == &std::cout);
  std::unique_ptr<driver::Report> report = driver::run(o.request);
  err << report->warnings;
  if (!o.out_dir.empty()) driver::write_out_dir(o.out_dir, *report, o.emit);
  driver::write_to(out, o.output_file,
                   [&](std::ostream& stream) { driver::write_report(stream, *report, *o.format, o.emit); });
  retain(std::move(report));
  return kExitOk;
}

int serve(Options& o, std::ostream& out) {
  if (o.positional.size() != 1) driver::usage_error("serve takes one MODEL (a decoder with batch, seq and past)");
  o.request.target = o.positional[0];
  driver::write_serving(out, driver::serve(o.request, o.serve), !o.request.sweeps.empty(), o.format->name);
  return kExitOk;
}

int import_model(const Options& o, std::ostream& out) {
  if (o.positional.size() != 1) driver::usage_error("import takes one FILE.onnx or config.json");
  std::string text = driver::import_model(o.positional[0]);
  driver::write_to(out, o.output_file, [&](std::ostream& stream) { stream << text; });
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

int show(const Options& o, std::ostream& out) {
  if (o.positional.size() != 1) driver::usage_error("show takes one standard-library model name");
  out << driver::stdlib_source(o.positional[0]);
  return kExitOk;
}

// `nnscope ops`: every operator; `nnscope ops NAME`: that one in full.
int list_ops(const Options& o, std::ostream& out) {
  if (o.positional.size() > 1) driver::usage_error("ops takes at most one operator NAME");
  out << driver::operator_docs(o.positional.empty() ? "" : o.positional[0]);
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
  Options o = parse_options(args, table_options());
  if (command == "analyze") return analyze(o, out, err, false);
  if (command == "dot") return analyze(o, out, err, true);
  if (command == "check") return check(o, err);
  if (command == "list") return list(out, err);
  if (command == "show") return show(o, out);
  if (command == "ops") return list_ops(o, out);
  if (command == "import") return import_model(o, out);
  if (command == "serve") return serve(o, out);
  driver::usage_error("unknown command '" + command + "'" +
                      did_you_mean(command, {"analyze", "check", "list", "show", "dot", "ops", "import", "serve"}));
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
