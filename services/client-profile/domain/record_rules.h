#pragma once

#include <string>

#include <google/protobuf/repeated_field.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"
#include "services/client-profile/domain/record_settings.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Pure rules for transactions and interactions.
constexpr int kMaxBatchSize = 1000;
constexpr int64_t kMaxTransactionUnits = 1'000'000'000'000;  // ten billion major units
// The floor of occurred_at is the tenant's (RecordSettings, default 1990-01-01): `earliest`.
// Clocks drift and time zones confuse callers; a day of slack, not more.
constexpr UnixMicros kFutureSlack = kMicrosPerDay;

void ValidateTransaction(const v1::TransactionInput& input, const std::string& field,
                         UnixMicros now, UnixMicros earliest = kDefaultEarliestRecord);
void ValidateInteraction(const v1::InteractionInput& input, const std::string& field,
                         UnixMicros now, UnixMicros earliest = kDefaultEarliestRecord);

// Batch checks: 1..kMaxBatchSize items, each valid, and an idempotency key repeated inside the
// batch only with identical content (it is then recorded once).
void ValidateTransactionBatch(const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
                              const std::string& field, UnixMicros now,
                              UnixMicros earliest = kDefaultEarliestRecord);
void ValidateInteractionBatch(const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch,
                              const std::string& field, UnixMicros now,
                              UnixMicros earliest = kDefaultEarliestRecord);

// Same content as far as a retry is concerned (everything but the key itself).
bool SameTransaction(const v1::TransactionInput& a, const v1::TransactionInput& b);
bool SameInteraction(const v1::InteractionInput& a, const v1::InteractionInput& b);

}  // namespace clienttier::profile
