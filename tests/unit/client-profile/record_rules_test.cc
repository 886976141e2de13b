#include "services/client-profile/domain/record_rules.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"

namespace clienttier::profile {
namespace {

constexpr UnixMicros kNow = 1'700'000'000LL * kMicrosPerSecond;

v1::TransactionInput ValidTransaction(const std::string& key) {
  v1::TransactionInput input;
  input.set_idempotency_key(key);
  input.set_client_id("c-1");
  input.set_kind(v1::TRANSACTION_KIND_SESSION);
  input.mutable_amount()->set_units(30000);
  input.mutable_amount()->set_currency("CNY");
  input.set_category("counselling");
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow - kMicrosPerDay);
  return input;
}

std::string Message(const std::function<void()>& check) {
  try {
    check();
  } catch (const DomainError& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalid);
    return error.what();
  }
  return "";
}

TEST(RecordRulesTest, TransactionBounds) {
  auto input = ValidTransaction("k");
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  input.mutable_amount()->set_units(-1);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }),
            "t.amount.units: must be from 0 to 1000000000000");
  input.mutable_amount()->set_units(kMaxTransactionUnits + 1);
  EXPECT_NE(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  input.mutable_amount()->set_units(0);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "");  // free session
  input.mutable_amount()->set_currency("RMB");
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }),
            "t.amount.currency: unknown ISO 4217 code 'RMB'");
}

TEST(RecordRulesTest, TransactionTimeWindow) {
  auto input = ValidTransaction("k");
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow + kFutureSlack);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow + kFutureSlack + kMicrosPerSecond);
  EXPECT_NE(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  *input.mutable_occurred_at() = ToProtoTimestamp(kDefaultEarliestRecord - kMicrosPerSecond);
  EXPECT_NE(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  input.clear_occurred_at();
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "t.occurred_at: required");
}

// Issue 17 part 1: the floor is the tenant's; 1990-01-01 unless it set another.
TEST(RecordRulesTest, TheFloorIsTheTenantsOwn) {
  auto input = ValidTransaction("k");
  const UnixMicros day_before_2000 = 946'684'800LL * kMicrosPerSecond - kMicrosPerDay;
  *input.mutable_occurred_at() = ToProtoTimestamp(day_before_2000);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  *input.mutable_occurred_at() = ToProtoTimestamp(kDefaultEarliestRecord);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "");

  const UnixMicros floor_1980 = kDefaultEarliestRecord - 3653 * kMicrosPerDay;
  *input.mutable_occurred_at() = ToProtoTimestamp(floor_1980);
  EXPECT_NE(Message([&] { ValidateTransaction(input, "t", kNow); }), "");
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow, floor_1980); }), "");
  EXPECT_NE(Message([&] { ValidateTransaction(input, "t", kNow, floor_1980 + 1); }), "");

  v1::InteractionInput interaction;
  interaction.set_idempotency_key("i");
  interaction.set_client_id("c");
  interaction.set_kind(v1::INTERACTION_KIND_SHARE);
  *interaction.mutable_occurred_at() = ToProtoTimestamp(floor_1980);
  EXPECT_EQ(Message([&] { ValidateInteraction(interaction, "i", kNow, floor_1980); }), "");
  EXPECT_NE(Message([&] { ValidateInteraction(interaction, "i", kNow); }), "");

  google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
  *batch.Add() = input;
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow, floor_1980); }),
            "");
  EXPECT_EQ(Message([&] {
              ValidateTransactionBatch(batch, "transactions", kNow);
            }).rfind("transactions[0].occurred_at: ", 0),
            0U);
}

TEST(RecordRulesTest, RecordSettingsFloorFrom1900ToNow) {
  EXPECT_EQ(EarliestRecord(DefaultRecordSettings()), kDefaultEarliestRecord);
  EXPECT_EQ(DefaultRecordSettings().version(), 0);
  v1::RecordSettings settings;
  EXPECT_EQ(Message([&] { ValidateRecordSettings(settings, kNow); }),
            "settings.earliest_record: required");
  *settings.mutable_earliest_record() = ToProtoTimestamp(kOldestEarliestRecord);
  EXPECT_EQ(Message([&] { ValidateRecordSettings(settings, kNow); }), "");
  *settings.mutable_earliest_record() = ToProtoTimestamp(kOldestEarliestRecord - 1);
  EXPECT_NE(Message([&] { ValidateRecordSettings(settings, kNow); }), "");
  *settings.mutable_earliest_record() = ToProtoTimestamp(kNow + 1);
  EXPECT_NE(Message([&] { ValidateRecordSettings(settings, kNow); }), "");
}

TEST(RecordRulesTest, KindMustBeKnownAndSet) {
  auto input = ValidTransaction("k");
  input.set_kind(v1::TRANSACTION_KIND_UNSPECIFIED);
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }),
            "t.kind: required (must not be UNSPECIFIED)");
  input.set_kind(static_cast<v1::TransactionKind>(9));
  EXPECT_EQ(Message([&] { ValidateTransaction(input, "t", kNow); }), "t.kind: unknown value 9");
}

TEST(RecordRulesTest, BatchSizeLimits) {
  google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }),
            "transactions: must hold at least one item");
  for (int i = 0; i <= kMaxBatchSize; ++i) {
    *batch.Add() = ValidTransaction("k" + std::to_string(i));
  }
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }),
            "transactions: at most 1000 items per batch");
  batch.RemoveLast();
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }), "");
}

TEST(RecordRulesTest, RepeatedKeyInsideABatch) {
  google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
  *batch.Add() = ValidTransaction("k");
  *batch.Add() = ValidTransaction("k");
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }), "");
  batch.Mutable(1)->mutable_amount()->set_units(1);
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }),
            "transactions[1].idempotency_key: repeats item 0 with different content");
}

TEST(RecordRulesTest, NamesTheItemIndex) {
  google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
  *batch.Add() = ValidTransaction("a");
  *batch.Add() = ValidTransaction("b");
  batch.Mutable(1)->set_client_id("");
  EXPECT_EQ(Message([&] { ValidateTransactionBatch(batch, "transactions", kNow); }),
            "transactions[1].client_id: required");
}

TEST(RecordRulesTest, InteractionDetailIsBounded) {
  v1::InteractionInput input;
  input.set_idempotency_key("i");
  input.set_client_id("c");
  input.set_kind(v1::INTERACTION_KIND_SHARE);
  *input.mutable_occurred_at() = ToProtoTimestamp(kNow);
  input.set_detail(std::string(257, 'x'));
  EXPECT_EQ(Message([&] { ValidateInteraction(input, "i", kNow); }),
            "i.detail: must be at most 256 bytes");
}

}  // namespace
}  // namespace clienttier::profile
