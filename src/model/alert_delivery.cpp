#include "model/alert_delivery.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace keepa {

namespace {

constexpr int64_t second_ms = 1000;
constexpr int64_t first_retry_ms = 30 * second_ms;
constexpr int64_t longest_retry_ms = 30 * 60 * second_ms;
constexpr int64_t longest_rate_wait_ms = 60 * 60 * second_ms;

/// The header's value as seconds (a decimal number), if it is one.
std::optional<double> seconds_in(const delivery_answer& a,
                                 const std::string& name) {
  auto i = a.headers.find(name);
  if (i == a.headers.end())
    return std::nullopt;
  double s = 0;
  auto& text = i->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(s)
      || s < 0)
    return std::nullopt;
  return s;
}

} // namespace

delivery_verdict judge(const delivery_answer& a) {
  if (a.status >= 200 && a.status < 300)
    return delivery_verdict::delivered;
  if (a.status == 429)
    return delivery_verdict::rate_limited;
  if (a.status >= 400 && a.status < 500)
    return delivery_verdict::stop_target;
  return delivery_verdict::retry;
}

int64_t retry_after_ms(const delivery_answer& a, int attempts) {
  if (a.status == 429) {
    auto wait = seconds_in(a, "retry-after");
    if (!wait)
      wait = seconds_in(a, "x-ratelimit-reset-after");
    auto ms = wait ? static_cast<int64_t>(std::ceil(*wait * 1000.0))
                   : first_retry_ms;
    return std::clamp(ms, second_ms, longest_rate_wait_ms);
  }
  auto doublings = std::clamp(attempts - 1, 0, 20);
  return std::min(first_retry_ms << doublings, longest_retry_ms);
}

bool gives_up(int64_t created_ms, int64_t now_ms, int give_up_hours) {
  return now_ms - created_ms >= int64_t{give_up_hours} * 3600 * second_ms;
}

send_plan plan_sends(int64_t pending, int sent_last_minute, int max_per_minute,
                     int digest_limit) {
  auto room = std::max(0, max_per_minute - sent_last_minute);
  if (pending <= room)
    return {static_cast<int>(pending), 0};
  // Each digest in place of a single carries digest_limit - 1 more.
  auto extra = pending - room;
  auto per_digest = std::max(1, digest_limit - 1);
  auto digests = std::min<int64_t>(room, (extra + per_digest - 1) / per_digest);
  return {room - static_cast<int>(digests), static_cast<int>(digests)};
}

} // namespace keepa
