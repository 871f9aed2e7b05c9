// Which request each load request is: a weighted mix of endpoints, from
// `sort:0.5,matrix:0.5` (names of the server's workloads) or explicit targets
// (`/sort?size=1000:0.3`: the weight follows the last colon).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace userscale::loadgen {

struct RequestSpec {
  std::string name;  // the endpoint's name, or the target when given as one
  std::string method = "GET";
  std::string target;
  std::string body;  // for POST /infer: a generated PGM image
  std::string content_type;
  double weight = 1.0;
};

// The parameters of named endpoints.
struct WorkloadSizes {
  int sort_size = 100'000;
  int convolve_size = 256;
  int matrix_size = 128;
  int work_ms = 50;
  int stream_ms = 500;
  int image_side = 32;
};

// A named endpoint's request: sort, convolve, matrix, gpu_job (alias gpu), stream, infer,
// healthz.
Result<RequestSpec> named_request(std::string_view name, const WorkloadSizes& sizes);

class EndpointMix {
 public:
  static Result<EndpointMix> parse(std::string_view text, const WorkloadSizes& sizes);
  static EndpointMix single(RequestSpec spec);

  // The request for a uniform number u in [0, 1).
  const RequestSpec& pick(double u) const { return specs_[pick_index(u)]; }
  // Its index in specs(): lets the hot path count by endpoint in a vector, not a map by name.
  std::size_t pick_index(double u) const;
  const std::vector<RequestSpec>& specs() const { return specs_; }

 private:
  std::vector<RequestSpec> specs_;
  std::vector<double> cumulative_;  // normalized, last = 1
};

// A deterministic grayscale PGM (P5) image for /infer.
std::string make_pgm_image(int side, std::uint64_t seed);

}  // namespace userscale::loadgen
