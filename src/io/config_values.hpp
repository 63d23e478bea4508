#pragma once

// Number values of config.ini keys, read for every section's parser; an
// error names the key and the value.

#include "io/config.hpp"

#include <optional>
#include <string>

namespace keepa {

using maybe_error = std::optional<config_error>;

/// Parses `text` as a whole number in [lo, hi] into `out`.
maybe_error read_number(const std::string& key, const std::string& text, int lo,
                        int hi, int& out);

/// Parses `text` as a decimal number in [lo, hi] into `out`.
maybe_error read_number(const std::string& key, const std::string& text, int lo,
                        int hi, double& out);

} // namespace keepa
