// The token economy of the whole engine against mock-keepa's Keepa rules.
//
// The engine runs on CAF's deterministic scheduler and the mock's handler
// is called in-process with the same virtual clock, so an hour of refill
// ticks takes seconds and every run gives the same numbers. Only the HTTP
// transport is skipped: requests are built and replies classified and
// parsed by the production code (io/keepa_api, io/keepa_json).
//
// usage: bench_token_economy [refill_per_min] [minutes] [refresh_after_hours]
//                            [deal_rate_per_hour] [retention_hours]
//        bench_token_economy value ... (profitable deals per token against an
//                                       oracle: bench/token_value.cpp)

#include "actors/engine.hpp"
#include "actors/type_ids.hpp"
#include "io/keepa_api.hpp"
#include "mock/handler.hpp"
#include "support/in_process_keepa.hpp"

#include <caf/all.hpp>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace {

using namespace keepa;

constexpr int64_t t0 = 1793491200000; // 2026-11-01T00:00:00Z

/// A number from the dump JSON, by path.
double number(const rapidjson::Document& d, const char* a, const char* b,
              const char* c = nullptr) {
  auto& x = d[a][b];
  auto& v = c ? x[c] : x;
  return v.IsNumber() ? v.GetDouble() : -1;
}

} // namespace

int run_value_bench(int argc, char** argv);

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]} == "value")
    return run_value_bench(argc, argv);
  int64_t rate = argc > 1 ? std::atoll(argv[1]) : 20;
  int minutes = argc > 2 ? std::atoi(argv[2]) : 30;
  int refresh_after = argc > 3 ? std::atoi(argv[3]) : 24;
  int deal_rate = argc > 4 ? std::atoi(argv[4]) : 3000;
  int retention = argc > 5 ? std::atoi(argv[5]) : 72;
  spdlog::set_level(spdlog::level::err);
  auto dir = std::filesystem::temp_directory_path() / "keepa-bench-economy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.add_message_types<caf::id_block::keepa>();
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(
    sys.scheduler());
  auto origin = sched.clock().now();
  auto now_ms = [&sched, origin] {
    return t0
           + std::chrono::duration_cast<std::chrono::milliseconds>(
               sched.clock().now() - origin)
               .count();
  };

  mock::options mopts;
  mopts.refill_rate = rate;
  mopts.initial_tokens = 100;
  mopts.products = 20000;
  mopts.deal_rate = deal_rate; // 3000/h: far beyond what the plan can buy
  auto keepa = std::make_shared<mock::handler>(mopts, t0);
  auto client = sys.spawn(test::make_in_process_keepa, keepa, now_ms);

  engine_options o;
  o.client = client;
  o.selection = R"({"domainId": 1, "priceTypes": [2], "sortType": 1,
                    "dateRange": 3, "page": 0})";
  o.db_path = (dir / "deals.db").string();
  o.detached_db = false;
  o.refresh_after_hours = refresh_after;
  o.retention_hours = retention;
  o.now_ms = now_ms;
  auto engine = sys.spawn(make_engine, o);
  for (int s = 0; s < minutes * 60; ++s) {
    sched.run();
    sched.advance_time(std::chrono::seconds{1});
  }
  sched.run();

  caf::scoped_actor self{sys};
  std::string dump;
  auto h = self->request(engine, caf::infinite, atom::command_v,
                         std::string{"dump"});
  sched.run();
  h.receive([&](const std::string& s) { dump = s; },
            [&](const caf::error&) {});
  rapidjson::Document d;
  d.Parse(dump.c_str());
  if (std::getenv("BENCH_DUMP"))
    std::printf("%s\n", dump.c_str());
  auto stats = keepa->stats(now_ms());
  auto kind = [&](const char* k) { return number(d, "tokens",
                                                 "consumed_by_kind", k); };
  auto peeked = number(d, "peek", "done_total")
                + number(d, "peek", "rejected_total");
  auto committed = number(d, "commit", "done_total");
  auto lit = number(d, "light", "done_total");
  auto listed = number(d, "router", "listed_total");
  auto utilization = static_cast<double>(stats.tokens_consumed)
                     / static_cast<double>(100 + stats.tokens_refilled);
  std::printf("token economy: %lld tokens/min, %d min (%d refill ticks), "
              "refresh after %d h, %.0f deals listed\n",
              static_cast<long long>(rate), minutes, minutes, refresh_after,
              listed);
  std::printf("| measure | value | target |\n|---|---|---|\n");
  std::printf("| utilization consumed/(initial+refilled) | %.4f | >= 0.99 |\n",
              utilization);
  std::printf("| HTTP 429 (mock's count) | %llu | 0 |\n",
              static_cast<unsigned long long>(stats.http_429));
  std::printf("| lowest balance (mock) | %lld | >= -180 |\n",
              static_cast<long long>(stats.lowest_balance));
  std::printf("| tokens per listed deal (/deal) | %.4f | |\n",
              kind("deal_page") / std::max(1.0, listed));
  std::printf("| tokens per peeked ASIN | %.3f | <= 1.05 |\n",
              kind("peek") / std::max(1.0, peeked));
  std::printf("| tokens per committed ASIN | %.2f | |\n",
              kind("commit") / std::max(1.0, committed));
  std::printf("| tokens per light-refreshed ASIN | %.3f | |\n",
              lit > 0 ? kind("light") / lit : 0.0);
  std::printf("| tokens per deal-payload refresh | 0 (%.0f refreshes, no "
              "product call) | 0 |\n",
              number(d, "router", "existing_total"));
  std::printf("| peeked / committed / rejected / light-refreshed | %.0f / "
              "%.0f / %.0f / %.0f | |\n",
              peeked, committed, number(d, "peek", "rejected_total"), lit);
  auto light_cost = lit > 0 ? kind("light") / lit : 1.0;
  std::printf("\ncapacity model: deals kept alive within 72 h at %.3f "
              "tokens per light refresh\n",
              light_cost);
  std::printf("| plan | keepa-ingest | reference system |\n|---|---|---|\n");
  for (int plan : {5, 25, 100})
    std::printf("| %d tokens/min | %.0f | %s |\n", plan,
                plan * 60.0 * 72 / light_cost,
                plan == 5 ? "~1,080 before its hybrid fix, \"10,000+\" after"
                          : "-");
  caf::anon_send_exit(engine, caf::exit_reason::kill);
  caf::anon_send_exit(client, caf::exit_reason::kill);
  sched.run();
  return 0;
}
