#include "experiment/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace userscale::experiment {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kCharWidth = 6.2;  // px per character of the 11 px legend font, roughly

std::string f1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Axis numbers: short, no exponent for everyday magnitudes.
std::string tick_number(double v) {
  char buf[32];
  const double a = std::fabs(v);
  if (a >= 1e6) {
    std::snprintf(buf, sizeof buf, "%gM", v / 1e6);
  } else if (a >= 1e4) {
    std::snprintf(buf, sizeof buf, "%gk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%g", std::fabs(v) < 1e-12 ? 0.0 : v);
  }
  return buf;
}

struct LegendItem {
  std::string name;
  std::string color;
  bool dashed = false;
  bool dot = false;
};

// Legend items flowed in rows under the title; returns the SVG and the height it takes.
std::pair<std::string, double> legend(const std::vector<LegendItem>& items, double x0, double y0,
                                      double max_width) {
  std::ostringstream out;
  double x = x0, y = y0;
  double rows = items.empty() ? 0 : 1;
  for (const LegendItem& it : items) {
    const double w = 26 + kCharWidth * static_cast<double>(it.name.size()) + 12;
    if (x + w > x0 + max_width && x > x0) {
      x = x0;
      y += 15;
      ++rows;
    }
    if (it.dot) {
      out << "<circle cx=\"" << f1(x + 9) << "\" cy=\"" << f1(y - 4) << "\" r=\"4\" fill=\""
          << it.color << "\"/>";
    } else {
      out << "<line x1=\"" << f1(x) << "\" y1=\"" << f1(y - 4) << "\" x2=\"" << f1(x + 20)
          << "\" y2=\"" << f1(y - 4) << "\" stroke=\"" << it.color << "\" stroke-width=\"2\""
          << (it.dashed ? " stroke-dasharray=\"5 3\"" : "") << "/>";
    }
    out << "<text x=\"" << f1(x + 24) << "\" y=\"" << f1(y) << "\" class=\"legend\">"
        << html_escape(it.name) << "</text>";
    x += w;
  }
  return {out.str(), rows * 15};
}

std::string svg_open(const std::string& id, const std::string& title, int width, int height) {
  std::ostringstream out;
  out << "<svg class=\"chart\" id=\"" << html_escape(id) << "\" viewBox=\"0 0 " << width << " "
      << height << "\" width=\"" << width << "\" height=\"" << height
      << "\" role=\"img\" aria-label=\"" << html_escape(title) << "\">";
  out << "<text x=\"8\" y=\"16\" class=\"title\">" << html_escape(title) << "</text>";
  return out.str();
}

struct Frame {
  double left = 0, right = 0, top = 0, bottom = 0;  // plot area, in px
};

std::string x_axis(const Frame& f, const std::vector<double>& ticks, double lo, double hi,
                   bool time, const std::string& label) {
  std::ostringstream out;
  for (double t : ticks) {
    const double x = f.left + (t - lo) / (hi - lo) * (f.right - f.left);
    out << "<line x1=\"" << f1(x) << "\" y1=\"" << f1(f.top) << "\" x2=\"" << f1(x) << "\" y2=\""
        << f1(f.bottom) << "\" class=\"grid\"/>";
    out << "<text x=\"" << f1(x) << "\" y=\"" << f1(f.bottom + 14)
        << "\" class=\"tick\" text-anchor=\"middle\">"
        << html_escape(time ? time_label(t) : tick_number(t)) << "</text>";
  }
  out << "<text x=\"" << f1((f.left + f.right) / 2) << "\" y=\"" << f1(f.bottom + 29)
      << "\" class=\"axis\" text-anchor=\"middle\">" << html_escape(label) << "</text>";
  return out.str();
}

