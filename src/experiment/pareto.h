// The Pareto front of cost against SLO attainment: the policies that no other policy beats on
// both (as cheap or cheaper and at least as good on the SLO, strictly better on one).
#pragma once

#include <cstddef>
#include <vector>

namespace userscale::experiment {

struct CostSloPoint {
  double cost = 0.0;  // lower is better
  double slo = 0.0;   // higher is better
};

// Indices of the non-dominated points, sorted by cost (then by SLO attainment, best first).
// Points with equal cost and SLO are all kept.
std::vector<std::size_t> pareto_front(const std::vector<CostSloPoint>& points);

}  // namespace userscale::experiment
