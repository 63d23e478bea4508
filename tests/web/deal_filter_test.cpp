// The board's filter: parameters parsed and checked, SQL built with bound
// values only.

#include "web/deal_filter.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using namespace keepa::web;

namespace {

/// The error of a filter that must not parse.
param_error error_of(const query_params& params) {
  auto parsed = parse_filter(params);
  REQUIRE(std::holds_alternative<param_error>(parsed));
  return std::get<param_error>(parsed);
}

/// The filter of parameters that must parse.
deal_filter filter_of(const query_params& params) {
  auto parsed = parse_filter(params);
  REQUIRE(std::holds_alternative<deal_filter>(parsed));
  return std::get<deal_filter>(parsed);
}

} // namespace

TEST_SUITE_BEGIN("deal_filter");

TEST_CASE("the defaults are active rows, dismissed hidden, most profit first") {
  auto f = filter_of({});
  CHECK(f.status == "active");
  CHECK_FALSE(f.dismissed);
  CHECK(f.sort->name == "profit");
  CHECK(f.descending);
  CHECK(f.limit == 50);
  auto q = page_query(f);
  CHECK(q.sql.find("status = :status") != std::string::npos);
  CHECK(q.sql.find("mark <> 'dismissed'") != std::string::npos);
  CHECK(std::get<std::string>(q.values.at(":status")) == "active");
}

TEST_CASE("every bad parameter is a 400 naming it") {
  CHECK(error_of({{"min_profit", "abc"}}).parameter == "min_profit");
  CHECK(error_of({{"min_profit", "abc"}}).message
        == "min_profit: must be a number, got 'abc'");
  CHECK(error_of({{"min_roi", "nan"}}).parameter == "min_roi");
  CHECK(error_of({{"limit", "-1"}}).message
        == "limit: must be from 0 to 500, got -1");
  CHECK(error_of({{"limit", "501"}}).parameter == "limit");
  CHECK(error_of({{"offset", "1.5"}}).parameter == "offset");
  CHECK(error_of({{"max_rank", "1e6"}}).parameter == "max_rank");
  CHECK(error_of({{"sort", "title; DROP TABLE deals"}}).message
        == "sort: no field 'title; DROP TABLE deals' (see "
           "docs/contract.md#apideals)");
  CHECK(error_of({{"order", "sideways"}}).parameter == "order");
  CHECK(error_of({{"status", "deleted"}}).parameter == "status");
  CHECK(error_of({{"mark", "love"}}).parameter == "mark");
  CHECK(error_of({{"found_after", "yesterday"}}).parameter == "found_after");
  CHECK(error_of({{"min_drops90", "-3"}}).parameter == "min_drops90");
  CHECK(error_of({{"colour", "red"}}).message == "colour: unknown parameter");
}

TEST_CASE("a request's text reaches SQL only as a bound value") {
  auto hostile = std::string{"x' OR 1=1 --"};
  auto f = filter_of({{"q", hostile},
                      {"season", hostile},
                      {"min_profit", "12.5"},
                      {"max_rank", "100000"},
                      {"min_drops90", "12"},
                      {"sort", "sales_rank"},
                      {"order", "asc"}});
  auto q = page_query(f);
  CHECK(q.sql.find(hostile) == std::string::npos);
  CHECK(std::get<std::string>(q.values.at(":q")) == "%x' OR 1=1 --%");
  CHECK(std::get<std::string>(q.values.at(":season")) == hostile);
  CHECK(std::get<double>(q.values.at(":min_profit")) == 12.5);
  CHECK(std::get<int64_t>(q.values.at(":max_rank")) == 100000);
  CHECK(std::get<int64_t>(q.values.at(":min_drops90")) == 12);
  CHECK(q.sql.find("drops_90 >= :min_drops90") != std::string::npos);
  CHECK(q.sql.find("(sales_rank) AS page_key") != std::string::npos);
  CHECK(q.sql.find("ORDER BY page_key ASC NULLS LAST, asin")
        != std::string::npos);
}

TEST_CASE("the text search escapes LIKE's wildcards") {
  auto q = where_clause(filter_of({{"q", "50%_off\\"}}));
  CHECK(std::get<std::string>(q.values.at(":q")) == "%50\\%\\_off\\\\%");
}

TEST_CASE("status all, dismissed shown and a mark filter") {
  auto all = where_clause(filter_of({{"status", "all"}, {"dismissed", "1"}}));
  CHECK(all.sql.find("status") == std::string::npos);
  CHECK(all.sql.find("dismissed") == std::string::npos);
  auto marked = where_clause(filter_of({{"mark", "dismissed"}}));
  CHECK(marked.sql.find("mark <> 'dismissed'") == std::string::npos);
  CHECK(std::get<std::string>(marked.values.at(":mark")) == "dismissed");
}

TEST_CASE("the CSV takes every row unless a limit is given") {
  auto csv = parse_filter({}, false);
  REQUIRE(std::holds_alternative<deal_filter>(csv));
  CHECK_FALSE(std::get<deal_filter>(csv).limit);
  CHECK(page_query(std::get<deal_filter>(csv)).sql.find("LIMIT")
        == std::string::npos);
  auto big = parse_filter({{"limit", "20000"}}, false);
  REQUIRE(std::holds_alternative<deal_filter>(big));
  CHECK(std::get<deal_filter>(big).limit == 20000);
}

TEST_SUITE_END();
