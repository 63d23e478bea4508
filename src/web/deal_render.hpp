#pragma once

// A shown deal written as JSON (/api/deals) and as CSV (/deals.csv), and
// the links that go with it. Every text from Keepa or the database leaves
// here escaped for where it lands: RapidJSON escapes JSON strings; CSV cells
// are quoted per RFC 4180 and a cell a spreadsheet would run as a formula
// is neutralised.

#include "model/links.hpp"
#include "web/deal_reader.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>
#include <string_view>

namespace keepa::web {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// Writes one deal as a JSON object, with its links.
void write_deal(json_writer& w, const deal_row& row, int domain);

/// Writes one rejection (a deal_reader::rejections row) as a JSON object,
/// with its links.
void write_rejection(json_writer& w, const deal_row& row, int domain);

/// One CSV cell: quoted when it holds a comma, quote or line break; a
/// leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` first so
/// that no spreadsheet runs it, unless the text is a plain number.
std::string csv_cell(std::string_view text);

/// The CSV header line (field names), CRLF-terminated.
std::string csv_header();

/// One deal as a CSV line, CRLF-terminated; numbers as they are stored.
std::string csv_line(const deal_row& row);

} // namespace keepa::web
