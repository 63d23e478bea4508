#include "io/redact.hpp"

namespace keepa {

std::string redact(std::string_view text, std::string_view secret) {
  std::string out{text};
  if (!secret.empty())
    for (auto pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + 3))
      out.replace(pos, secret.size(), "***");
  for (auto pos = out.find("key="); pos != std::string::npos;
       pos = out.find("key=", pos + 1)) {
    auto start = pos + 4;
    auto end = out.find_first_of("& \"'\n", start);
    if (end == std::string::npos)
      end = out.size();
    if (end > start && out.compare(start, end - start, "***") != 0)
      out.replace(start, end - start, "***");
  }
  return out;
}

} // namespace keepa
