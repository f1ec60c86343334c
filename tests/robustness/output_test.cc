// Issue 18's reproducers for what nnscope writes (items 6, 7, 8, 9, 13) through the real binary, under 1 GiB
// of address space and 5 seconds (robustness_util.h): output linear in the depth of a path, write errors
// reported with the operating system's reason and exit 1, --out DIR written all or none without following a
// symbolic link, sweeps that keep only totals, and the small ones (labels, --set, symlink loops).
//
// A full filesystem cannot be made without root; /dev/full (every write fails with ENOSPC) stands in for it.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "onnx/onnx_builder.h"
#include "robustness/robustness_util.h"

namespace nnscope::testing {
namespace {

namespace fs = std::filesystem;

const std::string kTiny = "examples/mlp.nn";  // relative to the source directory, where run_capped runs

// Every entry of `dir` with its content ("<dir>" for a directory, "-> target" for a symbolic link).
std::map<std::string, std::string> contents(const fs::path& dir) {
  std::map<std::string, std::string> all;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (entry.is_symlink()) {
      all[name] = "-> " + fs::read_symlink(entry.path()).string();
    } else if (entry.is_directory()) {
      all[name] = "<dir>";
    } else {
      all[name] = read_text(entry.path().string());
    }
  }
  return all;
}

bool can_write_dev_full() { return ::access("/dev/full", W_OK) == 0; }

// ---- item 6: output linear in the depth of a path -----------------------------------------------------------

// `analyze MODEL --out DIR` (every file format, and the table on stdout) within 5 seconds and 1 GiB, each file
// within `max_file_bytes`.
void expect_out_dir_within_limits(const TempModel& m, std::uintmax_t max_file_bytes) {
  TempDir dir("deep_out");
  TimedResult r = run_capped({"analyze", m.path(), "--out", dir.path().string()});
  expect_answered_in_time(r);
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  EXPECT_LT(r.out.size(), max_file_bytes);
  for (const fs::directory_entry& entry : fs::directory_iterator(dir.path())) {
    EXPECT_LT(entry.file_size(), max_file_bytes) << entry.path().filename();
  }
}

TEST(Outputs, OnePathAtTheDepthLimitWritesLittle) {
  for (int levels : {1000, 999, 600}) {
    SCOPED_TRACE(levels);
    std::string label;
    for (int i = 1; i < levels; ++i) label += "a.";
    TempModel m("deep_output",
                "model m(batch = 1) {\n    input x: f32[batch, 4]\n    return \"" + label + "a\": relu(x)\n}\n");
    // One op: a few copies of its 2,000-byte path per format, the table's and the page's block lines (1,000 of
    // at most 2,000 columns): megabytes at most, not the hundreds a writer quadratic in the depth makes.
    expect_out_dir_within_limits(m, std::uintmax_t{8} << 20);
  }
}

TEST(Outputs, LongPartsAtTheDepthLimitWriteLinearly) {
  // 998 parts of 1,000 bytes in a 5 KB file (a megabyte of path): 500 MB of DOT and of HTML, and 1.2 GB of
  // memory, when each block's header repeated its whole path.
  for (int parts : {998, 400}) {
    SCOPED_TRACE(parts);
    std::string label = "{s}";
    for (int i = 1; i < parts; ++i) label += ".{s}";
    TempModel m("long_parts", "model m(batch = 1) {\n    input x: f32[batch, 4]\n    s = \"" + std::string(1000, 'p') +
                                  "\"\n    l = \"" + label + "\"\n    return \"{l}.a\": relu(x)\n}\n");
    expect_out_dir_within_limits(m, std::uintmax_t{100} << 20);
  }
}

TEST(Outputs, ManyOpsUnderDeepPathsWriteLinearly) {
  // 1,000 ops, each under a chain of 998 blocks of its own, or all under one chain: the page and the workbook
  // took minutes, the DOT ran out of memory.
  for (const char* label : {"c{i}.DEEPb", "DEEPb{i}"}) {
    SCOPED_TRACE(label);
    std::string deep;
    for (int i = 0; i < 997; ++i) deep += "a.";
    std::string text = label;
    text.replace(text.find("DEEP"), 4, deep);
    TempModel m("deep_ops", "model m(batch = 1) {\n    input x: f32[batch, 4]\n    for i in 0..1000 {\n        x = \"" +
                                text + "\": relu(x)\n    }\n    return x\n}\n");
    expect_out_dir_within_limits(m, std::uintmax_t{100} << 20);
  }
}

TEST(Outputs, TheIssuesDeepLabelsAreRefusedBeforeAnyFileIsWritten) {
  // The reproducer: 10,000 (and 20,000) levels in a 20 KB file, with --out writing every format.
  for (int levels : {10000, 20000}) {
    SCOPED_TRACE(levels);
    std::string label;
    for (int i = 1; i < levels; ++i) label += "a.";
    TempModel m("issue_deep",
                "model m(batch = 1) {\n    input x: f32[batch, 4]\n    return \"" + label + "a\": relu(x)\n}\n");
    TempDir dir("issue_deep_out");
    expect_located(run_capped({"analyze", m.path(), "--out", dir.path().string()}), m.path(), "path-depth");
    EXPECT_TRUE(fs::is_empty(dir.path()));
  }
}

TEST(Outputs, RaisedPathDepthLimitStaysLinearOnASmallStack) {
  // 100,000 levels under --limit path-depth=200000: the DOT, the page and the workbook ran out of memory.
  std::string label;
  for (int i = 1; i < 100000; ++i) label += "a.";
  TempModel m("raised_depth",
              "model m(batch = 1) {\n    input x: f32[batch, 4]\n    return \"" + label + "a\": relu(x)\n}\n");
  TempDir dir("raised_out");
  Capped caps;
  caps.stack = std::size_t{1} << 20;
  TimedResult r = run_capped({"analyze", m.path(), "--limit", "path-depth=200000", "--out", dir.path().string()}, caps);
  expect_answered_in_time(r);
  EXPECT_EQ(r.status, 0) << r.err.substr(0, 2000);
  for (const fs::directory_entry& entry : fs::directory_iterator(dir.path())) {
    EXPECT_LT(entry.file_size(), std::uintmax_t{8} << 20) << entry.path().filename();
  }
}

// ---- item 7: write errors ---------------------------------------------------------------------------------

TEST(WriteErrors, FullDeviceNamedByDashO) {
  if (!can_write_dev_full()) GTEST_SKIP() << "no writable /dev/full";
  std::vector<std::vector<std::string>> commands = {{"dot", kTiny, "-o", "/dev/full"}};
  for (const char* format : {"table", "csv", "summary", "summary-long", "json", "dot", "xlsx", "html"})
    commands.push_back({"analyze", kTiny, "--format", format, "-o", "/dev/full"});
  commands.push_back({"analyze", kTiny, "--sweep", "batch=1,2,3", "--format", "csv", "-o", "/dev/full"});
  TempFile onnx("full.onnx", [] {
    OnnxGraph g;
    g.input("x", onnx::kFloat, {"batch", 4}).node("Relu", {"x"}, {"y"}).output("y");
    return g.model();
  }());
  commands.push_back({"import", onnx.path(), "-o", "/dev/full"});
  for (const std::vector<std::string>& command : commands) {
    SCOPED_TRACE(command[0] + " " + command[command.size() - 3]);
    TimedResult r = run_capped(command);
    expect_rejected_in_time(r);
    EXPECT_NE(r.err.find("cannot write '/dev/full': No space left on device"), std::string::npos) << r.err;
  }
}

TEST(WriteErrors, FullStdout) {
  if (!can_write_dev_full()) GTEST_SKIP() << "no writable /dev/full";
  TempFile onnx("stdout.onnx", [] {
    OnnxGraph g;
    g.input("x", onnx::kFloat, {"batch", 4}).node("Relu", {"x"}, {"y"}).output("y");
    return g.model();
  }());
  Capped caps;
  caps.stdout_path = "/dev/full";
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"analyze", "resnet50", "--format", "json"},  // megabytes, streamed
                                             {"analyze", kTiny},  // a few hundred bytes, written only at exit
                                             {"analyze", kTiny, "--format", "xlsx"},
                                             {"analyze", kTiny, "--sweep", "batch=1,2", "--format", "json"},
                                             {"dot", kTiny},
                                             {"show", "resnet18"},
                                             {"ops"},
                                             {"ops", "linear"},
                                             {"list"},
                                             {"import", onnx.path()},
                                             {"--help"},
                                             {"--version"}}) {
    SCOPED_TRACE(command[0] + (command.size() > 1 ? " " + command[1] : ""));
    TimedResult r = run_capped(command, caps);
    expect_rejected_in_time(r, 10);  // `list` analyses every standard-library model
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  }
}

