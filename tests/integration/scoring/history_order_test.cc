// Issue 17 part 1 on the real stack: one history (clients with and without acquired_at,
// purchases back to 1995, interactions) loaded through client-profile in time order for tenant
// A and in a shuffled order for tenant B gives scoring the same aggregates and scores.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/integration/scoring/scoring_fixture.h"

namespace clienttier::scoring {
namespace {

constexpr int kClients = 8;
constexpr int64_t kDay = 86400;
// 1995-03-01T00:00:00Z: before the old 2000-01-01 floor, after the default 1990-01-01.
constexpr int64_t kMarch1995 = 794'016'000;

struct Record {
  std::string key;
  std::string client_id;
  bool purchase = true;  // else a login
  int64_t units = 0;
  int64_t occurred_at = 0;
};

class HistoryOrderTest : public ScoringFixture {
 protected:
  // The history, in time order: client c<i> buys 1 + i % 4 times in the last 150 days, 30
  // days apart, and logs in after each purchase; c0 also bought in 1995.
  std::vector<Record> History() const {
    std::vector<Record> records;
    records.push_back({"p-c0-1995", "c0", true, 4200, kMarch1995});
    for (int i = 0; i < kClients; ++i) {
      const std::string id = "c" + std::to_string(i);
      for (int n = 0; n <= i % 4; ++n) {
        const int64_t at = now_seconds_ - kDay * (20 + 5 * i + 30 * n);
        records.push_back(
            {"p-" + id + "-" + std::to_string(n), id, true, 1000 + 317 * i * (n + 1), at});
        records.push_back({"l-" + id + "-" + std::to_string(n), id, false, 0, at + 3 * kDay});
      }
    }
    std::stable_sort(records.begin(), records.end(), [](const Record& a, const Record& b) {
      return a.occurred_at < b.occurred_at;
    });
    return records;
  }

  void CreateClients(const std::vector<int>& order, const std::string& api_key) {
    for (const int i : order) {
      pv1::CreateClientRequest request;
      request.mutable_client()->set_client_id("c" + std::to_string(i));
      if (i % 2 == 0) {  // half the clients say when they were acquired: years ago
        request.mutable_client()->mutable_acquisition()->mutable_acquired_at()->set_seconds(
            now_seconds_ - kDay * (2000 + 100 * i));
      }
      pv1::Client created;
      const grpc::Status status =
          profile_stub_->CreateClient(Context(api_key).get(), request, &created);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  void Load(const std::vector<Record>& records, const std::string& api_key) {
    for (const Record& record : records) {
      grpc::Status status;
      if (record.purchase) {
        pv1::RecordTransactionRequest request;
        auto* input = request.mutable_transaction();
        input->set_idempotency_key(record.key);
        input->set_client_id(record.client_id);
        input->set_kind(pv1::TRANSACTION_KIND_PURCHASE);
        input->mutable_amount()->set_units(record.units);
        input->mutable_amount()->set_currency("CNY");
        input->mutable_occurred_at()->set_seconds(record.occurred_at);
        pv1::RecordTransactionResponse response;
        status = profile_stub_->RecordTransaction(Context(api_key).get(), request, &response);
      } else {
        pv1::RecordInteractionRequest request;
        auto* input = request.mutable_interaction();
        input->set_idempotency_key(record.key);
        input->set_client_id(record.client_id);
        input->set_kind(pv1::INTERACTION_KIND_LOGIN);
        input->mutable_occurred_at()->set_seconds(record.occurred_at);
        pv1::RecordInteractionResponse response;
        status = profile_stub_->RecordInteraction(Context(api_key).get(), request, &response);
      }
      ASSERT_TRUE(status.ok()) << record.key << ": " << status.error_message();
    }
  }

  void Rescore(const std::string& api_key) {
    v1::BatchRescoreRequest batch;
    auto context = Context(api_key);
    auto reader = stub_->BatchRescore(context.get(), batch);
    v1::BatchRescoreProgress progress;
    while (reader->Read(&progress)) {
    }
    ASSERT_TRUE(reader->Finish().ok());
  }

  // What must not depend on the order: everything but when and with which versions it was
  // computed, and the tier: its hysteresis holds the tier a client had when last scored, which
  // depends on when the incremental rescores looked (the event order), not on the history; the
  // churn warning follows the tier.
  v1::Score Comparable(v1::Score score) const {
    score.clear_as_of();
    score.clear_config_version();
    score.clear_model_version();
    score.clear_population_version();
    score.clear_tier();
    score.clear_churn_warning();
    score.clear_churn_reason();
    return score;
  }
};

TEST_F(HistoryOrderTest, AShuffledHistoryGivesTheSameAggregatesAndScores) {
  const std::vector<Record> in_order = History();
  std::vector<Record> shuffled = in_order;
  std::mt19937 random(17);
  std::shuffle(shuffled.begin(), shuffled.end(), random);
  ASSERT_NE(shuffled.front().key, in_order.front().key);  // the seed does shuffle

  std::vector<int> client_order;
  for (int i = 0; i < kClients; ++i) {
    client_order.push_back(i);
  }
  CreateClients(client_order, writer_a_);
  Load(in_order, writer_a_);
  std::reverse(client_order.begin(), client_order.end());
  CreateClients(client_order, writer_b_);
  Load(shuffled, writer_b_);

  std::map<std::string, int64_t> purchases;
  for (const Record& record : in_order) {
    purchases[record.client_id] += record.purchase ? 1 : 0;
  }
  // Every event applied in both tenants, then both rescored with their own population.
  for (const auto& [client_id, count] : purchases) {
    for (const std::string& key : {reader_a_, writer_b_}) {
      WaitForScore(client_id, key, [count = count](const v1::Score& score) {
        return score.lifetime_purchases() == count;
      });
    }
  }
  Rescore(writer_a_);
  Rescore(writer_b_);

  for (const auto& [client_id, count] : purchases) {
    v1::GetScoreRequest request;
    request.set_client_id(client_id);
    v1::Score a;
    v1::Score b;
    ASSERT_TRUE(stub_->GetScore(Context(reader_a_).get(), request, &a).ok());
    ASSERT_TRUE(stub_->GetScore(Context(writer_b_).get(), request, &b).ok());
    EXPECT_EQ(a.lifetime_purchases(), count) << client_id;
    EXPECT_EQ(Comparable(a).ShortDebugString(), Comparable(b).ShortDebugString()) << client_id;
    // The even clients were acquired years ago (c0 also bought in 1995): mature, though their
    // purchases are all recent; the odd ones count from their first purchase, months ago.
    const bool even = (client_id.back() - '0') % 2 == 0;
    EXPECT_EQ(a.lifecycle() == v1::LIFECYCLE_STAGE_MATURE, even) << a.ShortDebugString();
  }
}

}  // namespace
}  // namespace clienttier::scoring