std::string y_axis(const Frame& f, const std::vector<double>& ticks,
                   const std::vector<double>& positions, const std::string& label) {
  std::ostringstream out;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    const double y = positions[i];
    out << "<line x1=\"" << f1(f.left) << "\" y1=\"" << f1(y) << "\" x2=\"" << f1(f.right)
        << "\" y2=\"" << f1(y) << "\" class=\"grid\"/>";
    out << "<text x=\"" << f1(f.left - 5) << "\" y=\"" << f1(y + 3.5)
        << "\" class=\"tick\" text-anchor=\"end\">" << tick_number(ticks[i]) << "</text>";
  }
  out << "<text transform=\"translate(12," << f1((f.top + f.bottom) / 2)
      << ") rotate(-90)\" class=\"axis\" text-anchor=\"middle\">" << html_escape(label)
      << "</text>";
  out << "<rect x=\"" << f1(f.left) << "\" y=\"" << f1(f.top) << "\" width=\""
      << f1(f.right - f.left) << "\" height=\"" << f1(f.bottom - f.top) << "\" class=\"frame\"/>";
  return out.str();
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  }
  return ticks;
}

std::vector<double> time_ticks(double lo, double hi, int target) {
  static const double steps[] = {1,   2,    5,    10,   15,    30,    60,    120,   300,    600,
                                 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800};
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / std::max(1, target);
  double step = steps[std::size(steps) - 1];
  for (double s : steps) {
    if (s >= raw) {
      step = s;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + 1e-9; t += step) ticks.push_back(t);
  return ticks;
}

std::string time_label(double seconds) {
  if (std::fabs(seconds) < 0.5) return "0";
  const long total = std::lround(seconds);
  const long d = total / 86400, h = (total % 86400) / 3600, m = (total % 3600) / 60, s = total % 60;
  std::string out;
  if (d) out += std::to_string(d) + "d";
  if (h) out += std::to_string(h) + "h";
  if (m) out += std::to_string(m) + "m";
  if (s) out += std::to_string(s) + "s";
  return out;
}

std::string render_line_chart(const LineChart& c) {
  std::vector<LegendItem> items;
  for (const Series& s : c.series) {
    if (s.in_legend) items.push_back({s.name, s.color, s.dashed, false});
  }
  for (const GuideLine& g : c.guides) items.push_back({g.label, g.color, true, false});
  auto [legend_svg, legend_h] = legend(items, 8, 34, c.width - 16);

  Frame f;
  f.left = 58;
  f.right = c.width - 14;
  f.top = 30 + legend_h + 6;
  f.bottom = c.height - 36;

  double x_lo = kNaN, x_hi = kNaN, y_lo = kNaN, y_hi = kNaN;
  for (const Series& s : c.series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x)) continue;
      x_lo = std::isnan(x_lo) ? x : std::min(x_lo, x);
      x_hi = std::isnan(x_hi) ? x : std::max(x_hi, x);
      if (!std::isfinite(y) || (c.y_log && y <= 0)) continue;
      y_lo = std::isnan(y_lo) ? y : std::min(y_lo, y);
      y_hi = std::isnan(y_hi) ? y : std::max(y_hi, y);
    }
  }
  for (const GuideLine& g : c.guides) {
    if (c.y_log && g.y <= 0) continue;
    y_lo = std::isnan(y_lo) ? g.y : std::min(y_lo, g.y);
    y_hi = std::isnan(y_hi) ? g.y : std::max(y_hi, g.y);
  }
  if (std::isnan(x_lo)) x_lo = 0, x_hi = 1;
  if (!(x_hi > x_lo)) x_hi = x_lo + 1;
  if (c.x_is_time) x_lo = std::min(x_lo, 0.0);

  std::vector<double> y_ticks;
  double lo = 0, hi = 1;
  if (c.y_log) {
    const double dmin = std::isnan(y_lo) ? 1.0 : y_lo;
    const double dmax = std::isnan(y_hi) ? 10.0 : y_hi;
    lo = std::pow(10.0, std::floor(std::log10(c.y_min.value_or(dmin))));
    hi = std::pow(10.0, std::ceil(std::log10(c.y_max.value_or(dmax))));
    if (hi <= lo) hi = lo * 10;
    const int decades = static_cast<int>(std::lround(std::log10(hi / lo)));
    for (double t = lo; t <= hi * 1.0001; t *= 10) {
      y_ticks.push_back(t);
      if (decades <= 2 && t * 10 <= hi * 1.0001) {
        y_ticks.push_back(2 * t);
        y_ticks.push_back(5 * t);
      }
    }
  } else {
    lo = c.y_min.value_or(std::isnan(y_lo) ? 0.0 : std::min(0.0, y_lo));
    hi = c.y_max.value_or(std::isnan(y_hi) ? 1.0 : y_hi * 1.05);
    if (!(hi > lo)) hi = lo + 1;
    y_ticks = nice_ticks(lo, hi, 5);
    if (!y_ticks.empty() && y_ticks.back() < hi && !c.y_max) {
      const double step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : hi - lo;
      hi = y_ticks.back() + step;
      y_ticks.push_back(hi);
    }
  }
  auto px = [&](double x) { return f.left + (x - x_lo) / (x_hi - x_lo) * (f.right - f.left); };
  auto py = [&](double y) {
    const double u = c.y_log ? (std::log10(y) - std::log10(lo)) / (std::log10(hi) - std::log10(lo))
                             : (y - lo) / (hi - lo);
    return f.bottom - std::clamp(u, -0.02, 1.02) * (f.bottom - f.top);
  };

  std::ostringstream out;
  out << svg_open(c.id, c.title, c.width, c.height) << legend_svg;
  std::vector<double> y_pos;
  for (double t : y_ticks) y_pos.push_back(py(t));
  out << y_axis(f, y_ticks, y_pos, c.y_label);
  const auto x_ticks = c.x_is_time ? time_ticks(x_lo, x_hi, 6) : nice_ticks(x_lo, x_hi, 6);
  out << x_axis(f, x_ticks, x_lo, x_hi, c.x_is_time, c.x_label);
  for (const GuideLine& g : c.guides) {
    if (c.y_log && g.y <= 0) continue;
    const double y = py(g.y);
    out << "<line x1=\"" << f1(f.left) << "\" y1=\"" << f1(y) << "\" x2=\"" << f1(f.right)
        << "\" y2=\"" << f1(y) << "\" stroke=\"" << g.color
        << "\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>";
  }
  for (const Series& s : c.series) {
    std::string d;
    bool pen_down = false;
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y) || (c.y_log && y <= 0)) {
        pen_down = false;
        continue;
      }
      d += (pen_down ? "L" : "M") + f1(px(x)) + " " + f1(py(y));
      pen_down = true;
    }
    if (d.empty()) continue;
    out << "<path class=\"data\" d=\"" << d << "\" fill=\"none\" stroke=\"" << s.color
        << "\" stroke-width=\"" << f1(s.width) << "\" stroke-linejoin=\"round\" "
        << "stroke-linecap=\"round\"" << (s.dashed ? " stroke-dasharray=\"5 3\"" : "") << "><title>"
        << html_escape(s.name) << "</title></path>";
  }
  out << "</svg>";
  return out.str();
}

