#pragma once

#include <vector>

#include "common/db/transaction.h"
#include "common/outbox/outbox.h"

namespace clienttier::scoring {

inline constexpr char kScoringStream[] = "ct:events:scoring";

// The outbox rows scoring's events (tier_changed, churn_warning) are written to, in the same
// transaction as the scores they describe; the relay publishes them to kScoringStream.
// (A port every service's outbox could share: a candidate for common/outbox.)
class ScoringOutbox {
 public:
  virtual ~ScoringOutbox() = default;
  virtual void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) = 0;
};

}  // namespace clienttier::scoring
