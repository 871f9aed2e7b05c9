// The results folder of an experiment:
//   summary.json     one row per finished run (results.h), in plan order
//   summary.csv      the same rows, nested keys flattened (latency_ms.p99 -> latency_ms_p99)
//   experiment.json  what ran: scenarios, policies, seeds, skipped policies, interruption
//   timelines/<scenario>/<policy>/seed-<n>.csv   each run's timeline, in the columns of
//                    `userscale simulate`'s timeline.csv
// summary.md and report.html are written from these (report_writer.h).
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "experiment/results.h"
#include "sim/results.h"

namespace userscale::experiment {

std::string summary_json_text(const Results& results);
std::string summary_csv_text(const Results& results);

// The CSV header and one line per row, as `userscale simulate` writes timeline.csv.
std::string timeline_csv_text(const std::vector<sim::TimelineRow>& rows, int gpu_columns);
// Reads such a file back by its header (columns may be in any order; gpuN_util give gpu_util).
Result<std::vector<sim::TimelineRow>> parse_timeline_csv(const std::string& text,
                                                         const std::string& name);

// The fields of one line of the CSV files written here (no quoting: no field holds a comma).
std::vector<std::string> split_csv_line(const std::string& line);

std::string timeline_path(const std::string& dir, const std::string& scenario,
                          const std::string& policy, std::uint64_t seed);

// Writes summary.json, summary.csv, experiment.json and the timelines of the finished runs.
Status write_results(const std::string& dir, const Results& results, const Suite& suite,
                     const std::vector<RunOutcome>& outcomes);

// Reads summary.json and experiment.json.
Result<Results> read_results(const std::string& dir);

Status write_text_file(const std::string& path, const std::string& text);
Result<std::string> read_text_file(const std::string& path);

}  // namespace userscale::experiment
