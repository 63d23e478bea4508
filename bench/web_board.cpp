// The deal board under load, with 20,000 active rows: the latency of the
// first page of a filtered, sorted board with 16 clients on loopback, asked
// again (as polling boards do: answered from memory until the next commit)
// and new each time (uncached); /deals.csv of every row; the writer's
// throughput with and without the board hammered; the process's peak RSS.
// Prints numbers; asserts nothing.
//
// usage: bench_web_board [rows] [requests per client]

#include "io/database.hpp"
#include "model/columns.hpp"
#include "web/web_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace {

using namespace keepa;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

/// A full active row like the commit pool writes, varied by `i`.
deal_update row(int i, int round = 0) {
  deal_update u;
  u.asin = "B0" + std::to_string(10000000 + i);
  double price = 5.0 + (i * 37 % 200);
  u.set(column::title, "Book number " + std::to_string(i) + " of a series")
    .set(column::status, std::string{"active"})
    .set(column::price_now, price + round * 0.01)
    .set(column::list_at, price * 2.5)
    .set(column::one_yr_avg, price * 2)
    .set(column::percent_down, 50.0)
    .set(column::profit, price * 1.2 - 12 - (i % 7))
    .set(column::margin, 25.0)
    .set(column::sales_rank, int64_t{1000 + i * 131 % 3'000'000})
    .set(column::drops_30, int64_t{i % 12})
    .set(column::seasonality, std::string{i % 5 ? "year-round" : "textbook"})
    .set(column::first_seen_utc, std::string{"2026-12-01T10:00:00Z"})
    .set(column::last_seen_utc, std::string{"2026-12-01T10:00:00Z"})
    .set(column::last_full_fetch_utc, std::string{"2026-12-01T10:00:00Z"})
    .set(column::all_in_cost, price + 8)
    .set(column::shipping_included, int64_t{1})
    .set(column::fba_fee, 4.0)
    .set(column::referral_percent, 15.0);
  return u;
}

/// The CPU seconds the calling thread has used.
double thread_cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

/// Rows a second of wall time and a second of the writer's own CPU.
struct write_rate {
  double per_s = 0;
  double per_cpu_s = 0;
};

/// Writes `n` rows in transactions of 100.
write_rate write_rows(database& db, int n, int round) {
  auto start = clock_type::now();
  auto cpu = thread_cpu_s();
  for (int i = 0; i < n; i += 100) {
    db.begin();
    for (int j = i; j < std::min(n, i + 100); ++j)
      db.upsert(row(j, round));
    db.commit();
  }
  std::chrono::duration<double> took = clock_type::now() - start;
  return {n / took.count(), n / (thread_cpu_s() - cpu)};
}

/// One GET on a kept-alive connection; the body's size.
size_t get(beast::tcp_stream& stream, const std::string& target) {
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> res;
  res.body_limit(256 * 1024 * 1024);
  http::read(stream, buffer, res);
  return res.get().body().size();
}

/// A connected stream to the server.
beast::tcp_stream connect(net::io_context& ioc, uint16_t port) {
  beast::tcp_stream stream{ioc};
  stream.connect(tcp::endpoint{net::ip::make_address("127.0.0.1"), port});
  return stream;
}

/// The value below which `share` of `ms` lie.
double percentile(std::vector<double> ms, double share) {
  std::sort(ms.begin(), ms.end());
  return ms[std::min(ms.size() - 1, static_cast<size_t>(share * ms.size()))];
}

/// The numbers "{n}" became so far: each is asked once in the whole run.
std::atomic<int64_t> fresh_number{1};

/// Runs `clients` threads asking `target` `requests` times each; returns
/// every latency in ms.

std::vector<double> hammer(uint16_t port, const std::string& target,
                           int clients, int requests,
                           std::atomic<bool>* until = nullptr) {
  std::vector<std::vector<double>> each(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      net::io_context ioc;
      auto stream = connect(ioc, port);
      for (int r = 0; until ? !until->load() : r < requests; ++r) {
        // "{n}" becomes a number no other request asked for: no page is
        // answered from memory.
        auto asked = target;
        if (auto at = asked.find("{n}"); at != std::string::npos)
          asked.replace(at, 3, std::to_string(fresh_number++));
        auto start = clock_type::now();
        get(stream, asked);
        std::chrono::duration<double, std::milli> took = clock_type::now()
                                                         - start;
        each[c].push_back(took.count());
      }
    });
  for (auto& t : threads)
    t.join();
  std::vector<double> all;
  for (auto& v : each)
    all.insert(all.end(), v.begin(), v.end());
  return all;
}

