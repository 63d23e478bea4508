// keepa-ingest: reads the configuration, then runs the engine against Keepa
// (or, with --demo, against the embedded mock Keepa server on a loopback
// port) until a signal, `quit`, or the end of `--once`.

#include "actors/console_screen.hpp"
#include "actors/engine.hpp"
#include "actors/keepa_client.hpp"
#include "actors/pipeline_settings.hpp"
#include "actors/type_ids.hpp"
#include "actors/webhook_client.hpp"
#include "board.hpp"
#include "io/config.hpp"
#include "io/console_input.hpp"
#include "io/database.hpp"
#include "io/http_client.hpp"
#include "io/logging.hpp"
#include "io/resize_signal.hpp"
#include "io/terminal.hpp"
#include "mock/server.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <pthread.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace keepa;

constexpr const char* version = "keepa-ingest 0.1.0";

/// Unix milliseconds from the system clock.
int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Prints a console answer: on the screen in a terminal, else on stdout.
void print_answer(const console_screen_actor& screen,
                  const std::string& answer) {
  if (screen)
    caf::anon_send(screen, atom::print_v, answer);
  else
    std::cout << answer << std::endl;
}

/// Runs one console line on the engine and prints its answer.
void run_command(caf::actor_system& sys, const engine_actor& engine,
                 const console_screen_actor& screen, const std::string& line) {
  caf::scoped_actor self{sys};
  self->request(engine, std::chrono::seconds{30}, atom::command_v, line)
    .receive([&](const std::string& answer) { print_answer(screen, answer); },
             [&](const caf::error& err) {
               print_answer(screen, "error: the engine did not answer ("
                                      + to_string(err) + ")");
             });
}

/// The signals that stop the engine.
sigset_t stop_signal_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

/// Waits for SIGINT and SIGTERM on a thread of its own. The first stops
/// the engine gracefully; the second makes it stop at once, flushing what
/// it has; a third, or the engine still running 5 s after the second, ends
/// the process with code 130.
class stop_signals {
public:
  explicit stop_signals(engine_actor engine)
    : thread_{[this, engine] { watch(engine); }} {
  }

