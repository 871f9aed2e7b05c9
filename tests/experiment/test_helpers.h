// Shared by the experiment tests: a scratch folder, file helpers and a small suite over the
// example scenarios that runs in well under a second.
#pragma once

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/scratch_dir.h"

namespace userscale::experiment::testing {

inline std::string source_dir() {
  return USERSCALE_SOURCE_DIR;
}
inline std::string scenario_path(const std::string& name) {
  return source_dir() + "/examples/scenarios/" + name + ".yaml";
}

using userscale::testing::ScratchDir;

inline void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Two example scenarios (the seed's, and memory-bound shortened to 3 minutes), three policies,
// two seeds each: 12 runs.
inline std::string small_suite_yaml() {
  return "name: small\n"
         "description: test suite\n"
         "seeds: [1, 2]\n"
         "scenarios:\n"
         "  - path: " +
         scenario_path("seed-gtx1650") +
         "\n"
         "  - path: " +
         scenario_path("memory-bound") +
         "\n"
         "    overrides: {duration: 3m, load: {length: 2m}}\n"
         "policies:\n"
         "  - name: hpa\n"
         "  - name: userscale-score\n"
         "    syncPeriodSeconds: 5\n"
         "  - name: latency\n"
         "    label: latency-fast\n"
         "    syncPeriodSeconds: 10\n"
         "    params: {threshold_ms: 400, period: 10s}\n";
}

}  // namespace userscale::experiment::testing
