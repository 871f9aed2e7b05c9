#include "experiment/pareto.h"

#include <algorithm>

namespace userscale::experiment {

std::vector<std::size_t> pareto_front(const std::vector<CostSloPoint>& points) {
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const CostSloPoint& p = points[i];
    const bool dominated = std::any_of(points.begin(), points.end(), [&](const CostSloPoint& q) {
      return q.cost <= p.cost && q.slo >= p.slo && (q.cost < p.cost || q.slo > p.slo);
    });
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&](std::size_t a, std::size_t b) {
    if (points[a].cost != points[b].cost) return points[a].cost < points[b].cost;
    if (points[a].slo != points[b].slo) return points[a].slo > points[b].slo;
    return a < b;
  });
  return front;
}

}  // namespace userscale::experiment
