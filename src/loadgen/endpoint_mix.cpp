#include "loadgen/endpoint_mix.h"

#include <algorithm>
#include <charconv>

namespace userscale::loadgen {

std::string make_pgm_image(int side, std::uint64_t seed) {
  std::string out = "P5\n" + std::to_string(side) + " " + std::to_string(side) + "\n255\n";
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (int i = 0; i < side * side; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out += static_cast<char>(x & 0xFF);
  }
  return out;
}

Result<RequestSpec> named_request(std::string_view name, const WorkloadSizes& s) {
  RequestSpec r;
  r.name = std::string(name);
  if (name == "sort") {
    r.target = "/sort?size=" + std::to_string(s.sort_size);
  } else if (name == "convolve") {
    r.target = "/convolve?size=" + std::to_string(s.convolve_size);
  } else if (name == "matrix") {
    r.target = "/matrix?size=" + std::to_string(s.matrix_size);
  } else if (name == "gpu_job" || name == "gpu") {
    r.name = "gpu_job";
    r.target = "/gpu_job?work_ms=" + std::to_string(s.work_ms);
  } else if (name == "stream") {
    r.target = "/stream?duration_ms=" + std::to_string(s.stream_ms);
  } else if (name == "infer") {
    r.method = "POST";
    r.target = "/infer";
    r.body = make_pgm_image(s.image_side, 1);
    r.content_type = "image/x-portable-graymap";
  } else if (name == "healthz") {
    r.target = "/healthz";
  } else {
    return Error{"endpoint", "unknown endpoint \"" + std::string(name) +
                                 "\" (sort, convolve, matrix, gpu_job, stream, infer, healthz, "
                                 "or a target starting with /)"};
  }
  return r;
}

Result<EndpointMix> EndpointMix::parse(std::string_view text, const WorkloadSizes& sizes) {
  EndpointMix mix;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    double weight = 1.0;
    const std::size_t colon = item.rfind(':');
    if (colon != std::string_view::npos) {
      const std::string_view w = item.substr(colon + 1);
      auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), weight);
      if (ec != std::errc() || end != w.data() + w.size() || !(weight >= 0)) {
        return Error{"--endpoint-mix", "weight \"" + std::string(w) + "\" is not a number >= 0"};
      }
      item = item.substr(0, colon);
    }
    RequestSpec spec;
    if (!item.empty() && item[0] == '/') {
      spec.name = std::string(item);
      spec.target = std::string(item);
    } else {
      auto named = named_request(item, sizes);
      if (!named.ok()) return Error{"--endpoint-mix", named.error().message};
      spec = std::move(named).value();
    }
    spec.weight = weight;
    mix.specs_.push_back(std::move(spec));
  }
  double total = 0.0;
  for (const auto& s : mix.specs_) total += s.weight;
  if (mix.specs_.empty() || total <= 0) {
    return Error{"--endpoint-mix", "needs at least one endpoint with a positive weight"};
  }
  double running = 0.0;
  for (const auto& s : mix.specs_) mix.cumulative_.push_back((running += s.weight) / total);
  mix.cumulative_.back() = 1.0;
  return mix;
}

EndpointMix EndpointMix::single(RequestSpec spec) {
  EndpointMix mix;
  mix.specs_.push_back(std::move(spec));
  mix.cumulative_.push_back(1.0);
  return mix;
}

std::size_t EndpointMix::pick_index(double u) const {
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  const auto i = static_cast<std::size_t>(it - cumulative_.begin());
  return std::min(i, specs_.size() - 1);
}

}  // namespace userscale::loadgen
