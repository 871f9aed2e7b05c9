// From what `userscale calibrate` measured on a machine to a workload profile the simulator
// reads (`service.profile: FILE` in a scenario): each endpoint's per-request CPU and GPU
// seconds (the server reports the kernel time and the device it ran on; the rest of the
// request's time is CPU) and how its throughput grows with concurrent requests on one replica,
// which gives the cores a replica can use. Pure: numbers in, numbers and YAML out.
#pragma once

#include <string>
#include <vector>

#include "config/scenario.h"

namespace userscale::config {

struct ConcurrencyPoint {
  int workers = 1;
  double throughput_rps = 0.0;
  double latency_p50_ms = 0.0;
};

struct EndpointMeasurement {
  std::string endpoint;  // serve's name: sort, convolve, matrix, gpu_job, stream, infer
  std::string workload;  // the simulator's profile name for it
  std::string device;    // where the kernels ran: cpu or cuda
  std::vector<double> service_seconds;  // one sequential request each, as the client saw it
  std::vector<double> kernel_seconds;   // the server's compute_ms of the same requests
  std::vector<ConcurrencyPoint> scaling;
};

struct CalibratedService {
  ServiceSpec service;
  double mean_service_seconds = 0.0;
  double parallelism = 1.0;  // best throughput over the one-worker throughput
};

// The simulator's workload profile name of an endpoint (the inverse of live_load's mapping).
std::string workload_for_endpoint(const std::string& endpoint);

// Lognormal costs with the samples' mean and coefficient of variation; the kernel time is GPU
// time when it ran on a GPU, CPU time otherwise; the CPU limit is the measured parallelism.
CalibratedService calibrate_service(const EndpointMeasurement& m);

// The profile file: `service` (the first endpoint's, what `service.profile` reads) and, per
// endpoint, its service mapping and the measurements behind it. `note` goes in a comment.
std::string profile_yaml(const std::vector<EndpointMeasurement>& measured, const std::string& note);

}  // namespace userscale::config
