#pragma once

// A snapshot of a quiet, synced pipeline for the renderer tests.

#include "actors/snapshot.hpp"

#include <string>

namespace keepa::test {

/// A synced bucket of 100 tokens at 20 a minute, a watermark, nothing
/// queued.
inline pipeline_snapshot quiet_pipeline() {
  pipeline_snapshot s;
  s.bucket.synced = true;
  s.bucket.balance = 100;
  s.bucket.refill_per_min = 20;
  s.watermark.watermark = 8000000;
  return s;
}

/// True when `line` contains `what`.
inline bool says(const std::string& line, const std::string& what) {
  return line.find(what) != std::string::npos;
}

} // namespace keepa::test
