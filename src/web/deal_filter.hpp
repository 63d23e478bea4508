#pragma once

// The board's filter, sort and paging (docs/contract.md#apideals): parsed
// from a request's query parameters, checked, and turned into SQL whose
// every value is bound. A column name reaches SQL only through the
// deal_fields whitelist.

#include "model/columns.hpp"
#include "web/deal_fields.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace keepa::web {

/// Query parameters by name, decoded.
using query_params = std::map<std::string, std::string>;

/// What a request selects of `deals`.
struct deal_filter {
  std::optional<double> min_profit;
  std::optional<double> min_roi;
  std::optional<double> min_percent_down;
  std::optional<int64_t> max_rank;
  /// Least sales-rank drops in the last 30 (min_drops) and 90 days.
  std::optional<int64_t> min_drops;
  std::optional<int64_t> min_drops90;
  std::optional<std::string> season;
  /// Text searched for in titles and ASINs, case-insensitive.
  std::optional<std::string> q;
  std::optional<std::string> mark;
  /// Only rows first seen after this time (ISO).
  std::optional<std::string> found_after;
  /// `active`, `pending`, `gone`, or empty for all.
  std::string status = "active";
  /// Whether rows the seller dismissed are shown.
  bool dismissed = false;
  const deal_field* sort = find_field("profit");
  bool descending = true;
  /// Rows of one page; nullopt for all (CSV).
  std::optional<int64_t> limit = 50;
  int64_t offset = 0;
};

/// A parameter that cannot be used, and why.
struct param_error {
  std::string parameter;
  std::string message;
};

/// The most rows one /api/deals page holds.
inline constexpr int64_t max_page_rows = 500;

/// Parses the parameters into a filter. `paged` false (CSV) leaves the
/// limit open unless one is given. Unknown parameters are errors.
std::variant<deal_filter, param_error> parse_filter(const query_params& params,
                                                    bool paged = true);

/// A SQL text with the values to bind to its named parameters.
struct bound_sql {
  std::string sql;
  std::map<std::string, cell> values;
};

/// `WHERE ...` of the filter (without ORDER BY or LIMIT).
bound_sql where_clause(const deal_filter& f);

/// The page's query: select_list() FROM deals WHERE ... ORDER BY ...
/// LIMIT ...; NULLs sort last in either order, ties by ASIN.
bound_sql page_query(const deal_filter& f);

/// `SELECT COUNT(*) FROM deals WHERE ...`.
bound_sql count_query(const deal_filter& f);

/// What a request selects of `rejections` (docs/contract.md#apirejections):
/// the listings the engine judged and turned down, newest first.
struct rejection_filter {
  /// Text searched for in ASINs and reasons, case-insensitive.
  std::optional<std::string> q;
  int64_t limit = 50;
  int64_t offset = 0;
};

/// Parses `q`, `limit` and `offset`; any other parameter is an error.
std::variant<rejection_filter, param_error>
parse_rejection_filter(const query_params& params);

/// The page's query: asin, reason, keepa_last_update, rejected_utc.
bound_sql rejection_page_query(const rejection_filter& f);

/// `SELECT COUNT(*) FROM rejections WHERE ...`.
bound_sql rejection_count_query(const rejection_filter& f);

} // namespace keepa::web
