// Charts as inline SVG, drawn by hand so that the report needs no script and no network: time
// series (linear or logarithmic y) and a scatter with error bars and a front line. Every data
// mark carries class "data", which the report's own check looks for.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace userscale::experiment {

struct Series {
  std::string name;
  std::string color;
  bool dashed = false;
  double width = 1.6;
  std::vector<std::pair<double, double>> points;  // (x, y); NaN y breaks the line
  bool in_legend = true;
};

struct GuideLine {  // a horizontal reference, e.g. the SLO
  std::string label;
  double y = 0.0;
  std::string color = "#888";
};

struct LineChart {
  std::string id;
  std::string title;
  std::string x_label = "time";
  std::string y_label;
  bool x_is_time = true;        // x in seconds: ticks as 30s, 5m, 1h
  bool y_log = false;           // values <= 0 are left out
  std::optional<double> y_min;  // default: 0 (linear), data minimum (log)
  std::optional<double> y_max;  // default: data maximum
  int width = 620;
  int height = 280;
  std::vector<Series> series;
  std::vector<GuideLine> guides;
};

struct ScatterPoint {
  std::string label;
  std::string color;
  double x = 0.0, y = 0.0;
  double x_err = 0.0, y_err = 0.0;  // half-widths; 0 or non-finite: none drawn
};

struct ScatterChart {
  std::string id;
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 620;
  int height = 320;
  std::vector<ScatterPoint> points;
  std::vector<std::size_t> front;  // indices into points, joined by a step line
};

std::string render_line_chart(const LineChart& chart);
std::string render_scatter(const ScatterChart& chart);

// Round numbers for an axis from lo to hi (about `target` of them).
std::vector<double> nice_ticks(double lo, double hi, int target);
// Ticks on a time axis in seconds: steps of 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1,
// 2, 3, 6, 12 h, days.
std::vector<double> time_ticks(double lo, double hi, int target);
// 90 -> "1m30s", 3600 -> "1h", 0 -> "0".
std::string time_label(double seconds);
// Text made safe for HTML and SVG.
std::string html_escape(const std::string& s);

}  // namespace userscale::experiment
