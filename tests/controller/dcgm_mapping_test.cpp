// The DCGM exporter's series mapped onto a target's pods (controller/dcgm_mapping.h): every
// label spelling, GPUs shared by several pods (time-slicing), GPUs of other namespaces and of
// no pod, and pods DCGM does not list (their GPU metrics absent, never zero).
#include "controller/dcgm_mapping.h"

#include <gtest/gtest.h>

namespace userscale::controller {
namespace {

using Labels = std::map<std::string, std::string>;

metrics::PromSeries series(const std::string& uuid, double v, Labels extra = {}) {
  metrics::PromSeries s;
  s.labels = {{"__name__", kDcgmUtil},
              {"UUID", uuid},
              {"gpu", "0"},
              {"device", "nvidia0"},
              {"modelName", "NVIDIA H100 80GB HBM3"},
              {"Hostname", "node-a"}};
  s.labels.insert(extra.begin(), extra.end());
  s.value = v;
  s.timestamp = 1000;
  return s;
}

Labels on(const std::string& ns, const std::string& pod) {
  return {{"namespace", ns}, {"pod", pod}, {"container", "serve"}};
}

const GpuInfo* gpu(const DcgmMapping& m, const std::string& uuid) {
  for (const auto& g : m.gpus) {
    if (g.uuid == uuid) return &g;
  }
  return nullptr;
}

TEST(DcgmMapping, ReadsThePodInEverySpelling) {
  EXPECT_EQ(dcgm_pod_of({{"pod", "a"}, {"namespace", "n"}})->name, "a");
  // honor_labels: false: the exporter's labels are renamed; pod/namespace are the exporter's.
  auto renamed = dcgm_pod_of({{"pod", "dcgm-exporter-x"},
                              {"namespace", "gpu-operator"},
                              {"exported_pod", "web-1"},
                              {"exported_namespace", "shop"}});
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->name, "web-1");
  EXPECT_EQ(renamed->ns, "shop");
  auto old = dcgm_pod_of({{"pod_name", "web-2"}, {"pod_namespace", "shop"}});
  ASSERT_TRUE(old);
  EXPECT_EQ(old->name, "web-2");
  EXPECT_EQ(old->ns, "shop");
  EXPECT_FALSE(dcgm_pod_of({{"UUID", "GPU-1"}, {"pod", ""}}));
}

TEST(DcgmMapping, GroupsPodsThatShareAGpuAndKeepsMissingPodsMissing) {
  DcgmSeries s;
  // GPU-A time-sliced between web-0 and web-1 (one series per pod, as dcgm-exporter writes);
  // GPU-B holds web-2 (renamed labels); GPU-C belongs to another namespace's pod; GPU-D to no
  // pod. web-3 is not in DCGM at all.
  s.util = {series("GPU-A", 90, on("shop", "web-0")), series("GPU-A", 90, on("shop", "web-1")),
            series("GPU-B", 30,
                   {{"pod", "dcgm-exporter-b"},
                    {"namespace", "gpu-operator"},
                    {"exported_pod", "web-2"},
                    {"exported_namespace", "shop"}}),
            series("GPU-C", 100, on("other", "web-0")), series("GPU-D", 0)};
  auto mem = [](const std::string& uuid, double mib, const std::string& pod) {
    metrics::PromSeries m = series(uuid, mib, on("shop", pod));
    return m;
  };
  s.fb_used = {mem("GPU-A", 30000, "web-0"), mem("GPU-A", 30000, "web-1"),
               mem("GPU-B", 1000, "web-2")};
  s.fb_free = {mem("GPU-A", 51000, "web-0"), mem("GPU-A", 51000, "web-1")};

  const DcgmMapping m = map_dcgm("shop", {"web-0", "web-1", "web-2", "web-3"}, s);
  ASSERT_EQ(m.pods.size(), 3u);
  EXPECT_EQ(m.pods.at("web-0").uuid, "GPU-A");
  EXPECT_EQ(m.pods.at("web-1").uuid, "GPU-A");
  EXPECT_EQ(m.pods.at("web-2").uuid, "GPU-B");
  EXPECT_EQ(m.pods.count("web-3"), 0u) << "a pod DCGM does not list has no GPU, not a zero one";
  EXPECT_DOUBLE_EQ(*m.pods.at("web-1").utilization, 90);
  EXPECT_DOUBLE_EQ(*m.pods.at("web-2").utilization, 30);
  EXPECT_DOUBLE_EQ(*m.pods.at("web-0").memory_used_bytes, 30000.0 * 1024 * 1024);

  ASSERT_EQ(m.gpus.size(), 2u) << "only the GPUs the target's pods are on";
  const GpuInfo* a = gpu(m, "GPU-A");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->pods, (std::vector<std::string>{"web-0", "web-1"}));
  EXPECT_EQ(a->model, "NVIDIA H100 80GB HBM3");
  EXPECT_DOUBLE_EQ(*a->utilization, 90);
  EXPECT_DOUBLE_EQ(*a->memory_total_bytes, 81000.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(*a->sample_time, 1000);
  const GpuInfo* b = gpu(m, "GPU-B");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->pods, (std::vector<std::string>{"web-2"}));
  EXPECT_FALSE(b->memory_total_bytes) << "no FB_FREE: the total is unknown";
  EXPECT_FALSE(gpu(m, "GPU-C")) << "the other namespace's web-0 is not ours";
  EXPECT_FALSE(gpu(m, "GPU-D"));
}

