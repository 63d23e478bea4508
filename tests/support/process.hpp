#pragma once

// Runs a shell command for a test and captures what it printed and how it
// ended. Every command runs under coreutils' `timeout`, so a hung binary
// fails the test instead of hanging it, and with its stdin open.

#include <array>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace keepa::test {

struct process_result {
  int exit_code = -1;
  std::string output; // stdout and stderr, interleaved
};

/// Runs `command` with its stdin a pipe that stays open until it ends, as
/// under a supervisor or in tmux (a command that wants /dev/null says so).
inline process_result run(const std::string& command, int timeout_s = 60) {
  process_result result;
  int input[2];
  if (pipe(input) != 0)
    return result;
  // Only the child holds the read end; the write end stays with the test.
  fcntl(input[1], F_SETFD, FD_CLOEXEC);
  auto line = "timeout -k 5 " + std::to_string(timeout_s) + " sh -c '" + command
              + "' 2>&1 0<&" + std::to_string(input[0]);
  FILE* pipe = popen(line.c_str(), "r");
  close(input[0]);
  if (pipe == nullptr) {
    close(input[1]);
    return result;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0)
    result.output.append(buf.data(), n);
  int status = pclose(pipe);
  close(input[1]);
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

/// The whole content of a file ("" when unreadable).
inline std::string read_all(const std::string& path) {
  std::string out;
  if (FILE* f = fopen(path.c_str(), "rb")) {
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0)
      out.append(buf.data(), n);
    fclose(f);
  }
  return out;
}

/// The binaries and the source tree under test.
inline const std::string ingest = std::string{KEEPA_BINARY_DIR}
                                  + "/keepa-ingest";
inline const std::string mock_binary = std::string{KEEPA_BINARY_DIR}
                                       + "/mock-keepa";
inline const std::string source = KEEPA_SOURCE_DIR;

/// A fresh directory named `name` with the repo's deal query and a config
/// pointing at `url` with the mock's key: the database in data/, the log
/// in logs/k.log.
inline std::string engine_dir(const std::string& name, const std::string& url,
                              int request_timeout_s = 10) {
  auto dir = fresh_dir(name);
  run("cp " + source + "/deal_query.json " + dir);
  auto config = "[keepa]\nbase_url = " + url + "\napi_key = mock-key\n"
                + "deal_query = deal_query.json\nrequest_timeout_s = "
                + std::to_string(request_timeout_s)
                + "\n[db]\npath = data/deals.db\n[log]\nfile = logs/k.log\n"
                + "[web]\nlisten = 127.0.0.1:0\n";
  if (FILE* f = fopen((dir + "/config.ini").c_str(), "w")) {
    fputs(config.c_str(), f);
    fclose(f);
  }
  return dir;
}

/// What the sqlite3 shell prints for `sql` on the database at `path`.
inline std::string sqlite(const std::string& path, const std::string& sql) {
  // run() wraps the command in single quotes: close, escape, reopen.
  std::string quoted;
  for (char c : sql)
    quoted += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  auto out = run("sqlite3 " + path + " \"" + quoted + "\"").output;
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out;
}

/// A background mock-keepa for one test: started with `flags`, stopped
/// (SIGTERM) at the end; its stderr (the served stats) goes to `log`.
class mock_process {
public:
  mock_process(const std::string& binary, const std::string& flags,
               const std::string& log) {
    auto cmd = "sh -c 'echo $$; exec timeout -k 5 600 " + binary + " --port 0 "
               + flags + " 2>" + log + "'";
    pipe_ = popen(cmd.c_str(), "r");
    pid_ = std::stoi(line());
    auto listening
      = line(); // "listening on 127.0.0.1:<port>": blocks until ready
    port = listening.substr(listening.rfind(':') + 1);
  }

  ~mock_process() {
    kill(pid_, SIGTERM);
    pclose(pipe_);
  }

  mock_process(const mock_process&) = delete;
  mock_process& operator=(const mock_process&) = delete;

  std::string url() const {
    return "http://127.0.0.1:" + port;
  }

  std::string port;

private:
  /// One line of the mock's stdout, without the newline.
  std::string line() {
    std::array<char, 256> buf{};
    if (!pipe_ || !fgets(buf.data(), buf.size(), pipe_))
      return "0";
    std::string s{buf.data()};
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
      s.pop_back();
    return s;
  }

  FILE* pipe_ = nullptr;
  pid_t pid_ = 0;
};

} // namespace keepa::test
