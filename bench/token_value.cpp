// Profitable deals per token: the engine against an oracle.
//
// The oracle reads the same mock (same seed, same hours) with unlimited
// tokens: it sweeps /deal every two minutes as the scout does and buys a
// full fetch (stats, history, offers) of every listing the moment it
// appears. The listings the engine's own analytics call profitable there
// (profit > 0) are the truth for the window. Then the real engine runs on
// CAF's deterministic scheduler against the in-process mock at each plan,
// once in arrival order (every spending lever off, the engine before the
// token-economy change), once with each lever alone, and once with all of
// them, and is scored against the oracle. Every row the engine shows
// profitable is checked against a full fetch of the same product at the
// moment its price is from: its price against the landed price of the
// cheapest live used offer, its List at and profit against the analytics.
//
// usage: bench_token_economy value [hours] [deal_rate_per_hour] [plans...]

#include "virtual_engine.hpp"

#include "io/keepa_api.hpp"
#include "model/analytics.hpp"
#include "model/deal_rows.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <vector>

namespace {

using namespace keepa;
using bench::number;
using bench::t0;

constexpr int64_t minute_ms = 60000;
constexpr const char* selection = R"({"domainId": 1, "priceTypes": [2],
  "sortType": 1, "dateRange": 3, "page": 0})";

/// The mock both sides read: the same catalog and deals for one seed.
mock::options mock_options(int64_t rate, int deal_rate) {
  mock::options o;
  o.refill_rate = rate;
  o.initial_tokens = 100;
  o.products = 20000;
  o.deal_rate = deal_rate;
  return o;
}

/// The oracle's verdict: the profit of each listed ASIN's full fetch at
/// its first listing in the window, and when it was listed.
struct oracle {
  std::map<std::string, double> profit; // every listed ASIN with a profit
  std::map<std::string, int64_t> listed_ms;
  size_t listings = 0;

  bool profitable(const std::string& asin) const {
    auto i = profit.find(asin);
    return i != profit.end() && i->second > 0;
  }
};

/// The profit cell of a row; nullopt when NULL.
std::optional<double> profit_of(const deal_update& row) {
  auto c = row.find(column::profit);
  if (c && std::holds_alternative<double>(*c))
    return std::get<double>(*c);
  return std::nullopt;
}

/// The same mock with unlimited tokens, answering at `now`.
struct unlimited_keepa {
  int64_t now = t0;
  test::in_process_keepa_state keepa;

  explicit unlimited_keepa(int deal_rate) {
    auto opts = mock_options(1000000000, deal_rate);
    opts.initial_tokens = int64_t{1} << 40;
    keepa.keepa = std::make_shared<mock::handler>(opts, t0);
    keepa.now_ms = [this] { return now; };
  }
  unlimited_keepa(const unlimited_keepa&) = delete;
  unlimited_keepa& operator=(const unlimited_keepa&) = delete;
};

/// Full fetches of `asins` at `now` through the production request and
/// parser, as the commit pool asks for them.
std::vector<product> full_fetch(test::in_process_keepa_state& keepa,
                                const std::vector<std::string>& asins) {
  std::vector<product> out;
  for (size_t k = 0; k < asins.size(); k += 100) {
    product_request req;
    req.asins.assign(asins.begin() + static_cast<long>(k),
                     asins.begin()
                       + static_cast<long>(std::min(k + 100, asins.size())));
    req.params
      = {{"stats", "365"}, {"history", "1"}, {"offers", "20"}, {"days", "365"}};
    auto r = keepa.call(endpoint::product,
                        make_product_request(keepa.api, req));
    if (r.body)
      out.insert(out.end(), r.body->products.begin(), r.body->products.end());
  }
  return out;
}