// ---- item 8: --out DIR all or none ----------------------------------------------------------------------------

class OutDir : public ::testing::Test {
 protected:
  // The files `analyze examples/mlp.nn --out DIR` writes.
  static const std::vector<std::string>& names() {
    static const std::vector<std::string> kNames = {"mlp.details.csv", "mlp.summary.csv", "mlp.json",
                                                    "mlp.dot",         "mlp.xlsx",        "mlp.html"};
    return kNames;
  }
  TimedResult write_out() { return run_capped({"analyze", kTiny, "--out", dir_.path().string()}); }
  void fill_with_old_content() {
    for (const std::string& name : names()) std::ofstream(dir_ / name) << "old " << name;
  }
  TempDir dir_{"out_dir"};
};

TEST_F(OutDir, WritesEveryFile) {
  TimedResult r = write_out();
  expect_answered_in_time(r);
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, std::string> written = contents(dir_.path());
  EXPECT_EQ(written.size(), names().size());
  for (const std::string& name : names()) EXPECT_TRUE(written.count(name)) << name;
}

TEST_F(OutDir, SymlinkAtATargetIsReplacedNotFollowed) {
  TempDir elsewhere("out_elsewhere");
  std::string victim = elsewhere / "victim.txt";
  std::ofstream(victim) << "precious";
  for (const char* name : {"mlp.json", "mlp.dot", "mlp.details.csv"}) fs::create_symlink(victim, dir_ / name);
  fs::create_symlink(elsewhere / "dangling", dir_ / "mlp.html");
  TimedResult r = write_out();
  expect_answered_in_time(r);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_text(victim), "precious");
  EXPECT_FALSE(fs::exists(elsewhere / "dangling"));
  for (const std::string& name : names()) EXPECT_FALSE(fs::is_symlink(dir_ / name)) << name;
}

