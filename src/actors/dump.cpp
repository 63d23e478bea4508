#include "actors/dump.hpp"

#include "actors/status_line.hpp"

#include <functional>
#include <vector>

namespace keepa {

namespace {

using member = std::pair<const char*, std::function<void(json_writer&)>>;

/// Every member of the dump, in the order of docs/contract.md#the-dump.
std::vector<member> members(const pipeline_snapshot& s, const engine_facts& f) {
  return {
    {"tokens", [&](json_writer& w) { to_json(w, s.bucket, f.paused); }},
    {"watermark", [&](json_writer& w) { to_json(w, s.watermark); }},
    {"scout", [&](json_writer& w) { to_json(w, s.scout); }},
    {"router", [&](json_writer& w) { to_json(w, s.router); }},
    {"peek", [&](json_writer& w) { to_json(w, s.peek); }},
    {"commit",
     [&](json_writer& w) { to_json(w, s.commit, s.bucket.buying_last_hour); }},
    {"light", [&](json_writer& w) { to_json(w, s.light); }},
    {"db", [&](json_writer& w) { to_json(w, s.db); }},
    {"refresher", [&](json_writer& w) { to_json(w, s.refresher); }},
    {"janitor", [&](json_writer& w) { to_json(w, s.janitor, s.db.alive_ms); }},
    {"alerts", [&](json_writer& w) { to_json(w, s.alerts); }},
    {"web",
     [&](json_writer& w) {
       auto json = f.web_json.empty() ? std::string{"{\"listening\":false}"}
                                      : f.web_json;
       w.RawValue(json.c_str(), json.size(), rapidjson::kObjectType);
     }},
    {"warnings",
     [&](json_writer& w) {
       w.StartArray();
       for (auto& warning : status_warnings(s, f)) {
         w.StartObject();
         w.Key("text");
         w.String(warning.text.c_str());
         w.Key("action");
         w.String(warning.action.c_str());
         w.EndObject();
       }
       w.EndArray();
     }},
  };
}

} // namespace

std::optional<std::string> render_dump(const pipeline_snapshot& s,
                                       const engine_facts& f,
                                       const std::string& name) {
  rapidjson::StringBuffer buf;
  json_writer w{buf};
  bool found = name.empty();
  w.StartObject();
  for (auto& [key, write] : members(s, f)) {
    if (!name.empty() && name != key)
      continue;
    found = true;
    w.Key(key);
    write(w);
  }
  w.EndObject();
  if (!found)
    return std::nullopt;
  return std::string{buf.GetString(), buf.GetSize()};
}

} // namespace keepa
