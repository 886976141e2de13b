#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/db/transaction.h"
#include "common/time/utc_time.h"

namespace clienttier::scoring {

// Clients of one tenant whose rescore was put off.
struct QueuedClients {
  std::string tenant_id;
  std::vector<std::string> client_ids;
};

// The clients whose rescore a consumer put off while it was behind (migration 011). Written in
// the transaction that changed their aggregates, so a crash between the change and the rescore
// loses no rescore.
class RescoreQueue {
 public:
  virtual ~RescoreQueue() = default;

  // Queues the clients (once each, however often they are queued).
  virtual void Add(Transaction& transaction, const std::string& tenant_id,
                   const std::vector<std::string>& client_ids, UnixMicros now) = 0;
  // Up to `limit` queued clients, by tenant, that no other transaction holds; this transaction
  // holds them until it ends, so two consumers never take the same client.
  virtual std::vector<QueuedClients> Take(Transaction& transaction, int limit) = 0;
  virtual void Remove(Transaction& transaction, const std::string& tenant_id,
                      const std::vector<std::string>& client_ids) = 0;
  // Queued clients of every tenant, counted up to `cap` (a huge queue keeps the count cheap).
  virtual int64_t Count(Transaction& transaction, int64_t cap) = 0;
};

}  // namespace clienttier::scoring
