#pragma once

// The board's static files (web/ in the source tree), embedded in the
// binary at build time by cmake/embed_assets.cmake: nothing is read from
// disk or fetched at run time.

#include <string_view>

namespace keepa::web {

/// One embedded file.
struct asset {
  std::string_view name;
  std::string_view content_type;
  std::string_view body;
};

/// The embedded file called `name` (a flat name, `board.js`); nullptr when
/// there is none.
const asset* find_asset(std::string_view name);

} // namespace keepa::web
