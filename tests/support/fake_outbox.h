#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "common/outbox/outbox_writer.h"

namespace clienttier::testing {

// The outbox in memory: every appended event, in order.
class FakeOutboxWriter final : public OutboxWriter {
 public:
  void Append(Transaction& /*transaction*/, const std::vector<OutboxEvent>& appended) override {
    events.insert(events.end(), appended.begin(), appended.end());
  }

  int CountOfType(const std::string& type) const {
    return static_cast<int>(std::count_if(events.begin(), events.end(),
                                          [&](const OutboxEvent& e) { return e.type == type; }));
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

}  // namespace clienttier::testing
