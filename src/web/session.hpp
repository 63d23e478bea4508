#pragma once

// One client connection of the web server: reads requests within the
// limits and answers them while the client keeps the connection alive.

#include "web/server_impl.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace keepa::web {

/// Serves an accepted connection; past the connection cap it answers 503
/// and closes.
void serve(boost::asio::ip::tcp::socket socket, web_server::impl& owner,
           bool over_cap);

} // namespace keepa::web
