#include "web/deal_filter.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

namespace keepa::web {

namespace {

/// The value of a number parameter, or why not.
template <class T>
std::variant<T, param_error>
number(const std::string& name, const std::string& text) {
  T out{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  bool whole = ec == std::errc{} && end == text.data() + text.size();
  if constexpr (std::is_floating_point_v<T>)
    whole = whole && std::isfinite(out);
  if (!whole)
    return param_error{name,
                       name + ": must be a"
                         + (std::is_integral_v<T> ? std::string{"n integer"}
                                                  : std::string{" number"})
                         + ", got '" + text + "'"};
  return out;
}

/// True when `text` has the shape YYYY-MM-DDTHH:MM:SSZ.
bool is_iso_time(const std::string& text) {
  static const std::string shape = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != shape.size())
    return false;
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(text[i]))
                        : text[i] != shape[i])
      return false;
  return true;
}

/// `text` as a LIKE pattern matching it anywhere, its wildcards escaped.
std::string contains_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "%";
}

/// Reads one parameter into the filter; an error when it cannot.
std::optional<param_error> apply(deal_filter& f, const std::string& name,
                                 const std::string& value, bool paged) {
  auto real = [&](std::optional<double>& slot) -> std::optional<param_error> {
    auto v = number<double>(name, value);
    if (auto* err = std::get_if<param_error>(&v))
      return *err;
    slot = std::get<double>(v);
    return std::nullopt;
  };
  auto whole = [&](std::optional<int64_t>& slot, int64_t low,
                   int64_t high) -> std::optional<param_error> {
    auto v = number<int64_t>(name, value);
    if (auto* err = std::get_if<param_error>(&v))
      return *err;
    auto n = std::get<int64_t>(v);
    if (n < low || n > high)
      return param_error{name, name + ": must be from " + std::to_string(low)
                                 + " to " + std::to_string(high) + ", got "
                                 + value};
    slot = n;
    return std::nullopt;
  };
  auto one_of = [&](std::initializer_list<const char*> allowed)
    -> std::optional<param_error> {
    std::string names;
    for (auto* a : allowed) {
      if (value == a)
        return std::nullopt;
      names += names.empty() ? "" : ", ";
      names += a;
    }
    return param_error{name, name + ": must be one of " + names + ", got '"
                               + value + "'"};
  };
  if (name == "min_profit")
    return real(f.min_profit);
  if (name == "min_roi")
    return real(f.min_roi);
  if (name == "min_percent_down")
    return real(f.min_percent_down);
  if (name == "max_rank")
    return whole(f.max_rank, 0, INT64_MAX);
  if (name == "min_drops")
    return whole(f.min_drops, 0, INT64_MAX);
  if (name == "min_drops90")
    return whole(f.min_drops90, 0, INT64_MAX);
  if (name == "season") {
    f.season = value;
    return std::nullopt;
  }
  if (name == "q") {
    f.q = value;
    return std::nullopt;
  }
  if (name == "mark") {
    f.mark = value;
    return one_of({"watch", "bought", "dismissed"});
  }
  if (name == "found_after") {
    f.found_after = value;
    if (is_iso_time(value))
      return std::nullopt;
    return param_error{name, name + ": must be YYYY-MM-DDTHH:MM:SSZ, got '"
                               + value + "'"};
  }
  if (name == "status") {
    f.status = value == "all" ? "" : value;
    return one_of({"active", "pending", "gone", "all"});
  }
  if (name == "dismissed") {
    f.dismissed = value == "1";
    return one_of({"0", "1"});
  }
  if (name == "sort") {
    f.sort = find_field(value);
    if (f.sort)
      return std::nullopt;
    return param_error{name, name + ": no field '" + value
                               + "' (see docs/contract.md#apideals)"};
  }
  if (name == "order") {
    f.descending = value == "desc";
    return one_of({"asc", "desc"});
  }
  if (name == "limit") {
    std::optional<int64_t> n;
    auto err = whole(n, 0, paged ? max_page_rows : INT64_MAX);
    f.limit = n;
    return err;
  }
  if (name == "offset") {
    std::optional<int64_t> n;
    auto err = whole(n, 0, INT64_MAX);
    f.offset = n.value_or(0);
    return err;
  }
  return param_error{name, name + ": unknown parameter"};
}

} // namespace

std::variant<deal_filter, param_error> parse_filter(const query_params& params,
                                                    bool paged) {
  deal_filter f;
  if (!paged)
    f.limit.reset();
  for (auto& [name, value] : params)
    if (auto err = apply(f, name, value, paged))
      return *err;
  return f;
}

