// The board's read-only connection: pages, totals, order and the computed
// fields, read beside the engine's writer.

#include "web/board_rows.hpp"
#include "web/deal_reader.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace keepa;
using namespace keepa::web;
using keepa::test::board_db;
using keepa::test::board_row;

namespace {

/// The context of every read here: a fixed clock and the default fees.
query_context context() {
  return {"2026-12-01T12:30:00Z", fee_settings{}, 30};
}

/// A filter from parameters that must parse.
deal_filter filter_of(const query_params& params) {
  auto parsed = parse_filter(params);
  REQUIRE(std::holds_alternative<deal_filter>(parsed));
  return std::get<deal_filter>(parsed);
}

/// The ASINs of a page, in order.
std::vector<std::string> asins(const board_page& page) {
  std::vector<std::string> out;
  for (auto& row : page.rows)
    out.push_back(std::get<std::string>(row.at(0)));
  return out;
}

/// The value of field `name` in a row.
const cell& field(const deal_row& row, std::string_view name) {
  auto& fields = deal_fields();
  for (size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == name)
      return row.at(i);
  FAIL("no field " << name);
  return row.at(0);
}

/// SQLite's plan for `sql`, its lines joined.
std::string plan_of(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr)
          == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s,
                             nullptr)
          == SQLITE_OK);
  std::string plan;
  while (sqlite3_step(s) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(s, 3))
            + std::string{"\n"};
  sqlite3_finalize(s);
  sqlite3_close(db);
  return plan;
}

} // namespace

TEST_SUITE_BEGIN("deal_reader");

TEST_CASE("a page holds the filter's rows in order, the total counts all") {
  board_db db{board_row("B000000001", "Cheap", 10, 5, 900),
              board_row("B000000002", "Rich", 40, 50, 100),
              board_row("B000000003", "Middle", 20, 20, 500)};
  deal_reader reader{db.path};
  auto page = reader.page(filter_of({{"limit", "2"}}), context());
  CHECK(page.total == 3);
  CHECK(asins(page) == std::vector<std::string>{"B000000002", "B000000003"});
  auto by_rank = reader.page(
    filter_of({{"sort", "sales_rank"}, {"order", "asc"}, {"min_profit", "10"}}),
    context());
  CHECK(by_rank.total == 2);
  CHECK(asins(by_rank) == std::vector<std::string>{"B000000002", "B000000003"});
  auto second = reader.page(filter_of({{"limit", "2"}, {"offset", "2"}}),
                            context());
  CHECK(asins(second) == std::vector<std::string>{"B000000001"});
  auto counted = reader.page(filter_of({{"limit", "0"}}), context());
  CHECK(counted.total == 3);
  CHECK(counted.rows.empty());
}

TEST_CASE("rows without the sorted value come last in either order") {
  auto unknown = board_row("B000000009", "No rank", 10, 5, 1);
  unknown.set(column::sales_rank, cell{});
  board_db db{board_row("B000000001", "A", 10, 5, 900), unknown,
              board_row("B000000002", "B", 10, 5, 100)};
  deal_reader reader{db.path};
  for (auto* order : {"asc", "desc"}) {
    auto page = reader.page(
      filter_of({{"sort", "sales_rank"}, {"order", order}}), context());
    CAPTURE(order);
    CHECK(asins(page).back() == "B000000009");
  }
}

TEST_CASE("the text search finds titles and ASINs, case-insensitive") {
  board_db db{board_row("B000000001", "Organic Chemistry", 10, 5, 900),
              board_row("B000000002", "50% Off Biology", 10, 5, 900)};
  deal_reader reader{db.path};
  CHECK(asins(reader.page(filter_of({{"q", "chem"}}), context()))
        == std::vector<std::string>{"B000000001"});
  CHECK(asins(reader.page(filter_of({{"q", "00000002"}}), context()))
        == std::vector<std::string>{"B000000002"});
  CHECK(asins(reader.page(filter_of({{"q", "50%"}}), context()))
        == std::vector<std::string>{"B000000002"});
  CHECK(reader.page(filter_of({{"q", "5_%"}}), context()).total == 0);
}

