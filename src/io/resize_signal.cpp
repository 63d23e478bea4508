#include "io/resize_signal.hpp"

#include <csignal>
#include <pthread.h>

namespace keepa {

resize_signal::resize_signal(std::function<void()> on_resize)
  : on_resize_{std::move(on_resize)}, thread_{[this] { watch(); }} {
}

resize_signal::~resize_signal() {
  done_ = true;
  pthread_kill(thread_.native_handle(), SIGWINCH);
  thread_.join();
}

void resize_signal::watch() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (done_)
      return;
    on_resize_();
  }
}

} // namespace keepa
