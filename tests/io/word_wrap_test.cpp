// Text fitted to a terminal's width at word boundaries (pure functions).

#include "io/word_wrap.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using keepa::whole_words;
using keepa::wrap_words;
using rows = std::vector<std::string>;

TEST_CASE("wrap_words breaks at spaces where the next word would not fit") {
  CHECK(wrap_words("deals 2431 active, 7 pending", 12)
        == rows{"deals 2431", "active, 7", "pending"});
  CHECK(wrap_words("deals 2431 active", 17) == rows{"deals 2431 active"});
  CHECK(wrap_words("deals 2431 active", 16) == rows{"deals 2431", "active"});
  CHECK(wrap_words("a  b", 10) == rows{"a b"});
  CHECK(wrap_words("", 10) == rows{""});
}

TEST_CASE("wrap_words starts a row at each line end and cuts only a word "
          "wider than the row") {
  CHECK(wrap_words("ok: one\nok: two", 20) == rows{"ok: one", "ok: two"});
  CHECK(wrap_words("see 0123456789abc now", 5)
        == rows{"see", "01234", "56789", "abc", "now"});
}

TEST_CASE("every row of a long line fits and no word is cut") {
  std::string text = "tokens 812 (+20/min, next in 37 s, 3 waiting) | peek "
                     "120+1 commit 15+2 light 0+0 | deals 24310 active, 7 "
                     "pending, 188400 rejected | watermark "
                     "2026-12-02T13:58:00Z | 429s 0";
  for (size_t width = 20; width <= 120; ++width) {
    CAPTURE(width);
    auto got = wrap_words(text, width);
    std::string joined;
    for (size_t i = 0; i < got.size(); ++i) {
      CHECK(got[i].size() <= width);
      if (i + 1 < got.size()) { // the next word did not fit
        auto& next = got[i + 1];
        CHECK(got[i].size() + 1 + std::min(next.find(' '), next.size())
              > width);
      }
      joined += (i ? " " : "") + got[i];
    }
    CHECK(joined == text);
  }
}

TEST_CASE("whole_words keeps the whole words that fit, without a trailing "
          "separator") {
  CHECK(whole_words("HALTED: key_rejected", 30) == "HALTED: key_rejected");
  CHECK(whole_words("HALTED: key_rejected", 19) == "HALTED:");
  CHECK(whole_words("tokens 812 | peek 120+1", 15) == "tokens 812");
  CHECK(whole_words("tokens 812 | peek 120+1", 9) == "tokens");
  CHECK(whole_words("tokens 812", 5).empty());
}
