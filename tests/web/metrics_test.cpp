// /metrics: the dump in Prometheus' text format.

#include "web/metrics.hpp"

#include "model/keepa_time.hpp"

#include <doctest/doctest.h>

#include <regex>
#include <set>
#include <sstream>

using namespace keepa;
using namespace keepa::web;

namespace {

/// A dump as the engine prints it, cut to the members /metrics reads.
std::string sample_dump(keepa_minutes watermark) {
  return R"({"tokens":{"balance":120,"refill_per_min":20,"calls_total":50,)"
         R"("http_429_total":2,"failures_total":1,"paused":false,)"
         R"("consumed_by_kind":{"token":0,"deal_page":10,"peek":30,)"
         R"("commit":60,"light":5}},"watermark":{"keepa_minutes":)"
         + std::to_string(watermark)
         + R"(},"scout":{"shed_total":7},"peek":{"queued":3},)"
           R"("commit":{"queued":1,"profitable_last_hour":4,)"
           R"("tokens_per_profitable_last_hour":null},"light":{"queued":0},)"
           R"("db":{"active":10,"pending":2,"gone":1,"rejections":5,)"
           R"("failed_flushes_total":0}})";
}

} // namespace

TEST_SUITE_BEGIN("metrics");

TEST_CASE("every family has HELP and TYPE, the prefix, and counters end "
          "_total") {
  int64_t now = 1'780'000'020'000; // on a minute
  rapidjson::Document dump;
  dump.Parse(sample_dump(to_keepa_minutes(now) - 5).c_str());
  auto text = render_metrics(dump, {{200, 9}, {404, 1}}, now);
  std::istringstream in{text};
  std::string line;
  std::set<std::string> typed;
  std::regex type_line{R"(# TYPE (keepa_ingest_\w+) (counter|gauge))"};
  std::regex sample{R"((keepa_ingest_\w+)(\{\w+="[^"]*"\})? [-0-9.e+]+)"};
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("# HELP keepa_ingest_", 0) == 0)
      continue;
    if (std::regex_match(line, m, type_line)) {
      typed.insert(m[1]);
      auto name = m[1].str();
      if (m[2] == "counter")
        CHECK(name.substr(name.size() - 6) == "_total");
      continue;
    }
    CAPTURE(line);
    REQUIRE(std::regex_match(line, m, sample));
    CHECK(typed.count(m[1]) == 1);
  }
  CHECK(text.find("keepa_ingest_token_balance 120\n") != std::string::npos);
  CHECK(text.find("keepa_ingest_tokens_consumed_total{kind=\"commit\"} 60\n")
        != std::string::npos);
  CHECK(text.find("keepa_ingest_queue_depth{stage=\"peek\"} 3\n")
        != std::string::npos);
  CHECK(text.find("keepa_ingest_rows{status=\"gone\"} 1\n")
        != std::string::npos);
  CHECK(text.find("keepa_ingest_web_requests_total{status=\"404\"} 1\n")
        != std::string::npos);
  CHECK(text.find("keepa_ingest_watermark_age_seconds 300\n")
        != std::string::npos);
  // Unknown (null) values are left out, not written as 0.
  CHECK(text.find("\nkeepa_ingest_tokens_per_profitable_deal ")
        == std::string::npos);
}

TEST_SUITE_END();