TEST_F(OutDir, ReadOnlyOldFileIsReplacedWithTheRest) {
  fill_with_old_content();
  fs::permissions(dir_ / "mlp.json", fs::perms::owner_read);
  TimedResult r = write_out();
  expect_answered_in_time(r);
  // Either a whole new set or the whole old one: never the old .json beside new CSVs.
  std::map<std::string, std::string> after = contents(dir_.path());
  std::size_t old = 0;
  for (const std::string& name : names()) old += after[name] == "old " + name;
  if (r.status == 0) {
    EXPECT_EQ(old, 0u);
  } else {
    EXPECT_EQ(old, names().size());
  }
  EXPECT_EQ(after.size(), names().size()) << "no temporary file is left behind";
}

TEST_F(OutDir, ATargetThatCannotBeReplacedLeavesEveryOldFile) {
  // A directory where one file goes: rename() cannot replace it. Each position in the order files are written.
  for (const std::string& blocked : names()) {
    SCOPED_TRACE(blocked);
    fs::remove_all(dir_.path());
    fs::create_directories(dir_.path());
    fill_with_old_content();
    fs::remove(dir_ / blocked);
    fs::create_directories(dir_ / blocked);
    std::map<std::string, std::string> before = contents(dir_.path());
    TimedResult r = write_out();
    expect_rejected_in_time(r);
    EXPECT_NE(r.err.find("cannot write '" + (dir_ / blocked) + "': Is a directory"), std::string::npos) << r.err;
    EXPECT_EQ(contents(dir_.path()), before);
  }
}

TEST_F(OutDir, UnwritableDirectoryIsAnErrorWithTheReason) {
  fill_with_old_content();
  std::map<std::string, std::string> before = contents(dir_.path());
  if (::geteuid() != 0) {  // root writes into a read-only directory anyway
    fs::permissions(dir_.path(), fs::perms::owner_read | fs::perms::owner_exec);
    TimedResult r = write_out();
    expect_rejected_in_time(r);
    EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
    fs::permissions(dir_.path(), fs::perms::owner_all);
    EXPECT_EQ(contents(dir_.path()), before);
  }
  // DIR is a regular file.
  TempFile file("out_file", "not a directory");
  TimedResult r = run_capped({"analyze", kTiny, "--out", file.path()});
  expect_rejected_in_time(r);
  EXPECT_NE(r.err.find(file.path()), std::string::npos) << r.err;
  EXPECT_EQ(read_text(file.path()), "not a directory");
}

// ---- item 9: a sweep keeps only what each row needs -----------------------------------------------------------

