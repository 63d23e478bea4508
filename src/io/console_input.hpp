#pragma once

// Reads console commands from a file descriptor (stdin) on a thread of its
// own, one line at a time, and can be stopped at any moment: the thread
// waits in poll() on the input and on a wake-up pipe, never in a blocking
// read, so a stop never waits for the user to type (stdin left open by
// tmux, a supervisor or a script).

#include <functional>
#include <string>
#include <thread>

namespace keepa {

class console_input {
public:
  /// Called with each non-blank line, without its line end.
  using line_handler = std::function<void(const std::string&)>;

  /// Starts reading `fd` at once; `on_line` runs on the reading thread.
  console_input(int fd, line_handler on_line);

  /// Stops the reader and waits for its thread.
  ~console_input();

  console_input(const console_input&) = delete;
  console_input& operator=(const console_input&) = delete;

  /// Makes the reader return without waiting for more input; a line being
  /// handled is finished first. Safe to call more than once.
  void stop();

private:
  void run();

  int fd_;
  line_handler on_line_;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

} // namespace keepa
