#pragma once

// /metrics: the engine's dump (docs/contract.md#the-dump) and the web
// server's own counters in Prometheus' text exposition format, every name
// prefixed `keepa_ingest_`, counters ending in `_total`, each with HELP and
// TYPE lines.

#include <cstdint>
#include <map>
#include <string>

#include <rapidjson/document.h>

namespace keepa::web {

/// Renders the metrics from a parsed dump object, the web requests answered
/// by HTTP status, and the wall clock (Unix ms, for the watermark's age).
std::string render_metrics(const rapidjson::Value& dump,
                           const std::map<int, uint64_t>& requests_by_status,
                           int64_t now_ms);

} // namespace keepa::web
