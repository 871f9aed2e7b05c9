// The controller's decision log: every record of every tick as a JSON line (the file is the
// audit trail), the human line printed when it says something new, and the newest records
// kept in memory with a sequence number for `/api/v1/decisions?after=SEQ`.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/timefmt.h"

namespace userscale::controller {

struct LoggedDecision {
  std::uint64_t seq = 0;
  std::string target;
  Time time = 0;
  std::string line;
  nlohmann::json record;
};

class DecisionLog {
 public:
  // Prints one human line (with its time and target in front).
  using Printer = std::function<void(const std::string&)>;
  // `jsonl` empty: no file. `human` empty: no printing.
  explicit DecisionLog(const std::filesystem::path& jsonl = {}, Printer human = {},
                       std::size_t keep = 5000);

  // Returns the record's sequence number (1, 2, ...).
  std::uint64_t append(const std::string& target, Time time, const std::string& line,
                       const nlohmann::json& record);

  // Records with seq > after, oldest first, at most `limit`.
  std::vector<LoggedDecision> after(std::uint64_t seq, std::size_t limit) const;
  // The newest `n` records of one target, oldest first.
  std::vector<LoggedDecision> recent(const std::string& target, std::size_t n) const;
  std::uint64_t last_seq() const;

 private:
  mutable std::mutex mu_;
  std::ofstream file_;
  Printer human_;
  std::size_t keep_;
  std::uint64_t seq_ = 0;
  std::deque<LoggedDecision> kept_;
  std::map<std::string, std::string> last_line_;  // per target, to print only what is new
};

}  // namespace userscale::controller
