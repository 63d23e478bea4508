#include "io/terminal.hpp"

#include "io/word_wrap.hpp"

#include <cerrno>
#include <sys/ioctl.h>
#include <unistd.h>

namespace keepa {

namespace {

constexpr const char* save_cursor = "\0337";
constexpr const char* restore_cursor = "\0338";

/// CSI n;1 H: the cursor to the start of row `row` (from 1).
std::string to_row(size_t row) {
  return "\033[" + std::to_string(row) + ";1H";
}

/// The whole screen scrolls again (the cursor goes home).
constexpr const char* whole_region = "\033[r";

} // namespace

std::optional<terminal_size> terminal_size_of(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0)
    return std::nullopt;
  return terminal_size{ws.ws_col, ws.ws_row};
}

bool write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

size_t row_width(size_t cols) {
  return cols > 1 ? cols - 1 : 1;
}

std::string as_rows(const std::string& text, size_t cols) {
  std::string out;
  for (auto& row : wrap_words(text, row_width(cols)))
    out += row + "\r\n";
  return out;
}

bool keeps_bottom_row(size_t rows) {
  return rows >= 3;
}

std::string reserve_bottom_row(size_t rows) {
  // Whole screen first (a terminal may keep an old region after a
  // resize), then one row down and back up: on the bottom row that
  // scrolls the screen, elsewhere it changes nothing.
  return std::string{save_cursor} + whole_region + restore_cursor + "\033D"
         + save_cursor + "\033[1;" + std::to_string(rows - 1) + "r"
         + restore_cursor + "\033[A\033[J";
}

std::string draw_bottom_row(const std::string& text, size_t rows) {
  return save_cursor + to_row(rows) + "\033[K" + text + restore_cursor;
}

std::string release_bottom_row(size_t rows) {
  return save_cursor + to_row(rows) + "\033[K" + whole_region + restore_cursor;
}

} // namespace keepa
