#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace clienttier {

enum class Severity { kDebug, kInfo, kWarning, kError };

// Writes one JSON object per line to stderr:
// {"ts":"2026-11-23T10:00:00.000000Z","severity":"INFO","service":"client-profile","msg":...}
// plus the caller's fields (method, grpc_code, latency_ms, tenant, ...), and inside an RPC its
// "request_id" (common/observability/request_id.h).
class Logger {
 public:
  static void Init(std::string service, Severity min_severity);
  // Lock-free: lets hot paths skip building a log line's fields nobody will see.
  static bool Enabled(Severity severity);
  static void Log(Severity severity, const std::string& message,
                  const nlohmann::json& fields = nlohmann::json::object());
  // Logs at most once per `interval` per `key`, with the number suppressed since; for
  // warnings that would otherwise repeat on every request while a backend is down.
  static void LogRateLimited(const std::string& key, std::chrono::milliseconds interval,
                             Severity severity, const std::string& message,
                             const nlohmann::json& fields = nlohmann::json::object());
};

inline void LogInfo(const std::string& message,
                    const nlohmann::json& fields = nlohmann::json::object()) {
  Logger::Log(Severity::kInfo, message, fields);
}
inline void LogWarning(const std::string& message,
                       const nlohmann::json& fields = nlohmann::json::object()) {
  Logger::Log(Severity::kWarning, message, fields);
}
inline void LogError(const std::string& message,
                     const nlohmann::json& fields = nlohmann::json::object()) {
  Logger::Log(Severity::kError, message, fields);
}

}  // namespace clienttier
