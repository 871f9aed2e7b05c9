#include "core/policies/oracle_params.h"

namespace userscale {

OracleParams read_oracle_params(ParamReader& reader) {
  OracleParams p;
  reader.number("slo_attainment", p.slo_attainment, Bounds::open(0, 1));
  reader.duration("lookahead", p.lookahead, Bounds::at_least(0));
  return p;
}

}  // namespace userscale
