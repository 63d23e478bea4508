#pragma once

// The engine's own error codes, registered with CAF. Each error carries its
// words as context: error_text() shows them, and the code says which kind
// of failure it was.

#include <caf/error.hpp>
#include <caf/fwd.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

#include <cstdint>
#include <string>

namespace keepa {

enum class engine_errc : uint8_t {
  /// CAF reserves 0 for "no error".
  none = 0,
  /// SQLite refused a read or a write.
  database,
  /// The database cannot write (a full disk, say) and `--once` must stop.
  cannot_write,
  /// The final flush of a stop failed; the rows not written are listed
  /// again on the next start.
  final_write,
  /// Keepa refused the API key.
  key_refused,
  /// Keepa refused the deal query; discovery stopped.
  query_refused,
  /// Actors stopped unexpectedly more often than the restart budget allows.
  too_many_restarts,
};

/// The code's name ("key_refused").
std::string to_string(engine_errc code);

/// An error of `code` whose words are `what`.
caf::error make_engine_error(engine_errc code, std::string what);

/// Lets the actor system render these errors ("keepa: key_refused (...)").
void add_engine_errors(caf::actor_system_config& cfg);

} // namespace keepa

CAF_ERROR_CODE_ENUM(keepa::engine_errc, "keepa")
