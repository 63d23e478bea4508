#pragma once

// The `[alerts]` and `[alerts.NAME]` sections of config.ini
// (docs/contract.md#alerts): each a webhook target with its format and
// rules; rules set in [alerts] hold for every target that does not set its
// own. Errors name the key and never quote a webhook URL or a bot token.

#include "io/config_values.hpp"
#include "model/alert_target.hpp"

#include <boost/property_tree/ptree_fwd.hpp>

#include <string>
#include <vector>

namespace keepa {

/// True for `alerts` and `alerts.NAME`.
bool is_alert_section(const std::string& section);

/// Reads every alert section of `tree` (the whole INI file) into `out`.
maybe_error read_alert_sections(const boost::property_tree::ptree& tree,
                                alert_settings& out);

/// The credentials among the settings (webhook URLs, bot tokens): what
/// redaction hides wherever text leaves the engine.
std::vector<std::string> alert_secrets(const alert_settings& s);

} // namespace keepa
