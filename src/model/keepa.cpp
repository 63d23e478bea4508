#include "model/keepa.hpp"

namespace keepa {

bool csv_with_shipping(csv_type t) {
  auto i = static_cast<int>(t);
  return i == 7 || (i >= 18 && i <= 29) || i == 32;
}

int64_t at_or_missing(const csv_values& v, csv_type i) {
  auto idx = static_cast<size_t>(i);
  return idx < v.size() ? v[idx] : -1;
}

} // namespace keepa
