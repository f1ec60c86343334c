// The HTML report in a real browser: headless Chromium loads the page from disk and
//  - prints no console message (--enable-logging=stderr reports every console message, errors and CSP
//    violations included, as a "CONSOLE" line; a control page that logs one proves the check sees them),
//  - runs the page's script to the end (it writes data-script="ok" on <body>, and data-script-errors when an
//    uncaught error fires), read from the DOM Chromium serializes after loading (--dump-dom),
//  - holds the expected charts with one bar per row of the JSON report at the same depth, and the JSON totals,
//  - loads nothing over the network (no http(s) URL but the SVG namespace; a CSP of default-src 'none'),
//  - and paints a screenshot that is not blank (a PNG with many distinct colours, decoded with Python's zlib).
// Skipped, saying so, where Chromium is absent.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "cli/run_util.h"
#include "emit/emit_test_util.h"
#include "emit/html_test_util.h"
#include "report/totals.h"

namespace nnscope::emit {
namespace {

// Whether a sweep shows the total (report::totals(): the titled ones).
bool in_sweeps(const std::string& key) {
  for (const report::Total& total : report::totals()) {
    if (total.key == key) return total.in_sweep();
  }
  return false;
}

using namespace testing;
using nnscope::testing::run_nnscope;

std::string chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (have(std::string("command -v ") + name)) return name;
  }
  return "";
}

struct Browser {
  int status = -1;
  std::string dom, log;
};

// Flags for a container without a sandbox or a GPU; a fresh profile each time; a time limit.
std::string chromium_command(const std::string& browser, const std::string& profile) {
  return "timeout 90 " + browser +
         " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --no-default-browser-check"
         " --disable-extensions --disable-background-networking --disable-component-update --disable-sync"
         " --enable-logging=stderr --v=0 --user-data-dir=" +
         profile;
}

Browser load(const std::string& browser, const std::string& page_path, const std::string& fragment = "") {
  std::string profile = temp_path("profile");
  std::string dom = temp_path("dom.html"), log = temp_path("chromium.log");
  Browser b;
  int raw = std::system(
      (chromium_command(browser, profile) + " --dump-dom 'file://" + page_path + fragment + "' >" + dom + " 2>" + log)
          .c_str());
  b.status = raw;
  b.dom = read_file(dom);
  b.log = read_file(log);
  std::system(("rm -rf '" + profile + "' '" + dom + "' '" + log + "'").c_str());
  return b;
}

// Lines of Chromium's log that report a console message.
std::string console_lines(const std::string& log) {
  std::string lines, line;
  std::istringstream in(log);
  while (std::getline(in, line)) {
    if (line.find("CONSOLE") != std::string::npos) lines += line + "\n";
  }
  return lines;
}

// Distinct colours in a PNG (8-bit RGB or RGBA, non-interlaced, as Chromium writes), by Python's zlib.
const char kPngColours[] = R"PY(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat, width, height, channels = 8, b'', 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR':
        width, height, depth, colour = struct.unpack('>IIBB', body[:10])
        assert depth == 8 and colour in (2, 6), (depth, colour)
        channels = 3 if colour == 2 else 4
    elif kind == b'IDAT':
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
previous = bytearray(stride)
colours = set()
for y in range(height):
    row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    kind = raw[y * (stride + 1)]
    for i in range(stride):
        a = row[i - channels] if i >= channels else 0
        b = previous[i]
        c = previous[i - channels] if i >= channels else 0
        if kind == 1: row[i] = (row[i] + a) & 255
        elif kind == 2: row[i] = (row[i] + b) & 255
        elif kind == 3: row[i] = (row[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, stride, channels * 2):
            colours.add(bytes(row[x:x + 3]))
    previous = row
print(len(colours))
)PY";

