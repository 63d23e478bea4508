#pragma once

// Deal analytics (docs/design.md#the-model) as pure functions over a parsed
// product, with the reference's bugs fixed: the sale window is the history
// actually fetched; -1/-2, nulls and short arrays are never prices; the
// trend reads the sales rank; shipping-included detection works; money is
// dollars as double everywhere; no LLM, only deterministic rules.

#include "model/keepa.hpp"

#include <optional>
#include <string>
#include <vector>

namespace keepa {

/// Fees and costs of the business math, from `[fees]` in config.ini.
struct fee_settings {
  double prep = 2.75;              // dollars per book
  double shipping_estimate = 3.99; // inbound shipping when not included
  double tax_percent = 5.0;
  bool tax_exempt = false;
  double default_fba_fee = 5.50; // when Keepa has none
  double default_referral_percent = 15.0;
  double markup_percent = 10.0;   // for the minimum listing price
  double hard_cap = 1500.0;       // a List at above this is rejected
  double max_list_to_price = 3.0; // above this ratio, needs seasonality
};

/// One inferred sale: a used offer disappeared and the rank improved.
struct sale_event {
  keepa_minutes time = 0;
  double price = 0; // dollars
};

struct sales_inference {
  /// Sane sales (IQR-filtered), oldest first.
  std::vector<sale_event> sales;
  /// Used-offer drops seen in the window (the deal-trust denominator).
  int drops = 0;
};

/// Infers sales from the used-offer count, the rank and the used price over
/// the last `window_days` (the history the commit fetched).
sales_inference infer_sales(const product& p, keepa_minutes now,
                            int window_days = 365);

/// Where a List at came from, in words for the `price_source` column.
struct list_at_estimate {
  std::optional<double> list_at; // dollars
  std::string source;
  int peak_month = 0;   // 1-12, 0 when unknown
  int trough_month = 0; // 1-12, 0 when unknown
};

/// The expected sale price: the peak-month price of the inferred sales
/// (kept during the off-season). Above 0.90 × the lowest Amazon price it
/// is capped there, and the capped price is final (Amazon sells it for
/// less, so no other check applies). Otherwise it is rejected above the
/// hard cap, or above `max_list_to_price` × the used price unless the sales
/// show a seasonal peak.
list_at_estimate estimate_list_at(const sales_inference& s, const product& p,
                                  const fee_settings& fees);

/// The mean of the sales of the last 365 days; nullopt without one.
std::optional<double> one_year_average(const sales_inference& s,
                                       keepa_minutes now);

/// (avg - now) / avg × 100, 0 when the price is above the average.
std::optional<double> percent_down(std::optional<double> avg, double now);

/// The landed price now, whether it includes shipping, and that shipping.
struct landed_price {
  double price = 0; // dollars; 0 when unavailable
  bool shipping_included = false;
  std::optional<double> shipping; // of the offer it came from
};

/// The live offers of `p`: those `liveOffersOrder` lists, in its order
/// (cheapest first). `offers` holds historical offers too (one real book
/// had 121, one of them live), so nothing offer-derived may read it
/// directly. A body without `liveOffersOrder` (older ones) falls back to
/// the offers seen in the 365 days before `now`, in array order.
std::vector<const offer*> live_offers(const product& p, keepa_minutes now);

/// The landed price now: item plus shipping of the cheapest live used offer
/// whose shipping is known (an FBA offer ships free), so an FBA offer above
/// the lowest item price may set it. Without one, the used price now
/// (stats.current) alone, shipping not included. A product without a used
/// price: the new price, landed through the live new offer of that price.
landed_price price_now(const product& p, keepa_minutes now);

/// What a row's price rests on besides the item price, all from its last
/// full fetch (dollars): the shipping of the live offer the price was
/// matched to (unknown: the fee settings' estimate is priced in instead),
/// the List at and one-year average, and Amazon's fees (unknown: the fee
/// settings' defaults).
struct cost_basis {
  std::optional<double> shipping;
  std::optional<double> list_at;
  std::optional<double> one_yr_avg;
  std::optional<double> fba_fee;
  std::optional<double> referral_percent;
};

/// Profit and friends, dollars (the formulas: docs/contract.md#deals).
struct business {
  double all_in = 0;
  double amazon_fees = 0;
  std::optional<double> profit;
  std::optional<double> margin;
  std::optional<double> min_listing_price;
};

/// The business math for a price now and an optional List at.
business business_math(std::optional<double> list_at, double price,
                       bool shipping_included, double fba_fee,
                       double referral_percent, const fee_settings& fees);

/// The FBA fee and referral percent of a product, with the defaults.
std::pair<double, double> product_fees(const product& p,
                                       const fee_settings& fees);

/// "improving", "worsening" or "flat" from the last unique sales ranks.
std::string rank_trend(const product& p);

/// A seasonality label from keyword rules on title, categories, publisher.
std::string seasonality(const product& p);

/// Sane sales per used-offer drop, in percent; nullopt without drops.
std::optional<double> deal_trust(const sales_inference& s);

} // namespace keepa
