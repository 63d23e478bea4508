#pragma once

// Runs keepa-ingest the way a seller does: its stdin a pipe that stays open
// (a supervisor, a script) or a pseudo-terminal (tmux), never closed first.
// The test types lines, reads what the engine printed, sends signals or
// Ctrl-C, and waits (bounded) for the exit. Waiting is poll() on the
// engine's output or waitpid, never a sleep.

#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <poll.h>
#include <pty.h>
#include <string>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace keepa::test {

/// How the engine's stdin is connected: a pipe the test keeps open, a
/// pseudo-terminal (stdout and stderr too, as in tmux), /dev/null, or closed.
enum class console_kind { pipe, terminal, null, closed };

/// The kind's name, for test output.
inline const char* to_string(console_kind k) {
  switch (k) {
    case console_kind::pipe:
      return "an open pipe";
    case console_kind::terminal:
      return "a terminal";
    case console_kind::null:
      return "/dev/null";
    default:
      return "closed";
  }
}

/// A terminal's size in characters.
struct terminal_size {
  unsigned short cols = 120;
  unsigned short rows = 40;
};

class console_process {
public:
  /// Starts `args[0]` with `args` in `dir`; a terminal has `size`.
  console_process(console_kind kind, const std::string& dir,
                  const std::vector<std::string>& args,
                  terminal_size size = {}) {
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    if (kind == console_kind::terminal) {
      winsize ws{};
      ws.ws_col = size.cols;
      ws.ws_row = size.rows;
      pid_ = forkpty(&input_, nullptr, nullptr, &ws);
      if (pid_ == 0)
        exec(dir, argv);
      output_ = input_;
    } else {
      int in[2];
      int out[2];
      if (pipe(in) != 0 || pipe(out) != 0)
        return;
      pid_ = fork();
      if (pid_ == 0) {
        dup2(in[0], STDIN_FILENO);
        if (kind == console_kind::null)
          dup2(open("/dev/null", O_RDONLY), STDIN_FILENO);
        if (kind == console_kind::closed)
          close(STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(out[1], STDERR_FILENO);
        close(in[1]);
        close(out[0]);
        exec(dir, argv);
      }
      close(in[0]);
      close(out[1]);
      input_ = in[1];
      output_ = out[0];
    }
  }

  ~console_process() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (input_ >= 0)
      close(input_);
    if (output_ >= 0 && output_ != input_)
      close(output_);
  }

  console_process(const console_process&) = delete;
  console_process& operator=(const console_process&) = delete;

  /// Types one line (a terminal turns "\n" into Enter).
  void type(const std::string& line) {
    auto text = line + "\n";
    write_all(text);
  }

  /// Presses keys on the terminal without Enter.
  void press(const std::string& keys) {
    write_all(keys);
  }

  /// Gives the terminal a new size (SIGWINCH to its foreground group).
  void resize(terminal_size size) {
    winsize ws{};
    ws.ws_col = size.cols;
    ws.ws_row = size.rows;
    ioctl(input_, TIOCSWINSZ, &ws);
  }

  /// Presses Ctrl-C on the terminal (SIGINT to its foreground group).
  void ctrl_c() {
    write_all("\x03");
  }

  /// Sends a signal to the engine.
  void signal(int sig) {
    kill(pid_, sig);
  }

  /// Reads output until `text` appears or `timeout` passes; true if seen.
  bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (output.find(text, scanned_) == std::string::npos) {
      if (!read_some(deadline))
        return false;
    }
    scanned_ = output.find(text, scanned_) + text.size();
    return true;
  }

  /// Reads output until `done()` holds or `timeout` passes; true if it
  /// held.
  bool wait_until(const std::function<bool()>& done,
                  std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done())
      if (!read_some(deadline))
        return done();
    return true;
  }

  /// From now on wait_for looks only at output not printed yet.
  void skip_printed() {
    scanned_ = output.size();
  }

  /// Waits up to `timeout` for the exit, draining the output meanwhile.
  /// Returns the exit code, 128 + N for death by signal N, or -1 if the
  /// engine still runs.
  int wait_exit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        drain();
        if (WIFEXITED(status))
          return WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() >= deadline)
        return -1;
      // Output or the end of the output wakes us; a quiet engine is polled
      // every 50 ms for its exit.
      read_some(std::min(deadline, std::chrono::steady_clock::now()
                                     + std::chrono::milliseconds{50}));
    }
  }

  /// Everything the engine printed so far.
  std::string output;

private:
  [[noreturn]] static void exec(const std::string& dir,
                                std::vector<char*>& argv) {
    if (chdir(dir.c_str()) != 0)
      _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }

  void write_all(const std::string& text) {
    auto* p = text.data();
    auto left = text.size();
    while (left > 0) {
      auto n = ::write(input_, p, left);
      if (n <= 0)
        return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  }

  /// Reads what is there by `deadline`; false on timeout or end of output.
  bool read_some(std::chrono::steady_clock::time_point deadline) {
    if (output_eof_)
      return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    pollfd p{output_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(0, left))) <= 0)
      return false;
    char buf[4096];
    auto n = ::read(output_, buf, sizeof buf);
    if (n <= 0) {
      output_eof_ = true;
      return false;
    }
    output.append(buf, static_cast<size_t>(n));
    return true;
  }

  /// Reads what is left after the exit.
  void drain() {
    auto until = std::chrono::steady_clock::now()
                 + std::chrono::milliseconds{200};
    while (read_some(until)) {
    }
  }

  pid_t pid_ = -1;
  int input_ = -1;
  int output_ = -1;
  bool exited_ = false;
  bool output_eof_ = false;
  size_t scanned_ = 0;
};

} // namespace keepa::test
