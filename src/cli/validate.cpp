// `userscale validate FILE...`: checks GPUAutoscaler (or autoscaling/v2 HPA) files. Prints
// `FILE: ok` for each valid file on stdout and `FILE: path: reason` for every error on stderr;
// exits 2 when any file is invalid or unreadable.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "config/gpu_autoscaler.h"
#include "core/policies/registry.h"

namespace userscale::cli {
namespace {

// The resource's own rules, then the selected policy's checks of its parameters. The parser
// has already vetted the policy's name, so the registry's remarks about the name (a policy not
// built into this binary yet) say nothing about the file.
ErrorList check_file(const std::string& file) {
  auto parsed = load_gpu_autoscaler_file(file);
  if (!parsed.ok()) return parsed.errors();
  ErrorList errors;
  for (Error& e : policy_param_errors(parsed->spec)) {
    if (e.path != "spec.policy.name") errors.push_back(std::move(e));
  }
  return errors;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check GPUAutoscaler files: every error, with its field path and reason");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "GPUAutoscaler or autoscaling/v2 HPA YAML files")->required();
  cmd->callback([files, &exit_code] {
    bool all_valid = true;
    for (const std::string& file : *files) {
      ErrorList errors = check_file(file);
      if (errors.empty()) {
        std::cout << file << ": ok\n";
        continue;
      }
      all_valid = false;
      for (const Error& error : errors) std::cerr << file << ": " << error.to_string() << "\n";
    }
    exit_code = all_valid ? 0 : 2;
  });
}

}  // namespace userscale::cli