TEST_CASE("ROI, max buy cost and the price's age are figured from the row") {
  // price 20 landed, all-in 30, List at 60, referral 15 %, FBA 4: profit as
  // stored 20. Max all-in cost for 30 % ROI: (60 x 0.85 - 4) / 1.3 = 36.15;
  // less prep 2.75 and 5 % tax: (36.15 - 2.75) / 1.05 = 31.81.
  board_db db{board_row("B000000001", "A", 20, 20, 900)};
  deal_reader reader{db.path};
  auto row = reader.one("B000000001", context());
  REQUIRE(row);
  CHECK(std::get<double>(field(*row, "roi"))
        == doctest::Approx(66.67).epsilon(0.001));
  CHECK(std::get<double>(field(*row, "max_buy_cost"))
        == doctest::Approx(31.81).epsilon(0.001));
  CHECK(std::get<int64_t>(field(*row, "price_age_minutes")) == 150);
  CHECK_FALSE(reader.one("B000000404", context()));
}

TEST_CASE("a dismissed row is hidden unless asked for") {
  auto dismissed = board_row("B000000002", "Gone for me", 10, 50, 900);
  dismissed.set(column::mark, std::string{"dismissed"});
  board_db db{board_row("B000000001", "A", 10, 5, 900), dismissed};
  deal_reader reader{db.path};
  CHECK(asins(reader.page(filter_of({}), context()))
        == std::vector<std::string>{"B000000001"});
  CHECK(reader.page(filter_of({{"dismissed", "1"}}), context()).total == 2);
  CHECK(asins(reader.page(filter_of({{"mark", "dismissed"}}), context()))
        == std::vector<std::string>{"B000000002"});
}

TEST_CASE("a deal's price-drop events, newest first") {
  board_db db{board_row("B000000001", "A", 10, 5, 900)};
  {
    database w{db.path};
    w.add_event("B000000001", "price_drop", 20, 15, "2026-12-01T10:00:00Z");
    w.add_event("B000000001", "price_drop", 15, 10, "2026-12-01T11:00:00Z");
    w.add_event("B000000002", "price_drop", 9, 8, "2026-12-01T11:00:00Z");
  }
  deal_reader reader{db.path};
  auto events = reader.events("B000000001");
  REQUIRE(events.size() == 2);
  CHECK(events[0].at_utc == "2026-12-01T11:00:00Z");
  CHECK(events[0].old_price == 15);
  CHECK(events[0].new_price == 10);
}

TEST_CASE("the rank-drop filters read drops_30 and drops_90") {
  auto seller = board_row("B000000001", "Sells", 10, 5, 900);
  seller.set(column::drops_90, int64_t{30}).set(column::drops_365, int64_t{99});
  auto slow = board_row("B000000002", "Slow", 10, 5, 900);
  slow.set(column::drops_90, int64_t{2});
  board_db db{seller, slow};
  deal_reader reader{db.path};
  CHECK(asins(reader.page(filter_of({{"min_drops90", "10"}}), context()))
        == std::vector<std::string>{"B000000001"});
  CHECK(reader.page(filter_of({{"min_drops", "4"}}), context()).total == 2);
  auto row = reader.one("B000000001", context());
  REQUIRE(row);
  CHECK(std::get<int64_t>(field(*row, "drops_365")) == 99);
}

