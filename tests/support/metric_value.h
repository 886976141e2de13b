#pragma once

#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>

namespace clienttier::testing {

// The value of one series in Prometheus text (MetricsRegistry::Render or a /metrics body),
// `series` written as it appears there: `ct_stream_group_lag{group="g",stream="s"}` (labels in
// the registry's sorted order). NaN when the series is absent.
inline double MetricValue(const std::string& exposition, const std::string& series) {
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace clienttier::testing
