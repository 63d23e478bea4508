#include "web/deal_reader.hpp"

#include "io/database.hpp"
#include "io/sqlite_values.hpp"

#include <memory>
#include <sqlite3.h>

namespace keepa::web {

namespace {

/// Finalizes a statement when it goes out of scope.
struct statement_deleter {
  void operator()(sqlite3_stmt* s) const {
    sqlite3_finalize(s);
  }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

/// Binds `value` to the named parameter, if the statement has it.
void bind_value(sqlite3_stmt* s, const char* name, const cell& value) {
  if (int i = sqlite3_bind_parameter_index(s, name))
    bind_cell(s, i, value);
}

/// Column `i` of the current row as a cell.
cell column_cell(sqlite3_stmt* s, int i) {
  switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(s, i);
    case SQLITE_TEXT:
      return std::string{
        reinterpret_cast<const char*>(sqlite3_column_text(s, i)),
        static_cast<size_t>(sqlite3_column_bytes(s, i))};
    default:
      return std::monostate{};
  }
}

/// The row as one cell per column.
deal_row row_of(sqlite3_stmt* s) {
  deal_row row;
  int n = sqlite3_column_count(s);
  row.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    row.push_back(column_cell(s, i));
  return row;
}

/// The pages one connection keeps in memory at most.
constexpr size_t kept_pages = 64;

/// What identifies a page: its query, its values and the context.
std::string page_key(const bound_sql& q, const query_context& ctx) {
  std::string key = q.sql;
  for (auto& [name, value] : q.values) {
    key += '\n' + name + '=' + std::to_string(value.index()) + ':';
    if (auto* n = std::get_if<int64_t>(&value))
      key += std::to_string(*n);
    else if (auto* d = std::get_if<double>(&value))
      key += std::to_string(*d);
    else if (auto* t = std::get_if<std::string>(&value))
      key += *t;
  }
  return key + '\n' + ctx.now_iso + ' ' + std::to_string(ctx.fees.prep) + ' '
         + std::to_string(ctx.fees.shipping_estimate) + ' '
         + std::to_string(ctx.fees.tax_percent) + ' '
         + std::to_string(ctx.fees.tax_exempt) + ' '
         + std::to_string(ctx.target_roi_percent);
}

} // namespace

deal_reader::deal_reader(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr)
      != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw database_error{"database '" + path + "' (read-only): " + msg};
  }
  sqlite3_busy_timeout(db_, 2000);
}

deal_reader::~deal_reader() {
  sqlite3_close(db_);
}

sqlite3_stmt* deal_reader::prepare(const bound_sql& q,
                                   const query_context& ctx) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, q.sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
    throw database_error{std::string{"reading deals: "} + sqlite3_errmsg(db_)};
  for (auto& [name, value] : q.values)
    bind_value(s, name.c_str(), value);
  bind_value(s, ":now", ctx.now_iso);
  bind_value(s, ":roi", ctx.target_roi_percent / 100.0);
  bind_value(s, ":tax",
             ctx.fees.tax_exempt ? 0.0 : ctx.fees.tax_percent / 100.0);
  bind_value(s, ":prep", ctx.fees.prep);
  bind_value(s, ":ship_est", ctx.fees.shipping_estimate);
  return s;
}

void deal_reader::run(const bound_sql& q, const query_context& ctx,
                      const row_handler& on_row) {
  statement s{prepare(q, ctx)};
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW)
    on_row(row_of(s.get()));
  if (rc != SQLITE_DONE)
    throw database_error{std::string{"reading deals: "} + sqlite3_errmsg(db_)};
}

void deal_reader::each(const deal_filter& f, const query_context& ctx,
                       const row_handler& each_row) {
  run(page_query(f), ctx, each_row);
}

int64_t deal_reader::data_version() {
  int64_t version = -1;
  run(bound_sql{"PRAGMA data_version", {}}, query_context{},
      [&](const deal_row& r) { version = std::get<int64_t>(r.at(0)); });
  return version;
}

board_page deal_reader::page(const deal_filter& f, const query_context& ctx) {
  auto rows = page_query(f);
  auto key = page_key(rows, ctx);
  if (auto version = data_version(); version != pages_version_) {
    pages_.clear();
    pages_version_ = version;
  }
  if (auto i = pages_.find(key); i != pages_.end())
    return i->second;
  auto out = read_page(count_query(f), rows, !f.limit || *f.limit > 0, ctx);
  if (pages_.size() >= kept_pages)
    pages_.clear();
  pages_.emplace(std::move(key), out);
  return out;
}

board_page deal_reader::read_page(const bound_sql& count, const bound_sql& rows,
                                  bool with_rows, const query_context& ctx) {
  board_page out;
  // One read transaction: the total and the rows see the same snapshot.
  sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);
  try {
    run(count, ctx,
        [&](const deal_row& r) { out.total = std::get<int64_t>(r.at(0)); });
    if (with_rows)
      run(rows, ctx, [&](const deal_row& r) { out.rows.push_back(r); });
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
  sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
  return out;
}

board_page deal_reader::rejections(const rejection_filter& f) {
  return read_page(rejection_count_query(f), rejection_page_query(f),
                   f.limit > 0, query_context{});
}

std::optional<deal_row> deal_reader::one(const std::string& asin,
                                         const query_context& ctx) {
  std::optional<deal_row> out;
  run(bound_sql{select_list() + " FROM deals WHERE asin = :asin",
                {{":asin", asin}}},
      ctx, [&](const deal_row& r) { out = r; });
  return out;
}

std::optional<std::string> deal_reader::chart(const std::string& asin) {
  std::optional<std::string> out;
  run(bound_sql{"SELECT chart FROM deals WHERE asin = :asin",
                {{":asin", asin}}},
      query_context{}, [&](const deal_row& r) {
        if (auto* text = std::get_if<std::string>(&r.at(0)))
          out = *text;
      });
  return out;
}

std::vector<deal_event> deal_reader::events(const std::string& asin) {
  std::vector<deal_event> out;
  auto optional_real = [](const cell& c) -> std::optional<double> {
    if (auto* d = std::get_if<double>(&c))
      return *d;
    if (auto* n = std::get_if<int64_t>(&c))
      return static_cast<double>(*n);
    return std::nullopt;
  };
  run(bound_sql{"SELECT at_utc, old_price, new_price FROM events WHERE "
                "asin = :asin AND kind = 'price_drop' ORDER BY id DESC "
                "LIMIT 100",
                {{":asin", asin}}},
      query_context{}, [&](const deal_row& r) {
        auto* at = std::get_if<std::string>(&r.at(0));
        out.push_back(
          {at ? *at : "", optional_real(r.at(1)), optional_real(r.at(2))});
      });
  return out;
}

} // namespace keepa::web
