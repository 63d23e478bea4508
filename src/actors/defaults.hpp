#pragma once

// The timeouts the actors wait for one another with. Every request has one;
// none is reached in normal operation, each only bounds a lost answer.

#include <caf/timespan.hpp>

#include <chrono>

namespace keepa {

/// An actor asking another for its state or a decision (`stats`, the
/// watermark, a purge): far longer than any answer takes under load.
inline constexpr caf::timespan ask_timeout = std::chrono::seconds{60};

/// An actor waiting for the db_writer (a lookup, a read, the final flush):
/// the db_writer answers after the transaction in progress.
inline constexpr caf::timespan db_timeout = std::chrono::seconds{60};

/// The engine asking one actor, for a console command or a progress check:
/// short, so a person gets an answer soon and a check soon tries again.
inline constexpr caf::timespan engine_ask_timeout = std::chrono::seconds{10};

/// A Keepa call handed to the token bucket: it may wait in the bucket's
/// queue for hours on a small plan, and the bucket answers every call
/// itself (a reply or an error, within its own call timeout once granted).
inline constexpr caf::timespan granted_call_timeout = std::chrono::hours{24};

/// How long the token bucket holds a call before it answers `retryable`
/// itself (paused, or held while the database cannot write): well before
/// the caller's granted_call_timeout, so that no caller gives up a call
/// the bucket would still grant, and asks for it twice.
inline constexpr caf::timespan grant_wait_limit = std::chrono::hours{23};

} // namespace keepa
