// Opens report.html in headless Chromium (Debian package `chromium`, scripts/setup installs
// it): no console message, every chart drew something, and a screenshot is saved.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>

#include "child_process.h"
#include "experiment/comparison.h"
#include "experiment/html_report.h"
#include "experiment/report_writer.h"
#include "experiment/results_io.h"
#include "experiment/runner.h"
#include "test_helpers.h"

namespace userscale::experiment {
namespace {

using testing::read_file;
using testing::ScratchDir;

constexpr const char* kChromium = "/usr/bin/chromium";

struct BrowserRun {
  int exit_code = -1;
  std::string dom;
  std::string log;
};

// --dump-dom prints the DOM after the page's scripts ran; --enable-logging=stderr prints each
// console message as a ":CONSOLE" line.
BrowserRun open_in_chromium(const ScratchDir& dir, const std::string& html_path,
                            const std::string& extra_flag) {
  static int runs = 0;
  const std::string profile = dir.file("chromium-profile-" + std::to_string(runs++));
  std::filesystem::create_directories(profile);
  std::vector<std::string> argv = {kChromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--user-data-dir=" + profile,
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--window-size=1400,3000",
                                   extra_flag,
                                   "file://" + html_path};
  BrowserRun run;
  run.exit_code = testing::run_to_end(argv, dir.file("dom.html"), dir.file("chromium.log"),
                                      std::chrono::seconds(180));
  run.dom = read_file(dir.file("dom.html"));
  run.log = read_file(dir.file("chromium.log"));
  return run;
}

std::string attribute(const std::string& dom, const std::string& name) {
  std::smatch m;
  if (std::regex_search(dom, m, std::regex(name + "=\"([^\"]*)\""))) return m[1];
  return "<absent>";
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string console_lines(const std::string& log) {
  std::string lines;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(":CONSOLE") != std::string::npos) lines += line + "\n";
  }
  return lines;
}

class ReportBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kChromium))
        << kChromium << " is missing: run scripts/setup (Debian package chromium)";
    auto suite = parse_suite(testing::small_suite_yaml(), dir.str());
    ASSERT_TRUE(suite.ok());
    suite_ = std::move(suite).value();
    auto plan = make_plan(suite_);
    ASSERT_TRUE(plan.ok());
    RunnerOptions opts;
    opts.jobs = 2;
    outcomes_ = run_plan(suite_, *plan, opts);
    results_ = collect_results(suite_, *plan, outcomes_, false);
    out_ = dir.file("results");
    ASSERT_TRUE(write_results(out_, results_, suite_, outcomes_).ok());
  }

  ScratchDir dir;
  Suite suite_;
  std::vector<RunOutcome> outcomes_;
  Results results_;
  std::string out_;
};

TEST_F(ReportBrowserTest, EveryChartRendersWithoutConsoleErrors) {
  auto files = write_report(out_, results_);
  ASSERT_TRUE(files.ok()) << files.error().to_string();
  const std::string html = read_file(files->html_path);
  // Self-contained: nothing to fetch.
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  // Per scenario: replicas, load, cost/SLO, and latency and GPU charts per policy.
  const std::size_t charts = count(html, "<svg class=\"chart\"");
  EXPECT_EQ(charts, 2u * (3u + 2u * 3u));

  const BrowserRun run = open_in_chromium(dir, files->html_path, "--dump-dom");
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(console_lines(run.log), "");
  EXPECT_EQ(attribute(run.dom, "data-charts"), std::to_string(charts));
  EXPECT_EQ(attribute(run.dom, "data-empty-charts"), "");
  EXPECT_EQ(attribute(run.dom, "data-render-ok"), "1");

  // The screenshot stays next to the test binary's build output for a look.
  const std::string png =
      (std::filesystem::path(USERSCALE_BINARY).parent_path() / "experiment-report-test.png")
          .string();
  std::filesystem::remove(png);
  const BrowserRun shot = open_in_chromium(dir, files->html_path, "--screenshot=" + png);
  ASSERT_EQ(shot.exit_code, 0) << shot.log;
  ASSERT_TRUE(std::filesystem::exists(png)) << shot.log;
  EXPECT_GT(std::filesystem::file_size(png), 20000u);
  EXPECT_EQ(read_file(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

// The check can fail: a run whose timeline is missing leaves its charts empty, and the page
// says which.
TEST_F(ReportBrowserTest, AnEmptyChartIsReported) {
  TimelineLookup lookup = [this](
                              const std::string& scenario, const std::string& policy,
                              std::uint64_t seed) -> std::optional<std::vector<sim::TimelineRow>> {
    if (policy == "latency-fast") return std::vector<sim::TimelineRow>{};
    auto rows = parse_timeline_csv(read_file(timeline_path(out_, scenario, policy, seed)), "t");
    if (!rows.ok()) return std::nullopt;
    return std::move(rows).value();
  };
  const std::string html_path = dir.file("broken.html");
  testing::write_file(html_path, render_html_report(results_, compare(results_), lookup));
  const BrowserRun run = open_in_chromium(dir, html_path, "--dump-dom");
  ASSERT_EQ(run.exit_code, 0) << run.log;
  EXPECT_EQ(attribute(run.dom, "data-render-ok"), "<absent>");
  const std::string empty = attribute(run.dom, "data-empty-charts");
  EXPECT_NE(empty.find("c0-latency-2"), std::string::npos) << empty;
  EXPECT_NE(empty.find("c1-gpu-2"), std::string::npos) << empty;
}

}  // namespace
}  // namespace userscale::experiment
