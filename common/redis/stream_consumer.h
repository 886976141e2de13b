#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/redis/redis_client.h"

namespace clienttier {

struct StreamEntry {
  std::string id;  // the stream's own id, "1700000000000-0"
  std::map<std::string, std::string> fields;
};

// One consumer in a Redis Streams consumer group. Entries are read at least once: the caller
// acknowledges only after its own commit, and entries another consumer read but never
// acknowledged (it crashed) are claimed after `claim_idle_ms`. Entries this consumer itself
// left pending (a reply lost to a timeout, an acknowledgement that failed, an apply that hit an
// outage) are read again at once, before new ones, rather than waiting out that claim.
class StreamConsumer {
 public:
  StreamConsumer(RedisClient& redis, std::string stream, std::string group, std::string consumer,
                 int claim_idle_ms = 30000);

  // Creates the group (and the stream) if missing, starting at `start_id`: "0" (the stream's
  // beginning, what a new deployment wants) or "$" (only entries added from now on).
  void EnsureGroup(const std::string& start_id = "0");
  // Up to `count` entries: after a failure (RecheckOwnPending) this consumer's own pending ones
  // first, then stale pending ones, then new ones, waiting up to `block_ms`.
  // The pending list is scanned for stale entries at most every claim_idle_ms / 4 (an entry
  // turns stale only claim_idle_ms after delivery; the scan costs Redis time that grows with
  // the group's pending entries), and again at once while it keeps finding some.
  std::vector<StreamEntry> Read(int count, int block_ms);
  void Ack(const std::vector<std::string>& ids);
  // The next reads return this consumer's own pending entries, oldest first, until it has none
  // left to return; then new entries again. Called after every failed Redis call here, and by
  // the caller when it leaves entries unacknowledged for an outage. Without it they would wait
  // for a claim (claim_idle_ms, 30 s by default): Redis may have delivered a read whose reply
  // timed out, so the entries are pending here though the caller never saw them.
  void RecheckOwnPending();
  // How many times the group delivered the pending entry `id` (XPENDING's delivery count: the
  // first read is 1, each claim adds one); 0 when it is not pending.
  int64_t DeliveryCount(const std::string& id);
  // Sets the delivery count of these pending entries back to 0 (XCLAIM RETRYCOUNT 0 JUSTID, to
  // this consumer, which holds them): for deliveries that say nothing about the entry itself,
  // because a dependency was down or an earlier entry failed before it was tried.
  void ForgetDeliveries(const std::vector<std::string>& ids);
  const std::string& stream() const { return stream_; }
  const std::string& group() const { return group_; }

 private:
  RedisClient& redis_;
  std::string stream_;
  std::string group_;
  std::string consumer_;
  int claim_idle_ms_;
  std::chrono::steady_clock::time_point next_claim_{};
  // The id after which the next own-pending read starts; empty when there is none to make.
  std::string own_pending_after_;
};

// A replica's default consumer name: "<service>-<hostname>-<pid>" (in Kubernetes the
// hostname is the pod name), unique among the group's consumers.
std::string DefaultConsumerName(const std::string& service);

// Parses an array of [id, [field, value, ...]] entries, as XRANGE and XREADGROUP return.
std::vector<StreamEntry> ParseStreamEntries(const redisReply* entries);

}  // namespace clienttier
