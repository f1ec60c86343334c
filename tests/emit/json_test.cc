#include <gtest/gtest.h>

#include "emit/emit_test_util.h"

namespace nnscope::emit {
namespace {

using namespace testing;

void check_with_python(const std::string& json, const std::string& assertions) {
  if (!have_python()) GTEST_SKIP() << "python3 not available";
  std::string path = write_temp("check.json", json);
  std::string output;
  int status =
      run_python("import json, sys\nd = json.load(open(sys.argv[1], encoding='utf-8'))\n" + assertions, path, &output);
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << output << "\n" << json;
}

TEST(Json, HoldsTheDocumentedKeysAndNumbers) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  std::string text = json(a, {});
  EXPECT_NE(text.find("\"gemm_macs\": 525824"), std::string::npos);
  check_with_python(text, R"(
assert list(d) == ['schema_version', 'model', 'dtype', 'weight_dtype', 'kernels', 'bindings', 'parameters', 'collapse_depth',
                   'totals', 'peak_after', 'formulas', 'formulas_ascii', 'outputs', 'inputs', 'layers',
                   'by_op_type', 'not_costed'], list(d)
assert d['model'] == 'tiny' and d['dtype'] == 'fp32' and d['weight_dtype'] == 'fp32'
assert d['bindings'] == {'batch': 2}
assert d['parameters'] == [{'name': 'batch', 'value': 2, 'symbolic': True}]
assert d['collapse_depth'] is None
t = d['totals']
assert t['params'] == 257112 and t['gemm_macs'] == 525824 and t['elementwise_ops'] == 2512
assert t['activation_ops'] == 512 and t['flops'] == 1054672 and t['weight_bytes'] == 1028448
assert t['input_bytes'] == 1536 and isinstance(t['intensity'], float)
assert t['active_params'] == t['params']  # no mixture of experts: every parameter is active
assert set(t) == {'params', 'active_params', 'gemm_macs', 'elementwise_ops', 'activation_ops', 'flops', 'weight_bytes',
                  'activation_bytes', 'peak_activation_bytes', 'input_bytes', 'traffic_bytes', 'intensity'}
assert d['kernels'] == 'fused'
assert d['formulas']['gemm_macs'] == '262912·batch', d['formulas']
assert d['formulas_ascii']['gemm_macs'] == '262912*batch'
assert d['formulas_ascii']['params'] == '257112'
assert d['outputs'] == [{'name': 'logits', 'shape': [2, 1000]}]
assert d['inputs'] == [{'name': 'x', 'shape': [2, 3, 8, 8], 'dtype': 'fp32'}]
L = d['layers']
assert [l['path'] for l in L] == ['stem.conv', 'stem.relu', 'head.flatten', 'head.fc', 'head.custom']
c = L[0]
assert c['op'] == 'conv2d' and c['depth'] == 1 and c['op_count'] == 1 and c['costed'] is True
assert c['inputs'] == [[2, 3, 8, 8]] and c['outputs'] == [[2, 4, 8, 8]]
assert c['kernel'] == '3x3' and c['groups'] == 1
assert c['params'] == 112 and c['gemm_macs'] == 13824 and c['elementwise_ops'] == 512 and c['flops'] == 28160
assert c['input_bytes'] == 1536 and c['weight_bytes'] == 448 and c['output_bytes'] == 2048
# Fused kernels (the default): relu runs in the convolution's epilogue, so conv writes nothing to memory.
assert c['traffic_bytes'] == 1536 + 448
assert abs(c['intensity'] - 28160 / 1984) < 1e-5
assert c['weights'] == [{'name': 'weight', 'shape': [4, 3, 3, 3]}, {'name': 'bias', 'shape': [4]}]
assert 'kernel' not in L[1], 'empty display strings are omitted'
assert L[4]['costed'] is False and L[4]['gemm_macs'] is None and L[4]['flops'] is None
assert L[4]['intensity'] is None and L[4]['output_bytes'] == 8000
assert [t['op'] for t in d['by_op_type']] == sorted(t['op'] for t in d['by_op_type'])
lin = [t for t in d['by_op_type'] if t['op'] == 'linear'][0]
assert lin['count'] == 1 and lin['gemm_macs'] == 512000 and lin['params'] == 257000
assert d['not_costed'] == [{'path': 'head.custom', 'op': 'mystery'}]
)");
}

TEST(Json, DepthCollapsesLayers) {
  ir::Graph g = tiny_graph();
  analysis::Analysis a = analysis::analyze(g);
  check_with_python(json(a, {.depth = 0}), R"(
assert d['collapse_depth'] == 0
L = d['layers']
assert [(l['path'], l['op'], l['op_count']) for l in L] == [('stem', 'block', 2), ('head', 'block', 3)], L
assert L[0]['gemm_macs'] == 13824 and L[0]['flops'] == 28672 and L[0]['costed'] is True
assert L[0]['inputs'] == [[2, 3, 8, 8]] and L[0]['outputs'] == [[2, 4, 8, 8]]
assert L[0]['weights'] == [{'name': 'conv.weight', 'shape': [4, 3, 3, 3]}, {'name': 'conv.bias', 'shape': [4]}]
assert L[1]['costed'] is False and L[1]['gemm_macs'] == 512000, 'a block sums what was costed'
assert L[1]['outputs'] == [[2, 1000]]
assert 'kernel' not in L[0]
)");
}

TEST(Json, IntegersBeyondDoublePrecisionStayExact) {
  ir::Graph g = tiny_graph();
  sym::Bindings huge;
  huge.set("batch", sym::Int{1} << 60);
  analysis::Analysis a = analysis::analyze_at(g, huge);
  std::string text = json(a, {});
  sym::Int macs = 262912 * (sym::Int{1} << 60);
  EXPECT_NE(text.find("\"gemm_macs\": " + sym::to_string(macs)), std::string::npos);
  check_with_python(text, "assert d['totals']['gemm_macs'] == " + sym::to_string(macs) +
                              "\nassert d['bindings']['batch'] == 2**60\n");
}

TEST(Json, EscapesNamesAndStaysValid) {
  ir::Graph g = tiny_graph("we\"ird\\name\x01");
  g.ops[0].path = "stem.c\tonv";
  analysis::Analysis a = analysis::analyze(g);
  std::string text = json(a, {});
  EXPECT_NE(text.find("\"model\": \"we\\\"ird\\\\name\\u0001\""), std::string::npos);
  check_with_python(text,
                    "assert d['model'] == 'we\"ird\\\\name\\x01'\nassert d['layers'][0]['path'] == "
                    "'stem.c\\tonv'\n");
}

TEST(SweepJson, PointsWithValuesAndTotals) {
  ir::Graph g = tiny_graph();
  std::vector<SweepPoint> points;
  for (sym::Int batch : {1, 8}) {
    sym::Bindings b;
    b.set("batch", batch);
    points.push_back({{{"batch", batch}}, analysis::analyze_at(g, b, analysis::Kernels::kUnfused)});
  }
  check_with_python(sweep_json(points), R"(
assert d['model'] == 'tiny' and d['parameters'] == ['batch'] and d['kernels'] == 'unfused'
P = d['points']
assert [p['values'] for p in P] == [{'batch': 1}, {'batch': 8}]
assert P[0]['totals']['gemm_macs'] == 262912 and P[1]['totals']['gemm_macs'] == 8 * 262912
assert P[1]['totals']['params'] == 257112
)");
}

}  // namespace
}  // namespace nnscope::emit
