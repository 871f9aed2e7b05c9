// A fresh folder under the system temp dir for one test, removed when the object goes. Shared
// by the tests of every layer (tests/ is on each test binary's include path).
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

namespace userscale::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix = "userscale-test") {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace userscale::testing