std::string render_scatter(const ScatterChart& c) {
  std::vector<LegendItem> items;
  for (const ScatterPoint& p : c.points) items.push_back({p.label, p.color, false, true});
  if (!c.front.empty()) items.push_back({"Pareto front", "#444", true, false});
  auto [legend_svg, legend_h] = legend(items, 8, 34, c.width - 16);
  Frame f;
  f.left = 58;
  f.right = c.width - 14;
  f.top = 30 + legend_h + 6;
  f.bottom = c.height - 36;

  auto finite_or0 = [](double v) { return std::isfinite(v) ? v : 0.0; };
  double x_lo = kNaN, x_hi = kNaN, y_lo = kNaN, y_hi = kNaN;
  for (const ScatterPoint& p : c.points) {
    const double xe = finite_or0(p.x_err), ye = finite_or0(p.y_err);
    x_lo = std::isnan(x_lo) ? p.x - xe : std::min(x_lo, p.x - xe);
    x_hi = std::isnan(x_hi) ? p.x + xe : std::max(x_hi, p.x + xe);
    y_lo = std::isnan(y_lo) ? p.y - ye : std::min(y_lo, p.y - ye);
    y_hi = std::isnan(y_hi) ? p.y + ye : std::max(y_hi, p.y + ye);
  }
  if (std::isnan(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  auto widen = [](double& lo, double& hi) {
    const double span = hi - lo;
    const double pad = span > 0 ? span * 0.08 : std::max(std::fabs(hi) * 0.1, 1.0);
    lo -= pad;
    hi += pad;
  };
  widen(x_lo, x_hi);
  widen(y_lo, y_hi);
  const auto x_ticks = nice_ticks(x_lo, x_hi, 6);
  const auto y_ticks = nice_ticks(y_lo, y_hi, 5);
  auto px = [&](double x) { return f.left + (x - x_lo) / (x_hi - x_lo) * (f.right - f.left); };
  auto py = [&](double y) { return f.bottom - (y - y_lo) / (y_hi - y_lo) * (f.bottom - f.top); };

  std::ostringstream out;
  out << svg_open(c.id, c.title, c.width, c.height) << legend_svg;
  std::vector<double> y_pos;
  for (double t : y_ticks) y_pos.push_back(py(t));
  out << y_axis(f, y_ticks, y_pos, c.y_label);
  out << x_axis(f, x_ticks, x_lo, x_hi, false, c.x_label);
  if (c.front.size() > 1) {
    std::string d;
    for (std::size_t i = 0; i < c.front.size(); ++i) {
      const ScatterPoint& p = c.points[c.front[i]];
      d += (i ? "L" : "M") + f1(px(p.x)) + " " + f1(py(p.y));
    }
    out << "<path class=\"front\" d=\"" << d
        << "\" fill=\"none\" stroke=\"#444\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\"/>";
  }
  std::vector<std::pair<double, double>> placed;
  for (std::size_t i = 0; i < c.points.size(); ++i) {
    const ScatterPoint& p = c.points[i];
    const double x = px(p.x), y = py(p.y);
    if (std::isfinite(p.x_err) && p.x_err > 0) {
      out << "<line x1=\"" << f1(px(p.x - p.x_err)) << "\" y1=\"" << f1(y) << "\" x2=\""
          << f1(px(p.x + p.x_err)) << "\" y2=\"" << f1(y) << "\" stroke=\"" << p.color
          << "\" stroke-width=\"1\"/>";
    }
    if (std::isfinite(p.y_err) && p.y_err > 0) {
      out << "<line x1=\"" << f1(x) << "\" y1=\"" << f1(py(p.y - p.y_err)) << "\" x2=\"" << f1(x)
          << "\" y2=\"" << f1(py(p.y + p.y_err)) << "\" stroke=\"" << p.color
          << "\" stroke-width=\"1\"/>";
    }
    const bool on_front = std::find(c.front.begin(), c.front.end(), i) != c.front.end();
    out << "<circle class=\"data\" cx=\"" << f1(x) << "\" cy=\"" << f1(y) << "\" r=\""
        << (on_front ? "6" : "4.5") << "\" fill=\"" << p.color << "\""
        << (on_front ? " stroke=\"#222\" stroke-width=\"1.5\"" : "") << "><title>"
        << html_escape(p.label) << "</title></circle>";
    // Labels of points that land on one another are stacked instead of overprinted.
    int stacked = 0;
    for (const auto& [qx, qy] : placed) {
      if (std::fabs(qx - x) < 40 && std::fabs(qy - y) < 12) ++stacked;
    }
    placed.emplace_back(x, y);
    const bool left_side = x > (f.left + f.right) / 2;
    out << "<text x=\"" << f1(left_side ? x - 8 : x + 8) << "\" y=\"" << f1(y - 6 + 12 * stacked)
        << "\" class=\"label\" text-anchor=\"" << (left_side ? "end" : "start") << "\">"
        << html_escape(p.label) << "</text>";
  }
  out << "</svg>";
  return out.str();
}

}  // namespace userscale::experiment
