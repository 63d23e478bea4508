// The whole pipeline (ENGINE and every actor it spawns) on virtual time
// against FAKE_KEEPA, with a real SQLite file.

#include "actors/db_writer.hpp"
#include "actors/engine.hpp"
#include "io/database.hpp"
#include "model/defaults.hpp"
#include "support/deterministic_fixture.hpp"
#include "support/fake_keepa.hpp"
#include "support/process.hpp"
#include "support/sqlite_read.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <set>

using namespace keepa;
using namespace std::chrono_literals;
using keepa::test::scalar;

namespace {

// Two hours before the fixture's wall start (Keepa minute 8327520).
constexpr keepa_minutes newest_listing = 8327400;

/// `n` listings, newest first, one minute apart; odd ones are dead stock.
std::vector<deal> listings(size_t n) {
  std::vector<deal> out;
  for (size_t i = 0; i < n; ++i) {
    deal d;
    d.asin = "B" + std::string(9 - std::to_string(i).size(), '0')
             + std::to_string(i);
    d.title = "Book " + d.asin;
    d.last_update = newest_listing - static_cast<keepa_minutes>(i);
    d.current = std::vector<int64_t>(36, -1);
    d.current[2] = 1000;
    d.current[21] = 1000;
    d.current[3] = 40000;
    out.push_back(d);
  }
  return out;
}

/// Products for a request: even ASINs pass the peek, odd ones are dead.
/// With `offers`, each has one live FBA offer at its used price.
keepa_body products_for(const product_request& req) {
  bool offers = std::any_of(req.params.begin(), req.params.end(),
                            [](auto& kv) { return kv.first == "offers"; });
  keepa_body body;
  for (auto& a : req.asins) {
    auto p = test::good_product(a);
    if ((a.back() - '0') % 2 == 1)
      p.stats->sales_rank_drops365 = 0;
    if (offers) {
      offer fba;
      fba.condition = 3;
      fba.is_fba = true;
      fba.last_seen = newest_listing;
      fba.offer_csv = {newest_listing, p.stats->current[2], 0};
      p.offers.push_back(fba);
      p.live_offers_order = std::vector<int>{0};
    }
    body.products.push_back(p);
  }
  return body;
}

struct pipeline_fixture : test::deterministic_fixture {
  keepa_client_actor keepa;
  std::string db_path;
  std::vector<deal> listed = listings(200);
  /// One wall clock for every engine of a test, restarts included.
  wall_clock wall = clock();
  /// The engine's `request_timeout_s`.
  caf::timespan request_timeout = 60s;
  /// Called after every simulated second of run_once.
  std::function<void()> each_second = [] {};
  /// The engine's spending levers.
  spend_levers levers;

  pipeline_fixture() {
    db_path = test::fresh_dir("pipeline") + "/deals.db";
    keepa = spawn(test::make_fake_keepa);
    run();
    fake().balance = 1000;
    fake().rate = 20;
    fake().products = products_for;
    fake().deals = [this](const deal_request& req) {
      keepa_body body;
      body.deals = deal_page{};
      auto begin = std::min(listed.size(), static_cast<size_t>(req.page) * 150);
      auto end = std::min(listed.size(), begin + 150);
      body.deals->deals.assign(listed.begin() + static_cast<long>(begin),
                               listed.begin() + static_cast<long>(end));
      return body;
    };
  }

  test::fake_keepa_state& fake() {
    return state_of<test::fake_keepa_state>(keepa);
  }

  /// Runs the engine with --once; returns true when it stopped cleanly.
  bool run_once(caf::timespan limit = 30min) {
    engine_options o;
    o.client = keepa;
    o.selection = R"({"sortType": 1, "page": 0})";
    o.db_path = db_path;
    o.once = true;
    o.levers = levers;
    o.detached_db = false;
    o.now_ms = wall;
    o.request_timeout = request_timeout;
    auto engine = spawn(make_engine, o);
    auto stopped = std::make_shared<bool>(false);
    auto reason = std::make_shared<caf::error>();
    caf::actor_cast<caf::abstract_actor*>(engine)->attach_functor(
      [stopped, reason](const caf::error& err) {
        *stopped = true;
        *reason = err;
      });
    for (auto t = caf::timespan{0}; t < limit && !*stopped; t += 1s) {
      advance(1s);
      each_second();
    }
    return *stopped && !*reason;
  }

