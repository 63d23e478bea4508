// From the commit of a qualifying row to the first webhook request that
// carries its alert, on CAF's virtual clock: the real DB_WRITER (SQLite in
// a temp dir) and ALERTS, and a scripted webhook. Rows commit at about
// RATE a minute, and every hour a burst of BURST rows lands at once (a
// discovery cycle after a backlog). Prints p50, p99 and the worst latency
// for a receiver that always answers, and for one that answers 10 % 500s
// and 2 % 429s (Retry-After 5 s).
//
// usage: bench_alert_latency [hours] [rate per minute] [burst]
//        [max_per_minute]

#include "actors/alerts.hpp"
#include "actors/db_writer.hpp"
#include "actors/errors.hpp"
#include "actors/type_ids.hpp"
#include "support/committed_rows.hpp"

#include <caf/all.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

using namespace keepa;

namespace {

struct run_result {
  std::vector<int64_t> latency_ms;
  size_t alerts = 0;
  size_t requests = 0;
};

/// The alert ids a generic body carries.
std::vector<std::string> ids_of(const std::string& body) {
  std::vector<std::string> out;
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.IsObject() && d.HasMember("alerts"))
    for (auto& a : d["alerts"].GetArray())
      out.push_back(a["id"].GetString());
  return out;
}

run_result run(int hours, double rate, int burst, int max_per_minute,
               bool flaky) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.add_message_types<caf::id_block::keepa>();
  add_engine_errors(cfg);
  caf::actor_system sys{cfg};
  auto& sched
    = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  auto origin = sched.clock().now();
  const int64_t start_ms = 1'793'491'200'000;
  wall_clock now = [&sched, origin, start_ms] {
    return start_ms
           + std::chrono::duration_cast<std::chrono::milliseconds>(
               sched.clock().now() - origin)
               .count();
  };
  auto dir = std::filesystem::temp_directory_path()
             / ("alert-latency-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  run_result out;
  std::map<std::string, int64_t> committed_at;
  std::map<std::string, bool> seen;
  std::mt19937 rng{20261205};
  auto webhook = sys.spawn([&]() -> webhook_actor::behavior_type {
    return {
      [&](atom::post, const webhook_post& p) {
        ++out.requests;
        auto t = now();
        for (auto& id : ids_of(p.body))
          if (!seen[id]) {
            seen[id] = true;
            out.latency_ms.push_back(t - committed_at[id]);
          }
        auto roll = std::uniform_real_distribution<>{0, 1}(rng);
        if (flaky && roll < 0.10)
          return delivery_answer{500, {}, ""};
        if (flaky && roll < 0.12)
          return delivery_answer{429, {{"retry-after", "5"}}, ""};
        return delivery_answer{204, {}, ""};
      },
      [](atom::completed, uint64_t, const delivery_answer&) {},
    };
  });
  db_writer_settings ds;
  ds.path = (dir / "deals.db").string();
  ds.alert_targets.push_back({"alerts", {}});
  auto db = sys.spawn(make_db_writer, ds, now);
  alerts_settings as;
  alert_target t;
  t.name = "alerts";
  t.webhook_url = "http://receiver.bench/hook";
  t.max_per_minute = max_per_minute;
  as.alerts.targets.push_back(t);
  auto alerts = sys.spawn(make_alerts, alerts_links{db, webhook}, as, now);
  sched.run();

  int next_asin = 0;
  auto commit = [&](int n) {
    write_batch b;
    for (int i = 0; i < n; ++i) {
      auto asin = "B" + std::to_string(100000000 + next_asin++);
      b.upserts.push_back(test::committed(asin, 20, 15, 7000));
      committed_at[asin + "-7000-new_deal"] = now();
    }
    caf::anon_send(db, atom::write_v, std::move(b));
    out.alerts += static_cast<size_t>(n);
  };
  std::poisson_distribution<int> arrivals{rate / 600.0};
  const auto step = std::chrono::milliseconds{100};
  const int64_t steps = int64_t{hours} * 36000;
  for (int64_t s = 0; s < steps; ++s) {
    if (s % 36000 == 18000)
      commit(burst);
    if (int n = arrivals(rng); n > 0)
      commit(n);
    sched.advance_time(step);
    sched.run();
  }
  // Let the last alerts go out.
  for (int s = 0; s < 36000; ++s) {
    sched.advance_time(step);
    sched.run();
  }
  caf::anon_send_exit(alerts, caf::exit_reason::kill);
  caf::anon_send_exit(db, caf::exit_reason::kill);
  caf::anon_send_exit(webhook, caf::exit_reason::kill);
  sched.run();
  std::filesystem::remove_all(dir);
  return out;
}

double percentile(std::vector<int64_t> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return static_cast<double>(v[i]) / 1000.0;
}

} // namespace

int main(int argc, char** argv) {
  int hours = argc > 1 ? std::atoi(argv[1]) : 6;
  double rate = argc > 2 ? std::atof(argv[2]) : 1;
  int burst = argc > 3 ? std::atoi(argv[3]) : 30;
  int max_per_minute = argc > 4 ? std::atoi(argv[4]) : 10;
  std::printf("alert latency, commit to first request (virtual time): %d h, "
              "%.1f rows/min, a burst of %d every hour, max_per_minute %d\n",
              hours, rate, burst, max_per_minute);
  std::printf("| receiver | alerts | sent | requests | p50 s | p99 s | max s "
              "|\n|---|---|---|---|---|---|---|\n");
  for (bool flaky : {false, true}) {
    auto r = run(hours, rate, burst, max_per_minute, flaky);
    auto worst = r.latency_ms.empty() ? 0
                                      : *std::max_element(r.latency_ms.begin(),
                                                          r.latency_ms.end());
    std::printf("| %s | %zu | %zu | %zu | %.1f | %.1f | %.1f |\n",
                flaky ? "10 % 500s, 2 % 429s" : "always 2xx", r.alerts,
                r.latency_ms.size(), r.requests, percentile(r.latency_ms, 0.50),
                percentile(r.latency_ms, 0.99),
                static_cast<double>(worst) / 1000.0);
  }
}
