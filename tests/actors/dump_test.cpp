// The dump and the status line agree on what they both show (pure
// functions, no actor system).

#include "actors/dump.hpp"
#include "actors/status_line.hpp"
#include "sample_snapshot.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using keepa::test::quiet_pipeline;
using keepa::test::says;

TEST_CASE("status and dump say that discovery stopped on a refused query") {
  auto s = quiet_pipeline();
  CHECK(!says(render_status(s, engine_facts{}), "DISCOVERY STOPPED"));
  CHECK(says(render_dump(s, engine_facts{}, "").value_or(""),
             "\"query_refused\":null"));
  s.scout.query_refused = "Keepa refused the query in deal_query.json (HTTP "
                          "400, invalidParameter: queryJSON is of invalid "
                          "format (details: dateRange))";
  CHECK(says(render_status(s, engine_facts{}),
             "DISCOVERY STOPPED: Keepa refused the query in deal_query.json"));
  CHECK(says(render_dump(s, engine_facts{}, "scout").value_or(""),
             "\"query_refused\":\"Keepa refused the query in deal_query.json"));
}

TEST_CASE("status and dump show tokens per profitable deal of the last "
          "hour and the backlog's value") {
  auto s = quiet_pipeline();
  s.bucket.buying_last_hour = 1200;
  s.commit.profitable_last_hour = 96;
  s.commit.profitable_total = 400;
  s.commit.queued_value = 312.4;
  auto line = render_status(s, engine_facts{});
  CHECK(says(line, "last hour: 96 profitable, 12.5 tokens each"));
  CHECK(says(line, "backlog worth $312"));
  auto dump = render_dump(s, engine_facts{}, "commit");
  REQUIRE(dump);
  CHECK(says(*dump, "\"profitable_last_hour\":96"));
  CHECK(says(*dump, "\"tokens_per_profitable_last_hour\":12.5"));
  CHECK(says(*dump, "\"backlog_value\":312.4"));
  s.commit.profitable_last_hour = 0;
  CHECK(says(render_status(s, engine_facts{}), "last hour: 0 profitable |"));
  CHECK(says(*render_dump(s, engine_facts{}, "commit"),
             "\"tokens_per_profitable_last_hour\":null"));
}

TEST_CASE("the dump lists each warning status gives, with what to do") {
  auto s = quiet_pipeline();
  CHECK(render_dump(s, engine_facts{}, "warnings") == "{\"warnings\":[]}");
  s.scout.last_shed = 40;
  engine_facts f;
  f.web_problem = "cannot listen on 127.0.0.1:8080: Address already in use";
  auto dump = render_dump(s, f, "warnings").value_or("");
  CHECK(says(dump, "{\"text\":\"BOARD NOT LISTENING: cannot listen on "
                   "127.0.0.1:8080: Address already in use\",\"action\":\"Stop "
                   "the program holding the port"));
  CHECK(says(dump, "{\"text\":\"SHEDDING: about 40 listings left /deal "
                   "unread in this cycle\",\"action\":\"Listings arrive"));
  CHECK(says(render_status(s, f), "BOARD NOT LISTENING"));
  CHECK(says(render_dump(s, f, "web").value_or(""),
             "{\"web\":{\"listening\":false}}"));
}
