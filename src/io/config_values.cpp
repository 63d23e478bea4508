#include "io/config_values.hpp"

namespace keepa {

/// Parses `text` as a whole number in [lo, hi] into `out`.
maybe_error read_number(const std::string& key, const std::string& text, int lo,
                        int hi, int& out) {
  config_error err{key, "must be a whole number from " + std::to_string(lo)
                          + " to " + std::to_string(hi) + ", got '" + text
                          + "'"};
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used != text.size() || v < lo || v > hi)
      return err;
    out = static_cast<int>(v);
    return std::nullopt;
  } catch (const std::exception&) {
    return err;
  }
}

/// Parses `text` as a decimal number in [lo, hi] into `out`.
maybe_error read_number(const std::string& key, const std::string& text, int lo,
                        int hi, double& out) {
  config_error err{key, "must be a number from " + std::to_string(lo) + " to "
                          + std::to_string(hi) + ", got '" + text + "'"};
  try {
    size_t used = 0;
    auto v = std::stod(text, &used);
    if (used != text.size() || !(v >= lo && v <= hi))
      return err;
    out = v;
    return std::nullopt;
  } catch (const std::exception&) {
    return err;
  }
}

} // namespace keepa
