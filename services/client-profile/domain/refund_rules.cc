#include "services/client-profile/domain/refund_rules.h"

#include "common/errors/domain_error.h"

namespace clienttier::profile {

std::map<std::string, v1::RefundedTransaction> CheckRefunds(
    const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
    const std::vector<int>& fresh, const std::map<std::string, std::string>& ids,
    std::map<std::string, RefundableTransaction> originals, const std::string& field) {
  std::map<std::string, v1::RefundedTransaction> refunds;
  for (const int i : fresh) {
    const v1::TransactionInput& item = batch[i];
    const std::string item_field = field + "[" + std::to_string(i) + "]";
    const UnixMicros occurred_at = FromProtoTimestamp(item.occurred_at());
    if (item.kind() != v1::TRANSACTION_KIND_REFUND) {
      // A purchase or session of this batch can be refunded by a later item of it.
      originals.emplace(
          item.idempotency_key(),
          RefundableTransaction{ids.at(item.idempotency_key()), item.client_id(), item.kind(),
                                item.amount().units(), item.amount().currency(), occurred_at, 0});
      continue;
    }
    const std::string& key = item.refunded_idempotency_key();
    const auto found = originals.find(key);
    if (found == originals.end()) {
      throw NotFound(item_field + ".refunded_idempotency_key: no transaction '" + key +
                     "' was recorded for this tenant before this refund");
    }
    RefundableTransaction& original = found->second;
    if (original.kind == v1::TRANSACTION_KIND_REFUND) {
      throw InvalidArgument(item_field + ".refunded_idempotency_key",
                            "names a refund; name the purchase or session it refunds");
    }
    if (original.client_id != item.client_id()) {
      throw InvalidArgument(
          item_field + ".client_id",
          "must be the client of the refunded transaction ('" + original.client_id + "')");
    }
    if (original.currency != item.amount().currency()) {
      throw InvalidArgument(item_field + ".amount.currency",
                            "must be the refunded transaction's currency " + original.currency);
    }
    if (occurred_at < original.occurred_at) {
      throw InvalidArgument(item_field + ".occurred_at",
                            "must not be before the refunded transaction's occurred_at");
    }
    const int64_t left = original.amount_units - original.refunded_units;
    if (item.amount().units() > left) {
      throw FailedPrecondition(item_field + ".amount.units: at most " + std::to_string(left) +
                               " is left to refund of '" + key + "' (" +
                               std::to_string(original.refunded_units) + " of " +
                               std::to_string(original.amount_units) + " refunded already)");
    }
    original.refunded_units += item.amount().units();
    const std::string original_id = original.transaction_id;
    const UnixMicros original_at = original.occurred_at;
    const v1::TransactionKind original_kind = original.kind;
    const bool fully = original.refunded_units == original.amount_units;
    // A later item naming this refund is told it names a refund.
    originals.emplace(item.idempotency_key(),
                      RefundableTransaction{ids.at(item.idempotency_key()), item.client_id(),
                                            v1::TRANSACTION_KIND_REFUND, item.amount().units(),
                                            item.amount().currency(), occurred_at, 0});
    v1::RefundedTransaction& refunded = refunds[item.idempotency_key()];
    refunded.set_transaction_id(original_id);
    refunded.set_idempotency_key(key);
    refunded.set_kind(original_kind);
    *refunded.mutable_occurred_at() = ToProtoTimestamp(original_at);
    refunded.set_fully_refunded(fully);
  }
  return refunds;
}

}  // namespace clienttier::profile
