#pragma once

#include <string>
#include <vector>

#include "services/scoring/storage/rescore_queue.h"

namespace clienttier::scoring {

// RescoreQueue in the rescore_queue table (migrations 011 and 012).
class MySqlRescoreQueue final : public RescoreQueue {
 public:
  void Add(Transaction& transaction, const std::string& tenant_id,
           const std::vector<std::string>& client_ids, UnixMicros now) override;
  std::vector<QueuedClients> Take(Transaction& transaction, int limit) override;
  void Remove(Transaction& transaction, const std::string& tenant_id,
              const std::vector<std::string>& client_ids) override;
  QueueTokens QueuedInRange(Transaction& transaction, const std::string& tenant_id,
                            const ClientRange& range) override;
  void RemoveUnchanged(Transaction& transaction, const std::string& tenant_id,
                       const QueueTokens& read) override;
  int64_t Count(Transaction& transaction, int64_t cap) override;
};

}  // namespace clienttier::scoring
