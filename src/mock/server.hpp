#pragma once

// mock-keepa: a Beast HTTP server with Keepa's behaviour (handler.hpp) plus
// transport: keep-alive, gzip on every status when asked, and injected
// faults. It runs on its own io thread; the engine's --demo embeds it.

#include "mock/options.hpp"

#include <memory>
#include <string>

namespace keepa::mock {

class server {
public:
  explicit server(options opts);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts serving; returns the port (the chosen one for 0).
  /// Throws std::runtime_error when the address cannot be bound.
  uint16_t start();

  /// Stops serving and joins the io thread; idempotent.
  void stop();

  stats_snapshot stats() const;
  std::string stats_json() const;
  void set_refill_rate(int64_t per_min);

  class impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace keepa::mock
