#pragma once

// Runs a shell command for a test and captures what it printed and how it
// ended. Every command runs under coreutils' `timeout`, so a hung binary
// fails the test instead of hanging it.

#include <array>
#include <cstdio>
#include <string>
#include <unistd.h>
#include <sys/wait.h>

namespace keepa::test {

struct process_result {
  int exit_code = -1;
  std::string output; // stdout and stderr, interleaved
};

inline process_result run(const std::string& command, int timeout_s = 60) {
  auto line = "timeout -k 5 " + std::to_string(timeout_s) + " sh -c '"
              + command + "' 2>&1 </dev/null";
  process_result result;
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr)
    return result;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    result.output.append(buf.data(), n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// A fresh empty directory under the build tree, unique to this process
/// and call (ctest runs test cases in parallel processes).
inline std::string fresh_dir(const std::string& name) {
  static int calls = 0;
  auto dir = std::string{KEEPA_BINARY_DIR} + "/test-tmp/" + name + "-"
             + std::to_string(getpid()) + "-" + std::to_string(++calls);
  run("rm -rf " + dir + " && mkdir -p " + dir);
  return dir;
}

} // namespace keepa::test
