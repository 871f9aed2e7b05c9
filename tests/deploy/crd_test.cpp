// The GPUAutoscaler CRD's OpenAPI schema against the parser (src/config/gpu_autoscaler.*):
// every example the repository ships passes both the schema and `userscale validate`, and
// broken variants of them fail both, so that the API server and the scaler agree.
#include <gtest/gtest.h>

#include <functional>

#include "deploy/deploy_support.h"
#include "deploy/openapi_check.h"

namespace userscale::testing {
namespace {

YAML::Node crd_schema() {
  const YAML::Node crd =
      YAML::LoadFile((kDeployDir / "base/crd/gpuautoscalers.userscale.dev.yaml").string());
  EXPECT_EQ(crd["spec"]["group"].as<std::string>(), "userscale.dev");
  EXPECT_EQ(crd["spec"]["names"]["kind"].as<std::string>(), "GPUAutoscaler");
  const YAML::Node version = crd["spec"]["versions"][0];
  EXPECT_EQ(version["name"].as<std::string>(), "v1alpha1");
  return version["schema"]["openAPIV3Schema"];
}

std::vector<std::string> schema_errors(const YAML::Node& object) {
  std::vector<std::string> errors;
  check_openapi(crd_schema(), object, "", errors);
  return errors;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// `userscale validate` on objects, each written to its own file, in one run (one process: the
// binary is slow to start under the sanitizers). The verdict per object: "" when `FILE: ok`,
// else its error lines.
std::vector<std::string> validate(const std::vector<YAML::Node>& objects) {
  ScratchDir dir("userscale-deploy-crd");
  std::vector<std::string> argv = {USERSCALE_BINARY, "validate"};
  for (std::size_t i = 0; i < objects.size(); ++i) {
    YAML::Emitter e;
    e << objects[i];
    argv.push_back(dir.file("ga-" + std::to_string(i) + ".yaml"));
    std::ofstream(argv.back()) << e.c_str();
  }
  const RunResult r = run_program(argv);
  EXPECT_EQ(r.code, r.err.empty() ? 0 : 2) << r.err;
  std::vector<std::string> verdicts;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const std::string file = argv[i + 2];
    std::string errors;
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind(file + ":", 0) == 0) errors += line + "\n";
    }
    const bool ok = r.out.find(file + ": ok") != std::string::npos;
    verdicts.push_back(ok && errors.empty() ? "" : errors.empty() ? "no verdict" : errors);
  }
  return verdicts;
}

// Every GPUAutoscaler the repository ships: rendered overlays, deploy examples, and
// examples/configs.
std::vector<std::pair<std::string, YAML::Node>> shipped_autoscalers() {
  std::vector<std::pair<std::string, YAML::Node>> out;
  for (const auto& dir : kustomizations()) {
    for (const auto& d : render(dir)) {
      if (kind_of(d) == "GPUAutoscaler") out.emplace_back(dir + ": " + name_of(d), d);
    }
  }
  for (const auto* folder : {"deploy/base/examples", "examples/configs"}) {
    for (const auto& e : std::filesystem::directory_iterator(
             std::filesystem::path(USERSCALE_SOURCE_DIR) / folder)) {
      if (e.path().extension() != ".yaml" || e.path().filename() == "kustomization.yaml") continue;
      const YAML::Node d = YAML::LoadFile(e.path().string());
      if (kind_of(d) == "GPUAutoscaler") out.emplace_back(e.path().string(), d);
    }
  }
  return out;
}

TEST(DeployCrd, SchemaAndValidateAcceptEveryShippedGpuAutoscaler) {
  crd_schema();
  const auto all = shipped_autoscalers();
  // 2 overlays + base + its examples folder, 2 deploy example files, 9 example configs.
  ASSERT_GE(all.size(), 12u);
  std::vector<YAML::Node> objects;
  for (const auto& [where, object] : all) {
    EXPECT_EQ(join(schema_errors(object)), "") << where;
    objects.push_back(object);
  }
  const auto verdicts = validate(objects);
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(verdicts[i], "") << all[i].first;
}

TEST(DeployCrd, HpaExampleForTheExternalMetricPassesValidate) {
  const auto docs = render("integrations/hpa-external");
  const auto hpa = find_object(docs, "HorizontalPodAutoscaler", "gpu-service");
  ASSERT_TRUE(hpa);
  EXPECT_EQ(validate({*hpa}), std::vector<std::string>{""});
}