/// Sweeps /deal every two minutes over `hours` with unlimited tokens and
/// fetches each new listing in full at once.
oracle run_oracle(int hours, int deal_rate, const fee_settings& fees) {
  unlimited_keepa unlimited{deal_rate};
  auto& now = unlimited.now;
  auto& keepa = unlimited.keepa;
  oracle out;
  keepa_minutes newest = -1;
  for (; now <= t0 + hours * 60 * minute_ms; now += 2 * minute_ms) {
    std::vector<std::string> fresh;
    keepa_minutes sweep_newest = newest;
    for (int page = 0;; ++page) {
      std::string error;
      auto req = make_deal_request(keepa.api, {selection, page}, error);
      auto r = keepa.call(endpoint::deal, *req);
      if (!r.body || !r.body->deals || r.body->deals->deals.empty())
        break;
      bool older = false;
      for (auto& d : r.body->deals->deals) {
        if (d.last_update <= newest) {
          older = true;
          continue;
        }
        sweep_newest = std::max(sweep_newest, d.last_update);
        ++out.listings;
        if (out.listed_ms.emplace(d.asin, now).second)
          fresh.push_back(d.asin);
      }
      if (older)
        break;
    }
    newest = sweep_newest;
    for (auto& p : full_fetch(keepa, fresh))
      if (has_live_data(p))
        if (auto profit = profit_of(full_row(p, -1, now, fees)))
          out.profit.emplace(p.asin, *profit);
  }
  return out;
}

/// One engine run at one plan with one set of levers, scored.
struct run_result {
  std::string name;
  int64_t tokens = 0;
  std::map<std::string, double> shown; // active rows with profit > 0
  double first10_min = -1;
  double first50_min = -1;
  std::vector<double> first_hour;
  size_t payload_rejected = 0;
  size_t gate_rejected = 0;
  size_t lost_to_payload = 0; // payload rejections the oracle calls profitable
  size_t lost_to_gate = 0;
  size_t peeked = 0;
  size_t committed = 0;
  /// Tokens spent on /deal pages, peeks and commits.
  double page_tokens = 0;
  double peek_tokens = 0;
  double commit_tokens = 0;
  /// Shown rows checked against the cheapest live landed used offer at
  /// the moment their price is from, and against a full fetch at the end
  /// of the run (still profitable now).
  struct truth_count {
    size_t checked = 0;
    size_t price_off = 0; // beyond a cent
    size_t profitable_now = 0;
  };
  /// By price_basis: listing, offers, stats, none.
  std::map<std::string, truth_count> truth;
  size_t analytics_off = 0; // list_at, profit or margin off a full fetch
  size_t verified = 0;      // verify commits, and those that turned
  size_t verify_changed = 0;
  size_t end_ms = 0;
};

/// Rows of a query on the run's database, one callback per row.
template <class F>
void each_row(const std::string& db_path, const char* sql, F f) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK)
    while (sqlite3_step(stmt) == SQLITE_ROW)
      f(stmt);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

