// The Kubernetes name rules that GPUAutoscaler metadata, selectors and references obey.
#include "config/k8s_names.h"

#include <gtest/gtest.h>

#include <string>

namespace userscale {
namespace {

TEST(K8sNames, Dns1123Subdomain) {
  EXPECT_FALSE(check_dns1123_subdomain("web").has_value());
  EXPECT_FALSE(check_dns1123_subdomain("gpu-service.v2").has_value());
  // 253 characters at most, in labels of 63 at most.
  const std::string label(63, 'a');
  const std::string longest = label + "." + label + "." + label + "." + std::string(61, 'b');
  ASSERT_EQ(longest.size(), 253u);
  EXPECT_FALSE(check_dns1123_subdomain(longest).has_value());
  EXPECT_TRUE(check_dns1123_subdomain(longest + "b").has_value());
  EXPECT_TRUE(check_dns1123_subdomain(std::string(64, 'a')).has_value());
  EXPECT_TRUE(check_dns1123_subdomain("").has_value());
  EXPECT_TRUE(check_dns1123_subdomain("Web").has_value());
  EXPECT_TRUE(check_dns1123_subdomain("-web").has_value());
  EXPECT_TRUE(check_dns1123_subdomain("web.").has_value());
  EXPECT_TRUE(check_dns1123_subdomain("a..b").has_value());
  EXPECT_TRUE(check_dns1123_subdomain("my_app").has_value());
}

TEST(K8sNames, Dns1123Label) {
  EXPECT_FALSE(check_dns1123_label("model-server").has_value());
  EXPECT_FALSE(check_dns1123_label(std::string(63, 'a')).has_value());
  EXPECT_TRUE(check_dns1123_label(std::string(64, 'a')).has_value());
  EXPECT_TRUE(check_dns1123_label("a.b").has_value());
  EXPECT_TRUE(check_dns1123_label("server-").has_value());
}

TEST(K8sNames, QualifiedNames) {
  EXPECT_FALSE(check_qualified_name("app").has_value());
  EXPECT_FALSE(check_qualified_name("app.kubernetes.io/name").has_value());
  EXPECT_FALSE(check_qualified_name("Tier_2.x").has_value());
  EXPECT_TRUE(check_qualified_name("").has_value());
  EXPECT_TRUE(check_qualified_name("/name").has_value());
  EXPECT_TRUE(check_qualified_name("Example.com/name").has_value());
  EXPECT_TRUE(check_qualified_name("a b").has_value());
  EXPECT_TRUE(check_qualified_name("_app").has_value());
}

TEST(K8sNames, LabelValues) {
  EXPECT_FALSE(check_label_value("").has_value());
  EXPECT_FALSE(check_label_value("v1.2_rc-3").has_value());
  EXPECT_TRUE(check_label_value(std::string(64, 'a')).has_value());
  EXPECT_TRUE(check_label_value("a/b").has_value());
  EXPECT_EQ(*check_label_value("-x"),
            "must be at most 63 characters of a-z, A-Z, 0-9, '-', '_' and '.', starting and "
            "ending with a letter or digit, got \"-x\"");
}

TEST(K8sNames, PathSegmentNames) {
  EXPECT_FALSE(check_path_segment_name("DCGM_FI_DEV_GPU_UTIL").has_value());
  EXPECT_FALSE(check_path_segment_name("requests-per-second").has_value());
  EXPECT_EQ(*check_path_segment_name(".."), "must not be \".\" or \"..\", got \"..\"");
  EXPECT_EQ(*check_path_segment_name("100%"), "must not contain '/' or '%', got \"100%\"");
}

}  // namespace
}  // namespace userscale
