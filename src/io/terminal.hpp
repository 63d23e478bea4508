#pragma once

// What the console writes to a terminal (stdout in tmux): its size, and
// the escape sequences that keep its bottom row for the live status line
// while everything else (typed input, answers) scrolls above it. They are
// VT100's, which xterm, tmux and screen all follow: DECSTBM (CSI t;b r)
// sets the scroll region, DECSC/DECRC (ESC 7, ESC 8) save and restore the
// cursor, IND (ESC D) moves down one row, scrolling at the bottom.

#include <optional>
#include <string>

namespace keepa {

/// A terminal's size in characters.
struct terminal_size {
  size_t cols = 80;
  size_t rows = 24;
};

/// The size of the terminal on `fd` (ioctl TIOCGWINSZ); nullopt when `fd`
/// is no terminal or reports no size.
std::optional<terminal_size> terminal_size_of(int fd);

/// Writes all of `text` to `fd`, in as few writes as the kernel takes;
/// false when the terminal is gone.
bool write_all(int fd, const std::string& text);

/// The widest row on a terminal `cols` wide: the last column stays free,
/// so that no terminal wraps it, whatever it does at the right margin.
size_t row_width(size_t cols);

/// `text` as rows of a terminal `cols` wide, each ending in "\r\n":
/// wrapped at words (word_wrap.hpp) to row_width(cols).
std::string as_rows(const std::string& text, size_t cols);

/// True when a screen of `rows` rows can keep its bottom row for the live
/// line and still leave two rows to type and read in.
bool keeps_bottom_row(size_t rows);

/// Keeps the bottom row of a screen of `rows` rows out of the scroll
/// region. The cursor stays where it was, row and column; if it was on the
/// bottom row, the screen moves up one row first. What is right of and
/// below the cursor is cleared: nothing the user typed or read is there,
/// only a live line a resize left in the middle of the screen.
std::string reserve_bottom_row(size_t rows);

/// Draws `text` on the bottom row of a screen of `rows` rows, clearing
/// what was there, and puts the cursor back where the user types.
std::string draw_bottom_row(const std::string& text, size_t rows);

/// Clears the bottom row and gives the whole screen back to scrolling,
/// the cursor where it was: the terminal as it was found.
std::string release_bottom_row(size_t rows);

} // namespace keepa
