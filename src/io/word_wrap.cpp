#include "io/word_wrap.hpp"

#include <algorithm>

namespace keepa {

namespace {

/// Wraps one line (no line end in it) onto `rows`.
void wrap_line(const std::string& line, size_t width,
               std::vector<std::string>& rows) {
  std::string row;
  size_t at = 0;
  while (at < line.size()) {
    auto start = line.find_first_not_of(' ', at);
    if (start == std::string::npos)
      break;
    auto end = std::min(line.find(' ', start), line.size());
    auto word = line.substr(start, end - start);
    at = end;
    if (!row.empty() && row.size() + 1 + word.size() > width) {
      rows.push_back(row);
      row.clear();
    }
    if (row.empty())
      for (; word.size() > width; word.erase(0, width))
        rows.push_back(word.substr(0, width));
    row += (row.empty() ? "" : " ") + word;
  }
  rows.push_back(row);
}

} // namespace

std::vector<std::string> wrap_words(const std::string& text, size_t width) {
  std::vector<std::string> rows;
  width = std::max<size_t>(width, 1);
  size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos;
       end = text.find('\n', start)) {
    wrap_line(text.substr(start, end - start), width, rows);
    start = end + 1;
  }
  wrap_line(text.substr(start), width, rows);
  return rows;
}

std::string whole_words(const std::string& text, size_t width) {
  if (text.size() <= width)
    return text;
  auto cut = text.rfind(' ', width);
  if (cut == std::string::npos)
    return "";
  auto kept = text.substr(0, cut);
  kept.erase(kept.find_last_not_of(" |,;") + 1);
  return kept;
}

} // namespace keepa
