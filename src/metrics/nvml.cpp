#include "metrics/nvml.h"

#include <dlfcn.h>

#include <cstdlib>

namespace userscale::metrics {
namespace {

// The few NVML types this file needs, as nvml.h declares them (ABI-stable since NVML 2).
using nvmlReturn_t = int;
using nvmlDevice_t = struct nvmlDevice_st*;
struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr unsigned kUuidLength = 96;
constexpr unsigned kNameLength = 96;

}  // namespace

struct Nvml::Api {
  void* handle = nullptr;
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*device_count)(unsigned*) = nullptr;
  nvmlReturn_t (*device_by_index)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*device_uuid)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*device_name)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*memory)(nvmlDevice_t, nvmlMemory_t*) = nullptr;

  std::string describe(nvmlReturn_t rc) const {
    return error_string ? std::string(error_string(rc)) : "NVML error " + std::to_string(rc);
  }
};

namespace {

template <typename Fn>
bool bind(void* handle, const char* symbol, Fn& fn) {
  fn = reinterpret_cast<Fn>(::dlsym(handle, symbol));
  return fn != nullptr;
}

}  // namespace

std::string Nvml::library_path() {
  const char* env = std::getenv("USERSCALE_NVML_LIBRARY");
  return env && *env ? env : "libnvidia-ml.so.1";
}

Result<std::unique_ptr<Nvml>> Nvml::load() {
  auto api = std::make_unique<Api>();
  const std::string path = library_path();
  api->handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (api->handle == nullptr) {
    const char* why = ::dlerror();
    return Error{"nvml", why ? why : path + ": cannot be loaded"};
  }
  void* h = api->handle;
  bind(h, "nvmlErrorString", api->error_string);
  const bool all = bind(h, "nvmlInit_v2", api->init) && bind(h, "nvmlShutdown", api->shutdown) &&
                   bind(h, "nvmlDeviceGetCount_v2", api->device_count) &&
                   bind(h, "nvmlDeviceGetHandleByIndex_v2", api->device_by_index) &&
                   bind(h, "nvmlDeviceGetUUID", api->device_uuid) &&
                   bind(h, "nvmlDeviceGetName", api->device_name) &&
                   bind(h, "nvmlDeviceGetUtilizationRates", api->utilization) &&
                   bind(h, "nvmlDeviceGetMemoryInfo", api->memory);
  if (!all) {
    ::dlclose(h);
    return Error{"nvml", path + " lacks an expected symbol"};
  }
  const nvmlReturn_t rc = api->init();
  if (rc != kNvmlSuccess) {
    std::string why = api->describe(rc);
    ::dlclose(h);
    return Error{"nvml", "nvmlInit: " + why};
  }
  return std::unique_ptr<Nvml>(new Nvml(std::move(api)));
}

Nvml::Nvml(std::unique_ptr<Api> api) : api_(std::move(api)) {}

Nvml::~Nvml() {
  if (api_ && api_->handle) {
    api_->shutdown();
    ::dlclose(api_->handle);
  }
}

Result<std::vector<GpuSample>> Nvml::sample() {
  unsigned count = 0;
  nvmlReturn_t rc = api_->device_count(&count);
  if (rc != kNvmlSuccess) return Error{"nvml", "nvmlDeviceGetCount: " + api_->describe(rc)};
  std::vector<GpuSample> out;
  // A device that stops answering (NVML_ERROR_GPU_IS_LOST, a driver reset) fails the whole
  // sample: zeros in its place would read as an idle GPU and invite a scale-down.
  auto failed = [&](const char* call, unsigned i, nvmlReturn_t why) {
    return Error{"nvml",
                 std::string(call) + "(GPU " + std::to_string(i) + "): " + api_->describe(why)};
  };
  for (unsigned i = 0; i < count; ++i) {
    nvmlDevice_t dev = nullptr;
    rc = api_->device_by_index(i, &dev);
    if (rc != kNvmlSuccess) return failed("nvmlDeviceGetHandleByIndex", i, rc);
    GpuSample s;
    s.index = i;
    char buf[kUuidLength > kNameLength ? kUuidLength : kNameLength] = {};
    if (api_->device_uuid(dev, buf, kUuidLength) == kNvmlSuccess) s.uuid = buf;
    buf[0] = '\0';
    if (api_->device_name(dev, buf, kNameLength) == kNvmlSuccess) s.name = buf;
    nvmlUtilization_t util{};
    rc = api_->utilization(dev, &util);
    if (rc != kNvmlSuccess) return failed("nvmlDeviceGetUtilizationRates", i, rc);
    s.utilization_ratio = util.gpu / 100.0;
    s.memory_utilization_ratio = util.memory / 100.0;
    nvmlMemory_t mem{};
    rc = api_->memory(dev, &mem);
    if (rc != kNvmlSuccess) return failed("nvmlDeviceGetMemoryInfo", i, rc);
    s.memory_used_bytes = mem.used;
    s.memory_total_bytes = mem.total;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace userscale::metrics