TEST(DcgmMapping, CountsOtherNamespacesPodsOnASharedGpu) {
  DcgmSeries s;
  s.util = {series("GPU-A", 95, {{"pod_name", "web-0"}, {"pod_namespace", "shop"}}),
            series("GPU-A", 95, {{"pod_name", "web-0"}, {"pod_namespace", "batch"}}),
            series("GPU-A", 95, {{"pod_name", "trainer"}, {"pod_namespace", "shop"}})};
  const DcgmMapping m = map_dcgm("shop", {"web-0"}, s);
  ASSERT_EQ(m.gpus.size(), 1u);
  // A pod of another namespace is named namespace/name: it can never be taken for ours.
  EXPECT_EQ(m.gpus[0].pods, (std::vector<std::string>{"batch/web-0", "trainer", "web-0"}));
  EXPECT_EQ(m.pods.at("web-0").uuid, "GPU-A");
}

TEST(DcgmMapping, IgnoresSeriesWithoutUuidOrWithBadValues) {
  DcgmSeries s;
  metrics::PromSeries no_uuid = series("", 50, on("shop", "web-0"));
  no_uuid.labels.erase("UUID");
  s.util = {no_uuid, series("GPU-A", std::nan(""), on("shop", "web-1"))};
  const DcgmMapping m = map_dcgm("shop", {"web-0", "web-1"}, s);
  EXPECT_EQ(m.pods.count("web-0"), 0u);
  ASSERT_EQ(m.pods.count("web-1"), 1u);
  EXPECT_FALSE(m.pods.at("web-1").utilization) << "NaN is unknown, not a number";
}

TEST(DcgmMapping, QueriesSelectEveryGpuOfTheNamespaceInEverySpelling) {
  const DcgmQueries q = dcgm_queries("shop");
  for (const std::string& expr : {q.util, q.fb_used, q.fb_free}) {
    EXPECT_NE(expr.find("and on (UUID)"), std::string::npos) << expr;
    for (const char* l :
         {"{namespace=\"shop\"}", "{exported_namespace=\"shop\"}", "{pod_namespace=\"shop\"}"}) {
      EXPECT_NE(expr.find(l), std::string::npos) << expr;
    }
  }
  EXPECT_EQ(q.fb_used.rfind("DCGM_FI_DEV_FB_USED and", 0), 0u);
  EXPECT_EQ(q.fb_free.rfind("DCGM_FI_DEV_FB_FREE and", 0), 0u);
}

}  // namespace
}  // namespace userscale::controller
