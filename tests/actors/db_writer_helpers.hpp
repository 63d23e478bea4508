#pragma once

// Writing through a real db_writer in a test and waiting until it is
// durable.

#include "actors/actors.hpp"
#include "support/deterministic_fixture.hpp"

#include <doctest/doctest.h>

namespace keepa::test {

/// Commits what `db` has queued; fails the test if it cannot.
inline void flush_db(deterministic_fixture& f, const db_writer_actor& db) {
  auto h = (*f.self)->request(db, caf::infinite, atom::flush_v);
  f.run();
  h.receive([](uint64_t) {},
            [](const caf::error& err) {
              FAIL("flush failed: " << error_text(err));
            });
}

/// Writes `row` through `db` and waits until it is durable.
inline void write_durably(deterministic_fixture& f, const db_writer_actor& db,
                          deal_update row) {
  write_batch b;
  b.upserts.push_back(std::move(row));
  caf::anon_send(db, atom::write_v, std::move(b));
  flush_db(f, db);
}

} // namespace keepa::test