  /// Spawns a long-running engine (no --once).
  engine_actor start_engine() {
    engine_options o;
    o.client = keepa;
    o.selection = R"({"sortType": 1, "page": 0})";
    o.db_path = db_path;
    o.levers = levers;
    o.detached_db = false;
    o.now_ms = wall;
    return spawn(make_engine, o);
  }

  /// Runs one console command and returns its answer.
  std::string command(const engine_actor& engine, const std::string& line) {
    auto h = (*self)->request(engine, caf::infinite, atom::command_v, line);
    run();
    std::string out = "<no answer>";
    h.receive([&](const std::string& answer) { out = answer; },
              [&](const caf::error& err) { out = to_string(err); });
    return out;
  }

  size_t count_of(const std::string& call) {
    return static_cast<size_t>(
      std::count(fake().log.begin(), fake().log.end(), call));
  }

  size_t calls_of(const std::string& prefix) {
    return static_cast<size_t>(
      std::count_if(fake().log.begin(), fake().log.end(),
                    [&](auto& s) { return s.rfind(prefix, 0) == 0; }));
  }
};

/// An active row written by an earlier run: ASIN `prefix` and `i` in ten
/// characters, last seen at `seen`, last fully fetched at `fetched`.
deal_update stored(char prefix, int i, const std::string& seen,
                   const std::string& fetched) {
  deal_update u;
  u.asin = prefix + std::string(9 - std::to_string(i).size(), '0')
           + std::to_string(i);
  u.set(column::title, std::string{"Old " + u.asin});
  u.set(column::status, std::string{to_string(deal_status::active)});
  u.set(column::list_at, 30.0);
  u.set(column::price_now, 10.0);
  u.set(column::first_seen_utc, std::string{"2026-10-20T00:00:00Z"});
  u.set(column::last_seen_utc, seen);
  u.set(column::last_full_fetch_utc, fetched);
  return u;
}

} // namespace

TEST_CASE_FIXTURE(pipeline_fixture, "--once accounts for every listed deal, "
                                    "offers bought for every row") {
  levers.listing_rows = false;
  REQUIRE(run_once());
  // 200 listings on two pages; 100 pass the peek and are committed.
  CHECK(calls_of("deal:") == 2);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = 'active'")
        == 100);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM rejections") == 100);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = "
                        "'pending'")
        == 0);
  // Invariant 1: deals and rejections account for every listing.
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM (SELECT asin FROM deals UNION "
                        "SELECT asin FROM rejections)")
        == 200);
  // Invariant 2: the watermark reached the newest durable listing.
  CHECK(scalar(db_path, "SELECT value FROM system_state WHERE key = "
                        "'watermark'")
        == newest_listing);
  // Peeks of at most 50 ASINs (1 token each); commits of at most 5.
  CHECK(count_of("product:50") == 4);
  CHECK(count_of("product:5") == 20);
  CHECK(fake().http_429 == 0);
  CHECK(fake().lowest >= defaults::deficit_floor);
}

