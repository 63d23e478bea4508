#pragma once

// A tiny terminal for process tests: it reads what a program wrote to its
// pseudo-terminal and keeps the screen a person would see. It knows the
// few controls a line-oriented program sends (\r, \n, \b, a tab, ESC 7,
// ESC 8 and ESC D, and CSI H, A-D, K, J, r), wraps at the right margin as xterm
// and tmux do (a character in the last column waits there; the next one goes to
// the next row), scrolls within the scroll region, and records every wrap and
// every sequence it does not know, so that a test can require that no row
// overflowed and that nothing went unread.

#include <algorithm>
#include <string>
#include <vector>

namespace keepa::test {

class screen {
public:
  screen(size_t cols, size_t rows) {
    resize(cols, rows);
  }

  /// Interprets `bytes` as the terminal would.
  void feed(const std::string& bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      auto c = static_cast<unsigned char>(bytes[i]);
      if (c == 0x1b)
        i = escape(bytes, i);
      else if (c == '\r')
        col_ = 0, pending_wrap_ = false;
      else if (c == '\n')
        line_feed();
      else if (c == '\b')
        col_ = col_ > 0 ? col_ - 1 : 0, pending_wrap_ = false;
      else if (c == '\t')
        col_ = std::min(cols_ - 1, (col_ / 8 + 1) * 8);
      else if (c >= 0x20 && c != 0x7f && (c & 0xc0) != 0x80)
        put(c < 0x80 ? static_cast<char>(c) : '?'); // one cell per glyph
    }
  }

  /// The terminal takes a new size as tmux does: the rows keep their
  /// text, the cursor stays on its row (the top rows go when it would
  /// fall off), and the scroll region becomes the whole screen.
  void resize(size_t cols, size_t rows) {
    if (row_ >= rows && !text_.empty()) {
      auto gone = row_ - rows + 1;
      text_.erase(text_.begin(), text_.begin() + static_cast<long>(gone));
      row_ -= gone;
    }
    text_.resize(rows, std::string(cols, ' '));
    for (auto& r : text_)
      r.resize(cols, ' ');
    cols_ = cols;
    rows_ = rows;
    top_ = 0;
    bottom_ = rows - 1;
    col_ = std::min(col_, cols - 1);
    pending_wrap_ = false;
  }

  /// Row `r` (from 0) as shown, without trailing blanks.
  std::string row(size_t r) const {
    auto s = text_.at(r);
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  }

  size_t rows() const {
    return rows_;
  }
  size_t cursor_row() const {
    return row_;
  }
  size_t cursor_col() const {
    return col_;
  }
  /// The scroll region, rows from 0, both ends included.
  std::pair<size_t, size_t> scroll_region() const {
    return {top_, bottom_};
  }

  /// Times a character went past the right margin to the next row.
  size_t wraps = 0;
  /// The escape sequences this model does not know.
  std::vector<std::string> unknown;

  /// Every row, numbered, for test output.
  std::string dump() const {
    std::string out;
    for (size_t r = 0; r < rows_; ++r)
      out += std::to_string(r) + "|" + row(r) + "\n";
    return out;
  }

private:
  void put(char c) {
    if (pending_wrap_) {
      ++wraps;
      col_ = 0;
      line_feed();
    }
    text_[row_][col_] = c;
    if (col_ + 1 < cols_)
      ++col_;
    else
      pending_wrap_ = true;
  }

  void line_feed() {
    pending_wrap_ = false;
    if (row_ == bottom_) {
      text_.erase(text_.begin() + static_cast<long>(top_));
      text_.insert(text_.begin() + static_cast<long>(bottom_),
                   std::string(cols_, ' '));
    } else if (row_ + 1 < rows_) {
      ++row_;
    }
  }

  /// Interprets the sequence starting with ESC at `at`; returns the index
  /// of its last byte.
  size_t escape(const std::string& b, size_t at) {
    if (at + 1 >= b.size()) {
      unknown.push_back("ESC at the end");
      return at;
    }
    char kind = b[at + 1];
    if (kind == '7') {
      saved_ = {row_, col_};
      return at + 1;
    }
    if (kind == '8') {
      row_ = std::min(saved_.first, rows_ - 1);
      col_ = std::min(saved_.second, cols_ - 1);
      pending_wrap_ = false;
      return at + 1;
    }
    if (kind == 'D') {
      line_feed();
      return at + 1;
    }
    if (kind != '[') {
      unknown.push_back(b.substr(at + 1, 1));
      return at + 1;
    }
    auto end = at + 2;
    while (end < b.size() && (b[end] < 0x40 || b[end] > 0x7e))
      ++end;
    if (end >= b.size()) {
      unknown.push_back("unterminated CSI");
      return b.size() - 1;
    }
    csi(b.substr(at + 2, end - at - 2), b[end]);
    return end;
  }

  /// One control sequence: its parameters and final byte.
  void csi(const std::string& params, char final) {
    std::vector<size_t> p;
    size_t value = 0;
    bool any = false;
    for (char c : params + ";") {
      if (c == ';') {
        p.push_back(any ? value : 0);
        value = 0;
        any = false;
      } else if (c >= '0' && c <= '9') {
        value = value * 10 + static_cast<size_t>(c - '0');
        any = true;
      } else {
        unknown.push_back("CSI " + params + final);
        return;
      }
    }
    auto arg = [&](size_t i, size_t fallback) {
      return i < p.size() && p[i] > 0 ? p[i] : fallback;
    };
    pending_wrap_ = false;
    switch (final) {
      case 'H':
      case 'f':
        row_ = std::min(arg(0, 1), rows_) - 1;
        col_ = std::min(arg(1, 1), cols_) - 1;
        break;
      case 'A':
        row_ -= std::min(row_, arg(0, 1));
        break;
      case 'B':
        row_ = std::min(rows_ - 1, row_ + arg(0, 1));
        break;
      case 'C':
        col_ = std::min(cols_ - 1, col_ + arg(0, 1));
        break;
      case 'D':
        col_ -= std::min(col_, arg(0, 1));
        break;
      case 'K':
        erase_in_row(row_, p.empty() ? 0 : p[0]);
        break;
      case 'J':
        erase_in_screen(p.empty() ? 0 : p[0]);
        break;
      case 'r':
        top_ = arg(0, 1) - 1;
        bottom_ = std::min(arg(1, rows_), rows_) - 1;
        if (top_ >= bottom_)
          top_ = 0, bottom_ = rows_ - 1;
        row_ = col_ = 0;
        break;
      default:
        unknown.push_back("CSI " + params + final);
    }
  }

  void erase_in_row(size_t r, size_t how) {
    auto& s = text_[r];
    if (how == 0)
      std::fill(s.begin() + static_cast<long>(col_), s.end(), ' ');
    else if (how == 1)
      std::fill(s.begin(), s.begin() + static_cast<long>(col_) + 1, ' ');
    else
      std::fill(s.begin(), s.end(), ' ');
  }

  void erase_in_screen(size_t how) {
    erase_in_row(row_, how);
    for (size_t r = 0; r < rows_; ++r)
      if ((how == 0 && r > row_) || (how == 1 && r < row_) || how == 2)
        erase_in_row(r, 2);
  }

  std::vector<std::string> text_;
  size_t cols_ = 0;
  size_t rows_ = 0;
  size_t row_ = 0;
  size_t col_ = 0;
  size_t top_ = 0;
  size_t bottom_ = 0;
  bool pending_wrap_ = false;
  std::pair<size_t, size_t> saved_{0, 0};
};

} // namespace keepa::test
