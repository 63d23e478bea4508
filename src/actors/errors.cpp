#include "actors/errors.hpp"

#include <caf/actor_system_config.hpp>

namespace keepa {

std::string to_string(engine_errc code) {
  switch (code) {
    case engine_errc::none:
      return "none";
    case engine_errc::database:
      return "database";
    case engine_errc::cannot_write:
      return "cannot_write";
    case engine_errc::final_write:
      return "final_write";
    case engine_errc::key_refused:
      return "key_refused";
    case engine_errc::query_refused:
      return "query_refused";
    case engine_errc::too_many_restarts:
      return "too_many_restarts";
  }
  return "unknown";
}

caf::error make_engine_error(engine_errc code, std::string what) {
  return caf::make_error(code, std::move(what));
}

void add_engine_errors(caf::actor_system_config& cfg) {
  cfg.add_error_category(caf::atom("keepa"), [](uint8_t code, caf::atom_value,
                                                const caf::message& ctx) {
    auto out = "keepa: " + to_string(static_cast<engine_errc>(code));
    if (ctx.match_elements<std::string>())
      out += " (" + ctx.get_as<std::string>(0) + ")";
    return out;
  });
}

} // namespace keepa