bound_sql where_clause(const deal_filter& f) {
  bound_sql out{" WHERE 1 = 1", {}};
  auto add = [&](const char* condition, const char* param, cell value) {
    out.sql += " AND ";
    out.sql += condition;
    out.values[param] = std::move(value);
  };
  if (!f.status.empty())
    add("status = :status", ":status", f.status);
  if (!f.dismissed && f.mark != "dismissed")
    out.sql += " AND (mark IS NULL OR mark <> 'dismissed')";
  if (f.mark)
    add("mark = :mark", ":mark", *f.mark);
  if (f.min_profit)
    add("profit >= :min_profit", ":min_profit", *f.min_profit);
  if (f.min_roi)
    add(("(" + std::string{find_field("roi")->sql} + ") >= :min_roi").c_str(),
        ":min_roi", *f.min_roi);
  if (f.min_percent_down)
    add("percent_down >= :min_percent_down", ":min_percent_down",
        *f.min_percent_down);
  if (f.max_rank)
    add("sales_rank <= :max_rank", ":max_rank", *f.max_rank);
  if (f.min_drops)
    add("drops_30 >= :min_drops", ":min_drops", *f.min_drops);
  if (f.min_drops90)
    add("drops_90 >= :min_drops90", ":min_drops90", *f.min_drops90);
  if (f.season)
    add("seasonality = :season", ":season", *f.season);
  if (f.q)
    add("(title LIKE :q ESCAPE '\\' OR asin LIKE :q ESCAPE '\\')", ":q",
        contains_pattern(*f.q));
  if (f.found_after)
    add("first_seen_utc > :found_after", ":found_after", *f.found_after);
  return out;
}

bound_sql page_query(const deal_filter& f) {
  // The page's rows are chosen first on the sort key alone; the shown
  // fields (some computed) are figured for those rows only, not for every
  // row the sort reads.
  auto where = where_clause(f);
  // NULLs sort last in either order; SQLite puts them last in descending
  // order already. Both forms let an index serve the sort.
  auto direction = std::string{f.descending ? " DESC" : " ASC NULLS LAST"};
  auto nulls_last = [&](const std::string& key) { return key + direction; };
  std::string inner = "SELECT rowid AS page_row, (" + std::string{f.sort->sql}
                      + ") AS page_key, asin AS page_asin FROM deals"
                      + where.sql + " ORDER BY " + nulls_last("page_key")
                      + ", asin";
  if (f.limit) {
    inner += " LIMIT :limit OFFSET :offset";
    where.values[":limit"] = *f.limit;
    where.values[":offset"] = f.offset;
  } else if (f.offset > 0) {
    inner += " LIMIT -1 OFFSET :offset";
    where.values[":offset"] = f.offset;
  }
  where.sql = select_list() + " FROM (" + inner
              + ") AS page JOIN deals ON deals.rowid = page.page_row"
                " ORDER BY "
              + nulls_last("page.page_key") + ", page.page_asin";
  return where;
}

bound_sql count_query(const deal_filter& f) {
  auto where = where_clause(f);
  where.sql = "SELECT COUNT(*) FROM deals" + where.sql;
  return where;
}

std::variant<rejection_filter, param_error>
parse_rejection_filter(const query_params& params) {
  for (auto& [name, value] : params)
    if (name != "q" && name != "limit" && name != "offset")
      return param_error{name, name
                                 + ": unknown parameter (rejections take "
                                   "q, limit and offset)"};
  auto parsed = parse_filter(params);
  if (auto* err = std::get_if<param_error>(&parsed))
    return *err;
  auto& f = std::get<deal_filter>(parsed);
  return rejection_filter{f.q, *f.limit, f.offset};
}

namespace {

/// `WHERE ...` of a rejection filter.
bound_sql rejection_where(const rejection_filter& f) {
  if (!f.q)
    return {"", {}};
  return {" WHERE asin LIKE :q ESCAPE '\\' OR reason LIKE :q ESCAPE '\\'",
          {{":q", contains_pattern(*f.q)}}};
}

} // namespace

bound_sql rejection_page_query(const rejection_filter& f) {
  auto q = rejection_where(f);
  q.sql = "SELECT asin, reason, keepa_last_update, rejected_utc FROM "
          "rejections"
          + q.sql
          + " ORDER BY rejected_utc DESC, asin LIMIT :limit OFFSET :offset";
  q.values[":limit"] = f.limit;
  q.values[":offset"] = f.offset;
  return q;
}

bound_sql rejection_count_query(const rejection_filter& f) {
  auto q = rejection_where(f);
  q.sql = "SELECT COUNT(*) FROM rejections" + q.sql;
  return q;
}

} // namespace keepa::web
