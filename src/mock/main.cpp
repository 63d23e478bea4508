// mock-keepa: the project's mock Keepa server, on loopback, until SIGINT or
// SIGTERM. The first line of stdout is "listening on 127.0.0.1:<port>".

#include "mock/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <iostream>
#include <string>

namespace {

constexpr const char* usage_text
  = "usage: mock-keepa [--port N] [--refill-rate N] [--initial-tokens N]\n"
    "                  [--seed N] [--products N] [--deal-rate N] [--key K]\n"
    "                  [--faults SPEC] [--slow-ms N] [--refuse-field F]\n"
    "                  [--help]\n"
    "\n"
    "  --port N            TCP port on 127.0.0.1; 0 picks one (default 0)\n"
    "  --refill-rate N     tokens per minute (default 20)\n"
    "  --initial-tokens N  starting balance (default: full, 60 x rate)\n"
    "  --seed N            catalog and fault seed (default 1)\n"
    "  --products N        catalog size (default 20000)\n"
    "  --deal-rate N       new deals per hour (default 300)\n"
    "  --key K             the accepted API key (default mock-key);\n"
    "                      'expired-key' answers 402\n"
    "  --faults SPEC       e.g. 500:0.03,slow:0.02,reset:0.01,badjson:0.01,\n"
    "                      truncate:0.01,http200error:0.01\n"
    "  --slow-ms N         delay of a slow answer (default 3000)\n"
    "  --refuse-field F    refuse every /deal query naming field F (400)\n"
    "\n"
    "GET /_mock/stats reports what was served; POST /_mock/refill?rate=N\n"
    "changes the refill rate.\n";

/// Parses a whole number in [lo, hi] or throws with the flag's name.
int64_t number(const std::string& flag, const std::string& text, int64_t lo,
               int64_t hi) {
  try {
    size_t used = 0;
    auto v = std::stoll(text, &used);
    if (used == text.size() && v >= lo && v <= hi)
      return v;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument{flag + " needs a whole number from "
                              + std::to_string(lo) + " to " + std::to_string(hi)
                              + ", got '" + text + "'"};
}

/// Fills `opts` from the flags; throws std::invalid_argument on a bad one.
void parse(int argc, char** argv, keepa::mock::options& opts, bool& help) {
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      help = true;
      continue;
    }
    if (i + 1 >= argc)
      throw std::invalid_argument{"unknown flag or missing value: " + flag};
    std::string v = argv[++i];
    if (flag == "--port")
      opts.port = static_cast<uint16_t>(number(flag, v, 0, 65535));
    else if (flag == "--refill-rate")
      opts.refill_rate = number(flag, v, 1, 100000);
    else if (flag == "--initial-tokens")
      opts.initial_tokens = number(flag, v, -100000, 6000000);
    else if (flag == "--seed")
      opts.seed = static_cast<uint64_t>(number(flag, v, 0, INT64_MAX));
    else if (flag == "--products")
      opts.products = static_cast<int>(number(flag, v, 1, 2000000));
    else if (flag == "--deal-rate")
      opts.deal_rate = static_cast<int>(number(flag, v, 1, 10000000));
    else if (flag == "--key")
      opts.key = v;
    else if (flag == "--slow-ms")
      opts.slow_ms = static_cast<int>(number(flag, v, 0, 600000));
    else if (flag == "--refuse-field")
      opts.refuse_field = v;
    else if (flag == "--faults") {
      std::string error;
      auto faults = keepa::mock::parse_faults(v, error);
      if (!faults)
        throw std::invalid_argument{"--faults: " + error};
      opts.faults = *faults;
    } else
      throw std::invalid_argument{"unknown flag: " + flag};
  }
}

} // namespace

int main(int argc, char** argv) {
  keepa::mock::options opts;
  bool help = false;
  try {
    parse(argc, argv, opts, help);
  } catch (const std::invalid_argument& e) {
    std::cerr << "mock-keepa: " << e.what() << "\n\n" << usage_text;
    return 2;
  }
  if (help) {
    std::cout << usage_text;
    return 0;
  }
  keepa::mock::server server{opts};
  try {
    auto port = server.start();
    std::cout << "listening on 127.0.0.1:" << port << std::endl;
  } catch (const std::exception& e) {
    std::cerr << e.what() << '\n';
    return 1;
  }
  boost::asio::io_context signals_ctx;
  boost::asio::signal_set signals{signals_ctx, SIGINT, SIGTERM};
  signals.async_wait([](auto, int) {});
  signals_ctx.run();
  server.stop();
  std::cerr << "mock-keepa: stopped; served " << server.stats_json() << '\n';
  return 0;
}
