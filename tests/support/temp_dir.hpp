#pragma once

// A fresh directory under the system temp directory for one test, unique
// per process and call, removed when the test ends.

#include <filesystem>
#include <string>
#include <system_error>
#include <unistd.h>

namespace keepa::test {

struct temp_dir {
  std::filesystem::path path;

  explicit temp_dir(const std::string& name) {
    static int calls = 0;
    path = std::filesystem::temp_directory_path()
           / ("keepa-" + name + "-" + std::to_string(getpid()) + "-"
              + std::to_string(++calls));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }

  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// The path of `name` inside the directory.
  std::string operator/(const std::string& name) const {
    return (path / name).string();
  }
};

} // namespace keepa::test