void expect_not_blank_screenshot(const std::string& browser, const std::string& page_path) {
  std::string profile = temp_path("shot_profile"), png = temp_path("shot.png"), log = temp_path("shot.log");
  std::system((chromium_command(browser, profile) + " --window-size=1000,1400 --screenshot=" + png + " 'file://" +
               page_path + "' >" + log + " 2>&1")
                  .c_str());
  std::string image = read_file(png);
  EXPECT_GT(image.size(), 20'000u) << "screenshot missing or nearly empty: " << read_file(log);
  if (have_python() && !image.empty()) {
    std::string output;
    int status = run_python(kPngColours, png, &output);
    EXPECT_EQ(status, 0) << output;
    // A blank page has one colour; the report's charts use a dozen and anti-aliasing many more.
    EXPECT_GT(std::atoi(output.c_str()), 12) << output;
  }
  std::system(("rm -rf '" + profile + "' '" + png + "' '" + log + "'").c_str());
}

// Loads `arguments`' HTML report and checks it against the JSON report of the same run.
struct Loaded {
  std::string page, dom, json;
};

Loaded check_in_browser(const std::string& arguments, const std::string& name) {
  Loaded l;
  std::string browser = chromium();
  nnscope::testing::CommandResult html = run_nnscope("analyze " + arguments + " --format html");
  nnscope::testing::CommandResult json = run_nnscope("analyze " + arguments + " --format json");
  EXPECT_EQ(html.status, 0) << html.err;
  EXPECT_EQ(json.status, 0) << json.err;
  l.page = html.out;
  l.json = json.out;
  expect_no_remote_urls(l.page);
  std::string path = write_temp(name + ".html", l.page);
  Browser b = load(browser, path);
  EXPECT_EQ(b.status, 0) << b.log;
  EXPECT_EQ(console_lines(b.log), "") << "the page printed console messages";
  EXPECT_NE(b.dom.find("data-script=\"ok\""), std::string::npos) << "the page's script did not finish";
  EXPECT_EQ(b.dom.find("data-script-errors=\""), std::string::npos) << "the page's script raised an error";
  l.dom = b.dom;
  // The browser's DOM holds the JSON totals.
  auto expected = json_totals(l.json);
  auto shown = page_totals(b.dom);
  EXPECT_FALSE(expected.empty());
  for (const auto& [key, value] : expected) {
    if (!in_sweeps(key) && shown.count(key) == 0) continue;  // a sweep charts the titled totals only
    bool found = false;
    auto [first, last] = shown.equal_range(key);
    for (auto it = first; it != last; ++it) found = found || it->second == value;
    EXPECT_TRUE(found) << key << " = " << value << " is not on the page";
  }
  expect_not_blank_screenshot(browser, path);
  std::remove(path.c_str());
  return l;
}

void expect_one_bar_per_row(const Loaded& l, std::initializer_list<const char*> charts) {
  std::size_t rows = json_layer_count(l.json);
  EXPECT_GT(rows, 10u);
  for (const char* chart : charts) {
    EXPECT_EQ(count_bars(l.dom, chart), static_cast<long>(rows)) << chart;
  }
}

TEST(HtmlBrowser, ControlPageWithAConsoleMessageIsCaught) {
  std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "Chromium not installed: the HTML report is not checked in a browser";
  std::string path = write_temp("control.html", "<!DOCTYPE html><body><script>console.log('hello')</script>");
  Browser b = load(browser, path);
  std::remove(path.c_str());
  EXPECT_NE(console_lines(b.log), "") << "Chromium's log does not show console messages:\n" << b.log;
}

TEST(HtmlBrowser, Resnet50WithRoofline) {
  if (chromium().empty()) GTEST_SKIP() << "Chromium not installed: the HTML report is not checked in a browser";
  Loaded l = check_in_browser("resnet50 --hw a100", "resnet50");
  expect_one_bar_per_row(l, {"gemm_macs", "elementwise_ops", "activation_ops", "bytes", "time"});
  EXPECT_NE(l.dom.find("data-chart=\"roofline\""), std::string::npos);
  EXPECT_NE(l.dom.find("data-chart=\"structure\""), std::string::npos);
  EXPECT_NE(l.dom.find("data-chart=\"op_types\""), std::string::npos);
  EXPECT_LT(l.page.size(), 1u << 20);
}

// The table's script folds and sorts: a link's #fold folds every block (only the top-level rows and the four
// stage headers stay visible), #sort=params puts the layer with the most parameters by the JSON report first
// (layer4.0.conv2, not the first row; ties keep execution order).
TEST(HtmlBrowser, Resnet50TableFoldsAndSorts) {
  std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "Chromium not installed: the HTML report is not checked in a browser";
  nnscope::testing::CommandResult html = run_nnscope("analyze resnet50 --format html");
  nnscope::testing::CommandResult json = run_nnscope("analyze resnet50 --format json");
  ASSERT_EQ(html.status, 0);
  std::string path = write_temp("fold.html", html.out);
  Browser folded = load(browser, path, "#fold");
  Browser sorted = load(browser, path, "#sort=params");
  std::remove(path.c_str());
  std::size_t body = folded.dom.find("<tbody>", folded.dom.find("id=\"layers\""));
  std::size_t end = folded.dom.find("</tbody>", body);
  std::string rows = folded.dom.substr(body, end - body);
  std::size_t all = count_occurrences(rows, "<tr "), hidden = count_occurrences(rows, " hidden=\"\"");
  // conv1, bn1, relu, maxpool, avgpool, flatten, fc; layer1 .. layer4.
  EXPECT_EQ(all - hidden, 7u + 4u);
  // The largest layer by the JSON report: each layer's "path" line is followed by its "params" line.
  std::string heaviest;
  long long most = -1;
  for (std::size_t p = json.out.find("\"path\": \""); p != std::string::npos;
       p = json.out.find("\"path\": \"", p + 1)) {
    std::size_t params = json.out.find("\"params\": ", p);
    if (params == std::string::npos) break;
    long long value = std::atoll(json.out.c_str() + params + 10);
    if (value > most) {
      most = value;
      heaviest = json.out.substr(p + 9, json.out.find('"', p + 9) - p - 9);
    }
  }
  std::size_t first = sorted.dom.find("<tr data-p=\"", sorted.dom.find("<tbody>", sorted.dom.find("id=\"layers\"")));
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(heaviest, "conv1");
  std::string expected = "<tr data-p=\"" + heaviest + "\"";
  EXPECT_EQ(sorted.dom.substr(first, expected.size()), expected);
}

TEST(HtmlBrowser, BertBaseSweep) {
  if (chromium().empty()) GTEST_SKIP() << "Chromium not installed: the HTML report is not checked in a browser";
  Loaded l = check_in_browser("bert_base --sweep seq=128,512,2048", "bert_sweep");
  // One line chart per total a sweep shows, each with the three points; seq spans 16x, so a linear x axis.
  for (const char* total : {"params", "gemm_macs", "flops", "peak_activation_bytes"}) {
    std::size_t chart = l.dom.find(std::string("data-chart=\"sweep-") + total + "\"");
    ASSERT_NE(chart, std::string::npos) << total;
    EXPECT_EQ(attribute_after(l.dom, chart, "data-points"), "3") << total;
  }
  EXPECT_EQ(count_occurrences(l.json, "\"values\": {"), 3u);
}

TEST(HtmlBrowser, TrainModeModel) {
  if (chromium().empty()) GTEST_SKIP() << "Chromium not installed: the HTML report is not checked in a browser";
  Loaded l = check_in_browser("llama2_7b --mode train", "llama_train");
  expect_one_bar_per_row(l, {"gemm_macs", "bytes", "train_macs"});
  EXPECT_EQ(count_bars(l.dom, "train_memory"), 5);
}

}  // namespace
}  // namespace nnscope::emit
