// Requests per second mock-keepa serves on loopback over one kept-alive
// connection of the project's HTTP client (gzip on).
//
// usage: bench_mock_throughput [requests]

#include "io/http_client.hpp"
#include "mock/server.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 5000;
  keepa::mock::options opts;
  opts.products = 1000;
  keepa::mock::server server{opts};
  auto base = "http://127.0.0.1:" + std::to_string(server.start());
  keepa::http_client client;
  auto one = [&](const std::string& target) {
    std::promise<int> done;
    auto result = done.get_future();
    keepa::http_request req;
    req.url = base + target;
    client.async_send(req, [&](keepa::http_response res) {
      done.set_value(res.status);
    });
    return result.get();
  };
  for (auto [name, target] :
       {std::pair{"/token", "/token?key=mock-key"},
        std::pair{"/product (1 ASIN; 429 once the bucket is empty)",
                  "/product?key=mock-key&domain=1&stats=365&history=0&asin="
                  "B0XXXXXXXX"}}) {
    auto start = std::chrono::steady_clock::now();
    int ok = 0;
    for (int i = 0; i < n; ++i)
      ok += one(target) != 0 ? 1 : 0;
    auto s
      = std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
    std::printf("| %s | %d requests | %.0f req/s | %d answered |\n", name, n,
                n / s, ok);
  }
  auto st = client.stats();
  std::printf("connections opened: %llu, reused: %llu\n",
              static_cast<unsigned long long>(st.connections_opened),
              static_cast<unsigned long long>(st.reused));
  return 0;
}
