// SQLite upserts per second: batched in one transaction (as the db_writer
// commits) against one transaction per row.
//
// usage: bench_db_writer [rows]

#include "io/database.hpp"
#include "model/columns.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace {

using namespace keepa;

/// A full row like the commit pool writes.
deal_update row(int i) {
  deal_update u;
  u.asin = "B0" + std::to_string(10000000 + i);
  u.set(column::title, std::string{"A Book"})
    .set(column::status, std::string{to_string(deal_status::active)})
    .set(column::price_now, 12.5 + i % 100)
    .set(column::list_at, 45.0)
    .set(column::one_yr_avg, 40.0)
    .set(column::profit, 12.0)
    .set(column::margin, 26.0)
    .set(column::sales_rank, int64_t{12345 + i})
    .set(column::keepa_last_update, int64_t{8400000 + i})
    .set(column::first_seen_utc, std::string{"2026-11-24T00:00:00Z"})
    .set(column::last_seen_utc, std::string{"2026-11-24T00:00:00Z"});
  return u;
}

/// Rows per second writing `n` rows in transactions of `batch` rows.
double rate(const std::string& path, int n, int batch) {
  std::filesystem::remove(path);
  database db{path};
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; i += batch) {
    db.begin();
    for (int k = i; k < std::min(n, i + batch); ++k)
      db.upsert(row(k));
    db.commit();
  }
  auto s
    = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
        .count();
  return n / s;
}

} // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  auto dir = std::filesystem::temp_directory_path() / "keepa-bench-db";
  std::filesystem::create_directories(dir);
  auto path = (dir / "deals.db").string();
  auto batched = rate(path, n, 500);
  auto single = rate(path, std::max(1, n / 20), 1);
  std::printf("| db_writer upserts | rows/s |\n|---|---|\n");
  std::printf("| batched, 500 per transaction (WAL, synchronous=NORMAL) | %.0f "
              "|\n",
              batched);
  std::printf("| one transaction per row | %.0f |\n", single);
  std::printf("| ratio | %.1f x |\n", batched / single);
  return 0;
}
