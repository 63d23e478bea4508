// The engine's error codes: what each error carries and how it renders.

#include "actors/errors.hpp"
#include "actors/messages.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <doctest/doctest.h>

using namespace keepa;

TEST_CASE("an engine error carries its code and its words, and the actor "
          "system renders both") {
  auto err = make_engine_error(engine_errc::key_refused, "Keepa said no");
  CHECK(err.category() == caf::atom("keepa"));
  CHECK(err == engine_errc::key_refused);
  CHECK(err != engine_errc::query_refused);
  CHECK(error_text(err) == "Keepa said no");
  caf::actor_system_config cfg;
  // CAF's test scheduler: no worker threads (TSan sees races inside
  // Debian's uninstrumented libcaf_core on the real one).
  cfg.set("scheduler.policy", caf::atom("testing"));
  add_engine_errors(cfg);
  caf::actor_system sys{cfg};
  CHECK(sys.render(err) == "keepa: key_refused (Keepa said no)");
}
