#pragma once

// Keeps the API key out of every text the program prints
// (docs/design.md#invariants): log lines, error messages, dumps.

#include <string>
#include <string_view>

namespace keepa {

/// `text` with every occurrence of `secret` and every `key=` query value
/// replaced by `***`.
std::string redact(std::string_view text, std::string_view secret);

} // namespace keepa
