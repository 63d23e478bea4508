#pragma once

// Values in and out of SQLite statements, for the engine's one writing
// connection (database.cpp and its parts).

#include "model/columns.hpp"

#include <optional>
#include <string>

struct sqlite3_stmt;

namespace keepa {

/// Resets a cached statement when the scope that used it ends.
struct statement_use {
  sqlite3_stmt* stmt;
  ~statement_use();
};

/// Binds one cell at 1-based position `i`.
void bind_cell(sqlite3_stmt* stmt, int i, const cell& c);

/// Binds a text at 1-based position `i`.
void bind_text(sqlite3_stmt* stmt, int i, const std::string& s);

/// Reads a text column; empty for NULL.
std::string text_at(sqlite3_stmt* stmt, int i);

/// Reads a REAL column; nullopt for NULL.
std::optional<double> real_at(sqlite3_stmt* stmt, int i);

/// Reads an INTEGER column; nullopt for NULL.
std::optional<int64_t> integer_at(sqlite3_stmt* stmt, int i);

} // namespace keepa