TEST_CASE_FIXTURE(pipeline_fixture, "--once with listing rows (the "
                                    "default): the survivors are active "
                                    "from their listing, no offers bought") {
  REQUIRE(run_once());
  // 100 pass the peek, each with a profit no price move since erases.
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = 'active' "
                        "AND price_basis = 'listing' AND profit > 0")
        == 100);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM rejections") == 100);
  CHECK(scalar(db_path, "SELECT value FROM system_state WHERE key = "
                        "'watermark'")
        == newest_listing);
  // Four peeks and nothing else.
  CHECK(count_of("product:50") == 4);
  CHECK(calls_of("product:") == 4);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a lastUpdate more than a day past "
                                    "Keepa's clock does not move the "
                                    "watermark") {
  // Keepa's clock says the fixture's start (minute 8327520); one listing
  // claims ten days later.
  listed[5].last_update = 8327520 + 10 * 24 * 60;
  REQUIRE(run_once());
  CHECK(scalar(db_path, "SELECT value FROM system_state WHERE key = "
                        "'watermark'")
        == newest_listing);
  // The listing itself is still judged (odd: dead stock).
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM rejections WHERE asin = "
                        "'B000000005'")
        == 1);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a call slower than 75 s but within "
                                    "request_timeout_s is waited for, not "
                                    "paid twice") {
  levers.listing_rows = false; // commits too are slow
  request_timeout = 120s;
  fake().product_delay = 100s;
  REQUIRE(run_once(3h));
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = 'active'")
        == 100);
  // 4 peeks and 20 commits, each sent once.
  CHECK(calls_of("product:") == 24);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a second --once refreshes from the "
                                    "payload instead of buying again") {
  REQUIRE(run_once());
  auto products_before = calls_of("product:");
  listed[0].current[2] = listed[0].current[21] = 900; // one price moved
  listed[0].last_update += 5;
  REQUIRE(run_once());
  CHECK(calls_of("product:") == products_before);
  CHECK(scalar(db_path, "SELECT CAST(price_now * 100 AS INTEGER) FROM deals "
                        "WHERE asin = 'B000000000'")
        == 900);
  CHECK(scalar(db_path, "SELECT keepa_last_update FROM deals WHERE asin = "
                        "'B000000000'")
        == newest_listing + 5);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a pending survivor resumes "
                                    "with its commit, never peeked again") {
  {
    database db{db_path};
    deal_update u;
    u.asin = "B000000002";
    u.set(column::status, std::string{to_string(deal_status::pending)})
      .set(column::keepa_last_update, newest_listing - 2)
      .set(column::first_seen_utc, std::string{"2026-10-31T00:00:00Z"});
    db.upsert(u);
  }
  listed = {};
  REQUIRE(run_once());
  CHECK(count_of("deal:0") == 1);
  CHECK(count_of("product:1") == 1);
  CHECK(calls_of("product:") == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = 'active'")
        == 1);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a survivor gone by its heavy fetch is "
                                    "rejected, neither active nor resumed") {
  // B000000000 passes its peek; the heavy fetch (offers) finds it gone.
  levers.listing_rows = false;
  fake().products = [](const product_request& req) {
    auto body = products_for(req);
    bool heavy = std::any_of(req.params.begin(), req.params.end(),
                             [](auto& kv) { return kv.first == "offers"; });
    for (auto& p : body.products)
      if (heavy && p.asin == "B000000000") {
        p.product_type = 4;
        p.stats.reset();
      }
    return body;
  };
  REQUIRE(run_once());
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin = "
                        "'B000000000'")
        == 0);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM rejections WHERE asin = "
                        "'B000000000' AND reason = 'no stats in the heavy "
                        "fetch'")
        == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = 'active'")
        == 99);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE status = "
                        "'pending'")
        == 0);
}

TEST_CASE_FIXTURE(pipeline_fixture, "failed calls are retried and nothing "
                                    "listed is lost") {
  fake().fail = true;
  each_second = [this] {
    if (fake().log.size() > 6)
      fake().fail = false;
  };
  REQUIRE(run_once(2h));
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM (SELECT asin FROM deals UNION "
                        "SELECT asin FROM rejections)")
        == 200);
  CHECK(scalar(db_path, "SELECT value FROM system_state WHERE key = "
                        "'watermark'")
        == newest_listing);
}

