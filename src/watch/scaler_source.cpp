#include "watch/scaler_source.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "watch/snapshot_json.h"

namespace userscale::watch {
namespace {

constexpr std::size_t kSeenPerTarget = 200;
constexpr int kMaxPagesPerPoll = 20;

// The HTTP client connects with a blocking connect, which can hang for minutes on a host that
// drops packets; a non-blocking connect with a time limit first keeps the view responsive.
Status probe_connect(const std::string& host, const std::string& port,
                     std::chrono::milliseconds limit) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Error{"connect", "resolve " + host + ": " + ::gai_strerror(rc)};
  }
  std::string why = "no address";
  bool ok = false;
  for (addrinfo* a = found; a != nullptr && !ok; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      why = std::strerror(errno);
      continue;
    }
    int rc = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(limit.count()));
      if (rc == 0) {
        why = "timed out";
        rc = -1;
      } else if (rc > 0) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        rc = err == 0 ? 0 : -1;
        if (err != 0) why = std::strerror(err);
      } else {
        why = std::strerror(errno);
      }
    } else if (rc != 0) {
      why = std::strerror(errno);
    }
    ok = rc == 0;
    ::close(fd);
  }
  ::freeaddrinfo(found);
  if (!ok) return Error{"connect", host + ":" + port + ": " + why};
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<ScalerSource>> ScalerSource::open(const std::string& url, Clock& clock,
                                                         std::chrono::milliseconds timeout) {
  auto parsed = metrics::parse_url(url);
  if (!parsed.ok()) return Error{"--scaler", parsed.error().message};
  return std::unique_ptr<ScalerSource>(new ScalerSource(url, *parsed, clock, timeout));
}

ScalerSource::ScalerSource(std::string url, metrics::Url parsed, Clock& clock,
                           std::chrono::milliseconds timeout)
    : url_(std::move(url)), parsed_(std::move(parsed)), clock_(clock), timeout_(timeout) {
  prefix_ = parsed_.target.substr(0, parsed_.target.find('?'));
  while (!prefix_.empty() && prefix_.back() == '/') prefix_.pop_back();
  client_ = std::make_unique<metrics::HttpClient>(parsed_.host, parsed_.port, timeout_);
}

Result<std::string> ScalerSource::get_json(const std::string& path) {
  if (!client_->connected()) {
    if (auto st = probe_connect(parsed_.host, parsed_.port, timeout_); !st.ok()) {
      return st.error();
    }
  }
  auto res = client_->get(prefix_ + path);
  if (!res.ok()) return res.error();
  if (res->status != 200) {
    return Error{"http", "GET " + prefix_ + path + " answered " + std::to_string(res->status)};
  }
  return std::move(res->body);
}

void ScalerSource::add_decision(Poll& out, const std::string& target, const DecisionLine& d,
                                bool only_newer) {
  char time_text[40] = "-";
  if (d.time) std::snprintf(time_text, sizeof time_text, "%.6f", *d.time);
  std::string key = std::string(time_text) + '\n' + d.line;
  auto& seen = seen_[target];
  if (!seen.insert(key).second) return;
  auto& order = seen_order_[target];
  order.push_back(std::move(key));
  if (order.size() > kSeenPerTarget) {
    seen.erase(order.front());
    order.pop_front();
  }
  // An older line read again is remembered as seen, not shown: the view stays in time order.
  auto newest = newest_.find(target);
  if (only_newer && d.time && newest != newest_.end() && *d.time <= newest->second) return;
  if (d.time)
    newest_[target] = newest == newest_.end() ? *d.time : std::max(newest->second, *d.time);
  out.decisions.push_back(TargetDecision{target, d});
}

bool ScalerSource::read_decision_stream(Poll& out, bool resync) {
  if (resync) cursor_ = 0;
  for (int page_no = 0; page_no < kMaxPagesPerPoll; ++page_no) {
    auto body = get_json("/api/v1/decisions?after=" + std::to_string(cursor_));
    if (!body.ok()) return false;
    auto page = parse_decisions_page(*body);
    if (!page.ok()) return false;
    long long last = cursor_;
    for (const auto& r : page->records) {
      if (r.seq <= cursor_) continue;
      add_decision(out, r.target, DecisionLine{r.time, r.line}, resync);
      last = std::max(last, r.seq);
    }
    const long long next = std::max(page->next.value_or(last), last);
    const bool more = page->records.size() >= 500 && next > cursor_;
    cursor_ = next;
    if (!more) break;
  }
  return true;
}

bool ScalerSource::stream_missed(const Snapshot& snap) const {
  for (const TargetView& t : snap.targets) {
    if (t.decisions.empty()) continue;
    const DecisionLine& d = t.decisions.back();
    char time_text[40] = "-";
    if (d.time) std::snprintf(time_text, sizeof time_text, "%.6f", *d.time);
    auto seen = seen_.find(t.name);
    if (seen == seen_.end() || seen->second.count(std::string(time_text) + '\n' + d.line) == 0) {
      return true;
    }
  }
  return false;
}

Poll ScalerSource::poll() {
  Poll out;
  auto body = get_json("/api/v1/snapshot");
  Result<Snapshot> snap = body.ok() ? parse_snapshot(*body) : Result<Snapshot>(body.error());
  if (!snap.ok()) {
    client_->close();
    // The scaler may come back restarted, its decision sequence started over: read it again
    // from the start then, showing only what is newer than what was shown.
    resync_ = true;
    out.reachable = false;
    out.error = snap.error().to_string();
    return out;
  }
  out.snapshot = std::move(snap).value();
  const double t = out.snapshot.time.value_or(clock_.wall());
  for (const TargetView& tv : out.snapshot.targets) {
    out.samples.push_back(TargetSample{tv.name, Sample{t, tv.desired, tv.current, tv.ready}});
  }
  bool streamed = read_decision_stream(out, resync_);
  // The snapshot was taken before the stream was read, so the stream holds its newest
  // decisions; when it does not, the scaler restarted between two polls.
  if (streamed && !resync_ && stream_missed(out.snapshot)) {
    streamed = read_decision_stream(out, true);
  }
  if (!streamed) {
    for (const TargetView& tv : out.snapshot.targets) {
      for (const DecisionLine& d : tv.decisions) add_decision(out, tv.name, d, true);
    }
  }
  resync_ = false;
  return out;
}

}  // namespace userscale::watch
