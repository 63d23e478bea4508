#pragma once

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "model/analytics.hpp"

#include <set>

namespace keepa {

/// Where COMMIT_POOL calls and writes.
struct commit_links {
  token_bucket_actor bucket;
  db_writer_actor db;
};

struct commit_pool_state {
  commit_links links;
  wall_clock now_ms;
  fee_settings fees;
  batch_queue<deal_key> jobs;
  /// ASINs queued or in flight, so a survivor is never bought twice.
  std::set<std::string> known;
  pool_stats stats;

  static inline constexpr const char* name = "commit_pool";
};

/// Spawns COMMIT_POOL with batches of at most `batch` ASINs; it first
/// resumes the `pending` rows a previous run left.
commit_pool_actor::behavior_type
make_commit_pool(commit_pool_actor::stateful_pointer<commit_pool_state> self,
                 commit_links links, size_t batch, fee_settings fees,
                 wall_clock now_ms);

/// The /product parameters of the heavy fetch.
std::vector<std::pair<std::string, std::string>> commit_params();

} // namespace keepa
