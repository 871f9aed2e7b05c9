#include "keda/keda_target.h"

#include <gtest/gtest.h>

namespace userscale::keda {
namespace {

TEST(KedaTarget, NamespacedNameIsTakenAsIs) {
  auto t = target_of("shop", {{"target", "gpu-workloads/gpu-service"}});
  ASSERT_TRUE(t.ok()) << t.error().to_string();
  EXPECT_EQ(*t, "gpu-workloads/gpu-service");
}

TEST(KedaTarget, BareNameIsInTheScaledObjectsNamespace) {
  auto t = target_of("gpu-workloads", {{"target", "gpu-service"}, {"other", "x"}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "gpu-workloads/gpu-service");
}

TEST(KedaTarget, MissingOrMalformedTargetIsAnErrorNamingTheField) {
  for (const auto& metadata : std::vector<std::map<std::string, std::string>>{
           {}, {{"target", ""}}, {{"target", "/x"}}, {{"target", "a/"}}, {{"target", "a/b/c"}}}) {
    auto t = target_of("ns", metadata);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.error().path, "scalerMetadata.target");
  }
  auto no_ns = target_of("", {{"target", "gpu-service"}});
  ASSERT_FALSE(no_ns.ok());
  EXPECT_NE(no_ns.error().message.find("no namespace"), std::string::npos);
}

TEST(KedaTarget, MetricNameWithOrWithoutKedasTriggerIndex) {
  EXPECT_TRUE(is_desired_replicas_metric("desired-replicas"));
  EXPECT_TRUE(is_desired_replicas_metric("s0-desired-replicas"));
  EXPECT_TRUE(is_desired_replicas_metric("s12-desired-replicas"));
  EXPECT_FALSE(is_desired_replicas_metric("sx-desired-replicas"));
  EXPECT_FALSE(is_desired_replicas_metric("s0desired-replicas"));
  EXPECT_FALSE(is_desired_replicas_metric("queue-length"));
  EXPECT_FALSE(is_desired_replicas_metric("s-desired-replicas"));
}

}  // namespace
}  // namespace userscale::keda
