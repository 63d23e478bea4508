// The console in a terminal as a person sees it: keepa-ingest on a
// pseudo-terminal of 80x24 and of 200x50 against mock-keepa, its output
// read through a tiny screen model (support/screen.hpp). The live status
// line fits one row, what the user types stays readable while the line is
// redrawn, and the answer to `status` breaks only between words.

#include "support/console.hpp"
#include "support/process.hpp"
#include "support/screen.hpp"

#include <doctest/doctest.h>

#include <regex>

using keepa::test::console_kind;
using keepa::test::console_process;
using keepa::test::engine_dir;
using keepa::test::fresh_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;
using keepa::test::screen;
using keepa::test::terminal_size;

namespace {

using namespace std::chrono_literals;

/// The whole `status` answer, as one line.
const std::regex full_status{
  R"(tokens (unknown \(Keepa has not answered yet, \d+ waiting\))"
  R"(|-?\d+ \(\+\d+/min( after \d+ for trackings)?, next in \d+ s, \d+ )"
  R"(waiting(; next call: [a-z_]+, about \d+ tokens, (held while paused)"
  R"(|at the refill in \d+ s))?\))( PAUSED)?( HALTED: .*)? \| peek \d+\+\d+ )"
  R"(commit \d+\+\d+ light \d+\+\d+ \| deals \d+ active, \d+ pending, \d+ )"
  R"(rejected \| watermark (none|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \| 429s )"
  R"(\d+( \| plan keeps at most \d+ deals alive, refreshes \d+ on time)? \| )"
  R"(\d+ peeks, \d+ commits/min \| last hour: \d+ profitable(, \d+\.\d )"
  R"(tokens each)? \| prices: \d+ from listings, \d+ from offers \| )"
  R"(backlog worth \$\d+( \| backlog ETA \d+ min)?)"
  R"(( \| [A-Za-z].*)?)"};

/// Each field the live line may show, whole.
const std::regex live_field{
  R"(tokens (unknown \(\d+ waiting\)|-?\d+ \(\+\d+/min, next in \d+ s\)))"
  R"(( PAUSED)?( HALTED: [a-z_]+)?)"
  R"(|peek \d+\+\d+ commit \d+\+\d+ light \d+\+\d+)"
  R"(|deals \d+ active, \d+ pending, \d+ rejected)"
  R"(|watermark (none|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ))"
  R"(|429s \d+|\d+ peeks, \d+ commits/min)"
  R"(|plan keeps at most \d+ deals alive, refreshes \d+ on time)"
  R"(|last hour: \d+ profitable(, \d+\.\d tokens each)?)"
  R"(|backlog worth \$\d+|backlog ETA \d+ min)"
  R"(|prices: \d+ from listings, \d+ from offers)"
  R"(|alerts \d+ sent/h, \d+ pending, \d+ failed)"
  // The warnings' brief forms: whichever the mock's run raises.
  R"(|NO KEEPA ANSWER for \d+ min|BOARD NOT LISTENING|DATABASE CANNOT WRITE)"
  R"(|DISCOVERY STOPPED|PLAN FULL|SHEDDING \d+|ALERTS STOPPED)"
  R"(|WATERMARK HELD \d+ min|janitor: .+)"};

/// The screen after everything the engine printed so far.
screen seen(const console_process& engine, terminal_size size) {
  screen s{size.cols, size.rows};
  s.feed(engine.output);
  return s;
}

/// `text` split at " | ".
std::vector<std::string> fields_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (auto at = text.find(" | "); at != std::string::npos;
       at = text.find(" | ", start)) {
    out.push_back(text.substr(start, at - start));
    start = at + 3;
  }
  out.push_back(text.substr(start));
  return out;
}

/// True when the bottom row holds the live line, whole fields only, in
/// fewer columns than the terminal has.
bool live_row_fits(const screen& s, terminal_size size) {
  auto live = s.row(s.rows() - 1);
  if (live.rfind("tokens ", 0) != 0 || live.size() >= size.cols)
    return false;
  for (auto& field : fields_of(live))
    if (!std::regex_match(field, live_field))
      return false;
  return true;
}

