#include "actors/messages.hpp"

#include <caf/error.hpp>
#include <caf/message.hpp>

namespace keepa {

std::string error_text(const caf::error& err) {
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return to_string(err);
}

namespace {

/// What each kind is called and costs at most per item.
struct kind_info {
  const char* name;
  double upper_cost;
};

/// By call_kind; offers=20 reads at most 2 pages of 6 tokens.
constexpr kind_info kinds[call_kind_count] = {
  {"token", 0}, {"deal_page", 5}, {"peek", 1}, {"commit", 12}, {"light", 1},
};

} // namespace

const char* to_string(call_kind k) {
  return kinds[static_cast<size_t>(k)].name;
}

by_kind<double> upper_costs_per_item() {
  by_kind<double> costs;
  for (auto k : all_call_kinds)
    costs[k] = kinds[static_cast<size_t>(k)].upper_cost;
  return costs;
}

size_t keepa_call::items() const {
  if (auto* p = std::get_if<product_request>(&request))
    return p->asins.size();
  return std::holds_alternative<deal_request>(request) ? 1 : 0;
}

} // namespace keepa
