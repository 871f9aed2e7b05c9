// The metric names that the Grafana dashboard, the Prometheus rules and the prometheus-adapter
// rule query are ones the binaries really export: `userscale serve` and `userscale scaler` are
// started and their /metrics read; DCGM_* names must be among the DCGM exporter's defaults.
// The rules also pass the real `promtool check rules`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "controller/dcgm_mapping.h"
#include "controller/live_support.h"
#include "deploy/deploy_support.h"
#include "metrics/http_client.h"
#include "metrics/prometheus_parser.h"
#include "server/serve_process.h"

namespace userscale::testing {
namespace {

using namespace std::chrono_literals;

// Family names, and for histograms the _bucket, _sum and _count series names too.
std::set<std::string> exported_names(const std::string& text) {
  auto parsed = metrics::parse_prometheus_text(text);
  EXPECT_TRUE(parsed.ok());
  std::set<std::string> names;
  if (!parsed.ok()) return names;
  for (const auto& f : parsed->families) {
    names.insert(f.name);
    if (f.type == "histogram") {
      for (const char* suffix : {"_bucket", "_sum", "_count"}) names.insert(f.name + suffix);
    }
  }
  for (const auto& s : parsed->samples) names.insert(s.name);
  return names;
}

std::set<std::string> serve_names() {
  ServeProcess serve({});
  metrics::HttpClient c("127.0.0.1", std::to_string(serve.port()), 10s);
  auto r = c.get("/metrics");
  EXPECT_TRUE(r.ok());
  return r.ok() ? exported_names(r->body) : std::set<std::string>{};
}

std::set<std::string> scaler_names() {
  controller::testing::Scaler scaler(controller::testing::fresh_dir("deploy-names"),
                                     read_file(std::filesystem::path(USERSCALE_SOURCE_DIR) /
                                               "examples/configs/local-inflight.yaml"),
                                     {"--source", "scrape", "--window", "2"});
  EXPECT_TRUE(scaler.start());
  std::set<std::string> names;
  controller::testing::eventually(
      [&] {
        names = exported_names(scaler.get_text("/metrics"));
        return names.count("userscale_desired_replicas") > 0;
      },
      30s);
  return names;
}

// The fields of the DCGM exporter's default counters file (etc/default-counters.csv and
// dcp-metrics-included.csv of NVIDIA/dcgm-exporter 3.x) that userscale's files may use.
const std::set<std::string> kDcgmDefaults = {
    "DCGM_FI_DEV_GPU_UTIL",          "DCGM_FI_DEV_MEM_COPY_UTIL",
    "DCGM_FI_DEV_FB_USED",           "DCGM_FI_DEV_FB_FREE",
    "DCGM_FI_DEV_POWER_USAGE",       "DCGM_FI_DEV_GPU_TEMP",
    "DCGM_FI_DEV_SM_CLOCK",          "DCGM_FI_DEV_MEM_CLOCK",
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
    "DCGM_FI_PROF_DRAM_ACTIVE"};

struct Query {
  std::string where;
  std::string expr;
};

std::vector<Query> dashboard_queries() {
  const auto dash = nlohmann::json::parse(
      read_file(kDeployDir / "base/grafana/userscale-dashboard.json"));  // throws: test fails
  std::vector<Query> out;
  for (const auto& p : dash.at("panels")) {
    for (const auto& t : p.at("targets")) {
      out.push_back({"panel \"" + p.at("title").get<std::string>() + "\"", t.at("expr")});
    }
  }
  for (const auto& v : dash.at("templating").at("list")) {
    if (v.at("type") == "query")
      out.push_back({"variable " + v.at("name").get<std::string>(), v.at("definition")});
  }
  for (const auto& a : dash.at("annotations").at("list"))
    out.push_back({"annotation", a.at("expr")});
  return out;
}

std::vector<Query> rule_queries() {
  const YAML::Node rules =
      YAML::LoadFile((kDeployDir / "base/prometheus/userscale-rules.yml").string());
  std::vector<Query> out;
  for (const auto& g : rules["groups"]) {
    for (const auto& r : g["rules"]) {
      const std::string name =
          r["record"] ? r["record"].as<std::string>() : r["alert"].as<std::string>();
      out.push_back({"rule " + name, r["expr"].as<std::string>()});
    }
  }
  return out;
}

// Metric names in a PromQL expression that belong to userscale or DCGM (recording-rule names
// such as `ns:userscale_x:p95` count as the userscale_x they are built from).
std::set<std::string> referenced(const std::string& expr) {
  static const std::regex kName(R"((userscale_[a-z_]+|DCGM_FI_[A-Z_]+))");
  std::set<std::string> out;
  for (std::sregex_iterator it(expr.begin(), expr.end(), kName), end; it != end; ++it) {
    out.insert(it->str());
  }
  return out;
}

TEST(DeployMetrics, DashboardAndRulesQueryOnlyNamesTheBinariesExport) {
  std::set<std::string> exported = serve_names();
  ASSERT_TRUE(exported.count("userscale_request_duration_seconds_bucket"));
  const auto from_scaler = scaler_names();
  ASSERT_TRUE(from_scaler.count("userscale_desired_replicas"));
  exported.insert(from_scaler.begin(), from_scaler.end());

  auto queries = dashboard_queries();
  const auto rules = rule_queries();
  queries.insert(queries.end(), rules.begin(), rules.end());
  ASSERT_GE(queries.size(), 20u);
  std::set<std::string> used;
  for (const auto& q : queries) {
    SCOPED_TRACE(q.where + ": " + q.expr);
    const auto names = referenced(q.expr);
    // Only an alert on the scrape itself (`up`) may name none of userscale's or DCGM's.
    if (q.expr.find("up{") == std::string::npos) {
      EXPECT_FALSE(names.empty()) << "queries nothing of userscale's or DCGM's";
    }
    for (const auto& n : names) {
      used.insert(n);
      if (n.rfind("DCGM_", 0) == 0) {
        EXPECT_TRUE(kDcgmDefaults.count(n)) << n << " is not exported by default";
      } else {
        EXPECT_TRUE(exported.count(n)) << n << " is not exported by serve or the scaler";
      }
    }
  }
  // What the dashboard promises to show.
  for (const char* n : {"userscale_desired_replicas", "userscale_current_replicas",
                        "userscale_decisions_total", "userscale_request_duration_seconds_bucket",
                        "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED"}) {
    EXPECT_TRUE(used.count(n)) << n;
  }
}

TEST(DeployMetrics, RulesPassPromtoolAndTheAdapterReadsARecordedSeries) {
  const RunResult r = run_program({"/usr/bin/promtool", "check", "rules",
                                   (kDeployDir / "base/prometheus/userscale-rules.yml").string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("SUCCESS"), std::string::npos) << r.out;

  // The adapter's seriesQuery names a series that a recording rule writes.
  const auto docs = render("integrations/hpa-external");
  const auto cm = find_object(docs, "ConfigMap", "prometheus-adapter-userscale");
  ASSERT_TRUE(cm);
  const YAML::Node adapter = YAML::Load((*cm)["data"]["config.yaml"].as<std::string>());
  const std::string series = adapter["externalRules"][0]["seriesQuery"].as<std::string>();
  const std::string recorded = series.substr(0, series.find('{'));
  bool written = false;
  for (const auto& q : rule_queries()) written = written || q.where == "rule " + recorded;
  EXPECT_TRUE(written) << recorded;
  // The HPA asks for the name the adapter serves.
  const auto hpa = find_object(docs, "HorizontalPodAutoscaler", "gpu-service");
  ASSERT_TRUE(hpa);
  EXPECT_EQ((*hpa)["spec"]["metrics"][0]["external"]["metric"]["name"].as<std::string>(),
            adapter["externalRules"][0]["name"]["as"].as<std::string>());
}

// What `scaler --world kubernetes --source prometheus` queries is what deploy/ sets up: DCGM
// names among the exporter's defaults, an exporter that labels GPUs with their pods, a scrape
// job that keeps those labels as pod / namespace, and the serve job the scaler reads by default.
TEST(DeployMetrics, TheScalersDcgmQueriesMatchTheExporterAndItsScrapeJob) {
  const auto q = controller::dcgm_queries("default");
  for (const std::string& expr : {q.util, q.fb_used, q.fb_free}) {
    for (const auto& n : referenced(expr)) EXPECT_TRUE(kDcgmDefaults.count(n)) << n;
  }
  const auto docs = render("base");
  const auto ds = find_object(docs, "DaemonSet", "dcgm-exporter");
  ASSERT_TRUE(ds);
  bool kubernetes_mapping = false;
  for (const auto& e : first_container(*ds)["env"]) {
    kubernetes_mapping =
        kubernetes_mapping || (e["name"].as<std::string>() == "DCGM_EXPORTER_KUBERNETES" &&
                               e["value"].as<std::string>() == "true");
  }
  EXPECT_TRUE(kubernetes_mapping) << "without it the exporter names no pod";
  const YAML::Node prom = YAML::LoadFile((kDeployDir / "base/prometheus/prometheus.yml").string());
  bool dcgm_job = false, serve_job = false;
  for (const auto& job : prom["scrape_configs"]) {
    const std::string name = job["job_name"].as<std::string>();
    if (name == "dcgm-exporter") {
      dcgm_job = true;
      EXPECT_TRUE(job["honor_labels"] && job["honor_labels"].as<bool>())
          << "the exporter's pod / namespace labels must survive the scrape";
    }
    serve_job = serve_job || name == "userscale-serve";  // --prometheus-job's default
  }
  EXPECT_TRUE(dcgm_job);
  EXPECT_TRUE(serve_job);
}

}  // namespace
}  // namespace userscale::testing
