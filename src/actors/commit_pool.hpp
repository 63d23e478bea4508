#pragma once

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "model/analytics.hpp"
#include "model/defaults.hpp"

#include <deque>
#include <map>

namespace keepa {

/// Where COMMIT_POOL calls and writes.
struct commit_links {
  token_bucket_actor bucket;
  db_writer_actor db;
};

/// How COMMIT_POOL buys and orders its survivors.
struct commit_settings {
  size_t batch = defaults::commit_batch;
  fee_settings fees;
  spend_levers levers;
  /// A survivor missing from the heavy fetch is asked again this much
  /// later, and rejected once missing this many times in a row.
  caf::timespan missing_retry = std::chrono::minutes{10};
  int missing_limit = 3;
};

struct commit_pool_state {
  commit_links links;
  wall_clock now_ms;
  commit_settings settings;
  /// Survivors queued or in flight, one copy of each ASIN, so none is
  /// bought twice.
  batch_queue<survivor> jobs{true};
  /// When each profitable row of the last hour was written (Unix ms).
  std::deque<int64_t> profitable_times;
  /// Survivors missing from the heavy fetch, with how many times in a
  /// row.
  std::map<std::string, int> misses;
  commit_stats stats;

  static inline constexpr const char* name = "commit_pool";
};

/// Spawns COMMIT_POOL; it first resumes the `pending` rows a previous run
/// left.
commit_pool_actor::behavior_type
make_commit_pool(commit_pool_actor::stateful_pointer<commit_pool_state> self,
                 commit_links links, commit_settings settings,
                 wall_clock now_ms);

/// The /product parameters of the heavy fetch; with `update`, Keepa's
/// default `update=1` is sent explicitly.
std::vector<std::pair<std::string, std::string>> commit_params(bool update);

} // namespace keepa
