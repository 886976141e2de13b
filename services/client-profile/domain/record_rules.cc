#include "services/client-profile/domain/record_rules.h"

#include <map>

#include "common/errors/domain_error.h"
#include "common/validation/validation.h"

namespace clienttier::profile {

namespace {

template <typename Input, typename ValidateFn, typename SameFn>
void ValidateBatch(const google::protobuf::RepeatedPtrField<Input>& batch, const std::string& field,
                   UnixMicros now, UnixMicros earliest, ValidateFn validate, SameFn same) {
  if (batch.empty()) {
    throw InvalidArgument(field, "must hold at least one item");
  }
  if (batch.size() > kMaxBatchSize) {
    throw InvalidArgument(field, "at most " + std::to_string(kMaxBatchSize) + " items per batch");
  }
  std::map<std::string, int> first_index;
  for (int i = 0; i < batch.size(); ++i) {
    const std::string item = field + "[" + std::to_string(i) + "]";
    validate(batch[i], item, now, earliest);
    auto [found, inserted] = first_index.emplace(batch[i].idempotency_key(), i);
    if (!inserted && !same(batch[found->second], batch[i])) {
      throw InvalidArgument(
          item + ".idempotency_key",
          "repeats item " + std::to_string(found->second) + " with different content");
    }
  }
}

}  // namespace

void ValidateTransaction(const v1::TransactionInput& input, const std::string& field,
                         UnixMicros now, UnixMicros earliest) {
  validation::CheckId(field + ".idempotency_key", input.idempotency_key(), 128);
  validation::CheckId(field + ".client_id", input.client_id(), 64);
  validation::CheckEnum(field + ".kind", input.kind(), v1::TransactionKind_IsValid, true);
  if (!input.has_amount()) {
    throw InvalidArgument(field + ".amount", "required");
  }
  validation::CheckMoney(field + ".amount", input.amount(), 0, kMaxTransactionUnits);
  if (input.kind() == v1::TRANSACTION_KIND_REFUND) {
    // What is left of the original is checked when it is recorded (CheckRefunds).
    validation::CheckId(field + ".refunded_idempotency_key", input.refunded_idempotency_key(), 128);
    if (input.refunded_idempotency_key() == input.idempotency_key()) {
      throw InvalidArgument(field + ".refunded_idempotency_key", "must name another transaction");
    }
    if (input.amount().units() < 1) {
      throw InvalidArgument(field + ".amount.units", "a refund must be at least 1");
    }
  } else if (!input.refunded_idempotency_key().empty()) {
    throw InvalidArgument(field + ".refunded_idempotency_key", "only a REFUND names one");
  }
  validation::CheckLabel(field + ".category", input.category(), 64, false);
  if (!input.has_occurred_at()) {
    throw InvalidArgument(field + ".occurred_at", "required");
  }
  validation::CheckTimestamp(field + ".occurred_at", input.occurred_at(), earliest,
                             now + kFutureSlack);
}

void ValidateInteraction(const v1::InteractionInput& input, const std::string& field,
                         UnixMicros now, UnixMicros earliest) {
  validation::CheckId(field + ".idempotency_key", input.idempotency_key(), 128);
  validation::CheckId(field + ".client_id", input.client_id(), 64);
  validation::CheckEnum(field + ".kind", input.kind(), v1::InteractionKind_IsValid, true);
  if (!input.has_occurred_at()) {
    throw InvalidArgument(field + ".occurred_at", "required");
  }
  validation::CheckTimestamp(field + ".occurred_at", input.occurred_at(), earliest,
                             now + kFutureSlack);
  validation::CheckText(field + ".detail", input.detail(), 256, false);
}

void ValidateTransactionBatch(const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
                              const std::string& field, UnixMicros now, UnixMicros earliest) {
  ValidateBatch(batch, field, now, earliest, ValidateTransaction, SameTransaction);
}

void ValidateInteractionBatch(const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch,
                              const std::string& field, UnixMicros now, UnixMicros earliest) {
  ValidateBatch(batch, field, now, earliest, ValidateInteraction, SameInteraction);
}

bool SameTransaction(const v1::TransactionInput& a, const v1::TransactionInput& b) {
  return a.client_id() == b.client_id() && a.kind() == b.kind() &&
         a.amount().units() == b.amount().units() &&
         a.amount().currency() == b.amount().currency() && a.category() == b.category() &&
         a.refunded_idempotency_key() == b.refunded_idempotency_key() &&
         FromProtoTimestamp(a.occurred_at()) == FromProtoTimestamp(b.occurred_at());
}

bool SameInteraction(const v1::InteractionInput& a, const v1::InteractionInput& b) {
  return a.client_id() == b.client_id() && a.kind() == b.kind() && a.detail() == b.detail() &&
         FromProtoTimestamp(a.occurred_at()) == FromProtoTimestamp(b.occurred_at());
}

}  // namespace clienttier::profile
