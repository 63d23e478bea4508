#include "io/sqlite_values.hpp"

#include <sqlite3.h>

namespace keepa {

statement_use::~statement_use() {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
}

void bind_cell(sqlite3_stmt* stmt, int i, const cell& c) {
  if (auto* n = std::get_if<int64_t>(&c))
    sqlite3_bind_int64(stmt, i, *n);
  else if (auto* d = std::get_if<double>(&c))
    sqlite3_bind_double(stmt, i, *d);
  else if (auto* s = std::get_if<std::string>(&c))
    sqlite3_bind_text(stmt, i, s->data(), static_cast<int>(s->size()),
                      SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(stmt, i);
}

void bind_text(sqlite3_stmt* stmt, int i, const std::string& s) {
  bind_cell(stmt, i, cell{s});
}

std::string text_at(sqlite3_stmt* stmt, int i) {
  auto* p = sqlite3_column_text(stmt, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

std::optional<double> real_at(sqlite3_stmt* stmt, int i) {
  if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
    return std::nullopt;
  return sqlite3_column_double(stmt, i);
}

std::optional<int64_t> integer_at(sqlite3_stmt* stmt, int i) {
  if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
    return std::nullopt;
  return sqlite3_column_int64(stmt, i);
}

} // namespace keepa
