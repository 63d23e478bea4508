#include "io/deal_query.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace keepa {

namespace {

using value = rapidjson::Value;
using check = std::function<std::optional<std::string>(const value&)>;

/// An integer, or a string of one ("7", "-1"), as Keepa coerces it.
std::optional<int64_t> as_int(const value& v) {
  if (v.IsInt64())
    return v.GetInt64();
  if (!v.IsString() || v.GetStringLength() == 0 || v.GetStringLength() > 18)
    return std::nullopt;
  std::string s{v.GetString(), v.GetStringLength()};
  auto digits = s[0] == '-' ? s.substr(1) : s;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    return std::nullopt;
  return std::stoll(s);
}

/// An integer in [lo, hi].
check int_in(int64_t lo, int64_t hi) {
  return [=](const value& v) -> std::optional<std::string> {
    auto i = as_int(v);
    if (i && *i >= lo && *i <= hi)
      return std::nullopt;
    return "must be an integer from " + std::to_string(lo) + " to "
           + std::to_string(hi);
  };
}

/// One of the listed integers.
check int_of(std::vector<int64_t> allowed, std::string words) {
  return [=](const value& v) -> std::optional<std::string> {
    auto i = as_int(v);
    if (i && std::find(allowed.begin(), allowed.end(), *i) != allowed.end())
      return std::nullopt;
    return "must be " + words;
  };
}

/// true or false.
std::optional<std::string> boolean(const value& v) {
  if (v.IsBool())
    return std::nullopt;
  return std::string{"must be true or false"};
}

/// A string.
std::optional<std::string> text(const value& v) {
  if (v.IsString())
    return std::nullopt;
  return std::string{"must be a string"};
}

/// An array of at most `max` entries, each passing `each`.
check array_of(size_t max, check each, std::string what) {
  return [=](const value& v) -> std::optional<std::string> {
    if (!v.IsArray() || v.Size() > max)
      return "must be an array of at most " + std::to_string(max) + " " + what;
    for (auto& x : v.GetArray())
      if (each(x))
        return "must be an array of " + what;
    return std::nullopt;
  };
}

/// [min, max] of integers, max >= min (-1 as max: no upper bound where
/// `open_max`), or null (off); min at least `floor`.
check range(int64_t floor, bool open_max) {
  return [=](const value& v) -> std::optional<std::string> {
    if (v.IsNull())
      return std::nullopt;
    std::string shape = "must be [min, max] with integers, min <= max";
    if (!v.IsArray() || v.Size() != 2)
      return shape;
    auto lo = as_int(v[0]);
    auto hi = as_int(v[1]);
    if (!lo || !hi || (*hi < *lo && !(open_max && *hi == -1)))
      return shape;
    if (*lo < floor)
      return "must start at " + std::to_string(floor) + " or more";
    return std::nullopt;
  };
}

const std::vector<int64_t> price_types = {0,  1,  2,  3,  5,  6,  7,  8, 9,
                                          10, 18, 19, 20, 21, 22, 32, 33};
const char* const price_type_words
  = "one of 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 18, 19, 20, 21, 22, 32, 33";

/// The one entry of priceTypes ([n] or a bare n); null for a list of
/// another length.
const value* single_price_type(const value& v) {
  if (!v.IsArray())
    return &v;
  return v.Size() == 1 ? &v[0] : nullptr;
}

/// priceTypes: exactly one valid type.
std::optional<std::string> price_type(const value& v) {
  auto* one = single_price_type(v);
  if (!one)
    return std::string{"must hold exactly one price type"};
  return int_of(price_types, price_type_words)(*one);
}

/// The documented fields and their checks.
const std::map<std::string, check>& fields() {
  static const std::map<std::string, check> all = [] {
    std::map<std::string, check> m;
    m["page"] = int_in(0, 66);
    m["domainId"] = int_in(1, 12);
    m["priceTypes"] = price_type;
    m["dateRange"] = int_in(0, 4); // 0-3 documented, 4 seen in use
    m["sortType"] = int_of({1, 2, 3, 4, -2, -3, -4},
                           "1, 2, 3 or 4 (2-4 inverted when negative)");
    m["minRating"] = int_in(-1, 50);
    auto category = int_in(0, INT64_MAX);
    m["includeCategories"] = array_of(500, category, "category ids");
    m["excludeCategories"] = array_of(500, category, "category ids");
    m["warehouseConditions"] = array_of(5, int_in(1, 5), "conditions 1-5");
    m["titleSearch"] = text;
    for (auto* name :
         {"isFilterEnabled", "isRangeEnabled", "isLowest", "isLowest90",
          "isLowestOffer", "isHighest", "isOutOfStock", "isBackInStock",
          "hasReviews", "filterErotic", "singleVariation", "isRisers",
          "isPrimeExclusive", "mustHaveAmazonOffer", "mustNotHaveAmazonOffer"})
      m[name] = boolean;
    for (auto* name : {"material",
                       "type",
                       "manufacturer",
                       "brand",
                       "productGroup",
                       "model",
                       "color",
                       "size",
                       "unitType",
                       "scent",
                       "itemForm",
                       "pattern",
                       "style",
                       "itemTypeKeyword",
                       "targetAudienceKeyword",
                       "edition",
                       "format",
                       "author",
                       "binding",
                       "languages",
                       "brandStoreName",
                       "brandStoreUrlName",
                       "websiteDisplayGroup",
                       "websiteDisplayGroupName",
                       "salesRankDisplayGroup"})
      m[name] = array_of(500, text, "strings");
    m["currentRange"] = range(0, false);
    m["deltaRange"] = range(INT64_MIN, false);
    m["deltaPercentRange"] = range(INT64_MIN, false);
    m["deltaLastRange"] = range(INT64_MIN, false);
    m["salesRankRange"] = range(0, true);
    return m;
  }();
  return all;
}

/// deltaPercentRange starts at 10, or 80 for the SALES price type (3).
std::optional<selection_problem> check_percent_floor(const value& sel) {
  auto range = sel.FindMember("deltaPercentRange");
  auto type = sel.FindMember("priceTypes");
  if (range == sel.MemberEnd() || !range->value.IsArray()
      || range->value.Size() != 2)
    return std::nullopt;
  auto* one = type == sel.MemberEnd() ? nullptr
                                      : single_price_type(type->value);
  bool sales = one && as_int(*one) == 3;
  auto floor = sales ? 80 : 10;
  auto lo = as_int(range->value[0]);
  if (lo && *lo < floor)
    return selection_problem{
      "deltaPercentRange", "must start at " + std::to_string(floor) + " or more"
                             + (sales ? " for SALES (priceTypes 3)" : "")};
  return std::nullopt;
}

} // namespace

std::optional<selection_problem> check_selection(const value& sel) {
  if (!sel.IsObject())
    return selection_problem{"", "must be a JSON object"};
  auto& known = fields();
  for (auto& m : sel.GetObject()) {
    std::string name{m.name.GetString(), m.name.GetStringLength()};
    auto f = known.find(name);
    if (f == known.end())
      return selection_problem{name, "is not a field of a /deal query "
                                     "(the README's \"The deal query\" "
                                     "lists them)"};
    if (auto why = f->second(m.value))
      return selection_problem{name, *why};
  }
  if (!sel.HasMember("priceTypes"))
    return selection_problem{"priceTypes",
                             std::string{"is required: "} + price_type_words};
  return check_percent_floor(sel);
}

} // namespace keepa
