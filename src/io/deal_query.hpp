#pragma once

// The checks a /deal selection (deal_query.json) gets before any request:
// every field Keepa documents, by type and value range (docs/contract.md).
// Integers may come as strings of digits ("1"), as Keepa accepts them.
// dateRange is 0-3 as documented or 4 (undocumented, seen in use); Keepa
// refused "7". What only Keepa can judge is left to Keepa: a refusal stops
// discovery with Keepa's words (scout.hpp).

#include <optional>
#include <string>

#include <rapidjson/document.h>

namespace keepa {

/// The first field of a selection that Keepa would refuse, and why.
struct selection_problem {
  std::string field;
  std::string message;
};

/// Checks a parsed selection object; nullopt when it passes.
std::optional<selection_problem> check_selection(const rapidjson::Value& sel);

} // namespace keepa