/// The first word of `row`.
std::string first_word(const std::string& row) {
  return row.substr(0, row.find(' '));
}

/// Types `status` as a person does, a live redraw in the middle, then
/// checks the screen: the input readable on its own row, the answer
/// broken only between words and only where the next word would not fit.
void type_status_and_check(console_process& engine, terminal_size size) {
  engine.skip_printed();
  engine.press("sta");
  REQUIRE(engine.wait_for("sta", 10s));
  // The live line is redrawn while the word is half typed: once the
  // second redraw began, the first one is on the screen.
  REQUIRE_MESSAGE(engine.wait_for("tokens ", 10s), engine.output);
  REQUIRE(engine.wait_for("tokens ", 10s));
  auto half_typed = [&] {
    auto s = seen(engine, size);
    return s.row(s.cursor_row()) == "sta" && s.cursor_col() == 3;
  };
  CHECK_MESSAGE(engine.wait_until(half_typed, 5s), seen(engine, size).dump());
  engine.press("tus\n");
  // The answer is written at once: once it shows, `resume` is typed below
  // it, and once `resume` is answered, the screen shows both.
  auto status_shown = [&] {
    auto s = seen(engine, size);
    auto r = s.cursor_row();
    return r > 1 && s.cursor_col() == 0 && s.row(r).empty()
           && !s.row(r - 1).empty() && s.row(r - 1) != "status";
  };
  CHECK_MESSAGE(engine.wait_until(status_shown, 30s),
                seen(engine, size).dump());
  engine.type("resume");
  REQUIRE_MESSAGE(engine.wait_for("ok: resumed", 30s), engine.output);
  auto answered = [&] {
    auto s = seen(engine, size);
    auto r = s.cursor_row();
    return r > 0 && s.row(r).empty() && s.row(r - 1) == "ok: resumed";
  };
  auto s = seen(engine, size);
  CHECK_MESSAGE(engine.wait_until(answered, 5s), s.dump());
  s = seen(engine, size);
  INFO(s.dump());
  CHECK(s.wraps == 0);
  CHECK(s.unknown.empty());
  size_t typed = s.rows();
  size_t next = s.rows();
  for (size_t r = 0; r < s.rows(); ++r) {
    if (s.row(r) == "status")
      typed = r;
    if (s.row(r) == "resume")
      next = r;
  }
  REQUIRE(typed < s.rows());
  REQUIRE(next < s.rows());
  REQUIRE(typed + 1 < next);
  std::string answer;
  for (auto r = typed + 1; r < next; ++r) {
    auto row = s.row(r);
    CHECK(row.size() < size.cols);
    if (r + 1 < next)
      CHECK(row.size() + 1 + first_word(s.row(r + 1)).size() >= size.cols);
    answer += (answer.empty() ? "" : " ") + row;
  }
  CAPTURE(answer);
  CHECK(std::regex_match(answer, full_status));
  CHECK(live_row_fits(s, size));
  // The live line is on no other row.
  for (size_t r = 0; r + 1 < s.rows(); ++r)
    if (r != typed + 1)
      CHECK(s.row(r).rfind("tokens ", 0) != 0);
}

/// Runs the engine on a terminal of `size` against a mock, types `status`,
/// checks the screen, quits, and checks the terminal is left as found.
void run_at(terminal_size size) {
  CAPTURE(size.cols);
  CAPTURE(size.rows);
  auto log = fresh_dir("screen-mock") + "/mock.log";
  mock_process mock{mock_binary, "--products 500", log};
  auto dir = engine_dir("screen", mock.url());
  console_process engine{console_kind::terminal, dir, {ingest}, size};
  // The balance is known: the live line shows the refill.
  REQUIRE_MESSAGE(engine.wait_for("/min, next in", 30s), engine.output);
  type_status_and_check(engine, size);
  engine.type("quit");
  CHECK(engine.wait_exit(10s) == 0);
  auto s = seen(engine, size);
  INFO(s.dump());
  CHECK(s.wraps == 0);
  CHECK(s.row(s.rows() - 1).empty());
  CHECK(s.scroll_region() == std::make_pair(size_t{0}, s.rows() - 1u));
}

} // namespace

