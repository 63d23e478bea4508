#pragma once

// What a webhook's answer means for the alerts it carried
// (docs/contract.md#alerts): delivered, tried again later (and when), or
// the target stopped as misconfigured; and how many alerts go one by one
// in a minute before the rest go in digests.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace keepa {

/// What becomes of a message after one attempt.
enum class delivery_verdict {
  delivered,
  /// 5xx, a timeout, a reset, a refused connection: again after a backoff.
  retry,
  /// 429: again when the target says (Retry-After, Discord's headers).
  rate_limited,
  /// Any other 4xx: the target is misconfigured and stops.
  stop_target,
};

/// One attempt's outcome as the HTTP client reports it.
struct delivery_answer {
  /// The HTTP status; 0 when no answer came (timeout, reset, refused).
  int status = 0;
  /// Response headers, names in lower case.
  std::map<std::string, std::string> headers;
  /// For the log and `dump alerts`: why no answer came, or the start of
  /// the answer's body.
  std::string detail;
};

delivery_verdict judge(const delivery_answer& a);

/// Milliseconds to wait before the next attempt of a message that has
/// failed `attempts` times (1 for the first failure): 30 s doubling to at
/// most 30 min; for a 429, what the target asked for (Retry-After in
/// seconds, or Discord's X-RateLimit-Reset-After), at least 1 s and at
/// most an hour.
int64_t retry_after_ms(const delivery_answer& a, int attempts);

/// True when an alert created at `created_ms` is past `give_up_hours` at
/// `now_ms`: it is marked failed instead of tried again.
bool gives_up(int64_t created_ms, int64_t now_ms, int give_up_hours);

/// What a target is sent now of its `pending` due alerts, having been
/// sent `sent_last_minute` messages in the last minute: at most
/// `max_per_minute` messages a minute. When the alerts do not fit one a
/// message, the last messages of the minute are digests of up to
/// `digest_limit` alerts, as few as carry them all (or all the minute's
/// messages, when even those do not).
struct send_plan {
  /// Alerts sent one message each, oldest first.
  int singles = 0;
  /// Digests after them, each of the oldest `digest_limit` left.
  int digests = 0;
};

send_plan plan_sends(int64_t pending, int sent_last_minute, int max_per_minute,
                     int digest_limit);

} // namespace keepa
