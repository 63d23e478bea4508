// The deal board in the running engine: its address on the first line
// (https:// with TLS), and a port already taken never stopping ingestion.

#include "support/console.hpp"
#include "support/process.hpp"
#include "support/self_signed.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

using keepa::test::console_kind;
using keepa::test::console_process;
using keepa::test::engine_dir;
using keepa::test::ingest;
using keepa::test::mock_binary;
using keepa::test::mock_process;

using namespace std::chrono_literals;

namespace {

/// Waits for the demo to run and checks that the board's `scheme://`
/// address came first, before the demo's own lines.
void check_board_line_first(console_process& engine,
                            const std::string& scheme) {
  REQUIRE_MESSAGE(engine.wait_for("new rows arrive every minute", 30s),
                  engine.output);
  // stdout's first line (log lines go to stderr, merged here).
  auto board = engine.output.find("keepa-ingest: the deal board is at " + scheme
                                  + "://127.0.0.1:");
  auto demo = engine.output.find("keepa-ingest demo: a mock Keepa server");
  CHECK_MESSAGE(board < demo, engine.output);
}

} // namespace

TEST_CASE("the demo's first line is the board's address, port 0 included") {
  auto dir = engine_dir("board-demo", "http://127.0.0.1:9");
  console_process engine{
    console_kind::pipe, dir, {ingest, "--demo", "--web-listen", "127.0.0.1:0"}};
  check_board_line_first(engine, "http");
  CHECK(engine.output.find("http://127.0.0.1:0/") == std::string::npos);
  engine.type("dump web");
  REQUIRE_MESSAGE(engine.wait_for("\"listening\":true", 30s), engine.output);
  engine.type("quit");
  CHECK(engine.wait_exit(15s) == 0);
}

TEST_CASE("with a certificate and key the first line and dump web say "
          "https") {
  auto dir = engine_dir("board-tls", "http://127.0.0.1:9");
  keepa::test::write_self_signed(dir + "/cert.pem", dir + "/key.pem");
  std::ofstream{dir + "/config.ini", std::ios::app}
    << "tls_cert = cert.pem\ntls_key = key.pem\n";
  console_process engine{console_kind::pipe, dir, {ingest, "--demo"}};
  check_board_line_first(engine, "https");
  engine.type("dump web");
  REQUIRE_MESSAGE(engine.wait_for("\"url\":\"https://127.0.0.1:", 30s),
                  engine.output);
  engine.type("quit");
  CHECK(engine.wait_exit(15s) == 0);
}

TEST_CASE("a board port already taken: the engine runs on and says why") {
  mock_process mock{mock_binary, "", "/dev/null"};
  auto dir = engine_dir("board-taken", mock.url());
  console_process engine{console_kind::pipe,
                         dir,
                         {ingest, "--web-listen", "127.0.0.1:" + mock.port}};
  REQUIRE_MESSAGE(engine.wait_for("the deal board is not listening: cannot "
                                  "listen on 127.0.0.1:"
                                    + mock.port,
                                  30s),
                  engine.output);
  engine.type("status");
  REQUIRE_MESSAGE(engine.wait_for("BOARD NOT LISTENING", 30s), engine.output);
  engine.type("dump web");
  REQUIRE_MESSAGE(engine.wait_for("\"listening\":false", 30s), engine.output);
  // Ingestion goes on: Keepa answers and rows arrive.
  bool synced = false;
  for (int i = 0; i < 60 && !synced; ++i) {
    engine.type("dump tokens");
    synced = engine.wait_for("\"synced\":true", 1s);
  }
  CHECK_MESSAGE(synced, engine.output);
  engine.type("quit");
  CHECK(engine.wait_exit(15s) == 0);
}
