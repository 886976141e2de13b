#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"
#include "services/scoring/storage/client_range.h"

namespace clienttier::scoring {

// Clients of one tenant whose rescore was put off.
struct QueuedClients {
  std::string tenant_id;
  std::vector<std::string> client_ids;
};

// Queued clients of one tenant with the token each was last queued with, in the order a
// ClientRange reads them (RescoreQueue::QueuedInRange).
using QueueTokens = std::vector<std::pair<std::string, int64_t>>;

// The clients whose rescore a consumer put off while it was behind (migration 011). Written in
// the transaction that changed their aggregates, so a crash between the change and the rescore
// loses no rescore.
class RescoreQueue {
 public:
  virtual ~RescoreQueue() = default;

  // Queues the clients (once each, however often they are queued). Each queueing gives the
  // client's row a new token, so a reader can tell whether it was queued again since it looked.
  virtual void Add(Transaction& transaction, const std::string& tenant_id,
                   const std::vector<std::string>& client_ids, UnixMicros now) = 0;
  // Up to `limit` queued clients, by tenant, that no other transaction holds; this transaction
  // holds them until it ends, so two consumers never take the same client.
  virtual std::vector<QueuedClients> Take(Transaction& transaction, int limit) = 0;
  virtual void Remove(Transaction& transaction, const std::string& tenant_id,
                      const std::vector<std::string>& client_ids) = 0;
  // The range's queued clients and their tokens. BatchRescore reads them before the range's
  // facts: a token it sees was queued by a committed change that those facts then include.
  virtual QueueTokens QueuedInRange(Transaction& transaction, const std::string& tenant_id,
                                    const ClientRange& range) = 0;
  // Removes the rows that still hold the token read (a client whose score was just written from
  // facts read after the token); a client queued again since keeps its row.
  virtual void RemoveUnchanged(Transaction& transaction, const std::string& tenant_id,
                               const QueueTokens& read) = 0;
  // Queued clients of every tenant, counted up to `cap` (a huge queue keeps the count cheap).
  virtual int64_t Count(Transaction& transaction, int64_t cap) = 0;
};

}  // namespace clienttier::scoring
