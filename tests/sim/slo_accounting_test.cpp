// SLO attainment counts what a run leaves unanswered past the SLO, so that stranding requests in
// a queue at the end of a run never looks better than answering them late.
#include <gtest/gtest.h>

#include "test_helpers.h"

namespace userscale::sim {
namespace {

TEST(SloAccounting, RequestsStrandedPastTheSloAtTheEndCountAsMisses) {
  // One FCFS replica, 10 users at once, 1 s per request, a 2.5 s SLO, a 10 s run: requests
  // complete at 1, 2, ..., 10 s; the first two within the SLO; at the end the 10 users' next
  // requests are in the system, and those older than 2.5 s have already missed.
  auto sc = testing::queueing_scenario(1, 1, 0.0);
  sc.service.gpu_cost = config::DistSpec::constant(1.0);
  sc.service.gpu_streams = 1;
  sc.load.kind = config::LoadKind::Closed;
  sc.load.users = 10;
  sc.slo.latency_ms = 2500;
  sc.duration = 10.5;
  auto s = simulate({&sc, testing::keep_policy(), nullptr, nullptr});
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->completed, 10u);
  // In the system at 10.5 s: the 10 re-sent requests, sent at 1, 2, ..., 10 s; older than
  // 2.5 s: those sent at 1..7 s.
  EXPECT_EQ(s->unfinished_late, 7u);
  EXPECT_NEAR(s->slo_attainment, 2.0 / (10 + 7), 1e-12);
}

}  // namespace
}  // namespace userscale::sim
