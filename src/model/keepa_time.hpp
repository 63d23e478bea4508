#pragma once

#include <cstdint>
#include <string>

namespace keepa {

/// Minutes since 2011-01-01T00:00:00Z, Keepa's unit for every timestamp.
using keepa_minutes = int64_t;

/// The Unix minute of 2011-01-01T00:00:00Z.
inline constexpr int64_t keepa_epoch_unix_minute = 21564000;

/// Converts Unix milliseconds to Keepa minutes (floor).
keepa_minutes to_keepa_minutes(int64_t unix_ms);

/// Converts Keepa minutes to Unix milliseconds.
int64_t to_unix_ms(keepa_minutes km);

/// Formats Unix milliseconds as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
std::string iso_utc(int64_t unix_ms);

/// Formats Keepa minutes as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
std::string keepa_minutes_iso(keepa_minutes km);

/// The calendar month (1-12, UTC) of a day counted from 1970-01-01, by
/// H. Hinnant's civil-from-days (no libc time zone work).
int month_of_unix_day(int64_t unix_day);

/// Parses `YYYY-MM-DDTHH:MM:SSZ`; returns -1 when malformed.
int64_t parse_iso_utc_ms(const std::string& iso);

} // namespace keepa
