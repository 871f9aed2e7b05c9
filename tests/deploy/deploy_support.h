// Helpers of the deploy tests: render a kustomization with the real `kubectl kustomize`, split
// and parse its documents, find objects by kind and name, and run a program for its output.
#pragma once

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/child_process.h"
#include "support/scratch_dir.h"

namespace userscale::testing {

inline const std::filesystem::path kDeployDir =
    std::filesystem::path(USERSCALE_SOURCE_DIR) / "deploy";
inline const char* kKubectl = "/usr/bin/kubectl";

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline RunResult run_program(const std::vector<std::string>& argv,
                             std::chrono::milliseconds limit = std::chrono::seconds(120)) {
  ScratchDir dir("userscale-deploy-run");
  RunResult r;
  r.code = run_to_end(argv, dir.file("out"), dir.file("err"), limit);
  r.out = read_file(dir.file("out"));
  r.err = read_file(dir.file("err"));
  return r;
}

// Every kustomization under deploy/, as paths relative to it ("base", "overlays/multi-gpu").
inline std::vector<std::string> kustomizations() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(kDeployDir)) {
    if (e.path().filename() == "kustomization.yaml") {
      out.push_back(std::filesystem::relative(e.path().parent_path(), kDeployDir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `kubectl kustomize deploy/DIR`, parsed; a failure to render or parse fails the test.
inline std::vector<YAML::Node> render(const std::string& dir) {
  const RunResult r = run_program({kKubectl, "kustomize", (kDeployDir / dir).string()});
  EXPECT_EQ(r.code, 0) << "kubectl kustomize " << dir << ": " << r.err;
  std::vector<YAML::Node> docs;
  try {
    for (const YAML::Node& d : YAML::LoadAll(r.out)) {
      if (!d.IsNull()) docs.push_back(d);
    }
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << dir << ": rendered YAML does not parse: " << e.what();
  }
  return docs;
}

inline std::string kind_of(const YAML::Node& d) {
  return d["kind"] ? d["kind"].as<std::string>() : "";
}
inline std::string name_of(const YAML::Node& d) {
  return d["metadata"] && d["metadata"]["name"] ? d["metadata"]["name"].as<std::string>() : "";
}

inline std::optional<YAML::Node> find_object(const std::vector<YAML::Node>& docs,
                                             const std::string& kind, const std::string& name) {
  for (const auto& d : docs) {
    if (kind_of(d) == kind && name_of(d) == name) return d;
  }
  return std::nullopt;
}

inline std::vector<YAML::Node> objects_of_kind(const std::vector<YAML::Node>& docs,
                                               const std::string& kind) {
  std::vector<YAML::Node> out;
  for (const auto& d : docs) {
    if (kind_of(d) == kind) out.push_back(d);
  }
  return out;
}

inline std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  if (list && list.IsSequence()) {
    for (const auto& s : list) out.push_back(s.as<std::string>());
  }
  return out;
}

// The first container of a workload's pod template.
inline YAML::Node first_container(const YAML::Node& workload) {
  return workload["spec"]["template"]["spec"]["containers"][0];
}

// The value after `flag` in an argument list, or "".
inline std::string arg_value(const std::vector<std::string>& args, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == flag) return args[i + 1];
  }
  return "";
}

}  // namespace userscale::testing
