#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// A transaction a refund may name, as stored (or recorded earlier in the same batch), with
// what has been refunded of it so far.
struct RefundableTransaction {
  std::string transaction_id;
  std::string client_id;
  v1::TransactionKind kind = v1::TRANSACTION_KIND_UNSPECIFIED;
  int64_t amount_units = 0;
  std::string currency;
  UnixMicros occurred_at = 0;
  int64_t refunded_units = 0;
};

// Checks the refunds among a batch's new records, in batch order, against what they name and
// returns, by the refund's idempotency key, the original as its event describes it. A refund
// names a purchase or session (`originals`: stored ones, by idempotency key; a purchase or
// session new in this batch counts from its position on) of the same client and currency,
// not after the refund, of which at most what is left is refunded (earlier refunds, stored
// or in this batch, counted). NotFound / InvalidArgument / FailedPrecondition naming
// `field`[i]'s field otherwise. `fresh`: indexes of the batch's new records; `ids`: the ids
// assigned to them, by idempotency key.
std::map<std::string, v1::RefundedTransaction> CheckRefunds(
    const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
    const std::vector<int>& fresh, const std::map<std::string, std::string>& ids,
    std::map<std::string, RefundableTransaction> originals, const std::string& field);

}  // namespace clienttier::profile
