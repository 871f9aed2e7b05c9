// `userscale decide CASE.json`: evaluate one decision case and print the JSON result.
// The case kinds are dispatched in case_evaluators.cpp.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/case_evaluators.h"
#include "cli/commands.h"

namespace userscale::cli {
namespace {

using nlohmann::json;

int run_decide(const std::string& path, bool explain) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << path << ": cannot read file\n";
    return 2;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  json doc;
  try {
    doc = json::parse(buf.str());
  } catch (const json::parse_error& e) {
    // The library reports syntax errors by exception; this is the boundary that turns it
    // into a clear message and exit 2.
    std::cerr << path << ": not valid JSON: " << e.what() << "\n";
    return 2;
  }
  std::string explanation;
  auto result = evaluate_case(doc, explain ? &explanation : nullptr);
  if (!result) {
    std::cerr << path << ": " << result.error().to_string() << "\n";
    return 2;
  }
  std::cout << result->dump() << "\n";
  if (explain) std::cerr << explanation;
  return 0;
}

}  // namespace

void add_decide_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
      "decide", "Evaluate one decision case: what would this autoscaler do now, and why?");
  static std::string path;
  static bool explain = false;
  cmd->add_option("case", path, "decision case JSON file (kinds: hpa, kpa, policy)")->required();
  cmd->add_flag("--explain", explain, "also print a human-readable account on stderr");
  cmd->callback([&exit_code] { exit_code = run_decide(path, explain); });
}

}  // namespace userscale::cli
