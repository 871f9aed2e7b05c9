// userscale: one binary, one subcommand per job. Subcommands live in their own files.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"userscale: a GPU-aware autoscaler for GPU services on Kubernetes"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "userscale 0.1.0");
  int exit_code = 0;
  userscale::cli::add_decide_command(app, exit_code);
  userscale::cli::add_validate_command(app, exit_code);
  userscale::cli::add_simulate_command(app, exit_code);
  userscale::cli::add_experiment_command(app, exit_code);
  userscale::cli::add_report_command(app, exit_code);
  userscale::cli::add_serve_command(app, exit_code);
  userscale::cli::add_load_command(app, exit_code);
  userscale::cli::add_scaler_command(app, exit_code);
  userscale::cli::add_watch_command(app, exit_code);
  userscale::cli::add_calibrate_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    // Usage errors are bad input: exit 2, like every other bad input.
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
