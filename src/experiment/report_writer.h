// summary.md and report.html of a results folder, from what is saved there (results_io.h):
// `userscale experiment` writes them after its runs, `userscale report DIR` again later.
#pragma once

#include <string>

#include "core/result.h"
#include "experiment/results.h"

namespace userscale::experiment {

struct ReportFiles {
  std::string markdown_path;
  std::string html_path;
};

Result<ReportFiles> write_report(const std::string& dir, const Results& results);

}  // namespace userscale::experiment
