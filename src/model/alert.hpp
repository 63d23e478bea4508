#pragma once

// What an alert is and when a committed row deserves one
// (docs/contract.md#alerts): a new profitable deal that passes a target's
// rules, or a real price drop on an active deal. Alerts cost no token: they
// come from rows the engine already bought.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keepa {

enum class alert_kind { new_deal, price_drop };

const char* to_string(alert_kind k);

/// One alert as it is stored in the outbox and sent.
struct alert {
  /// Stable over retries and restarts: ASIN, Keepa lastUpdate and kind.
  std::string id;
  alert_kind kind = alert_kind::new_deal;
  std::string asin;
  std::string title;
  double price_now = 0;
  std::optional<double> profit;
  std::optional<double> roi;
  /// The price alerted last for this deal (a drop only).
  std::optional<double> previous_price;
  std::optional<int64_t> sales_rank;
  std::string amazon_url;
  /// The deal's page on the board; empty when the board is off.
  std::string board_url;
};

/// The id of the alert of `kind` for `asin` at Keepa's `last_update`.
std::string alert_id(const std::string& asin, int64_t last_update,
                     alert_kind kind);

/// What a target wants to hear of; an unset rule lets everything through.
struct alert_rules {
  std::optional<double> min_profit;
  /// Percent.
  std::optional<double> min_roi;
  std::optional<int64_t> max_rank;
  std::optional<int64_t> min_drops90;
  /// How far below the lowest price already alerted a price must fall to
  /// be news, percent.
  double drop_percent = 10;
};

/// The figures of a committed active row the rules read.
struct alert_facts {
  double price_now = 0;
  std::optional<double> profit;
  std::optional<double> roi;
  std::optional<int64_t> sales_rank;
  std::optional<int64_t> drops90;
};

/// True when the row makes a profit and passes every rule that is set; a
/// set rule never passes a figure that is unknown.
bool passes(const alert_rules& rules, const alert_facts& facts);

/// True when `price` is a drop worth telling: at least `drop_percent`
/// below `lowest_alerted`, the lowest price already alerted for the deal.
bool is_news_drop(const alert_rules& rules, double lowest_alerted,
                  double price);

/// What an alert needs of a committed row.
struct alerted_row {
  std::string asin;
  std::string title;
  int64_t keepa_last_update = -1;
  double price_now = 0;
  std::optional<double> profit;
  std::optional<double> all_in_cost;
  std::optional<int64_t> sales_rank;
  std::optional<int64_t> drops90;
};

/// The figures of `row` the rules read (ROI from profit and all-in cost).
alert_facts facts_of(const alerted_row& row);

/// Where an alert's links point.
struct alert_links {
  /// Keepa's domain id, for the Amazon link.
  int domain = 1;
  /// The board's address (`http://HOST:PORT/`); empty when it is off.
  std::string board_url;
};

/// The alert of `kind` on `row`; `previous_price` for a drop.
alert make_alert(const alerted_row& row, alert_kind kind,
                 const alert_links& links,
                 std::optional<double> previous_price = std::nullopt);

/// What one webhook request carries: one alert, or a digest of the
/// alerts past a target's max_per_minute.
struct alert_message {
  std::vector<alert> alerts;

  bool is_digest() const {
    return alerts.size() > 1;
  }

  /// The alert's id, or the digest's: `digest-FIRST-N`, FIRST the id of
  /// its oldest alert and N their number (the outbox fixes which alerts a
  /// digest holds before it is sent, so a repeat has the same id).
  std::string id() const;
};

} // namespace keepa
