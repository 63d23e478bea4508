#pragma once

// Every default in one place (read by the config, the engine's options,
// every actor's settings and the tests): the values config.ini's keys take
// when left out (docs/contract.md), and the timeouts actors wait for one
// another with. Plain standard C++, so every layer may read it.

#include <chrono>

namespace keepa {

namespace defaults {

// [keepa]

/// `domain`: Keepa's locale (1: amazon.com).
inline constexpr int domain = 1;

/// `request_timeout_s`: how long one HTTP exchange with Keepa may take.
inline constexpr int request_timeout_s = 60;

/// `deal_query`: the deal query file, relative to the config file.
inline constexpr const char* deal_query_path = "deal_query.json";

// [engine]

/// `peek_batch`, `commit_batch`, `light_batch`: ASINs per call of the peek,
/// commit and light pools.
inline constexpr int peek_batch = 50;
inline constexpr int commit_batch = 5;
inline constexpr int light_batch = 50;

/// `retention_hours`: a row unseen for this much engine-alive time is
/// deleted.
inline constexpr int retention_hours = 72;

/// `refresh_after_hours`: an active row whose newest fetch is older is due
/// a light refresh.
inline constexpr int refresh_after_hours = 24;

/// `deficit_floor`: the lowest balance our own grants may drive the
/// projection to.
inline constexpr int deficit_floor = -180;

/// `event_drop_percent`: a refresh lowering an active deal's price by more
/// than this percent records a price-drop event.
inline constexpr int event_drop_percent = 10;

/// `stall_minutes`: without a successful Keepa response for this long,
/// ingestion counts as stalled and a janitor pass deletes nothing.
inline constexpr int stall_minutes = 30;

/// `janitor_interval_minutes`: how often the janitor runs a retention pass
/// on its own.
inline constexpr int janitor_interval_minutes = 60;

/// A row priced from its listing gets its offers bought first when its
/// profit is at most this percent of its price per hour since Keepa saw
/// that price (the listing's lastUpdate), up to 10 %: within what the
/// price may have moved meanwhile, the live offers decide.
inline constexpr double verify_move_per_hour = 2.0;
inline constexpr double verify_move_cap = 10.0;

// Derived from the batches

/// Discovery reads no further page while the peek backlog holds this many
/// peek batches: it never outruns what the plan can peek.
inline constexpr int backlog_peek_batches = 4;

/// Served best first, peeks wait while the commit pool holds this many
/// commit batches: survivors are committed before more are peeked.
inline constexpr int commit_ahead_batches = 2;

/// The deal board's port on loopback (`[web] listen`).
inline constexpr int web_port = 8080;

/// The ROI the board's max buy cost aims at, percent
/// (`[fees] target_roi_percent`).
inline constexpr double target_roi_percent = 30;

} // namespace defaults

// The timeouts the actors wait for one another with. Every request has one;
// none is reached in normal operation, each only bounds a lost answer.

/// An actor asking another for its state or a decision (`stats`, the
/// watermark, a purge): far longer than any answer takes under load.
inline constexpr std::chrono::nanoseconds ask_timeout
  = std::chrono::seconds{60};

/// An actor waiting for the db_writer (a lookup, a read, the final flush):
/// the db_writer answers after the transaction in progress.
inline constexpr std::chrono::nanoseconds db_timeout = std::chrono::seconds{60};

/// The engine asking one actor, for a console command or a progress check:
/// short, so a person gets an answer soon and a check soon tries again.
inline constexpr std::chrono::nanoseconds engine_ask_timeout
  = std::chrono::seconds{10};

/// A Keepa call handed to the token bucket: it may wait in the bucket's
/// queue for hours on a small plan, and the bucket answers every call
/// itself (a reply or an error, within its own call timeout once granted).
inline constexpr std::chrono::nanoseconds granted_call_timeout
  = std::chrono::hours{24};

/// How long the token bucket holds a call before it answers `retryable`
/// itself (paused, or held while the database cannot write): well before
/// the caller's granted_call_timeout, so that no caller gives up a call
/// the bucket would still grant, and asks for it twice.
inline constexpr std::chrono::nanoseconds grant_wait_limit
  = std::chrono::hours{23};

} // namespace keepa
