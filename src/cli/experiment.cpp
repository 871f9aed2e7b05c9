// `userscale experiment [SUITE.yaml] [--policies a,b] [--scenarios x,y] [--seeds N] [--jobs N]
// [--out DIR] [--world sim|local [--time-scale F] [--source prometheus|scrape] [--serve-arg A]...
// [--load-arg A]...]`: runs every scenario x policy x seed of a suite in the simulator, on all
// cores, or live on the local world (one run at a time: serve replicas behind HAProxy, the
// controller, `userscale load`; docs/local-world.md), and writes DIR/summary.json, summary.csv,
// summary.md, report.html, experiment.json and timelines/ (live: also DIR/live/, each run's
// load, decisions and logs). Without a suite it runs examples/experiments/default.yaml. Ctrl-C
// stops the runs not yet started and writes what finished (exit 130). Bad input exits 2.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "core/policies/registry.h"
#include "experiment/comparison.h"
#include "experiment/live_runner.h"
#include "experiment/progress.h"
#include "experiment/report_writer.h"
#include "experiment/results_io.h"
#include "experiment/runner.h"
#include "experiment/suite.h"
#include "experiment/text_tables.h"

namespace userscale::cli {
namespace {

namespace ex = userscale::experiment;

constexpr const char* kDefaultSuite = "examples/experiments/default.yaml";

struct ExperimentOptions {
  std::string suite;
  std::string policies;
  std::string scenarios;
  std::optional<int> seeds;
  std::optional<int> jobs;
  std::string out;
  std::string world = "sim";
  double time_scale = 1.0;
  std::string source;
  std::vector<std::string> serve_args;
  std::vector<std::string> load_args;
};

std::atomic<bool> g_stop{false};

// First Ctrl-C: finish the runs in progress, start no more (SA_RESETHAND: a second one ends the
// process the usual way).
void on_sigint(int) {
  g_stop.store(true);
  constexpr char kMessage[] =
      "\nuserscale: stopping after the runs in progress (Ctrl-C again to abort)\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

// `--load-arg "--size 50000"`: each value may hold several words.
std::vector<std::string> split_words(const std::vector<std::string>& values) {
  std::vector<std::string> words;
  for (const auto& v : values) {
    std::stringstream in(v);
    for (std::string w; in >> w;) words.push_back(w);
  }
  return words;
}

// The default suite from the working directory, else from the source tree the binary sits in.
std::string find_default_suite() {
  if (std::filesystem::exists(kDefaultSuite)) return kDefaultSuite;
  std::error_code ec;
  auto dir = std::filesystem::canonical("/proc/self/exe", ec).parent_path();
  for (int up = 0; !ec && up < 6 && !dir.empty(); ++up) {
    const auto candidate = dir / kDefaultSuite;
    if (std::filesystem::exists(candidate)) return candidate.string();
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return kDefaultSuite;
}

std::string timestamp_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return std::string("userscale-results/") + buf;
}

// --policies: the suite's entries by label or name, in the order given; a known policy that
// the suite does not list runs with its defaults.
bool select_policies(ex::Suite& suite, const std::string& list) {
  std::vector<ex::PolicyEntry> chosen;
  for (const std::string& want : split_list(list)) {
    bool found = false;
    for (const ex::PolicyEntry& p : suite.policies) {
      if (p.label == want || p.name == want) {
        chosen.push_back(p);
        found = true;
      }
    }
    if (found) continue;
    const auto& names = policy_names();
    if (std::find(names.begin(), names.end(), want) == names.end()) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
      std::cerr << "--policies: unknown policy \"" << want << "\"; known: " << known << "\n";
      return false;
    }
    ex::PolicyEntry entry;
    entry.name = want;
    entry.label = want;
    chosen.push_back(entry);
  }
  if (chosen.empty()) {
    std::cerr << "--policies: no policy given\n";
    return false;
  }
  suite.policies = std::move(chosen);
  return true;
}

bool select_scenarios(ex::Suite& suite, const std::string& list) {
  std::vector<ex::ScenarioEntry> chosen;
  for (const std::string& want : split_list(list)) {
    auto it = std::find_if(suite.scenarios.begin(), suite.scenarios.end(),
                           [&](const ex::ScenarioEntry& s) { return s.scenario.name == want; });
    if (it == suite.scenarios.end()) {
      std::string known;
      for (const auto& s : suite.scenarios) known += (known.empty() ? "" : ", ") + s.scenario.name;
      std::cerr << "--scenarios: the suite has no scenario \"" << want << "\"; it has: " << known
                << "\n";
      return false;
    }
    chosen.push_back(*it);
  }
  if (chosen.empty()) {
    std::cerr << "--scenarios: no scenario given\n";
    return false;
  }
  suite.scenarios = std::move(chosen);
  return true;
}

int run_experiment(const ExperimentOptions& o) {
  const std::string suite_path = o.suite.empty() ? find_default_suite() : o.suite;
  auto loaded = ex::load_suite(suite_path);
  if (!loaded.ok()) {
    std::cerr << suite_path << ": invalid experiment suite\n";
    for (const Error& e : loaded.errors()) std::cerr << "  " << e.to_string() << "\n";
    return 2;
  }
  ex::Suite suite = std::move(loaded).value();
  if (!o.policies.empty() && !select_policies(suite, o.policies)) return 2;
  if (!o.scenarios.empty() && !select_scenarios(suite, o.scenarios)) return 2;
  if (o.seeds) {
    if (*o.seeds < 1 || *o.seeds > 1000) {
      std::cerr << "--seeds: must be from 1 to 1000, got " << *o.seeds << "\n";
      return 2;
    }
    for (auto& s : suite.scenarios) {
      s.seeds.clear();
      for (int i = 1; i <= *o.seeds; ++i) s.seeds.push_back(static_cast<std::uint64_t>(i));
    }
  }
  if (o.world != "sim" && o.world != "local") {
    std::cerr << "--world: must be sim or local, got \"" << o.world << "\"\n";
    return 2;
  }
  const bool live = o.world == "local";
  if (!(o.time_scale > 0.0 && o.time_scale <= 1000.0)) {
    std::cerr << "--time-scale: must be in (0, 1000], got " << o.time_scale << "\n";
    return 2;
  }
  if (!o.source.empty() && o.source != "prometheus" && o.source != "scrape") {
    std::cerr << "--source: must be prometheus or scrape, got \"" << o.source << "\"\n";
    return 2;
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Live runs share this machine's cores with their replicas: one at a time.
  const int jobs = live ? 1 : o.jobs.value_or(cores);
  if (jobs < 1 || jobs > 1024) {
    std::cerr << "--jobs: must be from 1 to 1024, got " << jobs << "\n";
    return 2;
  }
  bool has_oracle = false;
  for (const auto& p : suite.policies) has_oracle = has_oracle || p.name == "oracle";
  if (has_oracle) std::cerr << "measuring what each replica count carries, for the oracle...\n";
  auto plan = ex::make_plan(suite, jobs);
  if (!plan.ok()) {
    std::cerr << suite_path << ": " << plan.error().to_string() << "\n";
    return 2;
  }
  if (live) {
    ex::restrict_to_live(suite, *plan);
    std::ostringstream note;
    note << "live on the local world (time scale " << o.time_scale << ")";
    suite.description += (suite.description.empty() ? "" : "; ") + note.str();
  }
  for (const auto& s : plan->skipped) {
    std::cerr << "note: skipping policy " << s.label << ": " << s.reason << "\n";
  }
  const std::string out = o.out.empty() ? timestamp_dir() : o.out;

  std::cerr << "userscale experiment " << suite.name << ": " << plan->runs.size() << " runs ("
            << suite.scenarios.size() << " scenarios x "
            << (suite.policies.size() - plan->skipped.size()) << " policies x seeds) "
            << (live ? "live on the local world"
                     : "on " + std::to_string(jobs) + " thread" + (jobs == 1 ? "" : "s"))
            << "\n";
  ex::Progress progress(std::cerr, ::isatty(STDERR_FILENO) != 0, plan->runs.size());
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  g_stop.store(false);
  struct sigaction action {};
  struct sigaction previous {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &previous);

  ex::RunnerOptions ropts;
  ropts.jobs = jobs;
  ropts.stop = &g_stop;
  ropts.on_finished = [&](const ex::RunOutcome& r, std::size_t done, std::size_t) {
    std::string what = suite.scenarios[r.spec.scenario].scenario.name + " · " +
                       suite.policies[r.spec.policy].label + " · seed " +
                       std::to_string(r.spec.seed);
    if (r.error) what += " FAILED: " + r.error->to_string();
    progress.update(what, r.wall_seconds, done, elapsed());
  };
  std::vector<ex::RunOutcome> outcomes;
  if (live) {
    ex::LiveOptions lopts;
    lopts.work_dir = std::filesystem::absolute(out) / "live";
    lopts.time_scale = o.time_scale;
    lopts.source = !o.source.empty()                                ? o.source
                   : std::filesystem::exists("/usr/bin/prometheus") ? "prometheus"
                                                                    : "scrape";
    lopts.serve_args = split_words(o.serve_args);
    lopts.load_args = split_words(o.load_args);
    lopts.stop = &g_stop;
    for (std::size_t i = 0; i < plan->runs.size(); ++i) {
      ex::RunOutcome r;
      r.spec = plan->runs[i];
      if (!g_stop.load()) {
        r = ex::run_one_live(suite, *plan, plan->runs[i], lopts);
        ropts.on_finished(r, i + 1, plan->runs.size());
      }
      outcomes.push_back(std::move(r));
    }
  } else {
    outcomes = ex::run_plan(suite, *plan, ropts);
  }
  sigaction(SIGINT, &previous, nullptr);
  const bool interrupted = g_stop.load();
  progress.finish();
  const double wall = elapsed();

  const ex::Results results = ex::collect_results(suite, *plan, outcomes, interrupted);
  if (auto st = ex::write_results(out, results, suite, outcomes); !st.ok()) {
    std::cerr << st.error().to_string() << "\n";
    return 1;
  }
  auto report = ex::write_report(out, results);
  if (!report.ok()) {
    std::cerr << report.error().to_string() << "\n";
    return 1;
  }
  std::cout << ex::terminal_table(results, ex::compare(results));
  char wall_text[32];
  std::snprintf(wall_text, sizeof wall_text, "%.1f", wall);
  std::cout << results.info.finished_runs << " runs in " << wall_text << " s on " << jobs
            << " thread" << (jobs == 1 ? "" : "s") << ". Results: " << out << "/ (report.html, "
            << "summary.md, summary.json, summary.csv)\n";
  if (interrupted) return 130;
  return results.info.failures.empty() ? 0 : 1;
}

}  // namespace

void add_experiment_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ExperimentOptions>();
  CLI::App* cmd = app.add_subcommand(
      "experiment",
      "Run scenarios under several policies and seeds in the simulator and compare them");
  cmd->add_option("suite", opts->suite,
                  std::string("experiment suite YAML (default: ") + kDefaultSuite + ")");
  cmd->add_option("--policies", opts->policies,
                  "comma-separated policies to run (labels or names; default: the suite's)");
  cmd->add_option("--scenarios", opts->scenarios,
                  "comma-separated scenario names to run (default: the suite's)");
  cmd->add_option("--seeds", opts->seeds, "run seeds 1..N for every scenario");
  cmd->add_option("--jobs,-j", opts->jobs, "parallel runs (default: all cores)");
  cmd->add_option("--out", opts->out, "output directory (default: userscale-results/<timestamp>)");
  cmd->add_option("--world", opts->world,
                  "sim (the simulator) or local (live: serve replicas, HAProxy, userscale load)")
      ->capture_default_str();
  cmd->add_option("--time-scale", opts->time_scale,
                  "local: multiply each scenario's duration and load times by this")
      ->capture_default_str();
  cmd->add_option("--source", opts->source,
                  "local: prometheus or scrape (default: prometheus when installed)");
  cmd->add_option("--serve-arg", opts->serve_args, "local: argument for every replica's serve")
      ->allow_extra_args(false);
  cmd->add_option("--load-arg", opts->load_args, "local: argument for `userscale load`")
      ->allow_extra_args(false);
  cmd->callback([opts, &exit_code] { exit_code = run_experiment(*opts); });
}

}  // namespace userscale::cli
