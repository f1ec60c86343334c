#pragma once
// nnscope as a library: analyse a model (a .nn file, an .onnx file or a standard-library name) and read its
// figures, or render the report the command line prints. This header is the whole public interface: it includes
// only the C++ standard library and exposes none of nnscope's internal types, so it stays stable while the
// internals change.
//
//   #include <nnscope/nnscope.h>
//   nnscope::Report report = nnscope::analyze("resnet50", {});
//   std::cout << report.totals.params << "\n";                 // 25557032
//   std::cout << nnscope::render(report, "table");             // the `nnscope analyze resnet50` table
//
// Errors in the model (syntax, shapes, overflow) throw nnscope::Error, whose what() is the rendered diagnostics
// (file:line:col, the source line and a caret), as the command line prints them.
#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nnscope {

// The version of the library (and of the nnscope executable built with it), e.g. "0.1.0".
std::string_view version();

enum class Mode {
  kInfer,  // the forward pass
  kTrain,  // adds the backward pass and training memory (optimizer adam), as `--mode train`
};

struct Options {
  // Model parameters to bind, as `--set NAME=VALUE`: sizes (batch, seq, ...) and const hyper-parameters.
  std::map<std::string, std::int64_t> bindings;
  // Element types as the command line spells them: fp32 tf32 fp16 bf16 fp8 int8 int4.
  std::string weight_dtype = "fp32";
  std::string activation_dtype = "fp32";
  Mode mode = Mode::kInfer;
  // Which model of a file that defines several (empty: the file's only or last model), as `--model`.
  std::string model;
};

// One op of the model, in execution order. Figures are exact at the bound sizes.
struct Layer {
  std::string path;  // stable, hierarchical: "layer3.1.conv2"
  std::string op;    // the operator: "conv2d"
  std::vector<std::vector<std::int64_t>> input_shapes, output_shapes;
  std::int64_t params = 0;
  std::int64_t gemm_macs = 0;        // multiply-accumulates of matrix products and convolutions
  std::int64_t elementwise_ops = 0;  // vector-unit work (adds, bias, normalisation, ...)
  std::int64_t activation_ops = 0;   // special-function work (exp, tanh, erf, ...)
  std::int64_t flops = 0;            // 2 * gemm_macs + elementwise_ops + activation_ops
  std::int64_t input_bytes = 0, weight_bytes = 0, output_bytes = 0;
};

struct Totals {
  std::int64_t params = 0;
  std::int64_t gemm_macs = 0, elementwise_ops = 0, activation_ops = 0, flops = 0;
  std::int64_t input_bytes = 0, weight_bytes = 0, output_bytes = 0;  // summed over layers
  std::int64_t activation_bytes = 0;                                 // every op's output bytes
  std::int64_t peak_activation_bytes = 0;  // live activations at the worst point (forward and backward in train)
  std::int64_t train_flops = 0;            // forward + backward of one step; 0 unless Mode::kTrain
};

// The totals as exact formulas in the model's size parameters, ASCII ("2049*classes + 23508032").
struct Formulas {
  std::string params, weight_bytes, activation_bytes, gemm_macs, elementwise_ops, activation_ops, flops;
};

struct ReportState;  // the analysis behind a Report; defined inside the library

struct Report {
  std::string model;                               // the model's name
  std::map<std::string, std::int64_t> parameters;  // every model parameter at the value analysed
  Totals totals;
  Formulas formulas;
  std::vector<Layer> layers;
  std::vector<std::string> not_costed;  // paths of ops without a cost rule (absent from every total)
  // The static checker's warnings (an unused variable, ...), rendered as the command line prints them to stderr;
  // empty when there are none.
  std::string warnings;

  // What render() formats; shared, so copying a Report is cheap.
  std::shared_ptr<const ReportState> state;
};

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // The diagnostics as the command line prints them (same as what()).
  std::string diagnostics() const { return what(); }
};

// Loads, checks, elaborates and analyses `model_or_path` as `nnscope analyze` does: a path to a .nn or .onnx file,
// a Hugging Face config.json (its torch_dtype does not apply: Options::weight_dtype says the weights' dtype), or a
// standard-library name ("resnet50"). Throws nnscope::Error on any error in the model or the options; figures that
// do not fit in 64 bits are an Error too (the command line prints them exactly).
Report analyze(const std::string& model_or_path, const Options& options = {});

// The report as the command line formats it (the table as it prints to a file: 100 columns, docs/table.md), in any
// format `--format` takes: "table", "csv" (per-layer details), "summary" (summary CSV), "summary-long", "json"
// (docs/json.md), "dot", "xlsx" (the workbook's bytes, docs/xlsx.md) or "html" (docs/html.md). Throws
// nnscope::Error for another format.
std::string render(const Report& report, std::string_view format);

}  // namespace nnscope
