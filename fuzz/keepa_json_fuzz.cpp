// libFuzzer target: the Keepa JSON parser must never crash, whatever bytes
// arrive (DESIGN.md invariant 8).

#include "io/keepa_json.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string error;
  auto body = keepa::parse_keepa_body(
    std::string_view{reinterpret_cast<const char*>(data), size}, error);
  if (body)
    for (auto& p : body->products)
      (void) keepa::at_or_missing(p.stats ? p.stats->current
                                          : keepa::csv_values{},
                                  keepa::csv_type::used);
  return 0;
}
