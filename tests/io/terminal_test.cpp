// The escape sequences that keep a terminal's bottom row for the live
// line, read through the tests' screen model as a terminal would show
// them.

#include "io/terminal.hpp"
#include "support/screen.hpp"

#include <doctest/doctest.h>

using namespace keepa;
using keepa::test::screen;

TEST_CASE("the bottom row is kept for the live line, and what the user "
          "types stays where it is") {
  screen s{20, 5};
  s.feed("banner\r\nsta");
  s.feed(reserve_bottom_row(5));
  CHECK(s.scroll_region() == std::make_pair(size_t{0}, size_t{3}));
  CHECK(s.cursor_row() == 1);
  CHECK(s.cursor_col() == 3);
  s.feed(draw_bottom_row("tokens 812", 5));
  s.feed(draw_bottom_row("tokens 9", 5));
  CHECK(s.row(4) == "tokens 9");
  s.feed("tus\r\n");
  CHECK(s.row(1) == "status");
  // Answers scroll above the live line, never over it.
  s.feed("one\r\ntwo\r\nthree\r\nfour\r\n");
  CHECK(s.row(0) == "two");
  CHECK(s.row(2) == "four");
  CHECK(s.row(3).empty());
  CHECK(s.row(4) == "tokens 9");
  CHECK(s.unknown.empty());
}

TEST_CASE("a cursor on the bottom row moves the screen up one row before "
          "the row is kept") {
  screen s{20, 4};
  s.feed("a\r\nb\r\nc\r\nd");
  REQUIRE(s.cursor_row() == 3);
  s.feed(reserve_bottom_row(4));
  CHECK(s.row(0) == "b");
  CHECK(s.row(2) == "d");
  CHECK(s.cursor_row() == 2);
  CHECK(s.cursor_col() == 1);
  CHECK(s.row(3).empty());
}

TEST_CASE("a live line a resize left in the middle of the screen is cleared "
          "when the row is kept again") {
  screen s{20, 6};
  s.feed("ok: resumed\r\nsta");
  s.feed("\0337\033[4;1Htokens 812\0338"); // the old bottom row, grown
  s.feed(reserve_bottom_row(6));
  CHECK(s.row(3).empty());
  CHECK(s.row(1) == "sta");
  CHECK(s.cursor_col() == 3);
}

TEST_CASE("releasing the bottom row clears it and gives the screen back") {
  screen s{20, 5};
  s.feed(reserve_bottom_row(5));
  s.feed(draw_bottom_row("tokens 812", 5));
  s.feed("ok: stopping\r\n");
  s.feed(release_bottom_row(5));
  CHECK(s.row(4).empty());
  CHECK(s.row(0) == "ok: stopping");
  CHECK(s.cursor_row() == 1);
  CHECK(s.scroll_region() == std::make_pair(size_t{0}, size_t{4}));
}

TEST_CASE("text becomes rows that leave the last column free, broken at "
          "words") {
  CHECK(row_width(80) == 79);
  CHECK(row_width(1) == 1);
  CHECK(as_rows("ok: paused; no Keepa request will be sent", 20)
        == "ok: paused; no\r\nKeepa request will\r\nbe sent\r\n");
  screen s{20, 5};
  s.feed(as_rows("ok: paused; no Keepa request will be sent", 20));
  CHECK(s.wraps == 0);
  CHECK(s.row(1) == "Keepa request will");
}

TEST_CASE("only a screen of three rows or more keeps a row for the live "
          "line") {
  CHECK(!keeps_bottom_row(2));
  CHECK(keeps_bottom_row(3));
}
