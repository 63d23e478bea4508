// console_input: lines from a pipe, and a stop that never waits for input.

#include "io/console_input.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

using keepa::console_input;

namespace {

/// Lines a reader handed over, and a bounded wait for them.
struct received {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::string> lines;

  void add(const std::string& line) {
    std::lock_guard<std::mutex> lock{mutex};
    lines.push_back(line);
    changed.notify_all();
  }

  /// Waits up to 10 s for `n` lines; answers those received.
  std::vector<std::string> wait_for(size_t n) {
    std::unique_lock<std::mutex> lock{mutex};
    changed.wait_for(lock, std::chrono::seconds{10},
                     [&] { return lines.size() >= n; });
    return lines;
  }
};

void put(int fd, const std::string& text) {
  REQUIRE(write(fd, text.data(), text.size())
          == static_cast<ssize_t>(text.size()));
}

} // namespace

TEST_CASE("console_input hands over lines without their line ends, skips "
          "blank ones, and reads a last line without a newline") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  received got;
  console_input in{fds[0], [&](const std::string& l) { got.add(l); }};
  put(fds[1], "status\r\n\n   \ndump wat");
  put(fds[1], "ermark\nquit");
  CHECK(got.wait_for(2)
        == std::vector<std::string>{"status", "dump watermark"});
  close(fds[1]);
  CHECK(got.wait_for(3)
        == std::vector<std::string>{"status", "dump watermark", "quit"});
  in.stop();
  close(fds[0]);
}

TEST_CASE("console_input stops at once while its input stays open") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  received got;
  {
    console_input in{fds[0], [&](const std::string& l) { got.add(l); }};
    put(fds[1], "status\n");
    CHECK(got.wait_for(1).size() == 1);
    // Leaving the scope stops and joins the reader; before the fix this
    // waited in a read of the open pipe forever.
  }
  CHECK(got.lines == std::vector<std::string>{"status"});
  close(fds[0]);
  close(fds[1]);
}
