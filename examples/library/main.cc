// Analyses a model through the nnscope library and prints its parameters, GEMM MACs and largest layer.
// Usage: model_params [MODEL] [NAME=VALUE]...   (MODEL: a .nn or .onnx file or a standard-library name)
#include <nnscope/nnscope.h>

#include <cstdlib>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  std::string model = argc > 1 ? argv[1] : "resnet50";
  nnscope::Options options;
  for (int i = 2; i < argc; ++i) {
    std::string binding = argv[i];
    std::size_t eq = binding.find('=');
    if (eq == std::string::npos) {
      std::cerr << "usage: model_params [MODEL] [NAME=VALUE]...\n";
      return 2;
    }
    options.bindings[binding.substr(0, eq)] = std::stoll(binding.substr(eq + 1));
  }
  try {
    nnscope::Report report = nnscope::analyze(model, options);
    const nnscope::Layer* largest = nullptr;
    for (const nnscope::Layer& layer : report.layers) {
      if (!largest || layer.params > largest->params) largest = &layer;
    }
    std::cout << report.model << ": " << report.totals.params << " parameters (" << report.formulas.params << "), "
              << report.totals.gemm_macs << " GEMM MACs\n";
    if (largest)
      std::cout << "largest layer: " << largest->path << " (" << largest->op << "), " << largest->params
                << " parameters\n";
  } catch (const nnscope::Error& error) {
    std::cerr << error.what();
    return 1;
  }
  return 0;
}
