// `userscale watch (--scaler URL | --results DIR | --compare DIR1 DIR2) [--speed N]
// [--interval S] [--ascii] [--plain]`: the live view of scaling, GPUs and decisions, from a
// running scaler or a finished run replayed. Plain lines when stdout is not a terminal.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "watch/app.h"

namespace userscale::cli {

void add_watch_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<watch::WatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "watch", "Watch a running scaler, or replay a finished run, in the terminal");
  cmd->add_option("--scaler", opts->scaler,
                  "a running scaler's HTTP address (http://HOST:PORT), any world");
  cmd->add_option("--results", opts->results,
                  "a finished run: the --out folder of `simulate` or `experiment`");
  cmd->add_option("--compare", opts->compare, "two finished runs, side by side")->expected(2);
  cmd->add_option("--speed", opts->speed, "replay speed: simulated seconds per second (default 1)");
  cmd->add_option("--interval", opts->interval, "seconds between refreshes (default 1)");
  cmd->add_flag("--ascii", opts->ascii, "ASCII only (no Unicode sparklines)");
  cmd->add_flag("--plain", opts->plain,
                "one plain line per refresh even on a terminal (the default off a terminal)");
  cmd->callback([opts, &exit_code] { exit_code = watch::run_watch(*opts, std::cout, std::cerr); });
}

}  // namespace userscale::cli
