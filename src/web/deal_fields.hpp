#pragma once

// The fields of a deal as the board, /api/deals and /deals.csv show them
// (docs/contract.md#the-board): each with its SQL expression over `deals`.
// One list serves the SELECT, the sort whitelist, the JSON and the CSV, so a
// field has one name and one meaning everywhere.

#include <string>
#include <string_view>
#include <vector>

namespace keepa::web {

/// How a field's value is typed in JSON and CSV.
enum class field_type { text, real, integer, boolean };

/// One field of a shown deal.
struct deal_field {
  std::string_view name;
  /// The SQL expression over `deals`; may use the named parameters
  /// :now (the wall clock, ISO), :roi (target ROI fraction), :tax (tax
  /// fraction), :prep and :ship_est (dollars).
  std::string_view sql;
  field_type type;
};

/// Every field, in the order the CSV's columns take.
const std::vector<deal_field>& deal_fields();

/// The field called `name`; nullptr when there is none.
const deal_field* find_field(std::string_view name);

/// `SELECT expr AS name, ...` of every field (without FROM).
std::string select_list();

} // namespace keepa::web
