#include "actuate/run_state.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace userscale::actuate {

Result<RunState> read_run_state(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Error{file.string(), "cannot read"};
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    RunState s;
    s.scaler_pid = j.value("scaler_pid", 0);
    s.haproxy_pid = j.value("haproxy_pid", 0);
    s.haproxy_port = j.value("haproxy_port", 0);
    s.prometheus_pid = j.value("prometheus_pid", 0);
    s.prometheus_port = j.value("prometheus_port", 0);
    s.next_seq = j.value("next_seq", 1);
    for (const auto& r : j.value("replicas", nlohmann::json::array())) {
      s.replicas.push_back(ReplicaRecord{r.value("name", ""), r.value("pid", 0), r.value("port", 0),
                                         r.value("slot", 0), r.value("started", 0.0)});
    }
    return s;
  } catch (const nlohmann::json::exception& e) {
    return Error{file.string(), e.what()};
  }
}

Status write_run_state(const std::filesystem::path& file, const RunState& s) {
  nlohmann::json replicas = nlohmann::json::array();
  for (const auto& r : s.replicas) {
    replicas.push_back({{"name", r.name},
                        {"pid", r.pid},
                        {"port", r.port},
                        {"slot", r.slot},
                        {"started", r.started}});
  }
  const nlohmann::json j = {{"scaler_pid", s.scaler_pid},
                            {"haproxy_pid", s.haproxy_pid},
                            {"haproxy_port", s.haproxy_port},
                            {"prometheus_pid", s.prometheus_pid},
                            {"prometheus_port", s.prometheus_port},
                            {"next_seq", s.next_seq},
                            {"replicas", replicas}};
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << "\n";
    if (!out) return Error{tmp, "cannot write"};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) return Error{file.string(), ec.message()};
  return ok_status();
}

}  // namespace userscale::actuate
