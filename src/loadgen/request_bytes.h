// A load request as the bytes that go on the wire, serialized once per endpoint before the run
// so that sending a request copies and formats nothing.
#pragma once

#include <string>

#include "loadgen/endpoint_mix.h"

namespace userscale::loadgen {

// `METHOD TARGET HTTP/1.1` with Host, keep-alive, and the body with its Content-Type and
// Content-Length when the spec has one (or is a POST or PUT).
std::string request_bytes(const RequestSpec& spec, const std::string& host);

}  // namespace userscale::loadgen
