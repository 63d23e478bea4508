#pragma once

// Every atom of the engine. In CAF 0.17 identical text means an identical
// type, so the texts stay unique and at most 10 characters long.

#include <caf/atom.hpp>
#include <caf/type_id.hpp>

// CAF-0.17: CAF_ADD_ATOM is a plain alias here; 0.18 wants it in the block.
CAF_ADD_ATOM(keepa, keepa::atom, token, "token")
CAF_ADD_ATOM(keepa, keepa::atom, product, "product")
CAF_ADD_ATOM(keepa, keepa::atom, deal, "deal")
CAF_ADD_ATOM(keepa, keepa::atom, completed, "completed")
CAF_ADD_ATOM(keepa, keepa::atom, call, "call")
CAF_ADD_ATOM(keepa, keepa::atom, wake, "wake")
CAF_ADD_ATOM(keepa, keepa::atom, pause, "pause")
CAF_ADD_ATOM(keepa, keepa::atom, stats, "stats")
CAF_ADD_ATOM(keepa, keepa::atom, write, "write")
CAF_ADD_ATOM(keepa, keepa::atom, lookup, "lookup")
CAF_ADD_ATOM(keepa, keepa::atom, stale, "stale")
CAF_ADD_ATOM(keepa, keepa::atom, purge, "purge")
CAF_ADD_ATOM(keepa, keepa::atom, read_state, "readstate")
CAF_ADD_ATOM(keepa, keepa::atom, track, "track")
CAF_ADD_ATOM(keepa, keepa::atom, settle, "settle")
CAF_ADD_ATOM(keepa, keepa::atom, cycle, "cycle")
CAF_ADD_ATOM(keepa, keepa::atom, rewind, "rewind")
CAF_ADD_ATOM(keepa, keepa::atom, enqueue, "enqueue")
CAF_ADD_ATOM(keepa, keepa::atom, run, "run")
CAF_ADD_ATOM(keepa, keepa::atom, command, "command")
CAF_ADD_ATOM(keepa, keepa::atom, health, "health")
CAF_ADD_ATOM(keepa, keepa::atom, alive, "alive")
CAF_ADD_ATOM(keepa, keepa::atom, release, "release")
CAF_ADD_ATOM(keepa, keepa::atom, pace, "pace")
CAF_ADD_ATOM(keepa, keepa::atom, retry, "retry")
CAF_ADD_ATOM(keepa, keepa::atom, subscribe, "subscribe")
CAF_ADD_ATOM(keepa, keepa::atom, expire, "expire")
CAF_ADD_ATOM(keepa, keepa::atom, promote, "promote")
CAF_ADD_ATOM(keepa, keepa::atom, live, "live")
CAF_ADD_ATOM(keepa, keepa::atom, print, "print")
CAF_ADD_ATOM(keepa, keepa::atom, resize, "resize")
CAF_ADD_ATOM(keepa, keepa::atom, outbox, "outbox")
CAF_ADD_ATOM(keepa, keepa::atom, mark, "mark")
CAF_ADD_ATOM(keepa, keepa::atom, post, "post")
CAF_ADD_ATOM(keepa, keepa::atom, test, "test")
CAF_ADD_ATOM(keepa, keepa::atom, room, "room")

namespace keepa::atom {

using flush = caf::flush_atom;
constexpr auto flush_v = caf::flush_atom_v;
using get = caf::get_atom;
constexpr auto get_v = caf::get_atom_v;
using pending = caf::pending_atom;
constexpr auto pending_v = caf::pending_atom_v;

} // namespace keepa::atom
