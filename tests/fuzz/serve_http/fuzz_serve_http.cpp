// serve's request handling without the socket: raw bytes as a client sends them on one
// keep-alive connection, read by the same Beast parser with serve's limits (body
// ServeOptions::max_body_bytes, header kMaxHeaderBytes), routed by route_request
// (server/request_route.h) as http_server.cpp routes them, and for POST /infer the body
// decoded and classified by the CPU workload. The other workloads are not run: their cost is
// the parameter the route bounds.
//
// Invariants: a routed request names a known endpoint with the method it takes and a
// parameter within that endpoint's bounds; a refusal is 400, 404 or 405 (a 405 says what is
// allowed); /infer answers either a 400 or ten probabilities that sum to 1.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_check.h"
#include "server/http_server.h"
#include "server/kernels/classifier_cpu.h"
#include "server/request_route.h"
#include "server/workloads.h"

namespace {

namespace http = boost::beast::http;
using namespace userscale::server;

void check_route(std::string_view method, std::string_view target, const std::string& body) {
  auto routed = route_request(method, target);
  if (const Refusal* no = std::get_if<Refusal>(&routed)) {
    FUZZ_CHECK(no->status == 400 || no->status == 404 || no->status == 405,
               "refusal status " + std::to_string(no->status));
    FUZZ_CHECK((no->status == 405) == !no->allow.empty(), "Allow header on " + no->message);
    FUZZ_CHECK(!no->message.empty(), "refusal without a message");
    return;
  }
  const Route& route = std::get<Route>(routed);
  FUZZ_CHECK(route.endpoint != Endpoint::Unknown, "routed to no endpoint");
  FUZZ_CHECK(method == (route.endpoint == Endpoint::Infer ? "POST" : "GET"),
             "method " + std::string(method) + " accepted");
  std::int64_t lo = 0, hi = 0;
  switch (route.endpoint) {
    case Endpoint::Sort:
      lo = 1, hi = kMaxSortSize;
      break;
    case Endpoint::Convolve:
      lo = 1, hi = kMaxConvolveSize;
      break;
    case Endpoint::Matrix:
      lo = 1, hi = kMaxMatrixSize;
      break;
    case Endpoint::GpuJob:
      hi = kMaxWorkMs;
      break;
    case Endpoint::Stream:
      hi = kMaxStreamMs;
      break;
    default:
      break;
  }
  FUZZ_CHECK(route.amount >= lo && route.amount <= hi,
             "parameter " + std::to_string(route.amount) + " outside its bounds");
  if (route.endpoint == Endpoint::Infer) {
    static const Workloads workloads(Device::Cpu, kernels::make_classifier_weights(1234));
    auto out = workloads.infer(body);
    if (!out.ok()) return;  // a 400
    const nlohmann::json j = nlohmann::json::parse(*out);
    double total = 0;
    for (const auto& p : j.at("probabilities")) {
      const double v = p.get<double>();
      FUZZ_CHECK(std::isfinite(v) && v >= 0, "probability " + std::to_string(v));
      total += v;
    }
    FUZZ_CHECK(j.at("probabilities").size() == 10 && std::fabs(total - 1.0) < 1e-3,
               "probabilities sum to " + std::to_string(total));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ServeOptions defaults;
  std::size_t offset = 0;
  // Requests follow each other on one connection, as with keep-alive.
  for (int request = 0; request < 8 && offset < size; ++request) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(defaults.max_body_bytes);
    parser.header_limit(kMaxHeaderBytes);
    parser.eager(true);
    boost::system::error_code ec;
    while (!parser.is_done() && offset < size) {
      const std::size_t used = parser.put(boost::asio::buffer(data + offset, size - offset), ec);
      offset += used;
      if (ec == http::error::need_more) {
        ec = {};
        if (used == 0) break;  // the rest cannot complete a message: the client hangs up
        continue;
      }
      if (ec) break;
    }
    if (!ec && !parser.is_done()) parser.put_eof(ec);  // the client closed the connection
    if (ec || !parser.is_done()) return 0;  // serve answers 400/413/431 or drops the connection
    const auto& req = parser.get();
    check_route(std::string_view(req.method_string().data(), req.method_string().size()),
                std::string_view(req.target().data(), req.target().size()), req.body());
    if (!req.keep_alive()) break;
  }
  return 0;
}
