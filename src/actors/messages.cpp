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

const char* to_string(call_kind k) {
  switch (k) {
    case call_kind::token:
      return "token";
    case call_kind::deal_page:
      return "deal_page";
    case call_kind::peek:
      return "peek";
    case call_kind::commit:
      return "commit";
    case call_kind::light:
      return "light";
  }
  return "unknown";
}

size_t keepa_call::items() const {
  switch (kind) {
    case call_kind::token:
      return 0;
    case call_kind::deal_page:
      return 1;
    default:
      return product.asins.size();
  }
}

} // namespace keepa
