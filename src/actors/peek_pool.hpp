#pragma once

#include "actors/actors.hpp"
#include "actors/batch_queue.hpp"
#include "model/peek_filter.hpp"

namespace keepa {

/// Where PEEK_POOL sends its results.
struct peek_links {
  token_bucket_actor bucket;
  db_writer_actor db;
  commit_pool_actor commit;
  /// Told of listings given up unread.
  watermark_actor watermark;
};

struct peek_pool_state {
  peek_links links;
  wall_clock now_ms;
  peek_rules rules;
  batch_queue<deal> jobs;
  pool_stats stats;

  static inline constexpr const char* name = "peek_pool";
};

/// Spawns PEEK_POOL with batches of at most `batch` ASINs.
peek_pool_actor::behavior_type
make_peek_pool(peek_pool_actor::stateful_pointer<peek_pool_state> self,
               peek_links links, size_t batch, wall_clock now_ms);

/// The /product parameters of a peek: stats only, 1 token per product.
std::vector<std::pair<std::string, std::string>> peek_params();

} // namespace keepa
