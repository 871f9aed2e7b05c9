#include "experiment/report_writer.h"

#include "experiment/comparison.h"
#include "experiment/html_report.h"
#include "experiment/results_io.h"
#include "experiment/text_tables.h"

namespace userscale::experiment {

Result<ReportFiles> write_report(const std::string& dir, const Results& results) {
  const std::vector<ScenarioComparison> comparisons = compare(results);
  ReportFiles files{dir + "/summary.md", dir + "/report.html"};
  if (auto st = write_text_file(files.markdown_path, summary_markdown(results, comparisons));
      !st.ok()) {
    return st.error();
  }
  TimelineLookup lookup = [&dir](
                              const std::string& scenario, const std::string& policy,
                              std::uint64_t seed) -> std::optional<std::vector<sim::TimelineRow>> {
    const std::string path = timeline_path(dir, scenario, policy, seed);
    auto text = read_text_file(path);
    if (!text.ok()) return std::nullopt;
    auto rows = parse_timeline_csv(*text, path);
    if (!rows.ok()) return std::nullopt;
    return std::move(rows).value();
  };
  if (auto st = write_text_file(files.html_path, render_html_report(results, comparisons, lookup));
      !st.ok()) {
    return st.error();
  }
  return files;
}

}  // namespace userscale::experiment