std::string text(sqlite3_stmt* s, int i) {
  auto p = sqlite3_column_text(s, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

/// The landed price (item plus shipping, cents) of the cheapest live used
/// offer of `p`; -1 without one.
int64_t cheapest_landed_used(const product& p, keepa_minutes now) {
  int64_t best = -1;
  for (auto* o : live_offers(p, now)) {
    auto& csv = o->offer_csv;
    if (o->condition < 2 || o->condition > 5 || csv.size() < 3)
      continue;
    auto landed = csv[csv.size() - 2] + std::max<int64_t>(0, csv.back());
    if (best < 0 || landed < best)
      best = landed;
  }
  return best;
}

/// Checks every shown row against a full fetch at the moment its price is
/// from (price_basis_utc, for a listing the end of its lastUpdate minute;
/// for a row without one, when it was last seen):
/// its price against the landed price of the cheapest live used offer
/// then, per basis. For a row priced by its full fetch and not refreshed
/// since, also list_at, profit and margin against the analytics of that
/// fetch, within a cent; for one priced from its listing, list_at against
/// a full fetch at its peek. Then whether a full fetch at the end of the
/// run still finds it profitable.
void check_truth(run_result& out, const std::string& db_path, int deal_rate,
                 const fee_settings& fees) {
  unlimited_keepa unlimited{deal_rate};
  auto& now = unlimited.now;
  auto& keepa = unlimited.keepa;
  each_row(
    db_path,
    "SELECT asin, price_now, list_at, profit, margin, "
    "last_full_fetch_utc, last_seen_utc, price_basis, "
    "price_basis_utc, last_light_fetch_utc FROM deals WHERE status = "
    "'active' AND profit > 0",
    [&](sqlite3_stmt* s) {
      auto basis_name = text(s, 7).empty() ? "none" : text(s, 7);
      auto& basis = out.truth[basis_name];
      auto at = text(s, 8).empty() ? text(s, 6) : text(s, 8);
      now = parse_iso_utc_ms(at);
      // A listing's lastUpdate is a Keepa minute: the price is as
      // Keepa saw it within that minute, so as of its end.
      if (basis_name == "listing")
        now += minute_ms - 1;
      auto found = full_fetch(keepa, {text(s, 0)});
      ++basis.checked;
      if (found.empty()) {
        ++basis.price_off;
        return;
      }
      auto landed = cheapest_landed_used(found[0], to_keepa_minutes(now));
      if (landed < 0
          || std::abs(static_cast<double>(landed) / 100.0
                      - sqlite3_column_double(s, 1))
               > 0.01)
        ++basis.price_off;
      auto same = [&](const deal_update& row, column c, int i) {
        auto cell = row.find(c);
        return cell && std::holds_alternative<double>(*cell)
               && std::abs(std::get<double>(*cell)
                           - sqlite3_column_double(s, i))
                    <= 0.01;
      };
      if (basis_name == "offers" && text(s, 5) == at) {
        auto row = full_row(found[0], -1, now, fees);
        if (!same(row, column::list_at, 2) || !same(row, column::profit, 3)
            || !same(row, column::margin, 4))
          ++out.analytics_off;
      } else if (basis_name == "listing" && !text(s, 9).empty()) {
        now = parse_iso_utc_ms(text(s, 9));
        auto peeked = full_fetch(keepa, {text(s, 0)});
        if (peeked.empty()
            || !same(full_row(peeked[0], -1, now, fees), column::list_at, 2))
          ++out.analytics_off;
      }
      now = static_cast<int64_t>(out.end_ms);
      auto end = full_fetch(keepa, {text(s, 0)});
      if (!end.empty() && has_live_data(end[0]))
        if (auto profit = profit_of(full_row(end[0], -1, now, fees));
            profit && *profit > 0)
          ++basis.profitable_now;
    });
}

run_result run_engine(const std::string& name, int64_t rate, int hours,
                      int deal_rate, spend_levers levers,
                      double verify_move_per_hour, const oracle& truth) {
  run_result out;
  out.name = name;
  auto dir = std::filesystem::temp_directory_path() / "keepa-bench-value";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto db_path = (dir / "deals.db").string();

  engine_options o;
  o.selection = selection;
  o.db_path = db_path;
  o.levers = levers;
  o.verify_move_per_hour = verify_move_per_hour;
  {
    bench::virtual_engine run{mock_options(rate, deal_rate), o};
    for (int minute = 1; minute <= hours * 60; ++minute) {
      run.run_seconds(60);
      if (out.first50_min >= 0 && minute > 60)
        continue;
      std::vector<double> profits;
      each_row(db_path,
               "SELECT profit FROM deals WHERE status = 'active' AND "
               "profit > 0",
               [&](sqlite3_stmt* s) {
                 profits.push_back(sqlite3_column_double(s, 0));
               });
      if (profits.size() >= 10 && out.first10_min < 0)
        out.first10_min = minute;
      if (profits.size() >= 50 && out.first50_min < 0)
        out.first50_min = minute;
      if (minute == 60)
        out.first_hour = profits;
    }
    auto d = run.dump();
    out.peeked = static_cast<size_t>(number(d, "peek", "done_total")
                                     + number(d, "peek", "rejected_total"));
    out.committed = static_cast<size_t>(number(d, "commit", "done_total"));
    out.page_tokens = number(d, "tokens", "consumed_by_kind", "deal_page");
    out.peek_tokens = number(d, "tokens", "consumed_by_kind", "peek");
    out.commit_tokens = number(d, "tokens", "consumed_by_kind", "commit");
    out.verified = static_cast<size_t>(number(d, "commit", "verified_total"));
    out.verify_changed
      = static_cast<size_t>(number(d, "commit", "verify_changed_total"));
    out.tokens = run.keepa->stats(run.clock()()).tokens_consumed;
    out.end_ms = static_cast<size_t>(run.clock()());
  }

  each_row(db_path,
           "SELECT asin, profit FROM deals WHERE status = 'active' AND "
           "profit > 0",
           [&](sqlite3_stmt* s) {
             out.shown.emplace(text(s, 0), sqlite3_column_double(s, 1));
           });
  each_row(db_path, "SELECT asin, reason FROM rejections",
           [&](sqlite3_stmt* s) {
             auto reason = text(s, 1);
             bool payload = reason.rfind("deal payload:", 0) == 0;
             bool gate = reason.rfind("cannot be profitable", 0) == 0;
             out.payload_rejected += payload;
             out.gate_rejected += gate;
             if (truth.profitable(text(s, 0))) {
               out.lost_to_payload += payload;
               out.lost_to_gate += gate;
             }
           });
  check_truth(out, db_path, deal_rate, o.fees);
  return out;
}

double recall(const run_result& r, const oracle& truth,
              size_t truth_profitable) {
  size_t hit = 0;
  for (auto& [asin, profit] : r.shown)
    hit += truth.profitable(asin);
  return truth_profitable
           ? static_cast<double>(hit) / static_cast<double>(truth_profitable)
           : 0;
}

double precision(const run_result& r, const oracle& truth) {
  size_t hit = 0;
  for (auto& [asin, profit] : r.shown)
    hit += truth.profitable(asin);
  return r.shown.empty()
           ? 0
           : static_cast<double>(hit) / static_cast<double>(r.shown.size());
}

double per_profitable(const run_result& r) {
  return r.shown.empty() ? 0
                         : static_cast<double>(r.tokens)
                             / static_cast<double>(r.shown.size());
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0
                   : std::accumulate(v.begin(), v.end(), 0.0)
                       / static_cast<double>(v.size());
}

/// The mean of the `n` best profits the oracle saw listed in the first hour.
double oracle_best_first_hour(const oracle& truth, size_t n) {
  std::vector<double> best;
  for (auto& [asin, profit] : truth.profit)
    if (profit > 0 && truth.listed_ms.at(asin) <= t0 + 60 * minute_ms)
      best.push_back(profit);
  std::sort(best.rbegin(), best.rend());
  best.resize(std::min(n, best.size()));
  return mean(best);
}

/// Tokens per profitable deal if every token went to a listing's share of
/// its /deal page (5 tokens for 150) plus one peek per listing judged: the
/// price of judging a listing over the share of listings that are profitable.
double physical_limit(const oracle& truth, size_t truth_profitable) {
  return truth_profitable
           ? (1.0 + 5.0 / 150.0) * static_cast<double>(truth.listed_ms.size())
               / static_cast<double>(truth_profitable)
           : 0;
}

/// "listing: 0 off, 812 of 830 now; offers: ..." for each basis checked.
std::string truth_text(const run_result& r) {
  std::string out;
  for (auto& [basis, t] : r.truth)
    out += (out.empty() ? "" : "; ") + basis + ": "
           + std::to_string(t.price_off) + " off, "
           + std::to_string(t.profitable_now) + " of "
           + std::to_string(t.checked) + " now";
  return out;
}

std::string minutes(double m) {
  return m < 0 ? std::string{"never"} : std::to_string(static_cast<int>(m));
}

} // namespace

int run_value_bench(int argc, char** argv) {
  int hours = argc > 2 ? std::atoi(argv[2]) : 6;
  int deal_rate = argc > 3 ? std::atoi(argv[3]) : 1000;
  std::vector<int64_t> plans;
  for (int k = 4; k < argc; ++k)
    plans.push_back(std::atoll(argv[k]));
  if (plans.empty())
    plans = {5, 20, 100};
  spdlog::set_level(spdlog::level::off);
  fee_settings fees;
  auto truth = run_oracle(hours, deal_rate, fees);
  size_t truth_profitable = 0;
  for (auto& [asin, profit] : truth.profit)
    truth_profitable += profit > 0;
  std::printf("oracle: %zu listings of %zu ASINs in %d h at %d new deals/h; "
              "%zu profitable after a full fetch\n",
              truth.listings, truth.listed_ms.size(), hours, deal_rate,
              truth_profitable);
  auto limit = physical_limit(truth, truth_profitable);
  std::printf("physical limit: %.2f tokens per profitable deal (a page's "
              "share and one peek per listing judged)\n",
              limit);
  spend_levers off{false, false, false, false, false, false};
  struct variant {
    const char* name;
    spend_levers levers;
    double verify_move_per_hour = defaults::verify_move_per_hour;
  };
  std::vector<variant> variants{
    {"arrival order", off},
    {"+ payload rules", {true, false, false, false, false, false}},
    {"+ profit gate", {false, true, false, false, false, false}},
    {"+ best first", {false, false, true, false, false, false}},
    {"+ update=1", {false, false, false, true, false, false}},
    {"+ fresh first", {false, false, false, false, true, false}},
    {"all levers (offers for every row)",
     {true, true, true, true, true, false}},
    {"all levers, listing rows, no verifies",
     {true, true, true, true, true, true},
     0},
    {"all levers, listing rows", {true, true, true, true, true, true}},
  };
  for (auto rate : plans) {
    std::printf("\n%lld tokens/min over %d h (100 tokens at the start)\n",
                static_cast<long long>(rate), hours);
    std::printf(
      "| run | tokens | profitable | recall | precision | "
      "tokens/profitable | first 10 | first 50 | first-hour mean "
      "profit (oracle's best) | free rejections (oracle-profitable)"
      " | gate rejections (oracle-profitable) | peeked | committed "
      "| tokens: pages / peeks / commits | verifies (turned) | price off, "
      "still profitable at the end, of rows, by basis | analytics off |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
                "---|---|\n");
    std::vector<run_result> results;
    for (auto& v : variants) {
      auto r = run_engine(v.name, rate, hours, deal_rate, v.levers,
                          v.verify_move_per_hour, truth);
      std::printf(
        "| %s | %lld | %zu | %.3f | %.3f | %.1f | %s min | %s min "
        "| $%.2f ($%.2f) | %zu (%zu) | %zu (%zu) | %zu | %zu | %.0f / %.0f "
        "/ %.0f | %zu (%zu) | %s | %zu |\n",
        r.name.c_str(), static_cast<long long>(r.tokens), r.shown.size(),
        recall(r, truth, truth_profitable), precision(r, truth),
        per_profitable(r), minutes(r.first10_min).c_str(),
        minutes(r.first50_min).c_str(), mean(r.first_hour),
        oracle_best_first_hour(truth, r.first_hour.size()), r.payload_rejected,
        r.lost_to_payload, r.gate_rejected, r.lost_to_gate, r.peeked,
        r.committed, r.page_tokens, r.peek_tokens, r.commit_tokens, r.verified,
        r.verify_changed, truth_text(r).c_str(), r.analytics_off);
      results.push_back(std::move(r));
    }
    auto& base = results.front();
    auto& offers_always = results[results.size() - 3];
    auto& best = results.back();
    std::printf(
      "value %lld/min: recall %.3f precision %.3f tokens/profitable "
      "%.1f (arrival order %.1f, ratio %.1fx; offers for every row %.1f "
      "at recall %.3f; physical limit %.2f, %.1fx it) first10 %s min "
      "(arrival order %s)\n",
      static_cast<long long>(rate), recall(best, truth, truth_profitable),
      precision(best, truth), per_profitable(best), per_profitable(base),
      per_profitable(best) > 0 ? per_profitable(base) / per_profitable(best)
                               : 0.0,
      per_profitable(offers_always),
      recall(offers_always, truth, truth_profitable), limit,
      limit > 0 ? per_profitable(best) / limit : 0.0,
      minutes(best.first10_min).c_str(), minutes(base.first10_min).c_str());
  }
  return 0;
}
