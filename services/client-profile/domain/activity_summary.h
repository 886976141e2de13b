#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// One group of a client's transactions: same kind, currency and category.
struct TransactionGroup {
  int kind = 0;  // v1::TransactionKind
  std::string currency;
  std::string category;
  int64_t count = 0;
  int64_t spent_units = 0;
  UnixMicros first_at = 0;  // earliest occurred_at in the group
  UnixMicros last_at = 0;   // latest occurred_at in the group
};

// One kind of a client's interactions.
struct InteractionGroup {
  v1::InteractionKind kind = v1::INTERACTION_KIND_UNSPECIFIED;
  int64_t count = 0;
  UnixMicros last_at = 0;
};

// The GetActivitySummary report from a client's grouped records: sessions and purchases
// counted apart (refunds too), spend net of refunds per currency and per (currency, category), the first and last
// transaction, and the last activity of any kind. `transactions` ordered by currency then
// category, `interactions` by kind (the order the report lists them in).
v1::ActivitySummary SummarizeActivity(const std::string& client_id,
                                      const std::vector<TransactionGroup>& transactions,
                                      const std::vector<InteractionGroup>& interactions);

}  // namespace clienttier::profile
