#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/observability/metrics.h"
#include "common/observability/periodic_poller.h"
#include "common/redis/redis_client.h"

namespace clienttier {

// How far one consumer group is behind its stream, as Redis sees it.
struct StreamGroupLag {
  bool group_exists = false;
  // Entries added to the stream after the group's last delivered one: not yet read by any
  // consumer of the group.
  int64_t lag = 0;
  // True when Redis could not tell the lag (XINFO GROUPS answers nil, e.g. for a group created
  // at an arbitrary id or after an XDEL past its position) and the entries were counted.
  bool lag_counted = false;
  // Entries read by a consumer and not yet acknowledged.
  int64_t pending = 0;
  // Age of the oldest of those, from the millisecond part of its id (when it was added to the
  // stream) to Redis's clock; 0 when none is pending.
  double oldest_pending_age_seconds = 0;
};

// Reads the figures with XINFO GROUPS, XPENDING (summary form) and TIME: a few round trips
// whose cost does not grow with the stream. Counting (the nil-lag fallback) reads at most
// `count_cap` entries and reports the cap when there are more. Throws Unavailable when Redis
// is down.
StreamGroupLag ReadStreamGroupLag(RedisClient& redis, const std::string& stream,
                                  const std::string& group, int64_t count_cap);

// Publishes each watched consumer group's backlog as gauges labelled {stream, group}, polled on
// a thread of its own every `interval`:
//   ct_stream_group_lag                           entries not yet read by the group
//   ct_stream_group_pending                       entries read and not yet acknowledged
//   ct_stream_group_oldest_pending_age_seconds    0 when none is pending
//   ct_stream_group_applied_per_second            this replica's events applied per second
//                                                 over the last interval (from the consumer's
//                                                 <metric_prefix>_applied_total counter)
// Every replica of a service reports the same group figures (they are Redis's), so dashboards
// and the HPA take max() over pods; the applied rate is per replica, so they sum it.
// While Redis is down the gauges keep their last values and
// ct_stream_lag_monitor_failures_total counts the failed polls.
class StreamLagMonitor {
 public:
  struct Options {
    std::chrono::milliseconds interval{5000};
    int64_t count_cap = 100000;
  };

  StreamLagMonitor(RedisClient& redis, MetricsRegistry& metrics, Options options);
  StreamLagMonitor(RedisClient& redis, MetricsRegistry& metrics)
      : StreamLagMonitor(redis, metrics, Options{}) {}
  ~StreamLagMonitor();
  StreamLagMonitor(const StreamLagMonitor&) = delete;
  StreamLagMonitor& operator=(const StreamLagMonitor&) = delete;

  // Registers the group's gauges (0 until the first poll). `metric_prefix` is the consumer's
  // (EventStreamOptions::metric_prefix); empty leaves the applied rate out. Before Start.
  void Watch(const std::string& stream, const std::string& group, const std::string& metric_prefix);
  bool watching() const { return !groups_.empty(); }

  void Start();
  void Stop();
  // One poll of every watched group; the thread's body, public for tests.
  void PollOnce();

 private:
  // Shared with the gauges' read callbacks, so a scrape after this monitor is gone still reads
  // valid memory.
  struct Figures {
    std::atomic<double> lag{0};
    std::atomic<double> pending{0};
    std::atomic<double> oldest_pending_age_seconds{0};
    std::atomic<double> applied_per_second{0};
  };
  struct Group {
    std::string stream;
    std::string group;
    Counter* applied = nullptr;
    uint64_t applied_before = 0;
    std::chrono::steady_clock::time_point polled_before{};
    std::shared_ptr<Figures> figures;
  };

  RedisClient& redis_;
  MetricsRegistry& metrics_;
  Options options_;
  Counter& failures_;
  std::mutex poll_mutex_;  // PollOnce from the thread and from a test never overlap
  std::vector<Group> groups_;
  PeriodicPoller poller_;
};

}  // namespace clienttier
