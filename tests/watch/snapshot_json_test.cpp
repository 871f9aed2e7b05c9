#include "watch/snapshot_json.h"

#include <gtest/gtest.h>

namespace userscale::watch {
namespace {

// The example of the live-state contract, plus fields it does not name.
constexpr const char* kSnapshot = R"({
  "source": "local", "time": 1735689600.0, "schema": 7,
  "targets": [{
    "name": "default/gpu-service", "policy": "gpuaware", "min": 1, "max": 8,
    "desired": 3, "current": 3, "ready": 2, "future_field": {"x": 1},
    "pods": [{"name": "gpu-service-1", "phase": "ready", "age_seconds": 42.0, "gpu": "GPU-abc"},
             {"name": "gpu-service-2", "phase": "starting", "age_seconds": 3}],
    "gpus": [{"uuid": "GPU-abc", "model": "T4", "utilization": 87.5,
              "memory_used_bytes": 1.2e9, "memory_total_bytes": 16e9, "pods": ["gpu-service-1"]},
             {"uuid": "GPU-def", "utilization": null}],
    "service": {"arrival_rps": 12.0, "throughput_rps": 11.5, "in_flight": 4, "queued": 1,
                "latency_p50_ms": 80, "latency_p95_ms": 150, "latency_p99_ms": 190,
                "slo_ms": 200},
    "decisions": [{"time": 1735689590.0, "line": "SCALED 2 -> 3: x"}]
  }]
})";

TEST(SnapshotJson, ReadsTheContractExample) {
  auto s = parse_snapshot(kSnapshot);
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->source, "local");
  EXPECT_DOUBLE_EQ(*s->time, 1735689600.0);
  ASSERT_EQ(s->targets.size(), 1u);
  const TargetView& t = s->targets[0];
  EXPECT_EQ(t.name, "default/gpu-service");
  EXPECT_EQ(t.policy, "gpuaware");
  EXPECT_EQ(*t.min, 1);
  EXPECT_EQ(*t.max, 8);
  EXPECT_EQ(*t.desired, 3);
  EXPECT_EQ(*t.current, 3);
  EXPECT_EQ(*t.ready, 2);
  ASSERT_EQ(t.pods.size(), 2u);
  EXPECT_EQ(t.pods[0].gpu, "GPU-abc");
  EXPECT_EQ(t.pods[1].gpu, "");  // absent
  EXPECT_DOUBLE_EQ(*t.pods[1].age_seconds, 3.0);
  ASSERT_EQ(t.gpus.size(), 2u);
  EXPECT_DOUBLE_EQ(*t.gpus[0].utilization, 87.5);
  EXPECT_DOUBLE_EQ(*t.gpus[0].memory_total_bytes, 16e9);
  ASSERT_TRUE(t.gpus[0].pods.has_value());
  EXPECT_EQ(t.gpus[0].pods->at(0), "gpu-service-1");
  EXPECT_FALSE(t.gpus[1].utilization.has_value());  // null: unknown
  EXPECT_FALSE(t.gpus[1].pods.has_value());         // absent: unknown
  EXPECT_DOUBLE_EQ(*t.service.latency_p99_ms, 190.0);
  EXPECT_DOUBLE_EQ(*t.service.slo_ms, 200.0);
  ASSERT_EQ(t.decisions.size(), 1u);
  EXPECT_EQ(t.decisions[0].line, "SCALED 2 -> 3: x");
}

TEST(SnapshotJson, MissingNullAndMistypedFieldsReadAsUnknown) {
  auto s = parse_snapshot(R"({"targets": [{"name": "a", "desired": "3", "current": null,
      "service": {"latency_p99_ms": "fast"}, "pods": "none", "gpus": [1, {"uuid": "g"}]}]})");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_FALSE(s->time.has_value());
  const TargetView& t = s->targets.at(0);
  EXPECT_FALSE(t.desired.has_value());
  EXPECT_FALSE(t.current.has_value());
  EXPECT_FALSE(t.ready.has_value());
  EXPECT_FALSE(t.service.latency_p99_ms.has_value());
  EXPECT_TRUE(t.pods.empty());
  ASSERT_EQ(t.gpus.size(), 1u);  // the number is not a GPU
  EXPECT_EQ(t.gpus[0].uuid, "g");
}

TEST(SnapshotJson, RejectsWhatIsNotASnapshot) {
  EXPECT_FALSE(parse_snapshot("<html>").ok());
  EXPECT_FALSE(parse_snapshot("[1,2]").ok());
  auto bad = parse_snapshot(R"({"targets": {"name": "a"}})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().path, "snapshot.targets");
  EXPECT_TRUE(parse_snapshot("{}").ok());  // a scaler with no targets yet
}

TEST(SnapshotJson, ReadsADecisionsPage) {
  auto p = parse_decisions_page(R"({"next": 18, "records": [
      {"seq": 17, "target": "default/a", "time": 5.0, "line": "HOLD 2", "record": {"x": 1}},
      {"seq": 18, "target": "default/a", "time": 6.0, "record": {"human": "SCALED 2 -> 3"}},
      {"target": "no seq", "line": "dropped"}]})");
  ASSERT_TRUE(p.ok()) << p.error().to_string();
  EXPECT_EQ(*p->next, 18);
  ASSERT_EQ(p->records.size(), 2u);
  EXPECT_EQ(p->records[0].seq, 17);
  EXPECT_EQ(p->records[0].line, "HOLD 2");
  EXPECT_EQ(p->records[1].line, "SCALED 2 -> 3");  // from the record's human line
  EXPECT_FALSE(parse_decisions_page(R"({"records": 3})").ok());
}

}  // namespace
}  // namespace userscale::watch
