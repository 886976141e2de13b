#pragma once

#include "services/referral/storage/event_outbox.h"

namespace clienttier::referral {

class MySqlEventOutbox final : public EventOutbox {
 public:
  void Append(Transaction& transaction, const std::vector<OutboxEvent>& events) override {
    AppendToOutbox(ConnectionOf(transaction), events);
  }
};

}  // namespace clienttier::referral
