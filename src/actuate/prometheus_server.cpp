#include "actuate/prometheus_server.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "actuate/free_port.h"
#include "actuate/process.h"
#include "metrics/http_client.h"

namespace userscale::actuate {
namespace {

std::string seconds_text(double s) {
  // Prometheus durations take whole milliseconds.
  return std::to_string(static_cast<long long>(s * 1000.0 + 0.5)) + "ms";
}

}  // namespace

std::string prometheus_config(const PrometheusOptions& o, const std::filesystem::path& targets) {
  std::ostringstream c;
  c << "# Written by userscale scaler --world local.\n"
    << "global:\n"
    << "  scrape_interval: " << seconds_text(o.scrape_interval) << "\n"
    << "  evaluation_interval: " << seconds_text(o.scrape_interval) << "\n"
    << "scrape_configs:\n"
    << "  - job_name: userscale\n"
    << "    scrape_interval: " << seconds_text(o.scrape_interval) << "\n"
    << "    scrape_timeout: " << seconds_text(o.scrape_interval) << "\n"
    << "    file_sd_configs:\n"
    << "      - files: ['" << targets.string() << "']\n"
    << "        refresh_interval: 1s\n"
    << o.extra_scrape_configs;
  return c.str();
}

std::string file_sd_json(const std::vector<ScrapeTarget>& targets) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : targets) {
    j.push_back({{"targets", {t.address}}, {"labels", {{"pod", t.pod}}}});
  }
  return j.dump(2) + "\n";
}

Result<std::unique_ptr<PrometheusServer>> PrometheusServer::start(PrometheusOptions o) {
  if (o.port == 0) {
    auto p = free_loopback_port();
    if (!p.ok()) return p.error();
    o.port = *p;
  }
  std::unique_ptr<PrometheusServer> s(new PrometheusServer(o, 0));
  if (!std::filesystem::exists(s->targets_file())) {
    if (auto w = s->write_targets({}); !w.ok()) return w.error();
  }
  const auto cfg = o.run_dir / "prometheus.yml";
  {
    std::ofstream out(cfg);
    out << prometheus_config(o, s->targets_file());
    if (!out) return Error{"prometheus", "cannot write " + cfg.string()};
  }
  auto pid = spawn({o.binary.string(), "--config.file=" + cfg.string(),
                    "--storage.tsdb.path=" + (o.run_dir / "prometheus-data").string(),
                    "--storage.tsdb.retention.time=6h",
                    "--web.listen-address=127.0.0.1:" + std::to_string(o.port), "--log.level=warn"},
                   o.run_dir / "prometheus.log");
  if (!pid.ok()) return pid.error();
  s->pid_ = *pid;
  const auto deadline = std::chrono::steady_clock::now() + o.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!s->alive()) {
      return Error{"prometheus", "exited at start; see " + (o.run_dir / "prometheus.log").string()};
    }
    if (s->ready()) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  s->stop();
  return Error{"prometheus", "not ready in time"};
}

Result<std::unique_ptr<PrometheusServer>> PrometheusServer::adopt(PrometheusOptions o, pid_t pid) {
  if (!is_alive(pid) || command_line(pid).find("prometheus") == std::string::npos) {
    return Error{"prometheus", "pid " + std::to_string(pid) + " is not a running prometheus"};
  }
  std::unique_ptr<PrometheusServer> s(new PrometheusServer(std::move(o), pid));
  if (!s->ready()) return Error{"prometheus", "pid " + std::to_string(pid) + " is not ready"};
  return s;
}

Status PrometheusServer::write_targets(const std::vector<ScrapeTarget>& targets) {
  const auto tmp = o_.run_dir / "prometheus-targets.json.tmp";
  {
    std::ofstream out(tmp);
    out << file_sd_json(targets);
    if (!out) return Error{"prometheus", "cannot write " + tmp.string()};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, targets_file(), ec);
  if (ec)
    return Error{"prometheus", "cannot replace " + targets_file().string() + ": " + ec.message()};
  return ok_status();
}

bool PrometheusServer::alive() const {
  return is_alive(pid_);
}

bool PrometheusServer::ready() const {
  metrics::HttpClient c("127.0.0.1", std::to_string(o_.port), std::chrono::milliseconds(500));
  auto r = c.get("/-/ready");
  return r.ok() && r->status == 200;
}

void PrometheusServer::stop() {
  terminate(pid_, std::chrono::seconds(5));
}

}  // namespace userscale::actuate
