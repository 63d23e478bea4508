#include "actors/collect.hpp"

#include "actors/type_ids.hpp"
#include "model/defaults.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <vector>

namespace keepa {

namespace {

using self_ptr = engine_actor::pointer;
using snapshot_ptr = std::shared_ptr<pipeline_snapshot>;
using actors_ptr = std::shared_ptr<const pipeline>;

/// One step of `collect`: asks one actor for its stats, stores them in the
/// snapshot and calls `next`, or `fail` without an answer.
using collect_step
  = std::function<void(self_ptr self, actors_ptr actors, snapshot_ptr snap,
                       std::function<void()> next, std::function<void()> fail)>;

/// The step that asks `actor` and stores its answer in `member`.
template <class Handle, class Stats>
collect_step ask(Handle pipeline::*actor, Stats pipeline_snapshot::*member) {
  return [=](self_ptr self, actors_ptr actors, snapshot_ptr snap,
             std::function<void()> next, std::function<void()> fail) {
    self->request((*actors).*actor, engine_ask_timeout, atom::stats_v)
      .then(
        [=](const Stats& s) {
          (*snap).*member = s;
          next();
        },
        [=](const caf::error&) { fail(); });
  };
}

/// Every actor in the order data flows, so that a hand-over between two of
/// them is never missed.
const std::vector<collect_step>& collect_steps() {
  static const std::vector<collect_step> steps{
    ask(&pipeline::scout, &pipeline_snapshot::scout),
    ask(&pipeline::router, &pipeline_snapshot::router),
    ask(&pipeline::peek, &pipeline_snapshot::peek),
    ask(&pipeline::commit, &pipeline_snapshot::commit),
    ask(&pipeline::light, &pipeline_snapshot::light),
    ask(&pipeline::bucket, &pipeline_snapshot::bucket),
    ask(&pipeline::watermark, &pipeline_snapshot::watermark),
    ask(&pipeline::db, &pipeline_snapshot::db),
    ask(&pipeline::refresher, &pipeline_snapshot::refresher),
    ask(&pipeline::janitor, &pipeline_snapshot::janitor),
    ask(&pipeline::alerts, &pipeline_snapshot::alerts),
  };
  return steps;
}

/// Runs the collect steps from `step` on, one after the other.
void collect(self_ptr self, actors_ptr actors, snapshot_ptr snap, size_t step,
             snapshot_handler done) {
  auto& steps = collect_steps();
  if (step == steps.size()) {
    done(*snap);
    return;
  }
  steps[step](
    self, actors, snap, [=] { collect(self, actors, snap, step + 1, done); },
    [=] { done(std::nullopt); });
}

} // namespace

void collect(engine_actor::pointer self, pipeline actors,
             snapshot_handler done) {
  collect(self, std::make_shared<const pipeline>(std::move(actors)),
          std::make_shared<pipeline_snapshot>(), 0, std::move(done));
}

} // namespace keepa
