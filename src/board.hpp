#pragma once

// The deal board in the running engine: starts the web server beside the
// actor system, links it to the engine through console lines, and reports
// its state for `status` and `dump web`. A board that cannot listen never
// stops ingestion: the engine runs on and says why.

#include "actors/actors.hpp"
#include "io/config.hpp"
#include "web/web_server.hpp"

#include <caf/actor_system.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace keepa {

class board {
public:
  /// Starts the server for `engine` when `[web]` is on. Returns the line
  /// the console prints first: where the board is, or why it is not.
  std::string start(const config& cfg, caf::actor_system& sys,
                    engine_actor engine);

  /// Stops the server's threads; the board itself must outlive the actor
  /// system, whose actors may still answer a request of the server's.
  void stop();

  /// The board's address (`http://HOST:PORT/`); "" while it does not
  /// listen.
  std::string url() const;

  /// The dump's `web` object and why the board is not listening.
  std::pair<std::string, std::string> report() const;

private:
  mutable std::mutex mutex_;
  std::unique_ptr<web::web_server> server_;
  std::string problem_;
};

} // namespace keepa
