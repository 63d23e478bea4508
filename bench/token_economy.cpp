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

#include "model/defaults.hpp"
#include "virtual_engine.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <string>

using namespace keepa;
using keepa::bench::number;

int run_value_bench(int argc, char** argv);

int main(int argc, char** argv) {
  if (argc > 1 && std::string{argv[1]} == "value")
    return run_value_bench(argc, argv);
  int64_t rate = argc > 1 ? std::atoll(argv[1]) : 20;
  int minutes = argc > 2 ? std::atoi(argv[2]) : 30;
  int refresh_after = argc > 3 ? std::atoi(argv[3])
                               : defaults::refresh_after_hours;
  int deal_rate = argc > 4 ? std::atoi(argv[4]) : 3000;
  int retention = argc > 5 ? std::atoi(argv[5]) : defaults::retention_hours;
  spdlog::set_level(spdlog::level::err);
  auto dir = std::filesystem::temp_directory_path() / "keepa-bench-economy";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  mock::options mopts;
  mopts.refill_rate = rate;
  mopts.initial_tokens = 100;
  mopts.products = 20000;
  mopts.deal_rate = deal_rate; // 3000/h: far beyond what the plan can buy
  engine_options o;
  o.selection = R"({"domainId": 1, "priceTypes": [2], "sortType": 1,
                    "dateRange": 3, "page": 0})";
  o.db_path = (dir / "deals.db").string();
  o.refresh_after_hours = refresh_after;
  o.retention_hours = retention;
  bench::virtual_engine run{mopts, o};
  run.run_seconds(minutes * 60);
  // The mock applies the last refill tick at exactly minutes * 60 s; the
  // bucket grants on it half a second later (token_bucket.cpp's
  // tick_margin). Let the engine react to it, or the last tick always
  // reads as unspent (20 of 700 tokens in a 30 min run at 20/min).
  run.run_seconds(1);
  auto d = run.dump();
  auto& keepa = run.keepa;
  auto now_ms = run.clock();
  auto stats = keepa->stats(now_ms());
  auto kind = [&](const char* k) {
    return number(d, "tokens", "consumed_by_kind", k);
  };
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
  std::printf("| lowest balance (mock) | %lld | >= %d |\n",
              static_cast<long long>(stats.lowest_balance),
              defaults::deficit_floor);
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
  std::printf("\ncapacity model: deals kept alive within %d h at %.3f "
              "tokens per light refresh\n",
              retention, light_cost);
  std::printf("| plan | keepa-ingest | reference system |\n|---|---|---|\n");
  for (int plan : {5, 25, 100})
    std::printf("| %d tokens/min | %.0f | %s |\n", plan,
                plan * 60.0 * retention / light_cost,
                plan == 5 ? "~1,080 before its hybrid fix, \"10,000+\" after"
                          : "-");
  return 0;
}
