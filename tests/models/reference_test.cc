// Compares the standard library's torchvision models with torchvision itself, layer by layer: the committed
// file tests/models/reference/torchvision.txt (made by tools/reference/torchvision_reference.py with forward
// hooks in PyTorch; never run by the build) holds, for each model at two input sizes, the parameter count,
// the GEMM MACs, the output shape of every convolution and linear layer under its torchvision module path, and
// the model's output shape. nnscope must give the same totals and output and, for every recorded path, an op
// with exactly that path and shape:
// that is what makes nnscope's rows line up with PyTorch's modules. Models of the file that the standard
// library does not have yet are skipped with a message, so the file can list models before they land.
//
// File format, one item per line ('#' starts a comment line):
//   model <torchvision name> nnscope=<standard-library name> batch=<N> height=<H> width=<W>
//   params <integer>
//   gemm_macs <integer>
//   shape <module path> <d0>x<d1>x...
//   output <d0>x<d1>x...
//   end
// Every key=value of the model line other than nnscope is a size binding (--set) for the nnscope model.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "analysis/analysis.h"
#include "interp/interpreter.h"
#include "models/model_test_util.h"
#include "stdlib/embedded.h"

namespace nnscope {
namespace {

using sym::Int;

constexpr const char* kReferenceFile = NNSCOPE_SOURCE_DIR "/tests/models/reference/torchvision.txt";

struct RefShape {
  std::string path;
  std::string shape;  // "3x64x80x64"
};

struct RefModel {
  std::string torchvision_name;
  std::string nnscope_name;
  std::map<std::string, Int> bindings;
  Int params = -1;
  Int gemm_macs = -1;
  std::vector<RefShape> shapes;
  std::string output;  // the model's output shape, "3x1000"
  int line = 0;        // of the model line, for messages
};

struct Reference {
  std::vector<RefModel> models;
  std::vector<std::string> errors;  // malformed lines, with their line numbers
};

bool parse_int(const std::string& text, Int* out) {
  if (text.empty() || text.size() > 30) return false;
  Int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

Reference parse_reference(std::istream& in) {
  Reference ref;
  std::string line;
  int number = 0;
  bool open = false;
  auto error = [&](const std::string& message) {
    ref.errors.push_back("line " + std::to_string(number) + ": " + message + ": '" + line + "'");
  };
  while (std::getline(in, line)) {
    ++number;
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string s; words >> s;) w.push_back(s);
    if (w.empty() || w[0][0] == '#') continue;
    if (w[0] == "model") {
      if (open) error("model block not closed by 'end'");
      if (w.size() < 2) {
        error("model line without a name");
        continue;
      }
      RefModel m;
      m.torchvision_name = m.nnscope_name = w[1];
      m.line = number;
      for (std::size_t i = 2; i < w.size(); ++i) {
        std::size_t eq = w[i].find('=');
        if (eq == std::string::npos) {
          error("expected key=value");
          continue;
        }
        std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
        Int v = 0;
        if (key == "nnscope") {
          m.nnscope_name = value;
        } else if (parse_int(value, &v)) {
          m.bindings[key] = v;
        } else {
          error("binding '" + key + "' is not a non-negative integer");
        }
      }
      ref.models.push_back(std::move(m));
      open = true;
      continue;
    }
    if (!open) {
      error("'" + w[0] + "' outside a model block");
      continue;
    }
    RefModel& m = ref.models.back();
    if ((w[0] == "params" || w[0] == "gemm_macs") && w.size() == 2) {
      Int v = 0;
      if (!parse_int(w[1], &v)) error("not a non-negative integer");
      (w[0] == "params" ? m.params : m.gemm_macs) = v;
    } else if (w[0] == "shape" && w.size() == 3) {
      m.shapes.push_back({w[1], w[2]});
    } else if (w[0] == "output" && w.size() == 2) {
      m.output = w[1];
    } else if (w[0] == "end" && w.size() == 1) {
      if (m.params < 0 || m.gemm_macs < 0 || m.output.empty()) error("model block without params, gemm_macs or output");
      open = false;
    } else {
      error("unknown line");
    }
  }
  if (open) {
    ++number;
    error("file ends inside a model block");
  }
  return ref;
}

const Reference& reference() {
  static const Reference ref = [] {
    std::ifstream in(kReferenceFile);
    if (!in) {
      Reference r;
      r.errors.push_back(std::string("cannot open ") + kReferenceFile);
      return r;
    }
    return parse_reference(in);
  }();
  return ref;
}

std::string shape_string(const std::vector<Int>& shape) {
  std::string s;
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? "x" : "") + sym::to_string(shape[i]);
  return s;
}

std::string describe(const RefModel& m) {
  std::string s = m.torchvision_name;
  for (const auto& [key, value] : m.bindings) s += " " + key + "=" + sym::to_string(value);
  return s;
}

// A gtest-safe test name: "resnet50_batch3_height320_width256".
std::string test_name(const ::testing::TestParamInfo<std::size_t>& info) {
  const RefModel& m = reference().models[info.param];
  std::string s = m.torchvision_name;
  for (const auto& [key, value] : m.bindings) s += "_" + key + sym::to_string(value);
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

std::vector<std::size_t> model_indices() {
  std::vector<std::size_t> v(reference().models.size());
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = i;
  return v;
}

TEST(TorchvisionReferenceFile, ParsesAndListsEveryModelAtTwoSizes) {
  const Reference& ref = reference();
  for (const std::string& e : ref.errors) ADD_FAILURE() << kReferenceFile << ": " << e;
  ASSERT_FALSE(ref.models.empty());
  std::map<std::string, std::vector<const RefModel*>> by_name;
  for (const RefModel& m : ref.models) by_name[m.torchvision_name].push_back(&m);
  for (const auto& [name, blocks] : by_name) {
    EXPECT_GE(blocks.size(), 2u) << name << " should be recorded at two sizes";
    std::set<std::map<std::string, Int>> sizes;
    for (const RefModel* m : blocks) {
      sizes.insert(m->bindings);
      EXPECT_FALSE(m->shapes.empty()) << describe(*m) << " has no shapes";
    }
    EXPECT_EQ(sizes.size(), blocks.size()) << name << " lists the same size twice";
  }
  // Parser checks on a small text, malformed lines included.
  std::istringstream text(
      "# c\nmodel a nnscope=b batch=3 height=4\nparams 10\ngemm_macs 20\nshape x.0 1x2\noutput 3x2\nend\n"
      "shape y 1\nmodel c\nparams x\nbogus\nend\nmodel d\n");
  Reference small = parse_reference(text);
  ASSERT_EQ(small.models.size(), 3u);
  EXPECT_EQ(small.models[0].nnscope_name, "b");
  EXPECT_EQ(small.models[0].bindings.at("height"), Int(4));
  EXPECT_EQ(small.models[0].gemm_macs, Int(20));
  ASSERT_EQ(small.models[0].shapes.size(), 1u);
  EXPECT_EQ(small.models[0].shapes[0].path, "x.0");
  EXPECT_EQ(small.models[0].output, "3x2");
  // "shape y" outside a block, "params x", "bogus", the incomplete "end", the unterminated "model d".
  EXPECT_EQ(small.errors.size(), 5u);
}

class TorchvisionReference : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TorchvisionReference, MatchesTorchvision) {
  const RefModel& m = reference().models[GetParam()];
  std::vector<std::string> names = stdlib::model_names();
  if (std::find(names.begin(), names.end(), m.nnscope_name) == names.end()) {
    GTEST_SKIP() << "'" << m.nnscope_name << "' is not in the standard library yet; its reference (line " << m.line
                 << " of torchvision.txt) will be compared once it lands";
  }
  SCOPED_TRACE(describe(m) + " (torchvision.txt line " + std::to_string(m.line) + ")");
  std::unique_ptr<testing::ModelRun> r;
  try {
    r = testing::run_model(m.nnscope_name, m.bindings);
  } catch (const std::exception& e) {
    FAIL() << "nnscope cannot analyse " << m.nnscope_name << ":\n" << e.what();
  }
  EXPECT_EQ(sym::to_string(r->analysis.totals.figures.params), sym::to_string(m.params)) << "params";
  EXPECT_EQ(sym::to_string(r->analysis.totals.figures.gemm_macs), sym::to_string(m.gemm_macs)) << "GEMM MACs";
  ASSERT_EQ(r->analysis.output_shapes.size(), 1u) << "torchvision's model has one output";
  EXPECT_EQ(shape_string(r->analysis.output_shapes[0]), m.output) << "output shape";

  std::map<std::string, const analysis::Layer*> by_path;
  for (const analysis::Layer& layer : r->analysis.layers) by_path[r->graph.ops[layer.op].path] = &layer;
  std::vector<std::string> missing, differ;
  for (const RefShape& s : m.shapes) {
    auto it = by_path.find(s.path);
    if (it == by_path.end()) {
      missing.push_back(s.path);
    } else if (it->second->output_shapes.empty() || shape_string(it->second->output_shapes[0]) != s.shape) {
      differ.push_back(s.path + ": nnscope " +
                       (it->second->output_shapes.empty() ? "no output" : shape_string(it->second->output_shapes[0])) +
                       ", torchvision " + s.shape);
    }
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += "\n  " + x;
    return s;
  };
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << m.shapes.size()
                               << " torchvision conv/linear paths have no nnscope op:" << join(missing);
  EXPECT_TRUE(differ.empty()) << differ.size() << " output shapes differ:" << join(differ);
}

INSTANTIATE_TEST_SUITE_P(, TorchvisionReference, ::testing::ValuesIn(model_indices()), test_name);

}  // namespace
}  // namespace nnscope
