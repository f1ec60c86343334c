#pragma once
// Runs a standard-library model (or model text) through the pipeline for the model tests: load,
// elaborate with --set style overrides, analyse. Errors become exceptions carrying the rendered diagnostic.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "interp/interpreter.h"

namespace nnscope::testing {

struct ModelRun {
  std::unique_ptr<interp::Program> program;
  ir::Graph graph;
  analysis::Analysis analysis;  // points into graph, so a ModelRun lives on the heap and is never moved
};

inline std::unique_ptr<ModelRun> run_program(std::unique_ptr<interp::Program> program,
                                             std::map<std::string, sym::Int> overrides,
                                             std::map<std::string, std::vector<sym::Int>> list_overrides = {}) {
  auto r = std::make_unique<ModelRun>();
  r->program = std::move(program);
  if (!r->program->ok()) throw std::runtime_error(render_all(r->program->diagnostics, r->program->sources));
  const ast::Definition* model = r->program->select_model("");
  if (!model) throw std::runtime_error(render_all(r->program->diagnostics, r->program->sources));
  interp::ElaborateOptions options;
  options.overrides = std::move(overrides);
  options.list_overrides = std::move(list_overrides);
  try {
    r->graph = interp::elaborate(*r->program, *model, options);
    r->analysis = analysis::analyze(r->graph);
  } catch (const DiagnosticError& e) {
    throw std::runtime_error(render(e.diagnostic(), r->program->sources));
  }
  return r;
}

// `target` is a standard-library name or a path to a .nn file; `list_overrides` bind list parameters.
inline std::unique_ptr<ModelRun> run_model(const std::string& target, std::map<std::string, sym::Int> overrides = {},
                                           std::map<std::string, std::vector<sym::Int>> list_overrides = {}) {
  bool found = false;
  return run_program(interp::load_program(target, &found), std::move(overrides), std::move(list_overrides));
}

// The op at `path`, or nullptr.
inline const ir::Op* find_op(const ir::Graph& g, const std::string& path) {
  for (const ir::Op& op : g.ops)
    if (op.path == path) return &op;
  return nullptr;
}

// The analysed layer of the op at `path`, or nullptr.
inline const analysis::Layer* find_layer(const ModelRun& r, const std::string& path) {
  for (const analysis::Layer& layer : r.analysis.layers)
    if (r.graph.ops[layer.op].path == path) return &layer;
  return nullptr;
}

// How many ops of the operator `kind` the graph has.
inline std::size_t count_kind(const ir::Graph& g, const std::string& kind) {
  std::size_t n = 0;
  for (const ir::Op& op : g.ops) n += op.kind == kind;
  return n;
}

inline bool has_path(const ir::Graph& g, const std::string& path) { return find_op(g, path) != nullptr; }
inline bool has_path(const ModelRun& r, const std::string& path) { return has_path(r.graph, path); }

inline std::set<std::string> op_paths(const ir::Graph& g) {
  std::set<std::string> paths;
  for (const ir::Op& op : g.ops) paths.insert(op.path);
  return paths;
}

// GEMM MACs of the layers whose path starts with `prefix`.
inline sym::Int macs_under(const ModelRun& r, const std::string& prefix) {
  sym::Int total = 0;
  for (const analysis::Layer& layer : r.analysis.layers) {
    if (r.graph.ops[layer.op].path.starts_with(prefix)) total += layer.figures.gemm_macs;
  }
  return total;
}

inline std::unique_ptr<ModelRun> run_model_text(const std::string& text,
                                                std::map<std::string, sym::Int> overrides = {}) {
  return run_program(interp::load_program_from_text("model.nn", text), std::move(overrides));
}

inline sym::Int params(const ModelRun& r) { return r.analysis.totals.figures.params; }
inline sym::Int macs(const ModelRun& r) { return r.analysis.totals.figures.gemm_macs; }

// The model's GEMM MAC formula at other values of its size symbols.
inline sym::Int macs_at(const ModelRun& r, const std::map<std::string, sym::Int>& values) {
  sym::Bindings b = r.graph.bindings;
  for (const auto& [name, value] : values) b.set(name, value);
  return r.analysis.formulas.gemm_macs.evaluate_integer(b);
}

// Checks a model's GEMM MACs against closed forms: `at_defaults` at its default sizes, and `at_sizes` at `sizes`,
// both elaborated there and through the MAC formula of the default run. Returns the run at `sizes`.
inline std::unique_ptr<ModelRun> expect_macs_at_two_sizes(const std::string& name, sym::Int at_defaults,
                                                          const std::map<std::string, sym::Int>& sizes,
                                                          sym::Int at_sizes) {
  auto defaults = run_model(name);
  EXPECT_EQ(macs(*defaults), at_defaults) << name << " at its defaults";
  EXPECT_EQ(macs_at(*defaults, sizes), at_sizes) << name << " through the formula";
  auto other = run_model(name, sizes);
  EXPECT_EQ(macs(*other), at_sizes) << name << " elaborated at other sizes";
  return other;
}

}  // namespace nnscope::testing