struct Breakage {
  const char* what;
  std::function<void(YAML::Node&)> apply;
  const char* schema_error;  // a piece of the schema checker's message
};

// Each broken variant must fail the schema (the API server would refuse it) and
// `userscale validate` (the scaler would refuse it).
TEST(DeployCrd, SchemaAndValidateBothRefuseBrokenVariants) {
  const YAML::Node base =
      YAML::LoadFile((kDeployDir / "base/examples/gpu-service-hpa-inflight.yaml").string());
  ASSERT_EQ(join(schema_errors(base)), "");
  const std::vector<Breakage> breakages = {
      {"unknown spec field", [](YAML::Node& o) { o["spec"]["maxReplica"] = 3; },
       "spec.maxReplica: unknown field"},
      {"maxReplicas 0", [](YAML::Node& o) { o["spec"]["maxReplicas"] = 0; },
       "spec.maxReplicas: below the minimum"},
      {"maxReplicas missing", [](YAML::Node& o) { o["spec"].remove("maxReplicas"); },
       "required field \"maxReplicas\""},
      {"minReplicas negative", [](YAML::Node& o) { o["spec"]["minReplicas"] = -1; },
       "spec.minReplicas: below the minimum"},
      {"maxReplicas a word", [](YAML::Node& o) { o["spec"]["maxReplicas"] = "many"; },
       "spec.maxReplicas: must be of type integer"},
      {"unknown policy", [](YAML::Node& o) { o["spec"]["policy"]["name"] = "hpaa"; },
       "spec.policy.name: not one of the enum values"},
      {"metric type unknown", [](YAML::Node& o) { o["spec"]["metrics"][0]["type"] = "Pod"; },
       "spec.metrics[0].type: not one of the enum values"},
      {"target type unknown",
       [](YAML::Node& o) { o["spec"]["metrics"][0]["pods"]["target"]["type"] = "Average"; },
       "spec.metrics[0].pods.target.type"},
      {"quantity not a quantity",
       [](YAML::Node& o) { o["spec"]["metrics"][0]["pods"]["target"]["averageValue"] = "four"; },
       "averageValue: does not match the pattern"},
      {"utilization zero",
       [](YAML::Node& o) {
         o["spec"]["metrics"][1]["resource"]["target"]["averageUtilization"] = 0;
       },
       "averageUtilization: below the minimum"},
      {"stabilization window too long",
       [](YAML::Node& o) {
         o["spec"]["behavior"]["scaleDown"]["stabilizationWindowSeconds"] = 3601;
       },
       "stabilizationWindowSeconds: above the maximum"},
      {"policy period too long",
       [](YAML::Node& o) {
         o["spec"]["behavior"]["scaleUp"]["policies"][0]["periodSeconds"] = 1801;
       },
       "periodSeconds: above the maximum"},
      {"empty policies",
       [](YAML::Node& o) {
         o["spec"]["behavior"]["scaleUp"]["policies"] = YAML::Node(YAML::NodeType::Sequence);
       },
       "fewer items than minItems"},
      {"selectPolicy unknown",
       [](YAML::Node& o) { o["spec"]["behavior"]["scaleUp"]["selectPolicy"] = "Maximum"; },
       "selectPolicy: not one of the enum values"},
      {"sync period zero", [](YAML::Node& o) { o["spec"]["syncPeriodSeconds"] = 0; },
       "spec.syncPeriodSeconds: below the minimum"},
      {"scaleTargetRef without name",
       [](YAML::Node& o) { o["spec"]["scaleTargetRef"].remove("name"); },
       "required field \"name\""},
      {"policy without name", [](YAML::Node& o) { o["spec"]["policy"].remove("name"); },
       "required field \"name\""},
  };
  std::vector<YAML::Node> broken;
  for (const auto& b : breakages) {
    broken.push_back(YAML::Clone(base));
    b.apply(broken.back());
    const std::string errors = join(schema_errors(broken.back()));
    EXPECT_NE(errors.find(b.schema_error), std::string::npos) << b.what << ":\n" << errors;
  }
  const auto verdicts = validate(broken);
  for (std::size_t i = 0; i < breakages.size(); ++i) {
    // An error line of its own, naming the file: not accepted, not skipped.
    EXPECT_TRUE(verdicts[i] != "" && verdicts[i] != "no verdict")
        << breakages[i].what << ": " << verdicts[i];
  }
}

}  // namespace
}  // namespace userscale::testing