TEST_CASE("the screen model wraps at the margin, scrolls its region and "
          "erases as a terminal does") {
  screen s{10, 4};
  s.feed("0123456789");
  CHECK(s.wraps == 0);
  CHECK(s.cursor_row() == 0);
  s.feed("ab\r\ncd");
  CHECK(s.wraps == 1);
  CHECK(s.row(1) == "ab");
  CHECK(s.row(2) == "cd");
  s.feed("\0337\033[1;3r\0338\033[4;1H\033[Klive\0338x");
  CHECK(s.row(3) == "live");
  CHECK(s.row(2) == "cdx");
  s.feed("\r\nend");
  CHECK(s.row(0) == "ab");
  CHECK(s.row(1) == "cdx");
  CHECK(s.row(2) == "end");
  CHECK(s.row(3) == "live");
  s.feed("\rx\033[K\033[?25l");
  CHECK(s.row(2) == "x");
  CHECK(s.unknown.size() == 1);
}

TEST_CASE("in an 80x24 terminal the live line fits one row, typed input "
          "stays readable and answers break between words") {
  run_at({80, 24});
}

TEST_CASE("in a 200x50 terminal the live line fits one row, typed input "
          "stays readable and answers break between words") {
  run_at({200, 50});
}

TEST_CASE("the live line follows the terminal when it is resized, and "
          "leaves no copy behind") {
  auto log = fresh_dir("screen-mock") + "/mock.log";
  mock_process mock{mock_binary, "--products 500", log};
  auto dir = engine_dir("screen", mock.url());
  terminal_size wide{200, 50};
  terminal_size narrow{80, 24};
  console_process engine{console_kind::terminal, dir, {ingest}, wide};
  REQUIRE_MESSAGE(engine.wait_for("/min, next in", 30s), engine.output);
  // Where the output was when the terminal took each size.
  std::vector<std::pair<size_t, terminal_size>> sizes{{0, wide}};
  auto replay = [&] {
    screen s{wide.cols, wide.rows};
    for (size_t i = 0; i < sizes.size(); ++i) {
      auto from = sizes[i].first;
      auto to = i + 1 < sizes.size() ? sizes[i + 1].first
                                     : engine.output.size();
      s.resize(sizes[i].second.cols, sizes[i].second.rows);
      s.feed(engine.output.substr(from, to - from));
    }
    return s;
  };
  auto shows = [&](terminal_size size, const std::string& field) {
    return engine.wait_until(
      [&] {
        auto s = replay();
        return live_row_fits(s, size)
               && s.row(s.rows() - 1).find(field) != std::string::npos;
      },
      10s);
  };
  CHECK_MESSAGE(shows(wide, " | deals "), replay().dump());
  for (auto size : {narrow, wide}) {
    CAPTURE(size.cols);
    engine.skip_printed();
    sizes.emplace_back(engine.output.size(), size);
    engine.resize(size);
    // Two redraws after the resize: the second one surely at the new size.
    REQUIRE(engine.wait_for("tokens ", 10s));
    REQUIRE(engine.wait_for("tokens ", 10s));
    CHECK_MESSAGE(shows(size, "tokens "), replay().dump());
    auto s = replay();
    INFO(s.dump());
    CHECK(s.scroll_region() == std::make_pair(size_t{0}, s.rows() - 2u));
    for (size_t r = 0; r + 1 < s.rows(); ++r)
      CHECK(s.row(r).rfind("tokens ", 0) != 0);
  }
  engine.type("quit");
  CHECK(engine.wait_exit(10s) == 0);
}