TEST_CASE_FIXTURE(pipeline_fixture, "every console command answers as "
                                    "documented") {
  auto engine = start_engine();
  advance(10s);
  auto dump = command(engine, "dump");
  for (auto key :
       {"\"tokens\":{\"balance\":", "\"refill_per_min\":20",
        "\"next_refill_ms\":", "\"waiting\":", "\"consumed_total\":",
        "\"http_429_total\":0", "\"watermark\":{\"keepa_minutes\":8327400",
        "\"iso\":\"", "\"peek\":{\"queued\":0", "\"rejected_total\":100",
        "\"commit\":{", "\"light\":{", "\"db\":{\"rows\":100",
        "\"pending_writes\":", "\"written_total\":",
        "\"janitor\":{\"deleted_total\":0", "\"last_run_iso\":null"}) {
    CAPTURE(key);
    CHECK(dump.find(key) != std::string::npos);
  }
  CHECK(dump.find('\n') == std::string::npos);
  CHECK(command(engine, "dump tokens").rfind("{\"tokens\":{", 0) == 0);
  CHECK(command(engine, "dump nothing").rfind("error:", 0) == 0);
  CHECK(command(engine, "status").find("100 active") != std::string::npos);
  CHECK(command(engine, "pause").rfind("ok:", 0) == 0);
  CHECK(command(engine, "status").find("PAUSED") != std::string::npos);
  CHECK(command(engine, "resume").rfind("ok:", 0) == 0);
  CHECK(command(engine, "rewind 2")
        == "ok: watermark rewound 2 h to "
             + keepa_minutes_iso(newest_listing - 120));
  CHECK(command(engine, "rewind two").rfind("error:", 0) == 0);
  CHECK(command(engine, "refresh NOPE").rfind("error:", 0) == 0);
  CHECK(command(engine, "refresh B000000000")
        == "ok: light refresh of B000000000 queued");
  CHECK(command(engine, "mark NOPE watch")
        == "error: NOPE is not in the database");
  CHECK(command(engine, "mark B000000000 dismissed")
        == "ok: B000000000 marked dismissed");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin = "
                        "'B000000000' AND mark = 'dismissed'")
        == 1);
  CHECK(command(engine, "mark B000000000 none") == "ok: B000000000 unmarked");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE mark IS NOT NULL")
        == 0);
  CHECK(command(engine, "janitor") == "ok: janitor deleted 0 rows");
  auto unknown = command(engine, "frobnicate");
  CHECK(unknown.rfind("error:", 0) == 0);
  CHECK(unknown.find("rewind HOURS") != std::string::npos);
  CHECK(command(engine, "quit") == "ok: stopping");
}

TEST_CASE_FIXTURE(pipeline_fixture, "the janitor deletes nothing while "
                                    "ingestion is stalled, does not count "
                                    "the stall, and deletes rows Keepa no "
                                    "longer knows once it has looked for "
                                    "the retention period") {
  auto engine = start_engine();
  advance(10s);
  REQUIRE(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  fake().fail = true;
  // Four days without a successful response: every row is past retention.
  advance(96h, 10min);
  CHECK(command(engine, "janitor").rfind("error: janitor deleted nothing", 0)
        == 0);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  CHECK(command(engine, "status").find("stalled") != std::string::npos);
  fake().fail = false;
  listed = {};
  // The products are gone (Keepa answers productType 4, no stats): the
  // refresher must not keep them alive.
  fake().products = [](const product_request& req) {
    keepa_body body;
    for (auto& a : req.asins) {
      product p;
      p.asin = a;
      p.product_type = 4;
      body.products.push_back(p);
    }
    return body;
  };
  advance(10min, 1s);
  // The four days without Keepa do not count toward retention.
  CHECK(command(engine, "janitor") == "ok: janitor deleted 0 rows");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  // After 71 h of engine-alive time they stay; by 73 h, with every
  // refresh answered "unknown product", the hourly passes deleted them.
  advance(71h, 1min);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  advance(2h, 1min);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 0);
  CHECK(command(engine, "dump janitor").find("\"deleted_total\":100")
        != std::string::npos);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a crashed actor restarts the pipeline "
                                    "within the restart budget") {
  auto engine = start_engine();
  advance(10s);
  auto& st = state_of<engine_state>(engine);
  auto old_peek = st.actors.peek;
  caf::anon_send_exit(old_peek.address(),
                      caf::exit_reason::unhandled_exception);
  advance(1s);
  CHECK(st.restarts.size() == 1);
  CHECK(st.phase == engine_phase::running);
  CHECK(st.actors.peek != old_peek);
  CHECK(st.alive->size() == 11);
  CHECK(command(engine, "status").find("100 active") != std::string::npos);
  // Past the budget the engine gives up and stops with an error.
  for (int i = 0; i < 5; ++i) {
    caf::anon_send_exit(st.actors.scout.address(),
                        caf::exit_reason::unhandled_exception);
    advance(1s);
  }
  CHECK(st.phase == engine_phase::closing);
}

