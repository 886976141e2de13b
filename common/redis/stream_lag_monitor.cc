#include "common/redis/stream_lag_monitor.h"

#include <algorithm>
#include <map>

#include "common/errors/domain_error.h"
#include "common/redis/stream_trim.h"

namespace clienttier {

namespace {

// The millisecond part of a stream id "1700000000000-3".
int64_t StreamIdMillis(const std::string& id) { return std::stoll(id.substr(0, id.find('-'))); }

// Redis's own clock in milliseconds: stream ids carry Redis's time, so comparing them with the
// pod's clock would add the skew between the two machines to every age.
int64_t RedisNowMillis(RedisClient& redis) {
  RedisReply reply = redis.Command({"TIME"});
  if (IsError(reply.get()) || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
    throw Unavailable("TIME failed");
  }
  return std::stoll(ReplyString(reply->element[0])) * 1000 +
         std::stoll(ReplyString(reply->element[1])) / 1000;
}

int64_t CountEntriesAfter(RedisClient& redis, const std::string& stream,
                          const std::string& last_delivered_id, int64_t count_cap) {
  RedisReply reply = redis.Command(
      {"XRANGE", stream, "(" + last_delivered_id, "+", "COUNT", std::to_string(count_cap)});
  if (IsError(reply.get()) || reply->type != REDIS_REPLY_ARRAY) {
    throw Unavailable("XRANGE failed: " + ReplyString(reply.get()));
  }
  return static_cast<int64_t>(reply->elements);
}

}  // namespace

StreamGroupLag ReadStreamGroupLag(RedisClient& redis, const std::string& stream,
                                  const std::string& group, int64_t count_cap) {
  StreamGroupLag figures;
  RedisReply groups = redis.Command({"XINFO", "GROUPS", stream});
  if (IsError(groups.get())) {
    // "ERR no such key": no stream yet, so nothing to be behind on.
    if (ReplyString(groups.get()).find("no such key") != std::string::npos) {
      return figures;
    }
    throw Unavailable("XINFO GROUPS failed: " + ReplyString(groups.get()));
  }
  for (size_t i = 0; i < groups->elements; ++i) {
    auto fields = GroupFields(groups->element[i]);
    if (fields.count("name") == 0 || ReplyString(fields["name"]) != group) {
      continue;
    }
    figures.group_exists = true;
    if (fields.count("lag") > 0) {
      figures.lag = fields["lag"]->integer;
    } else if (fields.count("last-delivered-id") > 0) {
      figures.lag =
          CountEntriesAfter(redis, stream, ReplyString(fields["last-delivered-id"]), count_cap);
      figures.lag_counted = true;
    }
    break;
  }
  if (!figures.group_exists) {
    return figures;
  }

  // Summary form: [count, smallest id, greatest id, [[consumer, count], ...]].
  RedisReply pending = redis.Command({"XPENDING", stream, group});
  if (IsError(pending.get()) || pending->type != REDIS_REPLY_ARRAY || pending->elements < 2) {
    throw Unavailable("XPENDING failed: " + ReplyString(pending.get()));
  }
  figures.pending = pending->element[0]->integer;
  if (figures.pending > 0 && pending->element[1]->type != REDIS_REPLY_NIL) {
    const int64_t age_ms = RedisNowMillis(redis) - StreamIdMillis(ReplyString(pending->element[1]));
    figures.oldest_pending_age_seconds = static_cast<double>(std::max<int64_t>(age_ms, 0)) / 1000.0;
  }
  return figures;
}

StreamLagMonitor::StreamLagMonitor(RedisClient& redis, MetricsRegistry& metrics, Options options)
    : redis_(redis),
      metrics_(metrics),
      options_(options),
      failures_(metrics.GetCounter("ct_stream_lag_monitor_failures_total",
                                   "Consumer-group lag polls that failed (Redis unavailable)")),
      poller_("stream-lag-monitor", options.interval, [this] { PollOnce(); }) {}

StreamLagMonitor::~StreamLagMonitor() { Stop(); }

void StreamLagMonitor::Watch(const std::string& stream, const std::string& group,
                             const std::string& metric_prefix) {
  Group watched{stream, group, nullptr, 0, {}, std::make_shared<Figures>()};
  if (!metric_prefix.empty()) {
    // The consumer's own counter (same name and help as EventStreamWorker registers it).
    watched.applied = &metrics_.GetCounter(metric_prefix + "_applied_total",
                                           "Events from " + stream + " applied");
  }
  const Labels labels{{"stream", stream}, {"group", group}};
  std::shared_ptr<Figures> figures = watched.figures;
  metrics_.AddGauge("ct_stream_group_lag",
                    "Stream entries the consumer group has not read yet (Redis XINFO GROUPS lag, "
                    "counted when Redis cannot tell)",
                    labels, [figures] { return figures->lag.load(); });
  metrics_.AddGauge("ct_stream_group_pending",
                    "Stream entries read by the consumer group and not yet acknowledged", labels,
                    [figures] { return figures->pending.load(); });
  metrics_.AddGauge("ct_stream_group_oldest_pending_age_seconds",
                    "Age of the group's oldest unacknowledged entry (0 when none is pending)",
                    labels, [figures] { return figures->oldest_pending_age_seconds.load(); });
  if (watched.applied != nullptr) {
    metrics_.AddGauge("ct_stream_group_applied_per_second",
                      "Events this replica applied per second over the last lag poll", labels,
                      [figures] { return figures->applied_per_second.load(); });
  }
  std::lock_guard<std::mutex> lock(poll_mutex_);
  groups_.push_back(std::move(watched));
}

void StreamLagMonitor::Start() {
  if (watching()) {
    poller_.Start();
  }
}

void StreamLagMonitor::Stop() { poller_.Stop(); }

void StreamLagMonitor::PollOnce() {
  std::lock_guard<std::mutex> lock(poll_mutex_);
  for (Group& watched : groups_) {
    if (watched.applied != nullptr) {
      const auto now = std::chrono::steady_clock::now();
      const uint64_t applied = watched.applied->value();
      if (watched.polled_before != std::chrono::steady_clock::time_point{}) {
        const double seconds = std::chrono::duration<double>(now - watched.polled_before).count();
        if (seconds > 0) {
          watched.figures->applied_per_second.store(
              static_cast<double>(applied - watched.applied_before) / seconds);
        }
      }
      watched.applied_before = applied;
      watched.polled_before = now;
    }
    try {
      const StreamGroupLag figures =
          ReadStreamGroupLag(redis_, watched.stream, watched.group, options_.count_cap);
      watched.figures->lag.store(static_cast<double>(figures.lag));
      watched.figures->pending.store(static_cast<double>(figures.pending));
      watched.figures->oldest_pending_age_seconds.store(figures.oldest_pending_age_seconds);
    } catch (const DomainError&) {
      failures_.Increment();
      throw;
    }
  }
}

}  // namespace clienttier
