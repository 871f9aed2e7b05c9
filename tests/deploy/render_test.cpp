// Every kustomization in deploy/ rendered by the real `kubectl kustomize`, and what a platform
// engineer relies on checked in the result: the objects, least-privilege RBAC, images, args
// that the binary accepts, probes on the ports it listens on, and GPU sharing per overlay.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "deploy/deploy_support.h"

namespace userscale::testing {
namespace {

using KindName = std::pair<std::string, std::string>;

std::set<KindName> kinds_and_names(const std::vector<YAML::Node>& docs) {
  std::set<KindName> out;
  for (const auto& d : docs) out.insert({kind_of(d), name_of(d)});
  return out;
}

const std::vector<std::string> kOverlays = {"overlays/single-gpu-k3s", "overlays/multi-gpu"};

TEST(DeployRender, EveryKustomizationRendersIntoWellFormedObjects) {
  const auto dirs = kustomizations();
  // base, its examples, both overlays, both integrations: a missing one is a broken layout.
  ASSERT_GE(dirs.size(), 6u);
  for (const auto& dir : dirs) {
    SCOPED_TRACE(dir);
    const auto docs = render(dir);
    EXPECT_FALSE(docs.empty());
    for (const auto& d : docs) {
      EXPECT_TRUE(d.IsMap());
      EXPECT_TRUE(d["apiVersion"] && !d["apiVersion"].as<std::string>().empty());
      EXPECT_FALSE(kind_of(d).empty());
      EXPECT_FALSE(name_of(d).empty()) << kind_of(d);
    }
    // Two objects with one kind, namespace and name would overwrite each other on apply.
    std::set<std::string> seen;
    for (const auto& d : docs) {
      const std::string ns =
          d["metadata"]["namespace"] ? d["metadata"]["namespace"].as<std::string>() : "";
      EXPECT_TRUE(seen.insert(kind_of(d) + "/" + ns + "/" + name_of(d)).second)
          << "duplicate " << kind_of(d) << " " << ns << "/" << name_of(d);
    }
  }
}

TEST(DeployRender, OverlaysCarryEveryPartOfTheDeployment) {
  const std::set<KindName> expected = {
      {"Namespace", "userscale-system"},
      {"Namespace", "gpu-workloads"},
      {"CustomResourceDefinition", "gpuautoscalers.userscale.dev"},
      {"ServiceAccount", "userscale-scaler"},
      {"ClusterRole", "userscale-scaler"},
      {"ClusterRoleBinding", "userscale-scaler"},
      {"Role", "userscale-scaler-leader-election"},
      {"RoleBinding", "userscale-scaler-leader-election"},
      {"Deployment", "userscale-scaler"},
      {"Service", "userscale-scaler"},
      {"Deployment", "gpu-service"},
      {"Service", "gpu-service"},
      {"DaemonSet", "dcgm-exporter"},
      {"Service", "dcgm-exporter"},
      {"ConfigMap", "prometheus-userscale"},
      {"ConfigMap", "grafana-dashboard-userscale"},
      {"GPUAutoscaler", "gpu-service"},
  };
  for (const auto& overlay : kOverlays) {
    SCOPED_TRACE(overlay);
    const auto have = kinds_and_names(render(overlay));
    for (const auto& k : expected) {
      EXPECT_TRUE(have.count(k)) << "missing " << k.first << " " << k.second;
    }
  }
  const auto single = kinds_and_names(render("overlays/single-gpu-k3s"));
  EXPECT_TRUE(single.count({"ConfigMap", "nvidia-device-plugin-config"}));
  EXPECT_TRUE(single.count({"RuntimeClass", "nvidia"}));
  const auto multi = kinds_and_names(render("overlays/multi-gpu"));
  EXPECT_TRUE(multi.count({"ConfigMap", "nvidia-device-plugin-configs"}));
  EXPECT_TRUE(multi.count({"PodDisruptionBudget", "userscale-scaler"}));
}

// (apiGroup, resource, resourceName or "") -> verbs, over every rule of a role.
using Grants = std::map<std::tuple<std::string, std::string, std::string>, std::set<std::string>>;

Grants grants_of(const YAML::Node& role) {
  Grants g;
  for (const auto& rule : role["rules"]) {
    const auto names = strings(rule["resourceNames"]);
    for (const auto& group : strings(rule["apiGroups"])) {
      for (const auto& resource : strings(rule["resources"])) {
        for (const auto& verb : strings(rule["verbs"])) {
          if (names.empty()) {
            g[{group, resource, ""}].insert(verb);
          } else {
            for (const auto& n : names) g[{group, resource, n}].insert(verb);
          }
        }
      }
    }
  }
  return g;
}

TEST(DeployRbac, TheScalerGetsExactlyTheLeastPrivilegeSet) {
  for (const auto& overlay : kOverlays) {
    SCOPED_TRACE(overlay);
    const auto docs = render(overlay);
    const auto cluster_role = find_object(docs, "ClusterRole", "userscale-scaler");
    ASSERT_TRUE(cluster_role);
    const Grants expected_cluster = {
        {{"userscale.dev", "gpuautoscalers", ""}, {"get", "list", "watch"}},
        {{"userscale.dev", "gpuautoscalers/status", ""}, {"patch"}},
        {{"apps", "deployments/scale", ""}, {"get", "patch"}},
        {{"", "pods", ""}, {"list", "watch"}},
        {{"", "events", ""}, {"create"}},
        {{"metrics.k8s.io", "pods", ""}, {"get", "list"}},
        {{"custom.metrics.k8s.io", "pods/requests_in_flight", ""}, {"get", "list"}},
        {{"custom.metrics.k8s.io", "pods/requests_queued", ""}, {"get", "list"}},
        {{"custom.metrics.k8s.io", "pods/requests_per_second", ""}, {"get", "list"}},
        {{"custom.metrics.k8s.io", "pods/request_latency_ms", ""}, {"get", "list"}},
        {{"custom.metrics.k8s.io", "pods/DCGM_FI_DEV_GPU_UTIL", ""}, {"get", "list"}},
    };
    EXPECT_EQ(grants_of(*cluster_role), expected_cluster);

    const auto role = find_object(docs, "Role", "userscale-scaler-leader-election");
    ASSERT_TRUE(role);
    EXPECT_EQ((*role)["metadata"]["namespace"].as<std::string>(), "userscale-system");
    const Grants expected_lease = {
        {{"coordination.k8s.io", "leases", ""}, {"create"}},
        {{"coordination.k8s.io", "leases", "userscale-scaler"}, {"get", "update"}},
    };
    EXPECT_EQ(grants_of(*role), expected_lease);

    // No wildcard anywhere, and the bindings name the scaler's ServiceAccount only.
    for (const auto& kind : {"ClusterRole", "Role"}) {
      for (const auto& r : objects_of_kind(docs, kind)) {
        for (const auto& [key, verbs] : grants_of(r)) {
          EXPECT_FALSE(verbs.count("*")) << std::get<1>(key);
          EXPECT_NE(std::get<1>(key), "*");
          EXPECT_NE(std::get<0>(key), "*");
        }
      }
    }
    for (const auto& kind : {"ClusterRoleBinding", "RoleBinding"}) {
      for (const auto& b : objects_of_kind(docs, kind)) {
        ASSERT_EQ(b["subjects"].size(), 1u);
        EXPECT_EQ(b["subjects"][0]["kind"].as<std::string>(), "ServiceAccount");
        EXPECT_EQ(b["subjects"][0]["name"].as<std::string>(), "userscale-scaler");
        EXPECT_EQ(b["subjects"][0]["namespace"].as<std::string>(), "userscale-system");
      }
    }
    const auto deployment = find_object(docs, "Deployment", "userscale-scaler");
    ASSERT_TRUE(deployment);
    EXPECT_EQ((*deployment)["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
              "userscale-scaler");
  }
}

// The flags `userscale SUBCOMMAND --help` lists.
std::set<std::string> accepted_flags(const std::string& subcommand) {
  const RunResult r = run_program({USERSCALE_BINARY, subcommand, "--help"});
  EXPECT_EQ(r.code, 0) << r.err;
  std::set<std::string> flags;
  std::istringstream in(r.out);
  std::string word;
  while (in >> word) {
    // "-h,--help", "--world", "--listen TEXT=..." all start a word with "-".
    std::istringstream parts(word);
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (part.rfind("--", 0) == 0) flags.insert(part);
    }
  }
  return flags;
}

void expect_hardened(const YAML::Node& pod_spec, const YAML::Node& container) {
  EXPECT_EQ(pod_spec["securityContext"]["runAsNonRoot"].as<std::string>(), "true");
  EXPECT_NE(pod_spec["securityContext"]["runAsUser"].as<int>(), 0);
  EXPECT_EQ(container["securityContext"]["readOnlyRootFilesystem"].as<std::string>(), "true");
  EXPECT_EQ(container["securityContext"]["allowPrivilegeEscalation"].as<std::string>(), "false");
  EXPECT_EQ(strings(container["securityContext"]["capabilities"]["drop"]),
            std::vector<std::string>{"ALL"});
  EXPECT_TRUE(container["resources"]["requests"]["cpu"]);
  EXPECT_TRUE(container["resources"]["requests"]["memory"]);
  EXPECT_TRUE(container["resources"]["limits"]["memory"]);
}

// The port number a probe names, through the container's named ports.
int probe_port(const YAML::Node& container, const YAML::Node& probe) {
  const YAML::Node port = probe["httpGet"]["port"];
  const std::string& text = port.Scalar();
  if (!text.empty() &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return port.as<int>();
  }
  for (const auto& p : container["ports"]) {
    if (p["name"].as<std::string>() == port.as<std::string>()) return p["containerPort"].as<int>();
  }
  return -1;
}

TEST(DeployWorkloads, ImagesArgsProbesAndSecurityMatchTheBinary) {
  const auto scaler_flags = accepted_flags("scaler");
  const auto serve_flags = accepted_flags("serve");
  ASSERT_TRUE(scaler_flags.count("--world"));
  ASSERT_TRUE(serve_flags.count("--bind"));
  for (const auto& overlay : kOverlays) {
    SCOPED_TRACE(overlay);
    const auto docs = render(overlay);
    const auto scaler = find_object(docs, "Deployment", "userscale-scaler");
    const auto serve = find_object(docs, "Deployment", "gpu-service");
    ASSERT_TRUE(scaler && serve);

    // The scaler: HA, the kubernetes world, every flag one the binary accepts.
    EXPECT_EQ((*scaler)["spec"]["replicas"].as<int>(), 2);
    const YAML::Node sc = first_container(*scaler);
    const auto scaler_args = strings(sc["args"]);
    ASSERT_GE(scaler_args.size(), 3u);
    EXPECT_EQ(scaler_args[0], "scaler");
    EXPECT_EQ(arg_value(scaler_args, "--world"), "kubernetes");
    for (const auto& a : scaler_args) {
      if (a.rfind("--", 0) == 0) {
        EXPECT_TRUE(scaler_flags.count(a)) << "scaler does not take " << a;
      }
    }
    const std::string listen = arg_value(scaler_args, "--listen");
    ASSERT_FALSE(listen.empty());
    const int status_port = std::stoi(listen.substr(listen.rfind(':') + 1));
    for (const char* probe : {"livenessProbe", "readinessProbe"}) {
      EXPECT_EQ(sc[probe]["httpGet"]["path"].as<std::string>(), "/healthz") << probe;
      EXPECT_EQ(probe_port(sc, sc[probe]), status_port) << probe;
    }
    expect_hardened((*scaler)["spec"]["template"]["spec"], sc);

    // The GPU service: serve on the port its probes and Prometheus annotation use, one GPU.
    const YAML::Node vc = first_container(*serve);
    const auto serve_args = strings(vc["args"]);
    ASSERT_FALSE(serve_args.empty());
    EXPECT_EQ(serve_args[0], "serve");
    for (const auto& a : serve_args) {
      if (a.rfind("--", 0) == 0) {
        EXPECT_TRUE(serve_flags.count(a)) << "serve does not take " << a;
      }
    }
    EXPECT_EQ(arg_value(serve_args, "--bind"), "0.0.0.0");
    const int serve_port = std::stoi(arg_value(serve_args, "--port"));
    EXPECT_EQ(vc["readinessProbe"]["httpGet"]["path"].as<std::string>(), "/readyz");
    EXPECT_EQ(probe_port(vc, vc["readinessProbe"]), serve_port);
    EXPECT_EQ(vc["livenessProbe"]["httpGet"]["path"].as<std::string>(), "/healthz");
    EXPECT_EQ(probe_port(vc, vc["livenessProbe"]), serve_port);
    EXPECT_EQ((*serve)["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"]
                  .as<std::string>(),
              std::to_string(serve_port));
    EXPECT_EQ(vc["resources"]["limits"]["nvidia.com/gpu"].as<int>(), 1);
    expect_hardened((*serve)["spec"]["template"]["spec"], vc);

    // One release: the scaler's and serve's images carry the same tag.
    const std::string scaler_image = sc["image"].as<std::string>();
    const std::string serve_image = vc["image"].as<std::string>();
    EXPECT_EQ(scaler_image.substr(0, scaler_image.rfind(':')), "ghcr.io/userscale/userscale");
    EXPECT_EQ(serve_image.substr(0, serve_image.rfind(':')), "ghcr.io/userscale/userscale-serve");
    EXPECT_EQ(scaler_image.substr(scaler_image.rfind(':')),
              serve_image.substr(serve_image.rfind(':')));
    EXPECT_NE(scaler_image.substr(scaler_image.rfind(':')), ":latest");

    // The GPUAutoscaler scales this Deployment.
    const auto ga = find_object(docs, "GPUAutoscaler", "gpu-service");
    ASSERT_TRUE(ga);
    EXPECT_EQ((*ga)["spec"]["scaleTargetRef"]["name"].as<std::string>(), "gpu-service");
    EXPECT_EQ((*ga)["metadata"]["namespace"].as<std::string>(),
              (*serve)["metadata"]["namespace"].as<std::string>());
  }
}

TEST(DeployOverlays, SingleGpuTimeSlicesAsManyReplicasAsTheAutoscalerMayRun) {
  const auto docs = render("overlays/single-gpu-k3s");
  const auto cm = find_object(docs, "ConfigMap", "nvidia-device-plugin-config");
  ASSERT_TRUE(cm);
  const YAML::Node config = YAML::Load((*cm)["data"]["config.yaml"].as<std::string>());
  const YAML::Node resources = config["sharing"]["timeSlicing"]["resources"];
  ASSERT_EQ(resources.size(), 1u);
  EXPECT_EQ(resources[0]["name"].as<std::string>(), "nvidia.com/gpu");
  const auto ga = find_object(docs, "GPUAutoscaler", "gpu-service");
  ASSERT_TRUE(ga);
  EXPECT_EQ(resources[0]["replicas"].as<int>(), (*ga)["spec"]["maxReplicas"].as<int>());
  const auto serve = find_object(docs, "Deployment", "gpu-service");
  EXPECT_EQ((*serve)["spec"]["template"]["spec"]["runtimeClassName"].as<std::string>(), "nvidia");
}

TEST(DeployOverlays, MultiGpuRunsWholeGpusAndSpreadsTheScaler) {
  const auto docs = render("overlays/multi-gpu");
  const auto cm = find_object(docs, "ConfigMap", "nvidia-device-plugin-configs");
  ASSERT_TRUE(cm);
  const YAML::Node exclusive = YAML::Load((*cm)["data"]["exclusive"].as<std::string>());
  EXPECT_FALSE(exclusive["sharing"]) << "the default pool must not share GPUs";
  EXPECT_EQ(YAML::Load((*cm)["data"]["mig-mixed"].as<std::string>())["flags"]["migStrategy"]
                .as<std::string>(),
            "mixed");
  const auto serve = find_object(docs, "Deployment", "gpu-service");
  ASSERT_TRUE(serve);
  bool requires_unshared = false;
  for (const auto& term :
       (*serve)["spec"]["template"]["spec"]["affinity"]["nodeAffinity"]
               ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]) {
    for (const auto& e : term["matchExpressions"]) {
      requires_unshared =
          requires_unshared || (e["key"].as<std::string>() == "nvidia.com/gpu.sharing-strategy" &&
                                strings(e["values"]) == std::vector<std::string>{"none"});
    }
  }
  EXPECT_TRUE(requires_unshared);
  const auto scaler = find_object(docs, "Deployment", "userscale-scaler");
  ASSERT_TRUE(scaler);
  EXPECT_EQ((*scaler)["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
                     ["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"]
                         .as<std::string>(),
            "kubernetes.io/hostname");
  const auto pdb = find_object(docs, "PodDisruptionBudget", "userscale-scaler");
  ASSERT_TRUE(pdb);
  EXPECT_EQ((*pdb)["spec"]["minAvailable"].as<int>(), 1);
  const auto ga = find_object(docs, "GPUAutoscaler", "gpu-service");
  EXPECT_GE((*ga)["spec"]["minReplicas"].as<int>(), 2);
}

}  // namespace
}  // namespace userscale::testing
