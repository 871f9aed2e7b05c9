// A fake libnvidia-ml for the "GPU disappearing under serve" fault row: the C ABI that
// src/metrics/nvml.cpp loads (the same symbols, types and return codes as nvml.h), one GPU
// that answers until the file named by FAKE_NVML_STATE says "lost"; then every device query
// returns NVML_ERROR_GPU_IS_LOST, as the driver does after an Xid 79 ("fallen off the bus").
// Serve loads it through USERSCALE_NVML_LIBRARY. Built as a shared library by tests/CMakeLists.txt.
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kSuccess = 0;
constexpr int kInvalidArgument = 2;
constexpr int kGpuIsLost = 15;  // NVML_ERROR_GPU_IS_LOST

struct nvmlDevice_st {
  int index;
};
nvmlDevice_st the_gpu{0};

bool lost() {
  const char* path = std::getenv("FAKE_NVML_STATE");
  if (path == nullptr) return false;
  std::FILE* f = std::fopen(path, "r");
  if (f == nullptr) return false;
  char buf[8] = {};
  const bool is_lost =
      std::fgets(buf, sizeof buf, f) != nullptr && std::strncmp(buf, "lost", 4) == 0;
  std::fclose(f);
  return is_lost;
}

}  // namespace

extern "C" {

struct nvmlUtilization_t {
  unsigned int gpu;
  unsigned int memory;
};
struct nvmlMemory_t {
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

int nvmlInit_v2() {
  return kSuccess;
}
int nvmlShutdown() {
  return kSuccess;
}
const char* nvmlErrorString(int rc) {
  return rc == kGpuIsLost ? "GPU is lost" : rc == kSuccess ? "Success" : "Unknown Error";
}
int nvmlDeviceGetCount_v2(unsigned int* count) {
  *count = 1;
  return kSuccess;
}
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_st** device) {
  if (index != 0) return kInvalidArgument;
  *device = &the_gpu;
  return kSuccess;
}
int nvmlDeviceGetUUID(nvmlDevice_st*, char* uuid, unsigned int length) {
  if (lost()) return kGpuIsLost;
  std::snprintf(uuid, length, "GPU-fa4e0000-0000-0000-0000-000000000001");
  return kSuccess;
}
int nvmlDeviceGetName(nvmlDevice_st*, char* name, unsigned int length) {
  if (lost()) return kGpuIsLost;
  std::snprintf(name, length, "Fake GPU");
  return kSuccess;
}
int nvmlDeviceGetUtilizationRates(nvmlDevice_st*, nvmlUtilization_t* util) {
  if (lost()) return kGpuIsLost;
  util->gpu = 42;
  util->memory = 7;
  return kSuccess;
}
int nvmlDeviceGetMemoryInfo(nvmlDevice_st*, nvmlMemory_t* mem) {
  if (lost()) return kGpuIsLost;
  mem->total = 80ull << 30;
  mem->used = 1ull << 30;
  mem->free = mem->total - mem->used;
  return kSuccess;
}

}  // extern "C"
