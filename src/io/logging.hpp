#pragma once

// spdlog set-up: the console and a rotating file, both behind a sink that
// redacts the API key from every line (docs/design.md#invariants).

#include "io/config.hpp"
#include "io/redact.hpp"

#include <string>
#include <string_view>

namespace keepa {

/// Installs the default logger: stderr when `console`, plus the rotating
/// file of `cfg` (10 MB × 3) when it can be opened; `secret` never appears.
void init_logging(const config& cfg, bool console, const std::string& secret);

} // namespace keepa
