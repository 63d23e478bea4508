#pragma once

// JSON of the mock's products and deals, shaped like Keepa's
// (docs/keepa.md: the product and deal fields the engine reads).

#include "mock/catalog.hpp"
#include "mock/history.hpp"
#include "model/keepa.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace keepa::mock {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

/// What a /product call asked for.
struct product_view {
  bool stats = false;
  int stats_days = 180; // the interval of stats.avg
  bool history = true;
  int offers = 0; // 0 = none
  int days = 365;
};

/// Writes the envelope members into an open object.
void write_envelope(json_writer& w, const token_envelope& env);

/// Writes one product object.
void write_product(json_writer& w, const catalog& cat, const item& it,
                   int64_t now_ms, const product_view& view);

/// Writes one deal object from its figures.
void write_deal(json_writer& w, const item& it, const live_state& s,
                const deal_figures& d);

/// The number of offers a product returns for `offers=N`.
int offers_returned(const item& it, int requested);

} // namespace keepa::mock
