#include "model/links.hpp"

namespace keepa {

namespace {

/// The Amazon host of each Keepa domain id (1-6, 8-12).
std::string_view amazon_host(int domain) {
  switch (domain) {
    case 2:
      return "www.amazon.co.uk";
    case 3:
      return "www.amazon.de";
    case 4:
      return "www.amazon.fr";
    case 5:
      return "www.amazon.co.jp";
    case 6:
      return "www.amazon.ca";
    case 8:
      return "www.amazon.it";
    case 9:
      return "www.amazon.es";
    case 10:
      return "www.amazon.in";
    case 11:
      return "www.amazon.com.mx";
    case 12:
      return "www.amazon.com.br";
    default:
      return "www.amazon.com";
  }
}

} // namespace

std::string amazon_url(int domain, std::string_view asin) {
  return "https://" + std::string{amazon_host(domain)} + "/dp/"
         + std::string{asin} + "?psc=1&aod=1";
}

std::string keepa_url(int domain, std::string_view asin) {
  return "https://keepa.com/#!product/" + std::to_string(domain) + "-"
         + std::string{asin};
}

} // namespace keepa
