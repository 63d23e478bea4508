#pragma once

// The board's own read-only SQLite connection. WAL lets it read beside the
// engine's one writer, which it never holds up. Plain blocking code for the
// web server's thread; one instance per thread.

#include "model/analytics.hpp"
#include "model/columns.hpp"
#include "web/deal_filter.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace keepa::web {

/// What the computed fields are figured with.
struct query_context {
  /// The wall clock now, YYYY-MM-DDTHH:MM:SSZ.
  std::string now_iso;
  fee_settings fees;
  double target_roi_percent = 30;
};

/// One shown deal: a value per deal_fields() entry, in that order.
using deal_row = std::vector<cell>;

/// One page of deals and how many rows match in all.
struct board_page {
  int64_t total = 0;
  std::vector<deal_row> rows;
};

/// A price-drop event of one deal.
struct deal_event {
  std::string at_utc;
  std::optional<double> old_price;
  std::optional<double> new_price;
};

/// Called with each row a query reads.
using row_handler = std::function<void(const deal_row&)>;

class deal_reader {
public:
  /// Opens `path` read-only; throws database_error when it cannot.
  explicit deal_reader(const std::string& path);
  ~deal_reader();
  deal_reader(const deal_reader&) = delete;
  deal_reader& operator=(const deal_reader&) = delete;

  /// The filter's page and its total. A page asked for again while no
  /// other connection committed is answered from memory.
  board_page page(const deal_filter& f, const query_context& ctx);

  /// Calls `each_row` for every row the filter selects, in order (CSV).
  void each(const deal_filter& f, const query_context& ctx,
            const row_handler& each_row);

  /// A page of rejections: rows of asin, reason, keepa_last_update and
  /// rejected_utc, newest first, and their total.
  board_page rejections(const rejection_filter& f);

  /// One deal by ASIN, whatever its status or mark.
  std::optional<deal_row> one(const std::string& asin,
                              const query_context& ctx);

  /// The deal's stored chart (model/price_chart.hpp); nullopt when the
  /// row has none (committed before charts were kept) or is missing.
  std::optional<std::string> chart(const std::string& asin);

  /// The deal's events, newest first.
  std::vector<deal_event> events(const std::string& asin);

private:
  void run(const bound_sql& q, const query_context& ctx,
           const row_handler& on_row);
  /// The rows of `rows` and the total `count` reads, in one snapshot.
  board_page read_page(const bound_sql& count, const bound_sql& rows,
                       bool with_rows, const query_context& ctx);
  sqlite3_stmt* prepare(const bound_sql& q, const query_context& ctx);

  /// SQLite's data_version: it changes when another connection commits.
  int64_t data_version();

  sqlite3* db_ = nullptr;
  /// Pages read since data_version was `pages_version_`, by query.
  std::map<std::string, board_page> pages_;
  int64_t pages_version_ = -1;
};

} // namespace keepa::web
