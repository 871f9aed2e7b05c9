// `userscale report DIR`: rebuilds DIR/report.html and DIR/summary.md from the results an
// experiment saved there (summary.json, experiment.json, timelines/), and prints the
// comparison table. A folder that is not a results folder exits 2.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "experiment/comparison.h"
#include "experiment/report_writer.h"
#include "experiment/results_io.h"
#include "experiment/text_tables.h"

namespace userscale::cli {
namespace {

namespace ex = userscale::experiment;

int run_report(const std::string& dir) {
  auto results = ex::read_results(dir);
  if (!results.ok()) {
    std::cerr << results.error().to_string() << "\n";
    return 2;
  }
  auto files = ex::write_report(dir, *results);
  if (!files.ok()) {
    std::cerr << files.error().to_string() << "\n";
    return 1;
  }
  std::cout << ex::terminal_table(*results, ex::compare(*results));
  std::cout << "Wrote " << files->html_path << " and " << files->markdown_path << "\n";
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, int& exit_code) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "report", "Rebuild report.html and summary.md from an experiment's saved results");
  cmd->add_option("dir", *dir, "results directory written by `userscale experiment`")->required();
  cmd->callback([dir, &exit_code] { exit_code = run_report(*dir); });
}

}  // namespace userscale::cli
