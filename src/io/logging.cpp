#include "io/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <mutex>

namespace keepa {

namespace {

/// Redacts each record's text, then hands it to the inner sinks, which
/// format it (their other fields, time, level and logger name, hold no key).
class redacting_sink : public spdlog::sinks::base_sink<std::mutex> {
public:
  redacting_sink(std::string secret, std::vector<spdlog::sink_ptr> inner)
    : secret_(std::move(secret)), inner_(std::move(inner)) {
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto text = redact(std::string_view{msg.payload.data(), msg.payload.size()},
                       secret_);
    spdlog::details::log_msg clean{msg.time, msg.source, msg.logger_name,
                                   msg.level, text};
    for (auto& s : inner_)
      if (s->should_log(msg.level))
        s->log(clean);
  }

  void flush_() override {
    for (auto& s : inner_)
      s->flush();
  }

private:
  std::string secret_;
  std::vector<spdlog::sink_ptr> inner_;
};

/// Adds the rotating log file (10 MB x 3) at `path`, creating its
/// directory; returns why it cannot be opened, or "" (also for no file).
std::string add_file_sink(const std::string& path,
                          std::vector<spdlog::sink_ptr>& sinks) {
  if (path.empty())
    return "";
  try {
    auto parent = std::filesystem::path{path}.parent_path();
    if (!parent.empty())
      std::filesystem::create_directories(parent);
    sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
      path, 10 * 1024 * 1024, 3));
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

} // namespace

void init_logging(const config& cfg, bool console, const std::string& secret) {
  std::vector<spdlog::sink_ptr> sinks;
  if (console)
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  auto file_problem = add_file_sink(cfg.log_file, sinks);
  auto sink = std::make_shared<redacting_sink>(secret, std::move(sinks));
  auto logger = std::make_shared<spdlog::logger>("keepa", sink);
  logger->set_level(spdlog::level::from_str(cfg.log_level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds{2});
  if (file_problem.empty())
    return;
  auto warning = "log file '" + cfg.log_file + "' cannot be opened ("
                 + file_problem + "); continuing without it";
  if (console)
    spdlog::warn(warning);
  else
    std::cerr << "keepa-ingest: warning: " << redact(warning, secret) << '\n';
}

} // namespace keepa
