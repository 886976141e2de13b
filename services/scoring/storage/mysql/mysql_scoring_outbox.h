#pragma once

#include "services/scoring/storage/scoring_outbox.h"

namespace clienttier::scoring {

// The outbox table of common/outbox, on the transaction's connection.
class MySqlScoringOutbox final : public ScoringOutbox {
 public:
  void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) override {
    AppendToOutbox(ConnectionOf(transaction), events);
  }
};

}  // namespace clienttier::scoring
