#pragma once

// Follows a terminal's size: waits for SIGWINCH on a thread of its own and
// calls a handler for each. SIGWINCH must be blocked in every thread
// (main blocks it with the stop signals before any thread starts), so
// that only this thread takes it.

#include <atomic>
#include <functional>
#include <thread>

namespace keepa {

class resize_signal {
public:
  /// Starts waiting; `on_resize` runs on the waiting thread.
  explicit resize_signal(std::function<void()> on_resize);

  /// Stops waiting and joins the thread.
  ~resize_signal();

  resize_signal(const resize_signal&) = delete;
  resize_signal& operator=(const resize_signal&) = delete;

private:
  void watch();

  std::function<void()> on_resize_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

} // namespace keepa
