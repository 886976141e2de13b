#pragma once

#include <vector>

#include "common/db/transaction.h"
#include "common/outbox/outbox.h"

namespace clienttier::referral {

// The outbox: events written in the transaction of the change they describe, published to
// ct:events:referral by the relay.
class EventOutbox {
 public:
  virtual ~EventOutbox() = default;
  virtual void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) = 0;
};

}  // namespace clienttier::referral
