// PEEK_POOL: listings are peeked best first, with the sales history at the
// same 1 token, and what cannot be profitable even with free shipping is
// rejected before its offers are bought; nothing is peeked while the plan
// has no room to keep more rows fresh.

#include "actors/peek_pool.hpp"
#include "spend_fixture.hpp"

#include <doctest/doctest.h>

using namespace keepa;

namespace {

struct peek_fixture : test::spend_fixture {
  peek_pool_actor pool;

  void start(spend_levers levers, size_t batch = 50) {
    peek_settings settings;
    settings.batch = batch;
    settings.levers = levers;
    pool = spawn(make_peek_pool,
                 peek_links{caf::actor_cast<token_bucket_actor>(bucket),
                            caf::actor_cast<db_writer_actor>(db),
                            caf::actor_cast<commit_pool_actor>(next),
                            caf::actor_cast<watermark_actor>(next)},
                 settings, clock());
  }

  /// Lists deals whose payload says used $10 now (landed `landed_cents`,
  /// -1 for none) and `avg90_cents` as the 90-day average.
  void list(const std::vector<std::pair<std::string, int64_t>>& deals,
            int64_t landed_cents = 1000) {
    auto page = std::make_shared<std::vector<deal>>();
    for (auto& [asin, avg90] : deals) {
      deal d;
      d.asin = asin;
      d.last_update = 100;
      d.current = std::vector<int64_t>(36, -1);
      d.current[2] = 1000;
      d.current[21] = landed_cents;
      d.avg.assign(4, std::vector<int64_t>(36, -1));
      d.avg[3][2] = avg90;
      page->push_back(d);
    }
    caf::anon_send(pool, atom::enqueue_v, deal_list{page});
    run();
  }
};

} // namespace

TEST_CASE_FIXTURE(peek_fixture, "the peek reads the sales history and "
                                "rejects what cannot be profitable") {
  spend_levers levers;
  levers.listing_rows = false; // survivors go to the commit pool
  start(levers);
  catalog["A"] = test::good_product("A");       // $6.75 at best
  catalog["B"] = test::good_product("B", 1200); // sales at $12: a loss
  auto no_sales = test::good_product("C");
  no_sales.csv.assign(csv_type_count, {});
  catalog["C"] = no_sales;
  list({{"A", 3000}, {"B", 3000}, {"C", 3000}});
  REQUIRE(calls.size() == 1);
  CHECK(param(0, "history") == "1");
  CHECK(param(0, "days") == "365");
  auto r = rejections();
  REQUIRE(r.size() == 2);
  CHECK(r[0].rfind("B: cannot be profitable: -", 0) == 0);
  CHECK(r[1] == "C: cannot be profitable: no List at from its sales history");
  REQUIRE(survivors.size() == 1);
  CHECK(survivors[0].asin == "A");
  // Ranked by what the full fetch shows without a matched offer.
  CHECK(survivors[0].value == doctest::Approx(2.76));
}

TEST_CASE_FIXTURE(peek_fixture, "without the profit gate the peek is stats "
                                "only and a loss survives") {
  start(spend_levers{false, false, false, false, false, false});
  catalog["B"] = test::good_product("B", 1200);
  list({{"B", 3000}});
  REQUIRE(calls.size() == 1);
  CHECK(param(0, "history") == "0");
  CHECK(rejections().empty());
  CHECK(survivors.size() == 1);
}

TEST_CASE_FIXTURE(peek_fixture, "listings are peeked best first by their "
                                "payload, arrival order without the lever") {
  for (bool best_first : {true, false}) {
    CAPTURE(best_first);
    calls.clear();
    spend_levers levers;
    levers.best_first = best_first;
    start(levers, 1);
    for (auto a : {"L", "M", "H"})
      catalog[a] = test::good_product(a);
    // Two calls go out at once (two slots), the third after an answer.
    list({{"L", 1500}, {"M", 3000}, {"H", 6000}});
    auto order = asked();
    REQUIRE(order.size() == 3);
    if (best_first)
      CHECK(order == std::vector<std::string>{"H", "M", "L"});
    else
      CHECK(order == std::vector<std::string>{"L", "M", "H"});
  }
}

namespace {

/// The rows of every write, by ASIN.
std::map<std::string, deal_update> rows_of(const peek_fixture& f) {
  std::map<std::string, deal_update> out;
  for (auto& w : f.writes)
    for (auto& u : w.upserts)
      out[u.asin] = u;
  return out;
}

std::string text_of(const deal_update& u, column c) {
  auto* v = u.find(c);
  return v && std::holds_alternative<std::string>(*v)
           ? std::get<std::string>(*v)
           : "";
}

} // namespace

TEST_CASE_FIXTURE(peek_fixture, "a survivor with a landed listing price is "
                                "an active row at once, its offers bought "
                                "first only when its profit is thin") {
  start(spend_levers{});
  catalog["A"] = test::good_product("A"); // $6.75 at $10 landed
  catalog["T"] = test::good_product("T");
  catalog["N"] = test::good_product("N");
  catalog["L"] = test::good_product("L");
  list({{"A", 3000}});
  list({{"T", 3000}}, 1600); // $6 more: $0.45 profit, under 10 % of $16
  list({{"N", 3000}}, -1);   // no landed price
  list({{"L", 3000}}, 1800); // $8 more: a loss at the listing's price
  auto rows = rows_of(*this);
  REQUIRE(rows.count("A") == 1);
  CHECK(text_of(rows["A"], column::status) == "active");
  CHECK(text_of(rows["A"], column::price_basis) == "listing");
  CHECK(std::get<double>(*rows["A"].find(column::price_now)) == 10.0);
  CHECK(std::get<double>(*rows["A"].find(column::profit))
        == doctest::Approx(6.75));
  // T waits for its offers as pending: no board row or alert before.
  CHECK(text_of(rows["T"], column::status) == "pending");
  CHECK(std::get<double>(*rows["T"].find(column::profit))
        == doctest::Approx(0.45));
  // N waits for its heavy fetch as before.
  CHECK(text_of(rows["N"], column::status) == "pending");
  // Only T (a verify) and N (a commit) reach the commit pool.
  REQUIRE(survivors.size() == 2);
  CHECK(survivors[0].asin == "T");
  CHECK(survivors[0].verify);
  CHECK(survivors[1].asin == "N");
  CHECK_FALSE(survivors[1].verify);
  // A and T are found, and the commit pool counts them.
  CHECK(found == 2);
  // L is judged at its listing's price: a rejection, no row, no offers.
  CHECK(rows.count("L") == 0);
  auto r = rejections();
  REQUIRE(r.size() == 1);
  CAPTURE(r[0]);
  CHECK(r[0].rfind("L: not profitable at the listing's landed price: -1.", 0)
        == 0);
  // Every listing settles with its write.
  size_t settled = 0;
  for (auto& w : writes)
    settled += w.settles.size();
  CHECK(settled == 4);
}

TEST_CASE_FIXTURE(peek_fixture, "without room under what the plan refreshes "
                                "on time no listing is peeked, with room "
                                "again the waiting ones are") {
  start(spend_levers{});
  catalog["A"] = test::good_product("A");
  caf::anon_send(pool, atom::room_v, false);
  list({{"A", 3000}});
  CHECK(asked().empty());
  CHECK(rows_of(*this).empty());
  caf::anon_send(pool, atom::room_v, true);
  run();
  CHECK(asked() == std::vector<std::string>{"A"});
  CHECK(text_of(rows_of(*this)["A"], column::status) == "active");
}
