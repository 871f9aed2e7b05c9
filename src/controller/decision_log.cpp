#include "controller/decision_log.h"

#include <ctime>

namespace userscale::controller {
namespace {

std::string clock_text(Time t) {
  const std::time_t s = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&s, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

}  // namespace

DecisionLog::DecisionLog(const std::filesystem::path& jsonl, Printer human, std::size_t keep)
    : human_(std::move(human)), keep_(keep) {
  if (!jsonl.empty()) file_.open(jsonl, std::ios::app);
}

std::uint64_t DecisionLog::append(const std::string& target, Time time, const std::string& line,
                                  const nlohmann::json& record) {
  std::lock_guard lock(mu_);
  const std::uint64_t seq = ++seq_;
  if (file_.is_open()) file_ << record.dump() << '\n' << std::flush;
  // A HOLD repeated every tick says nothing new; every change, and every scale, is printed.
  std::string& last = last_line_[target];
  if (human_ && (line != last || line.rfind("SCALED", 0) == 0)) {
    human_(clock_text(time) + ' ' + target + ' ' + line);
  }
  last = line;
  kept_.push_back(LoggedDecision{seq, target, time, line, record});
  while (kept_.size() > keep_) kept_.pop_front();
  return seq;
}

std::vector<LoggedDecision> DecisionLog::after(std::uint64_t seq, std::size_t limit) const {
  std::lock_guard lock(mu_);
  std::vector<LoggedDecision> out;
  for (const auto& d : kept_) {
    if (d.seq <= seq) continue;
    if (out.size() >= limit) break;
    out.push_back(d);
  }
  return out;
}

std::vector<LoggedDecision> DecisionLog::recent(const std::string& target, std::size_t n) const {
  std::lock_guard lock(mu_);
  std::vector<LoggedDecision> out;
  for (auto it = kept_.rbegin(); it != kept_.rend() && out.size() < n; ++it) {
    if (it->target == target) out.push_back(*it);
  }
  return {out.rbegin(), out.rend()};
}

std::uint64_t DecisionLog::last_seq() const {
  std::lock_guard lock(mu_);
  return seq_;
}

}  // namespace userscale::controller
