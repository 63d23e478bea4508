// A deal written as JSON and CSV: every text escaped for where it lands,
// formulas neutralised, numbers as stored.

#include "web/board_rows.hpp"
#include "web/deal_render.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>

using namespace keepa;
using namespace keepa::web;
using keepa::test::board_db;
using keepa::test::board_row;

TEST_SUITE_BEGIN("deal_render");

TEST_CASE("CSV cells are quoted per RFC 4180") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("") == "");
}

TEST_CASE("a cell a spreadsheet would run is neutralised") {
  CHECK(csv_cell("=HYPERLINK(\"http://x\")")
        == "\"'=HYPERLINK(\"\"http://x\"\")\"");
  CHECK(csv_cell("+1+2") == "'+1+2");
  CHECK(csv_cell("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  // A negative number is data, not a formula.
  CHECK(csv_cell("-3.5") == "-3.5");
}

TEST_CASE("a CSV line has one cell per header name, numbers unformatted") {
  auto row = board_row("B000000001", "=1+1, \"quoted\"", 12.5, 3.25, 1234);
  board_db db{row};
  deal_reader reader{db.path};
  auto stored = reader.one("B000000001", {"2026-12-01T12:00:00Z", {}, 30});
  REQUIRE(stored);
  auto header = csv_header();
  auto line = csv_line(*stored);
  CHECK(header.rfind("asin,title,status,mark,price_now,", 0) == 0);
  CHECK(line.rfind("B000000001,\"'=1+1, \"\"quoted\"\"\",active,,12.5,", 0)
        == 0);
  CHECK(line.substr(line.size() - 2) == "\r\n");
  CHECK(line.find(",1234,") != std::string::npos);
}

TEST_CASE("JSON carries hostile titles as escaped strings, with the links") {
  auto title = std::string{"</script><script>alert(1)</script>\"><img src=x>"};
  board_db db{board_row("B000000001", title, 12.5, 3.25, 1234)};
  deal_reader reader{db.path};
  auto row = reader.one("B000000001", {"2026-12-01T12:00:00Z", {}, 30});
  REQUIRE(row);
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  write_deal(w, *row, 3);
  rapidjson::Document doc;
  doc.Parse(buf.GetString());
  REQUIRE(doc.IsObject());
  CHECK(std::string{doc["title"].GetString()} == title);
  CHECK(doc["shipping_included"].IsBool());
  CHECK(doc["mark"].IsNull());
  CHECK(doc["sales_rank"].GetInt64() == 1234);
  CHECK(std::string{doc["amazon_url"].GetString()}
        == "https://www.amazon.de/dp/B000000001?psc=1&aod=1");
  CHECK(std::string{doc["keepa_url"].GetString()}
        == "https://keepa.com/#!product/3-B000000001");
}

TEST_SUITE_END();
