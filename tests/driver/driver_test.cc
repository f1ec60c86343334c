// The pipeline library: resolving what the user named, exit statuses of its failures, sweeps that keep no
// graphs, and output files written all or none, with the operating system's reason when they cannot be.
#include "driver/driver.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "cli/run_util.h"
#include "driver/formats.h"

namespace nnscope::driver {
namespace {

using testing::read_text;
using testing::run_nnscope;
using testing::temp_path;

int status_of(const Request& request) {
  try {
    run(request);
    return kExitOk;
  } catch (const Failure& failure) {
    return failure.status();
  }
}

TEST(Driver, RunsAStandardLibraryModel) {
  Request request;
  request.target = "resnet18";
  std::unique_ptr<Report> report = run(request);
  ASSERT_TRUE(report->analysis);
  EXPECT_EQ(report->analysis->totals.figures.params, 11'689'512);  // torchvision's resnet18
  EXPECT_FALSE(report->is_sweep());
}

TEST(Driver, CommandLineMistakesAreUsageErrors) {
  Request request;
  request.target = "resnet18";
  request.elaborate.overrides["bacth"] = 2;  // no such parameter
  EXPECT_EQ(status_of(request), kExitUsage);
  request.elaborate.overrides = {{"batch", 0}};  // a size below 1
  EXPECT_EQ(status_of(request), kExitUsage);
  request.elaborate.overrides = {};
  request.target = "resnet_18";  // neither a file nor a model
  EXPECT_EQ(status_of(request), kExitUsage);
  request.target = "resnet18";
  request.sweeps = {{"heigth", {224, 256}}};
  EXPECT_EQ(status_of(request), kExitUsage);
}

TEST(Driver, TrainingPeakIsReportedWithoutEditingTheForwardTotals) {
  Request request;
  request.target = "resnet18";
  request.train = true;
  std::unique_ptr<Report> report = run(request);
  const analysis::Analysis& a = *report->analysis;
  ASSERT_TRUE(a.training);
  EXPECT_EQ(a.peak_activation_bytes(), a.training->totals.peak_activation_bytes);
  // The backward pass keeps activations alive, so its peak is above the forward one, which stays as analysed.
  EXPECT_GT(a.peak_activation_bytes(), a.totals.peak_activation_bytes);
}

TEST(Driver, SweepPointsKeepTotalsOnly) {
  Request request;
  request.target = "bert_base";
  request.sweeps = {{"layers", {2, 4}}};  // a const parameter: each point is elaborated again
  request.train = true;
  std::unique_ptr<Report> report = run(request);
  ASSERT_EQ(report->sweep.size(), 2u);
  for (const emit::SweepPoint& point : report->sweep) {
    EXPECT_EQ(point.analysis.layers.size(), 0u);
    EXPECT_EQ(point.analysis.graph, report->graph.get());
    ASSERT_TRUE(point.analysis.training);
    EXPECT_TRUE(point.analysis.training->layers.empty());
  }
  // Two more encoder layers of 7,087,872 parameters each (BERT-base: 4·768² + 4·768 attention, 2·768·3072 + 3072 +
  // 768 feed-forward, 2·2·768 layer norms).
  EXPECT_EQ(report->sweep[1].analysis.totals.figures.params - report->sweep[0].analysis.totals.figures.params,
            2 * (4 * 768 * 768 + 4 * 768 + 2 * 768 * 3072 + 3072 + 768 + 4 * 768));
}

// Points sharing their const parameters' values share one elaboration, evaluated at each point's sizes: every
// point of a layers x seq product must equal that point elaborated on its own (with --set), figure for figure.
TEST(Driver, ConstTimesSizeSweepsEqualEachPointElaboratedAlone) {
  Request request;
  request.target = "bert_base";
  request.sweeps = {{"layers", {2, 4, 2}}, {"seq", {128, 384}}};
  request.train = true;
  std::unique_ptr<Report> report = run(request);
  ASSERT_EQ(report->sweep.size(), 6u);
  for (const emit::SweepPoint& point : report->sweep) {
    Request alone;
    alone.target = "bert_base";
    alone.train = true;
    for (const auto& [name, value] : point.values) alone.elaborate.overrides[name] = value;
    std::unique_ptr<Report> single = run(alone);
    const analysis::Analysis &swept = point.analysis, &direct = *single->analysis;
    SCOPED_TRACE(static_cast<long long>(point.values[0].second));
    SCOPED_TRACE(static_cast<long long>(point.values[1].second));
    EXPECT_EQ(swept.totals.figures.params, direct.totals.figures.params);
    EXPECT_EQ(swept.totals.figures.gemm_macs, direct.totals.figures.gemm_macs);
    EXPECT_EQ(swept.totals.figures.elementwise_ops, direct.totals.figures.elementwise_ops);
    EXPECT_EQ(swept.totals.figures.traffic_bytes, direct.totals.figures.traffic_bytes);
    EXPECT_EQ(swept.peak_activation_bytes(), direct.peak_activation_bytes());
    EXPECT_EQ(swept.training->totals.train_flops, direct.training->totals.train_flops);
    EXPECT_EQ(swept.training->totals.train_memory_bytes, direct.training->totals.train_memory_bytes);
  }
}

TEST(Driver, EveryFormatIsInTheTable) {
  for (const char* name : {"table", "csv", "summary", "json", "dot"}) EXPECT_NE(find_format(name), nullptr) << name;
  EXPECT_EQ(find_format("xml"), nullptr);
  Request request;
  request.target = "resnet18";
  request.sweeps = {{"batch", {1, 2}}};
  std::unique_ptr<Report> report = run(request);
  std::ostringstream out;
  EXPECT_THROW(write_report(out, *report, *find_format("dot"), {}), Failure);  // a sweep has no graph picture
}

TEST(WriteFiles, AllOrNoneAndNoSymlinkFollowed) {
  std::filesystem::path dir = temp_path("out_dir");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::path target = temp_path("symlink_target");
  std::filesystem::remove(target);
  std::filesystem::create_symlink(target, dir / "a.txt");
  write_files({{dir / "a.txt", [](std::ostream& out) { out << "new"; }}});
  EXPECT_FALSE(std::filesystem::exists(target)) << "the link's target must not be written";
  EXPECT_FALSE(std::filesystem::is_symlink(dir / "a.txt"));
  EXPECT_EQ(read_text((dir / "a.txt").string()), "new");

  // The second file cannot be written (its directory does not exist): the first keeps its old content.
  try {
    write_files({{dir / "a.txt", [](std::ostream& out) { out << "newer"; }},
                 {dir / "missing" / "b.txt", [](std::ostream& out) { out << "b"; }}});
    ADD_FAILURE() << "expected a Failure";
  } catch (const Failure& failure) {
    EXPECT_EQ(failure.status(), kExitModelError);
    EXPECT_NE(failure.text().find("No such file or directory"), std::string::npos) << failure.text();
  }
  EXPECT_EQ(read_text((dir / "a.txt").string()), "new");
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) entries += entry.exists() ? 1u : 0u;
  EXPECT_EQ(entries, 1u) << "no temporary file is left behind";
  std::filesystem::remove_all(dir);
}

TEST(WriteFiles, FullDeviceIsAnErrorWithTheReason) {
  if (access("/dev/full", W_OK) != 0) GTEST_SKIP() << "no writable /dev/full";
  for (const char* command : {"dot examples/mlp.nn -o /dev/full", "analyze examples/mlp.nn --format csv -o /dev/full",
                              "analyze resnet50 --format json > /dev/full", "analyze examples/mlp.nn > /dev/full"}) {
    // In a shell of its own, so that its redirection is not replaced by the one that captures stdout.
    testing::CommandResult r = testing::run_shell("sh -c \"'" NNSCOPE_BINARY "' " + std::string(command) + "\"");
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << command << "\n" << r.err;
  }
  struct stat device {};
  ASSERT_EQ(stat("/dev/full", &device), 0);
  EXPECT_TRUE(S_ISCHR(device.st_mode)) << "a device named by -o is written to, never replaced";
}

TEST(WriteFiles, OutDirWritesEveryFileFormat) {
  std::filesystem::path dir = temp_path("out_all");
  std::filesystem::remove_all(dir);
  testing::CommandResult r = run_nnscope("analyze examples/mlp.nn --format json --out '" + dir.string() + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* suffix : {".details.csv", ".summary.csv", ".json", ".dot", ".xlsx"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / (std::string("mlp") + suffix))) << suffix;
  }
  // The JSON file holds what stdout showed.
  EXPECT_EQ(read_text((dir / "mlp.json").string()), r.out);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nnscope::driver
