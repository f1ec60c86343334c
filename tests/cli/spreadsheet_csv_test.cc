// The details and summary CSVs as a spreadsheet user loads them (issue 13, part 4), read by pandas as the
// independent reader: attribute columns hold values evaluated at the bindings, never formulas; groups are integers;
// the summary is one row whose totals pandas types as numbers. Skipped, saying so, where pandas is absent.
#include <gtest/gtest.h>

#include "cli/run_util.h"

namespace nnscope::testing {
namespace {

// A Python with pandas: the one on PATH, else the system's (Debian's python3-pandas); "" when neither has it.
const std::string& pandas_python() {
  static const std::string python = [] {
    for (const char* candidate : {"python3", "/usr/bin/python3"}) {
      if (run_shell(std::string(candidate) + " -c 'import pandas'").status == 0) return std::string(candidate);
    }
    return std::string();
  }();
  return python;
}
bool have_pandas() { return !pandas_python().empty(); }

// Runs nnscope with `arguments`, then a Python snippet with pandas as `pd` and the output's path as `path`; the
// snippet asserts, and the test fails with its message when it does.
void check_with_pandas(const std::string& arguments, const std::string& snippet) {
  CommandResult r = run_nnscope(arguments);
  ASSERT_EQ(r.status, 0) << arguments << "\n" << r.err;
  std::string data = temp_path("pandas.csv"), script = temp_path("pandas.py");
  std::ofstream(data, std::ios::binary) << r.out;
  std::ofstream(script) << "import math, json, sys\nimport pandas as pd\npath = sys.argv[1]\n" << snippet << "\n";
  CommandResult check = run_shell(pandas_python() + " '" + script + "' '" + data + "'");
  std::remove(data.c_str());
  std::remove(script.c_str());
  EXPECT_EQ(check.status, 0) << arguments << "\n" << check.out << check.err;
}

// No attribute cell holds a formula: only digits and 'x', or one of the words a rule may show.
constexpr const char* kNoFormulas = R"(
import re
for col in ['kernel', 'stride', 'padding', 'dilation']:
    for v in df[col].dropna().astype(str):
        assert re.fullmatch(r'-?\d+(x-?\d+)*', v) or v in ('same', 'valid', 'adaptive'), (col, v)
groups = df['groups'].dropna()
assert (groups == groups.round()).all(), 'groups are whole numbers'
assert str(df.convert_dtypes()['groups'].dtype) == 'Int64', df['groups'].dtype
)";

TEST(SpreadsheetCsv, AdaptivePoolKernelsAreEvaluated) {
  if (!have_pandas()) GTEST_SKIP() << "python3 with pandas not available";
  // torchvision resnet50: AdaptiveAvgPool2d((1, 1)) over the 7x7 map of a 224x224 input, so a 7x7 window;
  // at 320x320 the map is 10x10.
  check_with_pandas("analyze resnet50 --format csv", std::string("df = pd.read_csv(path)\n") + kNoFormulas + R"(
row = df[df['path'] == 'avgpool'].iloc[0]
assert row['kernel'] == '7x7', row['kernel']
conv1 = df[df['path'] == 'conv1'].iloc[0]
assert conv1['kernel'] == '7x7' and conv1['stride'] == '2x2' and conv1['padding'] == '3x3' and conv1['groups'] == 1
)");
  check_with_pandas("analyze resnet50 --set height=320 --set width=320 --format csv",
                    "df = pd.read_csv(path)\nassert df[df['path'] == 'avgpool'].iloc[0]['kernel'] == '10x10'\n");
  // torchvision vgg16: AdaptiveAvgPool2d((7, 7)) over a 7x7 map is a 1x1 window.
  check_with_pandas("analyze vgg16 --format csv", std::string("df = pd.read_csv(path)\n") + kNoFormulas + R"(
row = df[df['op'] == 'adaptive_avgpool2d'].iloc[0]
assert row['kernel'] == '1x1' and row['stride'] == '1x1', (row['kernel'], row['stride'])
)");
}

TEST(SpreadsheetCsv, RoiAlignSamplingRatioIsInTheMiscColumn) {
  if (!have_pandas()) GTEST_SKIP() << "python3 with pandas not available";
  // torchvision maskrcnn_resnet50_fpn: MultiScaleRoIAlign(output_size=7, sampling_ratio=2) for the box head.
  check_with_pandas("analyze maskrcnn_resnet50_fpn --format csv",
                    std::string("df = pd.read_csv(path)\n") + kNoFormulas + R"(
roi = df[df['op'] == 'roi_align']
assert len(roi) >= 1
box = roi[roi['path'] == 'roi_heads.box_roi_pool'].iloc[0]
assert box['kernel'] == '7x7' and pd.isna(box['stride']), (box['kernel'], box['stride'])
assert box['misc'] == 'sampling_ratio=2', box['misc']
)");
}

// The level columns are text; a spreadsheet user reads them as such (dtype=str), and no numeric column
// of the layer figures comes out as text or float.
TEST(SpreadsheetCsv, FigureColumnsAreIntegers) {
  if (!have_pandas()) GTEST_SKIP() << "python3 with pandas not available";
  check_with_pandas("analyze bert_base --format csv", R"(
df = pd.read_csv(path)
for col in ['params', 'input_bytes', 'weight_bytes', 'output_bytes', 'gemm_macs', 'flops']:
    assert str(df[col].dtype) == 'int64', (col, df[col].dtype)
assert str(df['intensity'].dtype) == 'float64'
levels = pd.read_csv(path, dtype=str, keep_default_na=False)
for col in [c for c in levels.columns if c.startswith('level_')]:
    assert not any('.' in v for v in levels[col]), col
)");
}

// One header row, one row of values; totals are numbers, formulas evaluate to them at the bindings, and every
// total equals the JSON report's.
TEST(SpreadsheetCsv, SummaryIsOneNumericRow) {
  if (!have_pandas()) GTEST_SKIP() << "python3 with pandas not available";
  const std::string common = R"(
df = pd.read_csv(path)
assert len(df) == 1, len(df)
row = df.iloc[0]
totals = json.load(open(path + '.json'))['totals']
for key, value in totals.items():
    assert key in df.columns, key
    assert df[key].dtype.kind in 'if', (key, df[key].dtype)
    assert abs(float(row[key]) - value) <= 1e-9 * max(1.0, abs(value)), (key, row[key], value)
env = {'ceil': math.ceil, 'floor': math.floor, 'min': min, 'max': max}
for col in [c for c in df.columns if c.endswith('_formula')]:
    key = col[:-len('_formula')]
    names = {c: int(row[c]) for c in df.columns if c not in totals and not c.endswith('_formula')
             and df[c].dtype.kind == 'i'}
    assert eval(str(row[col]).replace('^', '**'), env, names) == row[key], (col, row[col], row[key])
)";
  for (const std::string& arguments :
       {std::string("analyze resnet50"), std::string("analyze resnet50 --mode train --hw a100"),
        std::string("analyze bert_base --set batch=2 --set seq=256")}) {
    CommandResult json = run_nnscope(arguments + " --format json");
    ASSERT_EQ(json.status, 0) << json.err;
    std::string data = temp_path("pandas.csv");
    std::ofstream(data + ".json", std::ios::binary) << json.out;
    // The snippet runs on the summary; its JSON twin lies beside it (temp_path is per process, so the same name).
    check_with_pandas(arguments + " --format summary", common);
    std::remove((data + ".json").c_str());
  }
  // torchvision resnet50 has 25,557,032 parameters.
  check_with_pandas("analyze resnet50 --format summary",
                    "df = pd.read_csv(path)\nassert df.iloc[0]['params'] == 25557032 and df.iloc[0]['model'] == "
                    "'resnet50'\nassert df.iloc[0]['batch'] == 1 and df.iloc[0]['height'] == 224\n");
}

TEST(SpreadsheetCsv, TheLongSummaryKeepsItsForm) {
  CommandResult r = run_nnscope("analyze resnet50 --format summary-long");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("section,name,metric,value,formula\n", 0), 0u);
  EXPECT_NE(r.out.find("\ntotal,params,,25557032,"), std::string::npos);
  EXPECT_NE(r.out.find("\nop_type,conv2d,count,53,"), std::string::npos);  // torchvision resnet50: 53 Conv2d
}

}  // namespace
}  // namespace nnscope::testing
