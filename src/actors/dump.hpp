#pragma once

// Renders the pipeline's state for the console's `dump` as one line of JSON
// (docs/contract.md#the-dump). A pure function.

#include "actors/snapshot.hpp"

#include <optional>
#include <string>

namespace keepa {

/// The whole dump, or only the member `name` ("" for all); nullopt when
/// `name` is not a member.
std::optional<std::string> render_dump(const pipeline_snapshot& s,
                                       const engine_facts& f,
                                       const std::string& name);

} // namespace keepa
