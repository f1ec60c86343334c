// --format xlsx, read by independent readers: Python's openpyxl and pandas (tests/emit/check_xlsx.py compares every
// sheet with the JSON and CSV of the same run) and LibreOffice; each test skips, saying so, where its reader is
// missing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/run_util.h"
#include "emit/emit_test_util.h"
#include "emit/spreadsheet.h"

namespace nnscope::emit {
namespace {

using nnscope::testing::CommandResult;
using nnscope::testing::run_nnscope;
using nnscope::testing::run_shell;

const std::string kChecker = NNSCOPE_SOURCE_DIR "/tests/emit/check_xlsx.py";

TEST(Spreadsheet, XmlTextEscapesAndDropsControls) {
  std::string out;
  // Markup escaped; C0 controls, DEL and C1 controls (U+0085) removed; a stray byte and a UTF-8-encoded surrogate
  // become U+FFFD; U+FFFF (not an XML character) too; other text kept.
  spreadsheet::append_xml_text(out, "a<b>&\"'\x01\t\n\x1f\x7f\xc2\x85 \xff\xed\xa0\x80\xef\xbf\xbf\xc3\xa9");
  EXPECT_EQ(out, "a&lt;b&gt;&amp;&quot;&#39; \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9");
}

TEST(Spreadsheet, ColumnLetters) {
  // Bijective base 26: A..Z, then AA..ZZ (26 + 26² = 702 columns), then AAA.
  EXPECT_EQ(spreadsheet::column_letters(0), "A");
  EXPECT_EQ(spreadsheet::column_letters(25), "Z");
  EXPECT_EQ(spreadsheet::column_letters(26), "AA");
  EXPECT_EQ(spreadsheet::column_letters(701), "ZZ");
  EXPECT_EQ(spreadsheet::column_letters(702), "AAA");
}

std::string python_or_skip_message() { return testing::python_with("openpyxl, pandas"); }
#define REQUIRE_OPENPYXL(python)                                                   \
  std::string python = python_or_skip_message();                                   \
  if (python.empty())                                                              \
  GTEST_SKIP() << "no python3 with openpyxl and pandas (Debian python3-openpyxl, " \
                  "python3-pandas): the workbook is not read back"

TEST(Spreadsheet, HandMadeSheetReadsBack) {
  REQUIRE_OPENPYXL(python);
  std::vector<spreadsheet::Sheet> sheets;
  sheets.emplace_back("hand", std::vector<spreadsheet::SheetColumn>{
                                  {"text"}, {"integer", spreadsheet::Style::kInteger, true}, {"decimal"}});
  spreadsheet::Sheet& sheet = sheets.back();
  sheet.begin_row();
  sheet.text(
      "a<b>&\"'\x01"
      "c\xc3\xa9\xff");
  sheet.integer(sym::Int{1} << 53);
  sheet.number(0.125, 6, spreadsheet::Style::kDecimal);
  sheet.begin_row(2);
  sheet.text(std::string(40000, 'x'));
  sheet.integer(sym::Int{100000000000} * 1000000000);
  std::string path = testing::temp_path("hand.xlsx");
  {
    std::ofstream out(path, std::ios::binary);
    spreadsheet::write_workbook(out, sheets);
  }
  std::string output;
  int status = testing::run(python + " " + kChecker + " cells " + path, &output);
  std::remove(path.c_str());
  EXPECT_EQ(status, 0) << output;
}

// Runs `nnscope analyze ARGS` as xlsx (to a file), JSON and CSV, and checks the workbook against them.
void check_report(const std::string& arguments, const std::string& mode = "report") {
  REQUIRE_OPENPYXL(python);
  std::string base = testing::temp_path("report");
  CommandResult r = run_nnscope("analyze " + arguments + " --format xlsx -o '" + base + ".xlsx'");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_nnscope("analyze " + arguments + " --format json -o '" + base + ".json'");
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_nnscope("analyze " + arguments + " --format csv -o '" + base + ".csv'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::string output;
  int status = testing::run(
      python + " " + kChecker + " " + mode + " '" + base + ".xlsx' '" + base + ".json' '" + base + ".csv'", &output);
  EXPECT_EQ(status, 0) << "nnscope analyze " << arguments << "\n" << output;
  for (const char* suffix : {".xlsx", ".json", ".csv"}) std::remove((base + suffix).c_str());
}

TEST(Xlsx, Resnet50MatchesJsonAndCsv) { check_report("resnet50"); }
TEST(Xlsx, TrainModeHasBackwardColumns) { check_report("resnet18 --mode train"); }
TEST(Xlsx, HardwareHasTimeAndBoundUnit) { check_report("resnet18 --hw a100"); }
TEST(Xlsx, CollapsedDepthAndTransformer) { check_report("bert_base --depth 2 --mode train --hw h100"); }
// fc1's MACs are 10^13 · 784 · 256 > 2^53: the cells hold doubles and *_exact columns the exact integers.
TEST(Xlsx, HugeIntegersKeepExactDigits) { check_report("examples/mlp.nn --set batch=10000000000000"); }
TEST(Xlsx, SweepSheet) { check_report("bert_base --sweep seq=128,512 --sweep batch=1,2 --hw a100", "sweep"); }

TEST(Xlsx, ExactColumnsOnlyWhenNeeded) {
  CommandResult small = run_nnscope("analyze examples/mlp.nn --format xlsx");
  CommandResult huge = run_nnscope("analyze examples/mlp.nn --set batch=10000000000000 --format xlsx");
  ASSERT_EQ(small.status, 0) << small.err;
  ASSERT_EQ(huge.status, 0) << huge.err;
  // The parts are stored uncompressed, so the header cells can be found in the bytes.
  EXPECT_EQ(small.out.find(">gemm_macs_exact<"), std::string::npos);
  EXPECT_NE(huge.out.find(">gemm_macs_exact<"), std::string::npos);
  EXPECT_NE(huge.out.find(">value_exact<"), std::string::npos);
}

TEST(Xlsx, DeterministicAndSameInOutDir) {
  CommandResult first = run_nnscope("analyze resnet18 --format xlsx");
  CommandResult second = run_nnscope("analyze resnet18 --format xlsx");
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
  std::string dir = testing::temp_path("xlsx_out");
  CommandResult r = run_nnscope("analyze resnet18 --out '" + dir + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(testing::read_file(dir + "/resnet18.xlsx"), first.out);
  std::filesystem::remove_all(dir);
}

TEST(Xlsx, RefusesToWriteToATerminal) {
  if (!nnscope::testing::have_tool("script")) GTEST_SKIP() << "script(1) is not installed: no terminal to test with";
  // script(1) runs the command with its stdout on a pseudo-terminal.
  CommandResult r = run_shell("script -qec \"'" NNSCOPE_BINARY "' analyze examples/mlp.nn --format xlsx\" /dev/null");
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("--format xlsx writes a binary workbook"), std::string::npos) << r.out << r.err;
  EXPECT_EQ((r.out + r.err).find("PK"), std::string::npos) << "no workbook bytes on the terminal";
}

TEST(Xlsx, LibreOfficeConverts) {
  if (!nnscope::testing::have_tool("soffice")) GTEST_SKIP() << "LibreOffice (soffice) is not installed";
  std::string dir = testing::temp_path("soffice");
  std::filesystem::create_directories(dir);
  CommandResult r = run_nnscope("analyze resnet18 --hw a100 --format xlsx -o '" + dir + "/r.xlsx'");
  ASSERT_EQ(r.status, 0) << r.err;
  // A profile of its own, so that a LibreOffice already running elsewhere is not asked instead.
  CommandResult convert = run_shell("cd '" + dir + "' && timeout 180 soffice -env:UserInstallation=file://" + dir +
                                    "/profile --headless --convert-to csv --outdir '" + dir + "' r.xlsx");
  EXPECT_EQ(convert.status, 0) << convert.out << convert.err;
  EXPECT_EQ(convert.err.find("rror"), std::string::npos) << convert.err;
  // The first sheet, details: its header and one line per layer and block header.
  std::string csv = testing::read_file(dir + "/r.csv");
  EXPECT_EQ(csv.rfind("path,level_0,", 0), 0u) << csv.substr(0, 200);
  CommandResult details = run_nnscope("analyze resnet18 --hw a100 --format csv");
  std::size_t layers = static_cast<std::size_t>(std::count(details.out.begin(), details.out.end(), '\n'));
  EXPECT_GT(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')), layers);
  EXPECT_NE(csv.find("layer3.0.conv1"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nnscope::emit