TEST_CASE_FIXTURE(pipeline_fixture, "the refresher refreshes rows fetched "
                                    "longer than refresh_after_hours ago, "
                                    "oldest first") {
  auto engine = start_engine();
  advance(10s);
  {
    database db{db_path};
    deal_update old;
    old.asin = "B000000000";
    old.set(column::last_full_fetch_utc, std::string{"2026-10-30T20:00:00Z"});
    old.set(column::last_light_fetch_utc, std::string{"2026-10-30T20:00:00Z"});
    db.upsert(old);
    deal_update older = old;
    older.asin = "B000000002";
    older.set(column::last_full_fetch_utc, std::string{"2026-10-30T10:00:00Z"});
    older.set(column::last_light_fetch_utc,
              std::string{"2026-10-30T10:00:00Z"});
    db.upsert(older);
  }
  listed = {};
  auto before = fake().product_asins.size();
  advance(11min, 1s);
  // The due rows in one light call, the oldest fetch first (spare tokens
  // then refresh the pipeline's own rows too).
  REQUIRE(fake().product_asins.size() >= before + 1);
  CHECK(fake().product_asins[before]
        == std::vector<std::string>{"B000000002", "B000000000"});
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin IN "
                        "('B000000000', 'B000000002') AND "
                        "last_light_fetch_utc IS NOT NULL")
        == 2);
  // 20 tokens/min × 60 × 72 h at 1 token per light refresh.
  CHECK(command(engine, "dump refresher").find("\"capacity\":86400")
        != std::string::npos);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a price drop on refresh is an event, an "
                                    "unchanged price is not") {
  REQUIRE(run_once());
  listed[0].current[2] = listed[0].current[21] = 500; // $10.00 -> $5.00
  listed[0].last_update += 10;
  listed[2].last_update += 10; // seen again, same price
  REQUIRE(run_once());
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM events") == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM events WHERE asin = "
                        "'B000000000' AND kind = 'price_drop' AND "
                        "new_price = 5.0 AND old_price = 10.0")
        == 1);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a drop listed on /deal is one event, "
                                    "though the row is due a light refresh "
                                    "that sees the same price") {
  REQUIRE(run_once());
  // Fetched two days ago: the router also queues a light refresh.
  {
    database db{db_path};
    deal_update old;
    old.asin = "B000000000";
    old.mode = write_mode::update_only;
    old.set(column::last_full_fetch_utc, std::string{"2026-10-30T00:00:00Z"});
    db.upsert(old);
  }
  listed[0].current[2] = listed[0].current[21] = 500; // $10.00 -> $5.00,
                                                      // and Keepa agrees
  listed[0].last_update += 10;
  fake().products = [](const product_request& req) {
    auto body = products_for(req);
    for (auto& p : body.products)
      if (p.asin == "B000000000")
        p.stats->current[2] = p.stats->current[21] = 500;
    return body;
  };
  REQUIRE(run_once());
  // The light refresh ran, and found the price the page had written.
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin = "
                        "'B000000000' AND last_light_fetch_utc IS NOT NULL")
        == 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM events") == 1);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a refresh of a row deleted while it "
                                    "was in flight is dropped and counted, "
                                    "never written as a new row") {
  auto engine = start_engine();
  advance(10s);
  REQUIRE(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin = "
                          "'B000000000'")
          == 1);
  listed = {};
  CHECK(command(engine, "pause").rfind("ok:", 0) == 0);
  CHECK(command(engine, "refresh B000000000")
        == "ok: light refresh of B000000000 queued");
  // The janitor (or anyone) deletes the row while its refresh waits.
  {
    database db{db_path};
    REQUIRE(db.delete_expired(0, -1) > 0);
  }
  CHECK(command(engine, "resume") == "ok: resumed");
  advance(10s);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 0);
  CHECK(command(engine, "dump db").find("\"dropped_refreshes_total\":1")
        != std::string::npos);
}

