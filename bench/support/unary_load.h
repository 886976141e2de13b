#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

namespace clienttier::bench {

// One printed figure; empty fields are left out of the line and shown as "-" in the table.
struct Figure {
  std::string name;
  std::string value;
  std::string target;
  std::string p50;
  std::string p99;
  std::string met;  // "yes", "no", or empty when the figure has no target
  std::string note;
};

void PrintFigure(const Figure& figure);
// A markdown table of every figure.
void PrintTable(const std::vector<Figure>& figures);
std::string Fixed(double value, int decimals);

struct Latencies {
  double p50_ms = 0;
  double p99_ms = 0;
};
// Nearest-rank percentiles.
Latencies Summarize(std::vector<double> samples_ms);

struct LoadResult {
  int64_t completed = 0;
  int64_t failed = 0;
  std::string first_error;
  double elapsed_s = 0;
  std::vector<double> latencies_ms;
  double qps() const { return elapsed_s > 0 ? static_cast<double>(completed) / elapsed_s : 0; }
};

inline constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

// Keeps `in_flight` unary calls of `method` (full name "/pkg.Service/Method") outstanding for
// `duration`, cycling through the serialized `requests`; every completion starts the next call
// at once, so the pipeline never drains. Calls carry `api_key` (Health ignores it, so both
// sides of a ratio send the same metadata). Raw bytes both ways: the client's own parsing
// stays out of the figure.
LoadResult RunClosedLoop(grpc::GenericStub& stub, const std::string& method,
                         const std::vector<std::string>& requests, const std::string& api_key,
                         int in_flight, std::chrono::seconds duration);

// One call, waited for: probes and cache warming.
grpc::Status CallOnce(grpc::GenericStub& stub, const std::string& method,
                      const std::string& request, const std::string& api_key,
                      std::string* response);

// "<name>: N qps" with p50/p99 and notes; marks `clean` false when calls failed.
Figure QpsFigure(const std::string& name, const LoadResult& load, int in_flight, bool* clean);
// The target ratio figure of `subject` against Health/Check.
Figure RatioFigure(const std::string& name, const LoadResult& subject, const LoadResult& health,
                   double target);

}  // namespace clienttier::bench
