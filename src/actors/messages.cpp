#include "actors/messages.hpp"

namespace keepa {

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