/// Peak resident set size of this process, MB.
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

} // namespace

int main(int argc, char** argv) {
  int rows = argc > 1 ? std::atoi(argv[1]) : 20000;
  int requests = argc > 2 ? std::atoi(argv[2]) : 50;
  auto dir = std::filesystem::temp_directory_path() / "keepa-bench-board";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto path = (dir / "deals.db").string();
  database db{path};
  write_rows(db, rows, 0);
  auto quiet = write_rows(db, rows, 1);

  web::server_settings settings;
  settings.port = 0;
  settings.db_path = path;
  web::web_server server{settings, nullptr,
                         [] { return int64_t{1'764'590'400'000}; }};
  if (auto problem = server.start()) {
    std::printf("cannot start: %s\n", problem->c_str());
    return 1;
  }
  auto url = server.url();
  auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  std::printf("board bench: %d active rows, 16 clients x %d requests\n", rows,
              requests);
  struct query {
    const char* name;
    std::string target;
  };
  const query queries[] = {
    {"board page (profit desc)", "/api/deals"},
    {"filtered, by rank asc",
     "/api/deals?min_profit=20&max_rank=2000000&min_roi=10&sort=sales_rank"
     "&order=asc"},
    {"text search, by ROI", "/api/deals?q=number%2012&sort=roi"},
    {"season, by max buy cost", "/api/deals?season=textbook&sort=max_buy_cost"},
    {"page 100 (offset 5000)", "/api/deals?offset=5000&limit=50"},
    {"uncached: filtered, rank asc",
     "/api/deals?min_profit=20&max_rank={n}000&sort=sales_rank&order=asc"},
    {"uncached: board page", "/api/deals?min_profit=-{n}"},
    {"uncached: search by ROI", "/api/deals?q=number%20{n}&sort=roi"},
  };
  // One client alone: what one answer costs the server, without the
  // other clients' share of the two cores.
  for (auto& q : {queries[0], queries[5], queries[6], queries[7]}) {
    auto ms = hammer(port, q.target, 1, requests);
    std::printf("  %-28s p50 %6.1f ms  p99 %6.1f ms  (1 client)\n", q.name,
                percentile(ms, 0.5), percentile(ms, 0.99));
  }
  for (auto& q : queries) {
    auto ms = hammer(port, q.target, 16, requests);
    std::printf("  %-28s p50 %6.1f ms  p99 %6.1f ms  (%zu requests)\n", q.name,
                percentile(ms, 0.5), percentile(ms, 0.99), ms.size());
  }
  {
    net::io_context ioc;
    auto stream = connect(ioc, port);
    auto start = clock_type::now();
    auto bytes = get(stream, "/deals.csv");
    std::chrono::duration<double, std::milli> took = clock_type::now() - start;
    std::printf("  /deals.csv of all rows       %6.0f ms  (%.1f MB)\n",
                took.count(), bytes / 1e6);
  }
  std::atomic<bool> done{false};
  std::thread load{
    [&] { hammer(port, "/api/deals?sort=sales_rank", 16, 0, &done); }};
  auto busy = write_rows(db, rows, 2);
  done = true;
  load.join();
  // Wall time shows the writer's share of the two cores; its own CPU time
  // shows whether a reader ever held it (a held writer spins or waits).
  std::printf("  writer: %.0f rows/s quiet, %.0f rows/s with the board "
              "hammered (%.1f %%)\n",
              quiet.per_s, busy.per_s, 100.0 * busy.per_s / quiet.per_s);
  std::printf("  writer: %.0f rows per CPU second quiet, %.0f hammered "
              "(%.1f %%)\n",
              quiet.per_cpu_s, busy.per_cpu_s,
              100.0 * busy.per_cpu_s / quiet.per_cpu_s);
  std::printf("  peak RSS of this process (server, writer, clients): %.1f MB\n",
              peak_rss_mb());
  server.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
