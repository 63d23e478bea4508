#include "board.hpp"

#include "actors/type_ids.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include <chrono>

namespace keepa {

namespace {

/// Runs a console line on the engine from the server's thread: a
/// short-lived actor asks and hands the answer back.
web::run_command engine_commands(caf::actor_system& sys, engine_actor engine) {
  return [&sys, engine](const std::string& line,
                        std::function<void(const std::string&)> reply) {
    sys.spawn([engine, line, reply](caf::event_based_actor* self) {
      self->request(engine, std::chrono::seconds{30}, atom::command_v, line)
        .then([reply](const std::string& answer) { reply(answer); },
              [reply](const caf::error& err) {
                reply("error: the engine did not answer (" + to_string(err)
                      + ")");
              });
    });
  };
}

/// Unix milliseconds from the system clock.
int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

std::string board::start(const config& cfg, caf::actor_system& sys,
                         engine_actor engine) {
  if (!cfg.web.enabled)
    return "";
  web::server_settings settings;
  settings.address = cfg.web.address;
  settings.port = static_cast<uint16_t>(cfg.web.port);
  settings.password = cfg.web.password;
  settings.tls_cert = cfg.web.tls_cert;
  settings.tls_key = cfg.web.tls_key;
  settings.db_path = cfg.db_path;
  settings.board = {cfg.keepa.domain, cfg.fees, cfg.target_roi_percent};
  auto server = std::make_unique<web::web_server>(
    settings, engine_commands(sys, engine), wall_ms);
  auto problem = server->start();
  std::lock_guard<std::mutex> guard{mutex_};
  if (problem) {
    problem_ = *problem;
    spdlog::warn("web: the deal board is not listening: {}; ingestion goes "
                 "on",
                 problem_);
    return "keepa-ingest: the deal board is not listening: " + problem_
           + " (ingestion goes on; see [web] listen)";
  }
  server_ = std::move(server);
  spdlog::info("web: the deal board is at {}", server_->url());
  return "keepa-ingest: the deal board is at " + server_->url();
}

void board::stop() {
  web::web_server* server = nullptr;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    server = server_.get();
  }
  // Stopped, not destroyed: an answer the engine sends after this lands
  // in a stopped server, which drops it. The server goes with the board,
  // after the actor system.
  if (server)
    server->stop();
}

std::string board::url() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return server_ && problem_.empty() ? server_->url() : "";
}

std::pair<std::string, std::string> board::report() const {
  std::lock_guard<std::mutex> guard{mutex_};
  web::web_facts facts{server_ ? server_->url() : "", problem_,
                       server_ ? &server_->counters() : nullptr};
  return {web::web_json(facts), problem_};
}

} // namespace keepa
