#include "common/redis/stream_consumer.h"

#include <unistd.h>

#include "common/errors/domain_error.h"

namespace clienttier {

std::vector<StreamEntry> ParseStreamEntries(const redisReply* entries) {
  std::vector<StreamEntry> parsed;
  if (entries == nullptr || entries->type != REDIS_REPLY_ARRAY) {
    return parsed;
  }
  for (size_t i = 0; i < entries->elements; ++i) {
    const redisReply* entry = entries->element[i];
    // XAUTOCLAIM may return nil bodies for entries deleted meanwhile.
    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2 ||
        entry->element[1]->type != REDIS_REPLY_ARRAY) {
      continue;
    }
    StreamEntry item;
    item.id = ReplyString(entry->element[0]);
    const redisReply* fields = entry->element[1];
    for (size_t k = 0; k + 1 < fields->elements; k += 2) {
      item.fields[ReplyString(fields->element[k])] = ReplyString(fields->element[k + 1]);
    }
    parsed.push_back(std::move(item));
  }
  return parsed;
}

StreamConsumer::StreamConsumer(RedisClient& redis, std::string stream, std::string group,
                               std::string consumer, int claim_idle_ms)
    : redis_(redis),
      stream_(std::move(stream)),
      group_(std::move(group)),
      consumer_(std::move(consumer)),
      claim_idle_ms_(claim_idle_ms) {}

void StreamConsumer::EnsureGroup(const std::string& start_id) {
  RedisReply reply = redis_.Command({"XGROUP", "CREATE", stream_, group_, start_id, "MKSTREAM"});
  if (IsError(reply.get()) && ReplyString(reply.get()).rfind("BUSYGROUP", 0) != 0) {
    throw Internal("XGROUP CREATE failed: " + ReplyString(reply.get()));
  }
}

std::vector<StreamEntry> StreamConsumer::Read(int count, int block_ms) {
  try {
    if (!own_pending_after_.empty()) {
      // History, not new entries: without BLOCK, and an empty reply means none are left.
      RedisReply reply =
          redis_.Command({"XREADGROUP", "GROUP", group_, consumer_, "COUNT", std::to_string(count),
                          "STREAMS", stream_, own_pending_after_});
      if (IsError(reply.get())) {
        throw Unavailable("XREADGROUP (own pending) failed: " + ReplyString(reply.get()));
      }
      const redisReply* entries = reply->type == REDIS_REPLY_ARRAY && reply->elements > 0
                                      ? reply->element[0]->element[1]
                                      : nullptr;
      if (entries == nullptr || entries->type != REDIS_REPLY_ARRAY || entries->elements == 0) {
        own_pending_after_.clear();
      } else {
        // The last id, also when that entry was trimmed from the stream (a nil body, which
        // ParseStreamEntries skips; XAUTOCLAIM drops those from the pending list).
        const redisReply* last = entries->element[entries->elements - 1];
        own_pending_after_ = last->type == REDIS_REPLY_ARRAY && last->elements > 0
                                 ? ReplyString(last->element[0])
                                 : "";  // not an entry: leave the rest to the claim
        auto parsed = ParseStreamEntries(entries);
        if (!parsed.empty()) {
          return parsed;
        }
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_claim_) {
      RedisReply claimed =
          redis_.Command({"XAUTOCLAIM", stream_, group_, consumer_, std::to_string(claim_idle_ms_),
                          "0-0", "COUNT", std::to_string(count)});
      if (!IsError(claimed.get()) && claimed->type == REDIS_REPLY_ARRAY && claimed->elements >= 2) {
        auto entries = ParseStreamEntries(claimed->element[1]);
        if (!entries.empty()) {
          return entries;  // more may be stale: scan again on the next read
        }
      }
      next_claim_ = now + std::chrono::milliseconds(claim_idle_ms_ / 4);
    }
    RedisReply reply =
        redis_.Command({"XREADGROUP", "GROUP", group_, consumer_, "COUNT", std::to_string(count),
                        "BLOCK", std::to_string(block_ms), "STREAMS", stream_, ">"});
    if (IsError(reply.get())) {
      throw Unavailable("XREADGROUP failed: " + ReplyString(reply.get()));
    }
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
      return {};
    }
    return ParseStreamEntries(reply->element[0]->element[1]);
  } catch (const DomainError&) {
    RecheckOwnPending();
    throw;
  }
}

void StreamConsumer::RecheckOwnPending() { own_pending_after_ = "0"; }

void StreamConsumer::Ack(const std::vector<std::string>& ids) {
  if (ids.empty()) {
    return;
  }
  std::vector<std::string> command{"XACK", stream_, group_};
  command.insert(command.end(), ids.begin(), ids.end());
  try {
    RedisReply reply = redis_.Command(command);
    if (IsError(reply.get())) {
      throw Unavailable("XACK failed: " + ReplyString(reply.get()));
    }
  } catch (const DomainError&) {
    RecheckOwnPending();  // they stay pending; read again, the dedupe skips them
    throw;
  }
}

int64_t StreamConsumer::DeliveryCount(const std::string& id) {
  RedisReply reply = redis_.Command({"XPENDING", stream_, group_, id, id, "1"});
  if (IsError(reply.get())) {
    throw Unavailable("XPENDING failed: " + ReplyString(reply.get()));
  }
  // [[id, consumer, idle ms, delivery count]]
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements == 0) {
    return 0;
  }
  const redisReply* pending = reply->element[0];
  if (pending->type != REDIS_REPLY_ARRAY || pending->elements < 4 ||
      pending->element[3]->type != REDIS_REPLY_INTEGER) {
    return 0;
  }
  return pending->element[3]->integer;
}

void StreamConsumer::ForgetDeliveries(const std::vector<std::string>& ids) {
  if (ids.empty()) {
    return;
  }
  std::vector<std::string> command{"XCLAIM", stream_, group_, consumer_, "0"};
  command.insert(command.end(), ids.begin(), ids.end());
  command.insert(command.end(), {"RETRYCOUNT", "0", "JUSTID"});
  RedisReply reply = redis_.Command(command);
  if (IsError(reply.get())) {
    throw Unavailable("XCLAIM failed: " + ReplyString(reply.get()));
  }
}

std::string DefaultConsumerName(const std::string& service) {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) {
    return service + "-" + std::to_string(getpid());
  }
  return service + "-" + std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace clienttier
