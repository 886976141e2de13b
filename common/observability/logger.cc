#include "common/observability/logger.h"

#include <atomic>
#include <cstdio>

#include "common/observability/request_id.h"
#include "common/time/utc_time.h"

namespace clienttier {

namespace {
// Mirrors LoggerState::min_severity for the lock-free Enabled().
std::atomic<int> enabled_from{static_cast<int>(Severity::kInfo)};
}  // namespace

namespace {

struct LoggerState {
  std::mutex mutex;
  std::string service = "clienttier";
  Severity min_severity = Severity::kInfo;
  struct Throttle {
    std::chrono::steady_clock::time_point last;
    long suppressed = 0;
  };
  std::map<std::string, Throttle> throttles;
};

LoggerState& State() {
  static LoggerState state;
  return state;
}

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kDebug:
      return "DEBUG";
    case Severity::kInfo:
      return "INFO";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kError:
      return "ERROR";
  }
  return "INFO";
}

std::string IsoNow() {
  std::string text = FormatSqlDatetime(SystemClock().Now());
  text[10] = 'T';
  return text + "Z";
}

void Write(LoggerState& state, Severity severity, const std::string& message,
           const nlohmann::json& fields) {
  nlohmann::json line = {{"ts", IsoNow()},
                         {"severity", SeverityName(severity)},
                         {"service", state.service},
                         {"msg", message}};
  if (const std::string& request_id = CurrentRequestId(); !request_id.empty()) {
    line["request_id"] = request_id;
  }
  if (fields.is_object()) {
    line.update(fields);
  }
  // Replace invalid UTF-8 rather than throw: a log line must never take a request down.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", text.c_str());
}

}  // namespace

void Logger::Init(std::string service, Severity min_severity) {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  state.service = std::move(service);
  state.min_severity = min_severity;
  enabled_from.store(static_cast<int>(min_severity), std::memory_order_relaxed);
}

bool Logger::Enabled(Severity severity) {
  return static_cast<int>(severity) >= enabled_from.load(std::memory_order_relaxed);
}

void Logger::Log(Severity severity, const std::string& message, const nlohmann::json& fields) {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  if (severity < state.min_severity) {
    return;
  }
  Write(state, severity, message, fields);
}

void Logger::LogRateLimited(const std::string& key, std::chrono::milliseconds interval,
                            Severity severity, const std::string& message,
                            const nlohmann::json& fields) {
  auto& state = State();
  std::lock_guard<std::mutex> lock(state.mutex);
  if (severity < state.min_severity) {
    return;
  }
  auto& throttle = state.throttles[key];
  const auto now = std::chrono::steady_clock::now();
  if (throttle.last.time_since_epoch().count() != 0 && now - throttle.last < interval) {
    ++throttle.suppressed;
    return;
  }
  nlohmann::json with_count = fields;
  if (throttle.suppressed > 0) {
    with_count["suppressed_since_last"] = throttle.suppressed;
  }
  throttle.last = now;
  throttle.suppressed = 0;
  Write(state, severity, message, with_count);
}

}  // namespace clienttier