TEST_CASE("rejections: newest first, searched by ASIN or reason, paged") {
  board_db db{board_row("B000000001", "A", 10, 5, 900)};
  {
    database w{db.path};
    w.reject({"B00000000R", 100, "unprofitable: profit -3.20"},
             "2026-12-01T10:00:00Z");
    w.reject({"B00000000S", 101, "rank 2,400,000 over the limit"},
             "2026-12-01T11:00:00Z");
    w.reject({"B00000000T", 102, "unprofitable: profit 0.50"},
             "2026-12-01T12:00:00Z");
  }
  deal_reader reader{db.path};
  auto rejections = [&](const query_params& params) {
    auto parsed = parse_rejection_filter(params);
    REQUIRE(std::holds_alternative<rejection_filter>(parsed));
    return reader.rejections(std::get<rejection_filter>(parsed));
  };
  auto all = rejections({});
  CHECK(all.total == 3);
  CHECK(asins(all)
        == std::vector<std::string>{"B00000000T", "B00000000S", "B00000000R"});
  CHECK(std::get<std::string>(all.rows[0].at(1))
        == "unprofitable: profit 0.50");
  CHECK(std::get<int64_t>(all.rows[0].at(2)) == 102);
  CHECK(std::get<std::string>(all.rows[0].at(3)) == "2026-12-01T12:00:00Z");
  auto unprofitable = rejections({{"q", "UNPROFITABLE"}});
  CHECK(unprofitable.total == 2);
  CHECK(asins(rejections({{"q", "0S"}}))
        == std::vector<std::string>{"B00000000S"});
  auto second = rejections({{"limit", "1"}, {"offset", "1"}});
  CHECK(second.total == 3);
  CHECK(asins(second) == std::vector<std::string>{"B00000000S"});
  auto bad = parse_rejection_filter({{"min_profit", "5"}});
  REQUIRE(std::holds_alternative<param_error>(bad));
  CHECK(std::get<param_error>(bad).parameter == "min_profit");
  CHECK(std::holds_alternative<param_error>(
    parse_rejection_filter({{"limit", "-1"}})));
}

TEST_CASE("a filtered board is counted and its page chosen from an index "
          "alone, never from the rows") {
  board_db db{board_row("B000000001", "A", 10, 5, 900)};
  for (auto* params : {"", "min_profit", "max_rank", "found_after"}) {
    CAPTURE(params);
    query_params p;
    if (*params)
      p[params] = std::string{params} == "found_after" ? "2026-01-01T00:00:00Z"
                                                       : "5";
    auto f = filter_of(p);
    CHECK(plan_of(db.path, count_query(f).sql).find("COVERING INDEX")
          != std::string::npos);
  }
  for (auto* sort : {"profit", "sales_rank", "first_seen_utc"}) {
    CAPTURE(sort);
    auto inner = page_query(filter_of({{"sort", sort}})).sql;
    auto plan = plan_of(db.path, inner);
    CHECK(plan.find("COVERING INDEX deals_board_") != std::string::npos);
  }
}

TEST_CASE("the reader never writes, and reads while the writer writes") {
  board_db db{board_row("B000000001", "A", 10, 5, 900)};
  deal_reader reader{db.path};
  database writer{db.path};
  writer.begin();
  writer.upsert(board_row("B000000002", "B", 10, 5, 900));
  // The writer's open transaction does not hold the reader up: it sees
  // the last commit.
  CHECK(reader.page(filter_of({}), context()).total == 1);
  writer.commit();
  CHECK(reader.page(filter_of({}), context()).total == 2);
  CHECK_THROWS_AS(deal_reader{db.dir / "missing.db"}, database_error);
}

TEST_SUITE_END();

TEST_CASE("a page asked for again shows every commit made meanwhile") {
  board_db db{board_row("B000000001", "Old title", 10, 5, 900)};
  deal_reader reader{db.path};
  auto title = [&] {
    auto page = reader.page(filter_of({}), context());
    REQUIRE(page.rows.size() == 1);
    return std::get<std::string>(page.rows[0].at(1));
  };
  CHECK(title() == "Old title");
  CHECK(title() == "Old title");
  {
    database writer{db.path};
    deal_update u{"B000000001", {}, write_mode::update_only};
    u.set(column::title, std::string{"New title"});
    writer.upsert(u);
  }
  CHECK(title() == "New title");
}
