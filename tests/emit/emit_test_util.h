#pragma once
// A hand-built graph with known figures, and runners for the external checkers (Python's csv and json
// modules, Graphviz dot) that the emitters' output must satisfy; tests skip when a checker is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "emit/emit.h"

namespace nnscope::emit::testing {

using sym::Expr;

// Display hints (ir::DisplayHints) with the given dims, as a convolution's rule fills them.
inline ir::DisplayHints display_hints(ir::Shape kernel, ir::Shape stride, ir::Shape padding, ir::Shape dilation,
                                      Expr groups) {
  ir::DisplayHints d;
  d.kernel.dims = std::move(kernel);
  d.stride.dims = std::move(stride);
  d.padding.dims = std::move(padding);
  d.dilation.dims = std::move(dilation);
  d.groups.dims = {std::move(groups)};
  return d;
}

// tiny(batch = 2): x f32[batch, 3, 8, 8]
//   stem.conv    conv2d 4x3x3x3 + bias   -> [batch, 4, 8, 8]  MACs 6912·batch, elementwise 256·batch
//   stem.relu    relu                    -> [batch, 4, 8, 8]  activation 256·batch
//   head.flatten flatten (view)          -> [batch, 256]
//   head.fc      linear 1000x256 + bias  -> [batch, 1000]     MACs 256000·batch, elementwise 1000·batch
//   head.custom  "mystery", no cost rule -> [batch, 1000]     the model's output "logits"
// At batch = 2: params 257,112; MACs 525,824; elementwise 2,512; activation 512; FLOPs 1,054,672.
inline ir::Graph tiny_graph(const std::string& model_name = "tiny") {
  ir::Graph g;
  g.model_name = model_name;
  g.parameters.push_back({"batch", 2, false});
  g.bindings.set("batch", 2);
  Expr b = Expr::symbol("batch");
  auto tensor = [&](ir::Shape shape, std::size_t producer, std::string name, bool view = false) {
    ir::Tensor t;
    t.shape = std::move(shape);
    t.producer = producer;
    t.name = std::move(name);
    t.view = view;
    g.tensors.push_back(std::move(t));
    return g.tensors.size() - 1;
  };
  auto op = [&](std::string path, std::string_view kind, std::vector<ir::TensorId> inputs, ir::Shape out,
                bool view = false) -> ir::Op& {
    ir::Op o;
    o.path = path;
    o.kind = kind;  // string literals below
    o.inputs = ir::TensorIds(inputs);
    o.outputs = {tensor(std::move(out), g.ops.size(), path, view)};
    g.ops.push_back(std::move(o));
    return g.ops.back();
  };
  ir::TensorId x = tensor({b, 3, 8, 8}, ir::kNoOp, "x");
  g.inputs = {x};

  ir::Op& conv = op("stem.conv", "conv2d", {x}, {b, 4, 8, 8});
  conv.edit_costs().weights = {{"weight", {4, 3, 3, 3}}, {"bias", {4}}};
  conv.edit_costs().params = 112;
  conv.edit_costs().forward = {6912 * b, 256 * b, 0};
  conv.display = std::make_shared<const ir::DisplayHints>(display_hints({3, 3}, {1, 1}, {1, 1}, {1, 1}, 1));
  ir::TensorId t = conv.outputs[0];

  ir::Op& relu = op("stem.relu", "relu", {t}, {b, 4, 8, 8});
  relu.edit_costs().forward = {0, 0, 256 * b};
  t = relu.outputs[0];

  ir::Op& flatten = op("head.flatten", "flatten", {t}, {b, 256}, true);
  t = flatten.outputs[0];

  ir::Op& fc = op("head.fc", "linear", {t}, {b, 1000});
  fc.edit_costs().weights = {{"weight", {1000, 256}}, {"bias", {1000}}};
  fc.edit_costs().params = 257000;
  fc.edit_costs().forward = {256000 * b, 1000 * b, 0};
  t = fc.outputs[0];

  ir::Op& custom = op("head.custom", "mystery", {t}, {b, 1000});
  custom.edit_costs().costed = false;
  g.outputs = {{"logits", custom.outputs[0]}};
  return g;
}

inline bool have(const std::string& probe) { return std::system((probe + " >/dev/null 2>&1").c_str()) == 0; }
inline bool have_python() { return have("python3 -c pass"); }
inline bool have_dot() { return have("dot -V"); }
// The Python whose `import` of `modules` ("openpyxl, pandas") works: Debian's /usr/bin/python3 has its packages
// where a python3 earlier on PATH (pyenv, a virtual environment) may not. Empty when none has them.
inline std::string python_with(const std::string& modules) {
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    if (have(std::string(python) + " -c 'import " + modules + "'")) return python;
  }
  return "";
}

inline std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "nnscope_emit_" + std::to_string(::getpid()) + "_" + name;
}

inline std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a command; returns its exit status and leaves its combined output in *output.
inline int run(const std::string& command, std::string* output) {
  std::string log = temp_path("run.log");
  int status = std::system((command + " >" + log + " 2>&1").c_str());
  *output = read_file(log);
  std::remove(log.c_str());
  return status;
}

// Runs a Python script (given as text) with the file at `data` as sys.argv[1].
inline int run_python(const std::string& script, const std::string& data, std::string* output,
                      const std::string& python = "python3") {
  std::string path = write_temp("check.py", script);
  int status = run(python + " " + path + " " + data, output);
  std::remove(path.c_str());
  return status;
}

// Writes `data` to a temporary file named after `name`, runs the Python `script` on it (sys.argv[1]) and expects
// the script to succeed.
inline void expect_python_accepts(const std::string& script, const std::string& name, const std::string& data) {
  std::string path = write_temp(name, data);
  std::string output;
  int status = run_python(script, path, &output);
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << output;
}

// A minimal RFC 4180 reader: fields separated by ',', records by LF or CRLF, quoted fields may hold
// commas, quotes (doubled) and line breaks. Fails the test on malformed quoting.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, was_quoted = false;
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      ++i;
      continue;
    }
    if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "quote inside an unquoted field at byte " << i;
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      was_quoted = false;
    } else {
      EXPECT_FALSE(was_quoted) << "text after a closing quote at byte " << i;
      field += c;
    }
    ++i;
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  if (!field.empty() || !row.empty() || was_quoted) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

inline std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

// Python's csv module reads the file and every record has the header's width.
inline void check_csv_with_python(const std::string& csv) {
  if (!have_python()) GTEST_SKIP() << "python3 not available";
  expect_python_accepts(
      "import csv, sys\n"
      "rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8'), strict=True))\n"
      "widths = {len(r) for r in rows}\n"
      "assert len(widths) == 1, widths\n",
      "check.csv", csv);
}

}  // namespace nnscope::emit::testing