TEST_CASE_FIXTURE(pipeline_fixture, "refreshes of rows near the retention "
                                    "deadline never starve behind a peek "
                                    "backlog or routine refreshes") {
  // 100 active rows last seen and fetched 70 h ago, two hours from
  // deletion, and 200 listed on /deal whose light data is 30 h old.
  listed = listings(3000);
  {
    database db{db_path};
    for (int i = 0; i < 100; ++i)
      db.upsert(stored('C', i, "2026-10-29T02:00:00Z", "2026-10-29T02:00:00Z"));
    for (int i = 0; i < 200; ++i) {
      auto u = stored('D', i, "2026-10-31T23:00:00Z", "2026-10-30T18:00:00Z");
      db.upsert(u);
      deal d = listed[static_cast<size_t>(i)];
      d.asin = u.asin;
      listed.insert(listed.begin() + i, d);
    }
  }
  // A peek backlog far beyond the plan: 3,000 new deals.
  fake().balance = 0;
  auto engine = start_engine();
  auto refreshed = [&] {
    return scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin LIKE 'C%' "
                           "AND last_light_fetch_utc IS NOT NULL");
  };
  advance(30min, 1s);
  // All refreshed while the backlog is still there.
  CHECK(refreshed() == 100);
  CHECK(command(engine, "status").find("peek 0+0") == std::string::npos);
  advance(60min, 1s);
  // Past the old rows' deadline: none deleted.
  advance(60min, 1s);
  CHECK(command(engine, "janitor").rfind("ok:", 0) == 0);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin LIKE 'C%'")
        == 100);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a restart after four days off deletes "
                                    "nothing Keepa still knows, in a long "
                                    "run and in --once") {
  auto engine = start_engine();
  advance(10s);
  REQUIRE(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  caf::anon_send_exit(engine, caf::exit_reason::user_shutdown);
  advance(10s);
  // Four days switched off; Keepa still lists nothing new.
  listed = {};
  advance(96h, 1h);
  engine = start_engine();
  advance(10s);
  CHECK(command(engine, "janitor") == "ok: janitor deleted 0 rows");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  caf::anon_send_exit(engine, caf::exit_reason::user_shutdown);
  advance(10s);
  advance(96h, 1h);
  REQUIRE(run_once());
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a crash and restart in the middle of a "
                                    "long Keepa outage does not count the "
                                    "outage toward retention") {
  auto engine = start_engine();
  advance(10s);
  REQUIRE(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  fake().fail = true;
  advance(40h, 10min);
  // A crash restarts the pipeline: its new token bucket has never had a
  // reply, and must not count the rest of the outage as alive time.
  auto& st = state_of<engine_state>(engine);
  caf::anon_send_exit(st.actors.peek.address(),
                      caf::exit_reason::unhandled_exception);
  advance(1s);
  REQUIRE(st.restarts.size() == 1);
  advance(40h, 10min);
  fake().fail = false;
  listed = {};
  advance(20min, 1s);
  CHECK(command(engine, "janitor") == "ok: janitor deleted 0 rows");
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals") == 100);
  CHECK(command(engine, "dump janitor").find("\"alive_hours\":0.")
        != std::string::npos);
}

TEST_CASE_FIXTURE(pipeline_fixture, "a new user's due rows are refreshed "
                                    "within a minute of the start") {
  // 200 rows fetched 30 h ago (due at 24 h), none on /deal; a 60 tokens/min
  // plan with 1,200 tokens in hand.
  fake().rate = 60;
  fake().balance = 1200;
  listed = {};
  {
    database db{db_path};
    for (int i = 0; i < 200; ++i)
      db.upsert(stored('C', i, "2026-10-30T18:00:00Z", "2026-10-30T18:00:00Z"));
  }
  auto engine = start_engine();
  advance(1min, 1s);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE "
                        "last_light_fetch_utc IS NOT NULL")
        == 200);
  CHECK(command(engine, "dump refresher").find("\"queued_total\":200")
        != std::string::npos);
}

TEST_CASE_FIXTURE(pipeline_fixture, "verify ASIN buys the offers of a row "
                                    "priced from its listing") {
  auto engine = start_engine();
  advance(10s);
  REQUIRE(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE price_basis = "
                          "'listing'")
          == 100);
  auto commits = calls_of("product:");
  CHECK(command(engine, "verify B000000000")
        == "ok: offers of B000000000 queued");
  CHECK(command(engine, "verify B999999999")
        == "error: B999999999 is not in the database");
  advance(10s);
  CHECK(calls_of("product:") == commits + 1);
  CHECK(scalar(db_path, "SELECT COUNT(*) FROM deals WHERE asin = "
                        "'B000000000' AND price_basis = 'offers' AND "
                        "last_full_fetch_utc IS NOT NULL")
        == 1);
  CHECK(command(engine, "dump commit").find("\"verified_total\":1")
        != std::string::npos);
}
