#pragma once
// The pipeline as a library, in one place: resolve what the user named (a .nn file, a standard-library name, an
// ONNX file, a hardware profile), elaborate, analyse (inference, training, roofline), sweep (elaborating again
// where a decision the model made no longer holds) and write the report in a format from one table
// (driver/formats.h). The command line (src/cli/), the benchmark (bench/) and the tests all call it; none of them
// repeats a step.
//
// Errors: a phase reports a problem as a Diagnostic (source/diagnostic.h); the driver is the one place that turns
// any failure into a driver::Failure, which carries the exit status and the text to print (rendered diagnostics
// with file, line, column and caret, or a command-line error).
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/parallel.h"
#include "analysis/roofline.h"
#include "analysis/serving.h"
#include "analysis/training.h"
#include "emit/emit.h"
#include "interp/interpreter.h"
#include "interp/program.h"

namespace nnscope::driver {

constexpr int kExitOk = 0;
constexpr int kExitModelError = 1;  // the model (or an input file) has an error
constexpr int kExitUsage = 2;       // bad command-line usage

class Failure : public std::exception {
 public:
  Failure(int status, std::string text) : status_(status), text_(std::move(text)) {}
  int status() const { return status_; }
  const std::string& text() const { return text_; }  // ready to print, ends with a newline
  const char* what() const noexcept override { return text_.c_str(); }

 private:
  int status_;
  std::string text_;
};

// Throws a Failure with kExitUsage: "nnscope: error: MESSAGE" and a pointer to --help.
[[noreturn]] void usage_error(const std::string& message);

// A weights', activations' or KV cache's dtype as the command line spells it: fp32 tf32 fp16 bf16 fp8 int8 int4
// (int32, int64 and bool are index types, which hold no weights or activations). Throws Failure (usage) naming
// `option`.
DType parse_storage_dtype(const std::string& text, const std::string& option);

// --limit NAME=N: raises the elaboration limit NAME (interp/limits.h; docs/language.md, "Limits"). Throws Failure
// (usage) for an unknown NAME or an N below 1.
void set_limit(interp::Limits& limits, const std::string& name, sym::Int value);

// What the user asked for.
struct Request {
  std::string target;      // MODEL: a .nn file, an .onnx file, a config.json or a standard-library name
  std::string model_name;  // --model: which model of a file that defines several
  interp::ElaborateOptions elaborate;
  std::vector<std::pair<std::string, std::vector<sym::Int>>> sweeps;  // the points are their product
  bool train = false;
  analysis::TrainOptions train_options;
  std::string hardware;                                            // --hw: a built-in profile's name or a file
  std::vector<std::pair<std::string, double>> hardware_overrides;  // --set-hw NAME=VALUE, after the profile's own
  analysis::Kernels kernels = analysis::Kernels::kFused;           // --kernels: what the memory traffic assumes
  std::optional<analysis::ParallelPlan> parallel;                  // --parallel (implies train; needs --hw)
  bool werror = false;              // --Werror: the static checker's warnings fail like errors
  bool weight_dtype_given = false;  // --dtype / --weight-dtype given: a config's torch_dtype does not apply
};

// A program and the model chosen from it.
struct Loaded {
  std::unique_ptr<interp::Program> program;
  const ast::Definition* model = nullptr;
  // A Hugging Face config's torch_dtype: the weight dtype unless --dtype / --weight-dtype says otherwise.
  std::optional<DType> default_weight_dtype;
};

// Throws Failure: kExitUsage when the target is neither a file nor a standard-library model, kExitModelError with
// the diagnostics when it does not parse or names no model.
Loaded load(const std::string& target, const std::string& model_name);
// `overrides` (--set-hw) replace or add profile parameters after the profile's own.
analysis::HardwareProfile load_hardware(const std::string& target,
                                        const std::vector<std::pair<std::string, double>>& overrides = {});
// An ONNX file (docs/onnx.md) or a Hugging Face config.json (docs/hf-config.md) as .nn text. Throws Failure:
// kExitUsage for another kind of file, kExitModelError with located diagnostics for a bad one.
std::string import_model(const std::string& path);

// Seconds each phase of run() took, for bench/.
struct Timings {
  double load = 0, elaborate = 0, analyze = 0;
};

// A finished run: one analysis, or the points of a sweep.
struct Report {
  Loaded loaded;
  std::unique_ptr<ir::Graph> graph;              // the model at the requested bindings
  std::unique_ptr<analysis::Analysis> analysis;  // null for a sweep
  std::vector<emit::SweepPoint> sweep;           // empty unless swept
  std::string warnings;                          // the static checker's warnings, rendered (printed to stderr)
  bool is_sweep() const { return !analysis; }
};

// Throws Failure.
std::unique_ptr<Report> run(const Request& request, Timings* timings = nullptr);

// `nnscope serve` (docs/memory-traffic.md, "Serving"): the serving analysis at `options`, or at each point of
// request.sweeps, which may name batch, prompt and generate (the points are their product). Needs
// request.hardware and a decoder model with the parameters batch, seq and past. Throws Failure.
std::vector<analysis::Serving> serve(const Request& request, const analysis::ServeOptions& options);

// `nnscope check`: every file parsed and every model in it elaborated and analysed at its defaults. Returns the
// exit status; the diagnostics go to `diagnostics`.
int check(const std::vector<std::string>& files, const Request& options, std::string& diagnostics);

// `nnscope list`: one standard-library model each, with its figures at the defaults.
struct ModelSummary {
  std::string name, description;
  sym::Int params = 0, gemm_macs = 0;
  std::string error;  // set when the model does not elaborate (a bug in the library)
};
std::vector<ModelSummary> list_models();

// `nnscope show`: a standard-library model's source. Throws Failure (usage) naming the closest model.
std::string_view stdlib_source(const std::string& name);

// `nnscope ops [NAME]`: every operator, one line each (an empty name), or NAME's arguments with their defaults,
// cost formulas and backward rule (ops/doc.h). Throws Failure (usage) for an unknown NAME.
std::string operator_docs(const std::string& name);

}  // namespace nnscope::driver
