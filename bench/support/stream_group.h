#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

struct redisContext;

namespace clienttier::bench {

// Where one consumer group stands on one Redis stream (Redis >= 7: XINFO STREAM / GROUPS).
struct StreamGroupState {
  bool stream_exists = false;
  bool group_exists = false;
  int64_t entries_added = 0;  // every entry ever added to the stream
  int64_t entries_read = 0;   // entries the group has been handed (XREADGROUP), acked or not
  int64_t pending = 0;        // handed out, not acknowledged yet
  // Entries not handed to the group yet; entries_added - entries_read when Redis reports none.
  int64_t lag = 0;
  // Acknowledged: what the group's consumers have applied (a redelivery is not counted twice).
  int64_t done() const { return entries_read - pending; }
  bool idle() const { return group_exists && lag == 0 && pending == 0; }
};

// Reads a consumer group's progress from outside the service, as an SRE would: the benchmarks
// detect "scoring has applied everything" with it, whichever code scoring runs.
class StreamGroupWatch {
 public:
  StreamGroupWatch(std::string host, int port, std::string stream, std::string group);
  ~StreamGroupWatch();
  StreamGroupWatch(const StreamGroupWatch&) = delete;
  StreamGroupWatch& operator=(const StreamGroupWatch&) = delete;

  // False (with error()) when Redis cannot be reached or answers an error.
  bool Read(StreamGroupState* state);
  const std::string& error() const { return error_; }
  const std::string& stream() const { return stream_; }
  const std::string& group() const { return group_; }

  // Waits until the group is idle and nothing was added to the stream for `quiet` (the outbox
  // relays publish within milliseconds of a commit, so a quiet stream means they are done).
  // False on timeout or a Redis error; `state` is the last state read.
  bool WaitUntilSettled(std::chrono::milliseconds quiet, std::chrono::seconds timeout,
                        StreamGroupState* state);

 private:
  bool Connect();

  std::string host_;
  int port_;
  std::string stream_;
  std::string group_;
  redisContext* context_ = nullptr;
  std::string error_;
};

}  // namespace clienttier::bench
