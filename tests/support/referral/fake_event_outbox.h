#pragma once

#include <string>
#include <vector>

#include "services/referral/storage/event_outbox.h"

namespace clienttier::referral::testing {

// Keeps what the use cases append, in order.
class FakeEventOutbox final : public EventOutbox {
 public:
  void Append(Transaction& /*transaction*/, const std::vector<OutboxEvent>& appended) override {
    events.insert(events.end(), appended.begin(), appended.end());
  }

  std::vector<std::string> Types() const {
    std::vector<std::string> types;
    for (const OutboxEvent& event : events) {
      types.push_back(event.type);
    }
    return types;
  }

  std::vector<OutboxEvent> events;
};

}  // namespace clienttier::referral::testing
