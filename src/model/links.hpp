#pragma once

// Where a seller opens a deal: the Amazon offer listing and the Keepa
// product page, for the board, its CSV and the alerts.

#include <string>
#include <string_view>

namespace keepa {

/// The Amazon offer listing of `asin` on Keepa domain `domain` (1 .com,
/// 2 .co.uk, 3 .de, ...; an unknown id gives .com).
std::string amazon_url(int domain, std::string_view asin);

/// The Keepa product page of `asin`.
std::string keepa_url(int domain, std::string_view asin);

} // namespace keepa
