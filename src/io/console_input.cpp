#include "io/console_input.hpp"

#include <cerrno>
#include <poll.h>
#include <unistd.h>

namespace keepa {

namespace {

/// Hands every complete, non-blank line of `buffer` to `on_line` and keeps
/// the incomplete rest.
void split_lines(std::string& buffer,
                 const console_input::line_handler& on_line) {
  size_t start = 0;
  for (auto end = buffer.find('\n'); end != std::string::npos;
       end = buffer.find('\n', start)) {
    auto line = buffer.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos)
      on_line(line);
    start = end + 1;
  }
  buffer.erase(0, start);
}

} // namespace

console_input::console_input(int fd, line_handler on_line)
  : fd_{fd}, on_line_{std::move(on_line)} {
  if (pipe(wake_) != 0)
    wake_[0] = wake_[1] = -1;
  thread_ = std::thread{[this] { run(); }};
}

console_input::~console_input() {
  stop();
  if (thread_.joinable())
    thread_.join();
  for (int fd : wake_)
    if (fd >= 0)
      close(fd);
}

void console_input::stop() {
  if (wake_[1] >= 0) {
    char byte = 1;
    // A full pipe already holds a wake-up; nothing is lost if this fails.
    [[maybe_unused]] auto n = write(wake_[1], &byte, 1);
  }
}

void console_input::run() {
  std::string buffer;
  char chunk[4096];
  for (;;) {
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (poll(fds, wake_[0] >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[1].revents != 0)
      return;
    if (fds[0].revents & POLLNVAL)
      break;
    auto n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0)
      break;
    buffer.append(chunk, static_cast<size_t>(n));
    split_lines(buffer, on_line_);
  }
  // The last line may lack its line end.
  buffer += '\n';
  split_lines(buffer, on_line_);
}

} // namespace keepa
