#include "actors/console_screen.hpp"

#include "io/word_wrap.hpp"

#include <caf/exit_reason.hpp>

namespace keepa {

namespace {

using self_ptr = console_screen_actor::stateful_pointer<console_screen_state>;

constexpr auto redraw_interval = std::chrono::seconds{3};
constexpr auto ask_timeout = std::chrono::seconds{10};

/// Reads the terminal's size, and keeps its bottom row for the live line
/// when it is tall enough (gives it back when it no longer is).
void take_size(self_ptr self) {
  auto& st = self->state;
  if (auto size = terminal_size_of(st.fd))
    st.size = *size;
  bool was_reserved = st.reserved;
  st.reserved = keeps_bottom_row(st.size.rows);
  if (st.reserved)
    write_all(st.fd, reserve_bottom_row(st.size.rows));
  else if (was_reserved)
    write_all(st.fd, release_bottom_row(st.size.rows));
}

/// Asks the engine for the live line at the current width and draws it.
void draw_live(self_ptr self) {
  if (!self->state.reserved)
    return;
  auto width = static_cast<uint32_t>(row_width(self->state.size.cols));
  self->request(self->state.engine, ask_timeout, atom::live_v, width)
    .then(
      [=](const std::string& line) {
        // The terminal may have shrunk while the engine answered.
        auto& st = self->state;
        if (st.reserved)
          write_all(st.fd,
                    draw_bottom_row(whole_words(line, row_width(st.size.cols)),
                                    st.size.rows));
      },
      // The next wake asks again.
      [](const caf::error&) {});
}

/// `answer` as rows of the terminal: wrapped at words, a JSON dump whole.
std::string rows_of(const std::string& answer, const terminal_size& size) {
  if (answer.rfind('{', 0) == 0)
    return answer + "\r\n";
  return as_rows(answer, size.cols);
}

} // namespace

console_screen_actor::behavior_type make_console_screen(
  console_screen_actor::stateful_pointer<console_screen_state> self,
  engine_actor engine, int fd) {
  self->state.engine = std::move(engine);
  self->state.fd = fd;
  take_size(self);
  self->set_exit_handler([=](caf::exit_msg& msg) {
    auto& st = self->state;
    if (st.reserved)
      write_all(st.fd, release_bottom_row(st.size.rows));
    st.reserved = false;
    self->quit(msg.reason);
  });
  self->send(self, atom::wake_v);
  return {
    // Redraws the live line now and again after the interval.
    [=](atom::wake) {
      self->delayed_send(self, redraw_interval, atom::wake_v);
      draw_live(self);
    },
    // Prints an answer where the user typed, above the live line.
    [=](atom::print, const std::string& answer) {
      write_all(self->state.fd, rows_of(answer, self->state.size));
    },
    // Takes the new size: the scroll region, then the live line, anew.
    [=](atom::resize) {
      take_size(self);
      draw_live(self);
    },
  };
}

} // namespace keepa
