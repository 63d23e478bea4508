#include "model/keepa_time.hpp"

#include <cstdio>
#include <ctime>

namespace keepa {

namespace {

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

} // namespace

keepa_minutes to_keepa_minutes(int64_t unix_ms) {
  return floor_div(unix_ms, 60000) - keepa_epoch_unix_minute;
}

int64_t to_unix_ms(keepa_minutes km) {
  return (km + keepa_epoch_unix_minute) * 60000;
}

std::string iso_utc(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(floor_div(unix_ms, 1000));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string keepa_minutes_iso(keepa_minutes km) {
  return iso_utc(to_unix_ms(km));
}

int month_of_unix_day(int64_t unix_day) {
  auto z = unix_day + 719468;
  auto era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = z - era * 146097;
  auto yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  auto doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  auto mp = (5 * doy + 2) / 153;
  return static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
}

int64_t parse_iso_utc_ms(const std::string& iso) {
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                  &consumed)
        != 6
      || consumed != static_cast<int>(iso.size()))
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

} // namespace keepa
