#pragma once

// The typed interface of every actor that other files talk to. One comment
// per handler says what it does and what it answers.

#include "actors/atoms.hpp"
#include "actors/messages.hpp"
#include "actors/stats.hpp"

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace keepa {

/// KEEPA_CLIENT: runs Keepa calls on the HTTP client's io thread and answers
/// each with a classified keepa_reply. It never blocks and never fails a
/// request: every failure is a reply with a status.
using keepa_client_actor = caf::typed_actor<
  // Calls /token (free) and answers its envelope.
  caf::replies_to<atom::token>::with<keepa_reply>,
  // Calls /product with up to 100 ASINs and any parameters.
  caf::replies_to<atom::product, product_request>::with<keepa_reply>,
  // Calls /deal for one page of a selection.
  caf::replies_to<atom::deal, deal_request>::with<keepa_reply>,
  // Internal: an exchange finished on the io thread.
  caf::reacts_to<atom::completed, uint64_t, keepa_reply>>;

/// TOKEN_BUCKET: the only model of the Keepa balance. Every Keepa call goes
/// through it: it waits for a grant, runs on KEEPA_CLIENT, is settled with
/// the response's envelope, and is re-queued on a 429.
using token_bucket_actor = caf::typed_actor<
  // Runs a call once the balance allows it; answers the final reply.
  caf::replies_to<atom::call, keepa_call>::with<keepa_reply>,
  // Internal: the refill tick (or a re-sync retry) of one generation.
  caf::reacts_to<atom::wake, uint64_t>,
  // Internal: answers `retryable` to calls held for grant_wait_limit.
  caf::reacts_to<atom::expire>,
  // Moves the waiting call with this id (keepa_call::id) up to the
  // priority given, if it waits in a lower one.
  caf::reacts_to<atom::promote, uint64_t, call_priority>,
  // Stops (true) or restarts (false) granting; queued calls are kept.
  caf::reacts_to<atom::pause, bool>,
  // Answers the bucket's state.
  caf::replies_to<atom::stats>::with<bucket_stats>>;

/// WATERMARK: the discovery watermark, which passes only durable listings.
using watermark_actor = caf::typed_actor<
  // Listings routed but not yet durable.
  caf::reacts_to<atom::track, std::vector<deal_key>>,
  // Listings now durable (from DB_WRITER) or needing no write.
  caf::reacts_to<atom::settle, std::vector<deal_key>>,
  // Listings given up unread (counted), so they hold it back no longer.
  caf::reacts_to<atom::release, std::vector<deal_key>>,
  // A discovery cycle listed everything up to this lastUpdate.
  caf::reacts_to<atom::cycle, keepa_minutes>,
  // Answers the watermark (-1 before the first).
  caf::replies_to<atom::get>::with<keepa_minutes>,
  // Moves the watermark back N hours; answers the new value.
  caf::replies_to<atom::rewind, int64_t>::with<keepa_minutes>,
  // Answers the watermark's state.
  caf::replies_to<atom::stats>::with<watermark_stats>>;

/// ENGINE: spawns, monitors and restarts the others; stops them in order.
using engine_actor = caf::typed_actor<
  // Runs one console command; answers the text to print.
  caf::replies_to<atom::command, std::string>::with<std::string>,
  // Answers the live status line in at most this many characters.
  caf::replies_to<atom::live, uint32_t>::with<std::string>,
  // Internal: a progress check (for --once or a stop) of one generation.
  caf::reacts_to<atom::wake, uint64_t>,
  // The db_writer says writes fail (true, why) or work again (false).
  caf::reacts_to<atom::health, bool, std::string>>;

/// WEBHOOK: posts alert messages on the HTTP client's io thread and answers
/// each with what came back. It never fails a request: no answer is
/// status 0 with the reason.
using webhook_actor = caf::typed_actor<
  // Posts one message; answers the target's answer.
  caf::replies_to<atom::post, webhook_post>::with<delivery_answer>,
  // Internal: an exchange finished on the io thread.
  caf::reacts_to<atom::completed, uint64_t, delivery_answer>>;

/// ALERTS: sends each target's outbox through WEBHOOK, oldest first, one
/// message at a time per target, and records in the database what became
/// of every alert (docs/contract.md#alerts).
using alerts_actor = caf::typed_actor<
  // Looks at every outbox now (DB_WRITER committed new alerts).
  caf::reacts_to<atom::run>,
  // Internal: the tick that sends alerts whose wait is over.
  caf::reacts_to<atom::wake>,
  // Sends a test message to every target; answers one line per target.
  caf::replies_to<atom::test>::with<std::string>,
  // Starts stopped targets again; answers the console's line.
  caf::replies_to<atom::retry>::with<std::string>,
  // Answers every target's state.
  caf::replies_to<atom::stats>::with<alerts_stats>>;

/// DB_WRITER: owns the only SQLite connection (spawned detached).
using db_writer_actor = caf::typed_actor<
  // Sends durable confirmations to this watermark from now on.
  caf::reacts_to<atom::subscribe, watermark_actor>,
  // Tells this engine when writes start or stop failing, from now on.
  caf::reacts_to<atom::subscribe, engine_actor>,
  // Tells ALERTS after each commit that put alerts in an outbox.
  caf::reacts_to<atom::subscribe, alerts_actor>,
  // Answers a target's alerts due now and its counts.
  caf::replies_to<atom::outbox, outbox_query>::with<outbox_batch>,
  // Records what became of sent alerts; answers once it is committed.
  caf::replies_to<atom::mark, outbox_marks>::with<bool>,
  // Queues writes; they commit in one transaction with others shortly.
  caf::reacts_to<atom::write, write_batch>,
  // Commits everything queued now; answers the rows written so far.
  caf::replies_to<atom::flush>::with<uint64_t>,
  // Internal: the delayed flush of one generation.
  caf::reacts_to<atom::wake, uint64_t>,
  // Answers what the database knows of these ASINs.
  caf::replies_to<atom::lookup, std::vector<std::string>>::with<lookup_result>,
  // Answers up to N ASINs of `pending` rows, oldest first.
  caf::replies_to<atom::pending, uint64_t>::with<std::vector<std::string>>,
  // Answers the active rows near their retention deadline and the other
  // rows due for a refresh.
  caf::replies_to<atom::stale, refresh_query>::with<refresh_due>,
  // Adds engine-alive time (ms) to the clock retention is measured in; it
  // is stored with the next commit and stamped on every row seen. Answers
  // the clock.
  caf::replies_to<atom::alive, int64_t>::with<int64_t>,
  // Deletes rows unseen for more than this much engine-alive time (ms);
  // answers how many, or an error while queued writes cannot commit.
  caf::replies_to<atom::purge, int64_t>::with<int64_t>,
  // Answers one system_state value ("" when absent).
  caf::replies_to<atom::read_state, std::string>::with<std::string>,
  // Answers the writer's state.
  caf::replies_to<atom::stats>::with<db_stats>>;

/// PEEK_POOL: peeks at new listings (1 token each, stats and sales history)
/// and judges them: survivors become pending rows for the commit pool, the
/// rest rejections.
using peek_pool_actor = caf::typed_actor<
  // Queues new listings, valued by their payload, and sends what fits.
  caf::reacts_to<atom::enqueue, deal_list>,
  // Internal: after the backoff of a lane, sends its parked batches again.
  caf::reacts_to<atom::retry, uint64_t>,
  // Internal: asks the commit pool whether it is short of work, and peeks
  // if so.
  caf::reacts_to<atom::pace>,
  // REFRESHER says whether the active rows leave room under what the plan
  // refreshes on time: only then are listings peeked.
  caf::reacts_to<atom::room, bool>,
  // Answers the pool's state.
  caf::replies_to<atom::stats>::with<peek_stats>>;

/// COMMIT_POOL: the heavy fetch and analytics for peek survivors.
using commit_pool_actor = caf::typed_actor<
  // Queues peek survivors for the heavy fetch.
  caf::reacts_to<atom::enqueue, std::vector<survivor>>,
  // Counts profitable rows PEEK_POOL wrote from their listing.
  caf::reacts_to<atom::completed, uint64_t>,
  // Internal: after the backoff of a lane, sends its parked batches again.
  caf::reacts_to<atom::retry, uint64_t>,
  // Internal: reads the pending rows to resume (again after a failure).
  caf::reacts_to<atom::pending>,
  // Answers the pool's state.
  caf::replies_to<atom::stats>::with<commit_stats>>;

/// LIGHT_POOL: light refreshes of stored deals.
using light_pool_actor = caf::typed_actor<
  // Queues stored deals for a light refresh in the lane of their class; a
  // deal queued already moves up to a more urgent lane, never down, and
  // one in flight in a later lane has its call raised in the bucket.
  caf::reacts_to<atom::enqueue, light_jobs, refresh_class>,
  // Internal: after the backoff of a lane, sends its parked batches again.
  caf::reacts_to<atom::retry, uint64_t>,
  // Answers the pool's state.
  caf::replies_to<atom::stats>::with<light_stats>>;

/// ROUTER: decides for each listing: payload refresh, light, peek or known.
using router_actor = caf::typed_actor<
  // Routes the deals of one /deal page.
  caf::reacts_to<atom::deal, deal_list>,
  // Looks up tracked listings and routes them (again after a failure).
  caf::reacts_to<atom::lookup, deal_list>,
  // The scout's cycle ended with this newest lastUpdate.
  caf::reacts_to<atom::cycle, keepa_minutes>,
  // Forgets which listings it routed (after a rewind).
  caf::reacts_to<atom::rewind>,
  // Answers the router's state.
  caf::replies_to<atom::stats>::with<router_stats>>;

/// SCOUT: walks the /deal query every cycle.
using scout_actor = caf::typed_actor<
  // Starts a cycle now unless one runs, or resumes a held one.
  caf::reacts_to<atom::run>,
  // The watermark was rewound to this value: a running cycle reads down to
  // it, else a cycle starts (or a held one resumes) now.
  caf::reacts_to<atom::rewind, keepa_minutes>,
  // Internal: starts the scheduled cycle (stale generations are ignored).
  caf::reacts_to<atom::wake, uint64_t>,
  // Answers the scout's state.
  caf::replies_to<atom::stats>::with<scout_stats>>;

/// REFRESHER: light-refreshes every active row whose newest fetch is older
/// than `refresh_after_hours`, and first those near the retention deadline.
using refresher_actor = caf::typed_actor<
  // Internal: runs a pass (rows near the deadline, then due rows, within
  // the refresher's share of the refill) once the token bucket has heard
  // from Keepa, and arms the next one.
  caf::reacts_to<atom::wake>,
  // Answers the refresher's state, with the capacity estimate.
  caf::replies_to<atom::stats>::with<refresher_stats>>;

/// JANITOR: deletes rows unseen for the retention period of engine-alive
/// time, and keeps that clock running while Keepa answers.
using janitor_actor = caf::typed_actor<
  // Internal: the minute tick that credits engine-alive time (and runs the
  // hourly pass when due).
  caf::reacts_to<atom::wake>,
  // Runs a retention pass now; answers the console's line.
  caf::replies_to<atom::purge>::with<std::string>,
  // Answers the janitor's state.
  caf::replies_to<atom::stats>::with<janitor_stats>>;

} // namespace keepa