  /// Ends the watch once the engine has stopped.
  ~stop_signals() {
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

  /// True when a second signal forced the stop.
  bool forced() const {
    return seen_ >= 2;
  }

private:
  void watch(const engine_actor& engine) {
    auto set = stop_signal_set();
    for (;;) {
      if (forced()) {
        timespec grace{5, 0};
        if (sigtimedwait(&set, nullptr, &grace) < 0 && errno == EAGAIN
            && !done_) {
          spdlog::error("engine: still stopping 5 s after the second signal; "
                        "exiting now");
          std::_Exit(130);
        }
      } else {
        int sig = 0;
        sigwait(&set, &sig);
      }
      if (done_)
        return;
      if (++seen_ > 2)
        std::_Exit(130);
      if (seen_ == 2)
        spdlog::warn("engine: second stop signal; stopping now");
      caf::anon_send_exit(engine, caf::exit_reason::user_shutdown);
    }
  }

  std::atomic<bool> done_{false};
  std::atomic<int> seen_{0};
  std::thread thread_;
};

/// Prints `text` on stdout; in a terminal wrapped at words to its width.
void print_wrapped(const std::string& text) {
  if (auto size = terminal_size_of(STDOUT_FILENO))
    std::cout << as_rows(text, size->cols) << std::flush;
  else
    std::cout << text << std::endl;
}

/// Stops the screen and waits (bounded) until it gave the terminal back.
void stop_screen(caf::actor_system& sys, const console_screen_actor& screen) {
  caf::scoped_actor self{sys};
  self->monitor(screen);
  caf::anon_send_exit(screen, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {},
                caf::after(std::chrono::seconds{5}) >> [] {});
}

/// Runs the engine until it stops; SIGINT and SIGTERM stop it gracefully.
/// The first lines printed say where the deal board is, then `intro`.
/// Returns the process exit code.
int run_engine(const config& cfg, const cli_options& cli,
               const api_settings& api, const std::string& intro) {
  // Declared first, so that it outlives the actor system (see board.hpp).
  auto web = std::make_shared<board>();
  caf::actor_system_config sys_cfg;
  sys_cfg.add_message_types<caf::id_block::keepa>();
  add_engine_errors(sys_cfg);
  caf::actor_system sys{sys_cfg};
  auto http = std::make_shared<http_client>();
  auto client = sys.spawn(make_keepa_client, api, http);
  auto options = engine_options_from(cfg, cli.once, client, system_now_ms);
  auto webhook = sys.spawn(make_webhook_client, http);
  options.webhook = webhook;
  options.board = [web] { return web->report(); };
  options.board_url = [web] { return web->url(); };
  auto engine = sys.spawn(make_engine, std::move(options));
  for (auto& line : {web->start(cfg, sys, engine), intro})
    if (!line.empty())
      print_wrapped(line);
  std::optional<stop_signals> signals{std::in_place, engine};
  // In a terminal the screen owns stdout: the live line and the answers.
  console_screen_actor screen;
  std::optional<resize_signal> resizes;
  if (isatty(STDOUT_FILENO)) {
    screen = sys.spawn<caf::detached>(make_console_screen, engine,
                                      STDOUT_FILENO);
    resizes.emplace([screen] { caf::anon_send(screen, atom::resize_v); });
  }
  // The console reader is stopped and joined before the actor system ends:
  // a thread left in a read of stdin kept the process alive after `quit`.
  std::optional<console_input> console{std::in_place, STDIN_FILENO,
                                       [&sys, engine,
                                        screen](const std::string& line) {
                                         run_command(sys, engine, screen, line);
                                       }};
  int exit_code = 0;
  {
    caf::scoped_actor self{sys};
    self->monitor(engine);
    self->receive([&](const caf::down_msg& msg) {
      if (msg.reason && msg.reason != caf::exit_reason::user_shutdown) {
        spdlog::error("engine stopped: {}", error_text(msg.reason));
        exit_code = 1;
      }
    });
  }
  web->stop();
  console.reset();
  resizes.reset();
  if (screen)
    stop_screen(sys, screen);
  if (signals->forced() && exit_code == 0)
    exit_code = 130;
  signals.reset();
  caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(webhook, caf::exit_reason::user_shutdown);
  return exit_code;
}

/// Blocks SIGINT and SIGTERM in every thread, for stop_signals to wait
/// for, and SIGWINCH, for resize_signal.
void block_watched_signals() {
  auto set = stop_signal_set();
  sigaddset(&set, SIGWINCH);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

/// Opens /dev/null on stdin, stdout or stderr where one is closed, so that
/// no file or socket the engine opens later takes its number (a database
/// read as console input, log lines written into a socket).
void fill_closed_std_fds() {
  for (int fd = 0; fd <= 2; ++fd)
    if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
      open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
}

} // namespace

int main(int argc, char** argv) {
  fill_closed_std_fds();
  auto parsed = parse_command_line(argc, argv);
  if (auto* err = std::get_if<config_error>(&parsed)) {
    std::cerr << "keepa-ingest: " << err->what() << "\n\n" << usage();
    return 2;
  }
  auto& cli = std::get<cli_options>(parsed);
  if (cli.help) {
    std::cout << usage();
    return 0;
  }
  if (cli.version) {
    std::cout << version << '\n';
    return 0;
  }
  auto loaded = load_config(cli, process_env());
  if (auto* err = std::get_if<config_error>(&loaded)) {
    std::cerr << "keepa-ingest: " << err->what() << '\n';
    return 2;
  }
  auto& cfg = std::get<config>(loaded);
  block_watched_signals();
  std::optional<mock::server> demo_server;
  std::string intro;
  if (cli.demo) {
    // A plan that buys new rows every minute from the mock's 300 new deals
    // an hour (20 tokens/min would go quiet once the first bucket is spent).
    mock::options opts;
    opts.refill_rate = 60;
    demo_server.emplace(opts);
    auto port = demo_server->start();
    cfg.keepa.base_url = "http://127.0.0.1:" + std::to_string(port);
    cfg.keepa.api_key = opts.key;
    intro = "keepa-ingest demo: a mock Keepa server at " + cfg.keepa.base_url
            + ", plan " + std::to_string(opts.refill_rate) + " tokens/min, "
            + std::to_string(opts.deal_rate)
            + " new deals an hour: new rows arrive every minute. Open the "
              "board in a browser; type status, dump or quit here.";
  }
  // In a terminal the console screen owns it; logs go to the file.
  init_logging(cfg, !isatty(STDOUT_FILENO), cfg.keepa.api_key);
  if (cli.demo)
    spdlog::info("demo: embedded mock Keepa server at {}", cfg.keepa.base_url);
  try {
    database check{cfg.db_path};
  } catch (const database_error& e) {
    std::cerr << "keepa-ingest: " << e.what() << '\n';
    return 1;
  }
  api_settings api{cfg.keepa.base_url, cfg.keepa.api_key, cfg.keepa.domain,
                   std::chrono::seconds{cfg.keepa.request_timeout_s}};
  return run_engine(cfg, cli, api, intro);
}
