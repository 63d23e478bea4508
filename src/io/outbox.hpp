#pragma once

// What the alerts sender reads from and writes to the outbox
// (docs/contract.md#alert_outbox): the alerts due, and what became of the
// ones it sent.

#include <cstdint>
#include <string>
#include <vector>

namespace keepa {

/// One pending alert of a target.
struct outbox_entry {
  std::string id;
  /// The alert as the generic body's JSON.
  std::string alert;
  int attempts = 0;
  std::string created_utc;
  /// The digest it was put in before it was sent; empty when none.
  std::string message_id;
};

/// A target's alerts due now and its counts.
struct outbox_batch {
  /// Due pending alerts, those of a digest fixed before a restart first,
  /// then the oldest.
  std::vector<outbox_entry> due;
  /// How many alerts are due now, `due` being at most the query's limit.
  int64_t due_total = 0;
  /// All pending alerts (due or waiting) and all failed ones.
  int64_t pending = 0;
  int64_t failed = 0;
};

/// What became of alerts the sender handled.
enum class outbox_outcome : uint8_t {
  /// Put in one digest (`message_id`) before it is sent.
  grouped,
  delivered,
  /// Tried again at `next_try_utc`; attempts + 1, `last_error` kept.
  retry,
  /// Given up: marked failed.
  failed,
};

struct outbox_marks {
  std::string target;
  std::vector<std::string> ids;
  outbox_outcome outcome = outbox_outcome::delivered;
  std::string message_id;
  std::string next_try_utc;
  std::string last_error;
  std::string now_utc;
};

} // namespace keepa
