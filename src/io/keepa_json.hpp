#pragma once

// Keepa JSON to model structs (docs/keepa.md). Never throws and
// never trusts a shape: a null, a short array, a missing field or a wrong
// type becomes the struct's documented default (model/keepa.hpp).

#include "model/keepa.hpp"

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace keepa {

/// Parses a whole response body. nullopt (with `error`) only when the body
/// is not a JSON object: invalid, truncated, bad UTF-8, or another type.
/// Unusable items are skipped and described in `warnings`.
std::optional<keepa_body> parse_keepa_body(std::string_view json,
                                           std::string& error);

/// The token envelope of a response object; nullopt without a usable
/// integer `tokensLeft`.
std::optional<token_envelope> parse_envelope(const rapidjson::Value& obj);

/// One product; nullopt (with `why`) when it is not an object with an ASIN.
std::optional<product> parse_product(const rapidjson::Value& v,
                                     std::string& why);

/// One deal; nullopt (with `why`) when it is not an object with an ASIN.
std::optional<deal> parse_deal(const rapidjson::Value& v, std::string& why);

} // namespace keepa
