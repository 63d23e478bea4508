#pragma once

// What the actor tests' stand-ins for other actors share: a stand-in fails
// the test on any message its test did not expect, so a stray or empty
// message cannot go unnoticed.

#include "actors/messages.hpp"

#include <caf/message_view.hpp>
#include <caf/result.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/sec.hpp>
#include <doctest/doctest.h>

namespace keepa::test {

/// A default handler for stand-ins: fails the test, naming the message.
inline caf::result<caf::message> fail_on_unexpected(caf::scheduled_actor*,
                                                    caf::message_view& x) {
  FAIL_CHECK("unexpected message to a stand-in: " << to_string(x.content()));
  return caf::sec::unexpected_message;
}

/// True for a write that carries nothing to write or settle.
inline bool is_empty(const write_batch& b) {
  return b.upserts.empty() && b.rejections.empty() && b.drops.empty()
         && b.state.empty() && b.settles.empty();
}

} // namespace keepa::test