TEST(Sweeps, PointsOfAConstParameterKeepOnlyTheirTotals) {
  // Each point elaborates `layers` times 5 ops again (before, every point kept its graph and its per-layer figures).
  TempModel m("sweep",
              "model m(batch = 1, const layers = 2) {\n    input x: f32[batch, 64]\n"
              "    for i in 0..layers {\n        y = linear(x, 64)\n        y = relu(y)\n"
              "        y = linear(y, 64)\n        x = layernorm(x + y)\n    }\n    return x\n}\n");
  auto sweep = [&](int points) {
    std::string values;
    for (int i = 0; i < points; ++i) values += (i ? "," : "") + std::to_string(100 + i % 7);
    return run_capped({"analyze", m.path(), "--sweep", "layers=" + values, "--format", "csv"});
  };
  TimedResult few = sweep(50), many = sweep(1000);
  for (const TimedResult* r : {&few, &many}) {
    expect_answered_in_time(*r);
    EXPECT_EQ(r->status, 0) << r->err.substr(0, 2000);
  }
  // 1,000 points hold no more memory than 50 (each point is a graph of 500 to 530 ops).
  if (kMeasureMemory) {
    EXPECT_LT(many.peak_rss_kib, few.peak_rss_kib + 20 * 1024) << few.peak_rss_kib << " KiB for 50 points";
  }
  // The reproducer's model: bert_base over its encoder layers, 600 points against 30 for memory, and the issue's
  // 20,000 points within the time limit (points sharing a const value share one elaboration).
  auto bert = [](int points) {
    std::string values;
    for (int i = 0; i < points; ++i) values += (i ? "," : "") + std::to_string(1 + i % 12);
    return run_capped({"analyze", "bert_base", "--sweep", "layers=" + values, "--format", "csv"});
  };
  TimedResult bert_few = bert(30), bert_many = bert(600), bert_issue = bert(20000);
  for (const TimedResult* r : {&bert_few, &bert_many, &bert_issue}) {
    expect_answered_in_time(*r);
    EXPECT_EQ(r->status, 0) << r->err.substr(0, 2000);
  }
  EXPECT_EQ(std::count(bert_many.out.begin(), bert_many.out.end(), '\n'), 601);
  EXPECT_EQ(std::count(bert_issue.out.begin(), bert_issue.out.end(), '\n'), 20001);
  if (kMeasureMemory) {
    EXPECT_LT(bert_many.peak_rss_kib, bert_few.peak_rss_kib + 20 * 1024) << bert_few.peak_rss_kib << " KiB";
  }
  // Each layer: two 64x64 linear layers with bias and a layer norm of 64 (weight and bias).
  const std::int64_t per_layer = 2 * (64 * 64 + 64) + 2 * 64;
  for (int layers : {100, 106}) {
    std::size_t row = many.out.find("\n" + std::to_string(layers) + ",");
    ASSERT_NE(row, std::string::npos) << layers;
    std::string line = many.out.substr(row + 1, many.out.find('\n', row + 1) - row - 1) + ",";
    EXPECT_NE(line.find("," + std::to_string(layers * per_layer) + ","), std::string::npos) << line;
  }
}

// ---- item 13: the small ones -----------------------------------------------------------------------------------

TEST(SmallOnes, LabelsCannotStartAPartWithADash) {
  const std::string header = "model m(batch = 1) {\n    input x: f32[batch, 4]\n";
  for (const std::string& body :
       {std::string("    return \"-2-3\": relu(x)\n"), std::string("    return \"a.-b\": relu(x)\n"),
        std::string("    s = \"-1\"\n    return \"{s}\": relu(x)\n"),
        std::string("    n = 0 - 7\n    return \"a.{n}\": relu(x)\n"),
        std::string("    scope \"-x\" {\n        x = relu(x)\n    }\n    return x\n")}) {
    SCOPED_TRACE(body);
    TempModel m("dash", header + body + "}\n");
    TimedResult r = run_capped({"analyze", m.path(), "--format", "csv"});
    expect_located(r, m.path(), "'-'");
  }
}

TEST(SmallOnes, SizesBelowOneOnTheCommandLineAreUsageErrors) {
  for (const char* value : {"batch=0", "batch=-1", "batch=-9223372036854775808"}) {
    for (const char* command : {"analyze", "check", "dot"}) {
      SCOPED_TRACE(std::string(command) + " --set " + value);
      TimedResult r = run_capped({command, kTiny, "--set", value});
      EXPECT_EQ(r.status, 2) << r.err;
      EXPECT_NE(r.err.find("batch"), std::string::npos) << r.err;
      expect_no_library_exception(r);
    }
  }
}

TEST(SmallOnes, SymlinkLoopsAreNamedForEveryKindOfFile) {
  TempDir dir("loops");
  for (const char* ext : {".nn", ".onnx", ".json"}) {
    SCOPED_TRACE(ext);
    std::string a = dir / (std::string("a") + ext), b = dir / (std::string("b") + ext);
    fs::create_symlink(b, a);
    fs::create_symlink(a, b);
    for (const char* command : {"analyze", "check", "import"}) {
      if (std::string(ext) == ".nn" && std::string(command) == "import") continue;
      TimedResult r = run_capped({command, a});
      EXPECT_TRUE(r.status == 1 || r.status == 2) << command << ": " << r.status;
      EXPECT_NE(r.err.find("symbolic link"), std::string::npos) << command << ": " << r.err;
      EXPECT_EQ(r.err.find("No such file"), std::string::npos) << command << ": " << r.err;
      expect_no_library_exception(r);
    }
  }
}

}  // namespace
}  // namespace nnscope::testing
