// libFuzzer target: any config.ini content is either a config or a clear
// config_error; it never crashes and never echoes the API key.

#include "io/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/keepa-config-fuzz-"
                                  + std::to_string(getpid()) + ".ini";
  {
    std::ofstream out{path, std::ios::binary};
    out.write(reinterpret_cast<const char*>(data),
              static_cast<std::streamsize>(size));
  }
  keepa::cli_options cli;
  cli.config_path = path;
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "KEEPA_API_KEY")
      return std::string{"FUZZSECRETKEY"};
    return std::nullopt;
  };
  auto got = keepa::load_config(cli, env);
  if (auto* err = std::get_if<keepa::config_error>(&got))
    if (err->what().find("FUZZSECRETKEY") != std::string::npos)
      __builtin_trap();
  return 0;
}
