#include "services/client-profile/domain/refund_rules.h"

#include <gtest/gtest.h>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/record_rules.h"

namespace clienttier::profile {
namespace {

constexpr UnixMicros kDay = kMicrosPerDay;
constexpr UnixMicros kNow = 20'000 * kDay;

v1::TransactionInput Input(const std::string& key, v1::TransactionKind kind, int64_t units,
                           UnixMicros at, const std::string& refunded = "",
                           const std::string& client = "c1", const std::string& currency = "CNY") {
  v1::TransactionInput input;
  input.set_idempotency_key(key);
  input.set_client_id(client);
  input.set_kind(kind);
  input.mutable_amount()->set_units(units);
  input.mutable_amount()->set_currency(currency);
  *input.mutable_occurred_at() = ToProtoTimestamp(at);
  input.set_refunded_idempotency_key(refunded);
  return input;
}

v1::TransactionInput Refund(const std::string& key, int64_t units, const std::string& of) {
  return Input(key, v1::TRANSACTION_KIND_REFUND, units, kNow - kDay, of);
}

struct Batch {
  google::protobuf::RepeatedPtrField<v1::TransactionInput> items;
  std::vector<int> fresh;
  std::map<std::string, std::string> ids;
  void Add(const v1::TransactionInput& input) {
    fresh.push_back(items.size());
    ids[input.idempotency_key()] = "id-" + input.idempotency_key();
    *items.Add() = input;
  }
};

std::map<std::string, RefundableTransaction> Stored() {
  return {{"p1", RefundableTransaction{"id-p1", "c1", v1::TRANSACTION_KIND_PURCHASE, 1000, "CNY",
                                       kNow - 10 * kDay, 300}}};
}

DomainError ErrorOf(const Batch& batch) {
  try {
    CheckRefunds(batch.items, batch.fresh, batch.ids, Stored(), "transactions");
  } catch (const DomainError& error) {
    return error;
  }
  ADD_FAILURE() << "expected an error";
  return Internal("none");
}

TEST(RefundRulesTest, ARefundOfWhatIsLeftCompletesTheOriginal) {
  Batch batch;
  batch.Add(Refund("r1", 200, "p1"));
  batch.Add(Refund("r2", 500, "p1"));  // 300 stored + 200 + 500 = 1000
  const auto refunds = CheckRefunds(batch.items, batch.fresh, batch.ids, Stored(), "transactions");
  ASSERT_EQ(refunds.size(), 2u);
  EXPECT_FALSE(refunds.at("r1").fully_refunded());
  EXPECT_TRUE(refunds.at("r2").fully_refunded());
  EXPECT_EQ(refunds.at("r2").transaction_id(), "id-p1");
  EXPECT_EQ(refunds.at("r2").kind(), v1::TRANSACTION_KIND_PURCHASE);
  EXPECT_EQ(FromProtoTimestamp(refunds.at("r2").occurred_at()), kNow - 10 * kDay);
}

TEST(RefundRulesTest, MoreThanIsLeftIsRefusedCountingEarlierRefunds) {
  Batch batch;
  batch.Add(Refund("r1", 600, "p1"));
  batch.Add(Refund("r2", 101, "p1"));  // 300 + 600 + 101 > 1000
  const DomainError error = ErrorOf(batch);
  EXPECT_EQ(error.kind(), ErrorKind::kFailedPrecondition);
  EXPECT_NE(std::string(error.what()).find("transactions[1].amount.units: at most 100"),
            std::string::npos)
      << error.what();
}

TEST(RefundRulesTest, TheOriginalMustExistAndMatchClientCurrencyAndTime) {
  Batch missing;
  missing.Add(Refund("r1", 1, "nope"));
  EXPECT_EQ(ErrorOf(missing).kind(), ErrorKind::kNotFound);

  Batch other_client;
  other_client.Add(Input("r1", v1::TRANSACTION_KIND_REFUND, 1, kNow, "p1", "c2"));
  EXPECT_NE(std::string(ErrorOf(other_client).what()).find("transactions[0].client_id"),
            std::string::npos);

  Batch other_currency;
  other_currency.Add(Input("r1", v1::TRANSACTION_KIND_REFUND, 1, kNow, "p1", "c1", "USD"));
  EXPECT_NE(std::string(ErrorOf(other_currency).what()).find("amount.currency"), std::string::npos);

  Batch too_early;
  too_early.Add(Input("r1", v1::TRANSACTION_KIND_REFUND, 1, kNow - 11 * kDay, "p1"));
  EXPECT_NE(std::string(ErrorOf(too_early).what()).find("occurred_at"), std::string::npos);

  Batch of_a_refund;
  of_a_refund.Add(Refund("r1", 1, "p1"));
  of_a_refund.Add(Refund("r2", 1, "r1"));
  EXPECT_NE(std::string(ErrorOf(of_a_refund).what()).find("names a refund"), std::string::npos);
}

TEST(RefundRulesTest, APurchaseEarlierInTheBatchCanBeRefundedLaterInIt) {
  Batch batch;
  batch.Add(Input("p2", v1::TRANSACTION_KIND_SESSION, 800, kNow - 5 * kDay));
  batch.Add(Refund("r1", 800, "p2"));
  const auto refunds = CheckRefunds(batch.items, batch.fresh, batch.ids, {}, "transactions");
  EXPECT_TRUE(refunds.at("r1").fully_refunded());
  EXPECT_EQ(refunds.at("r1").transaction_id(), "id-p2");
  EXPECT_EQ(refunds.at("r1").kind(), v1::TRANSACTION_KIND_SESSION);
}

TEST(RefundRulesTest, ValidationNamesTheRefundFields) {
  v1::TransactionInput no_original = Refund("r1", 5, "");
  EXPECT_THROW(ValidateTransaction(no_original, "transaction", kNow), DomainError);
  v1::TransactionInput zero = Refund("r1", 0, "p1");
  try {
    ValidateTransaction(zero, "transaction", kNow);
    FAIL();
  } catch (const DomainError& error) {
    EXPECT_NE(std::string(error.what()).find("transaction.amount.units"), std::string::npos);
  }
  v1::TransactionInput purchase_naming_one =
      Input("p9", v1::TRANSACTION_KIND_PURCHASE, 5, kNow, "p1");
  EXPECT_THROW(ValidateTransaction(purchase_naming_one, "transaction", kNow), DomainError);
  v1::TransactionInput self = Refund("r1", 5, "r1");
  EXPECT_THROW(ValidateTransaction(self, "transaction", kNow), DomainError);
  EXPECT_NO_THROW(ValidateTransaction(Refund("r1", 5, "p1"), "transaction", kNow));
}

}  // namespace
}  // namespace clienttier::profile
