#include <gtest/gtest.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"
#include "tools/tierctl/output.h"
#include "tools/tierctl/request_builder.h"

namespace clienttier::tierctl {
namespace {

namespace pv1 = ::clienttier::profile::v1;
namespace sv1 = ::clienttier::scoring::v1;

TEST(RequestBuilder, FlagsFillScalarsNestedFieldsEnumsListsAndTimes) {
  pv1::RecordTransactionRequest request;
  const std::string error =
      BuildRequest({{"transaction.client-id", "c-1"},
                    {"transaction.kind", "purchase"},
                    {"transaction.amount", R"({"units": 12050, "currency": "CNY"})"},
                    {"transaction.occurred-at", "2026-11-24T10:00:00Z"}},
                   request);
  ASSERT_EQ(error, "");
  EXPECT_EQ(request.transaction().client_id(), "c-1");
  EXPECT_EQ(request.transaction().kind(), pv1::TRANSACTION_KIND_PURCHASE);
  EXPECT_EQ(request.transaction().amount().units(), 12050);
  EXPECT_EQ(request.transaction().occurred_at().seconds(), 1795514400);

  sv1::StreamScoresRequest scores;
  ASSERT_EQ(BuildRequest({{"tiers", "T1,T2"}, {"lifecycles", "LIFECYCLE_STAGE_DORMANT"}}, scores),
            "");
  ASSERT_EQ(scores.tiers_size(), 2);
  EXPECT_EQ(scores.tiers(1), sv1::TIER_T2);
  EXPECT_EQ(scores.lifecycles(0), sv1::LIFECYCLE_STAGE_DORMANT);
}

TEST(RequestBuilder, JsonComesFirstAndFlagsOverrideIt) {
  sv1::BatchRescoreRequest request;
  ASSERT_EQ(
      BuildRequest({{"shard-count", "8"}, {"json", R"({"shard_index": 3, "shard_count": 4})"}},
                   request),
      "");
  EXPECT_EQ(request.shard_index(), 3);
  EXPECT_EQ(request.shard_count(), 8);
}

TEST(RequestBuilder, MistakesNameTheFlag) {
  sv1::BatchRescoreRequest request;
  EXPECT_EQ(BuildRequest({{"shard-indx", "1"}}, request),
            "--shard-indx: clienttier.scoring.v1.BatchRescoreRequest has no field shard_indx");
  EXPECT_EQ(BuildRequest({{"shard-index", "one"}}, request),
            "--shard-index: shard_index: 'one' is not a number");
  sv1::StreamScoresRequest scores;
  EXPECT_EQ(BuildRequest({{"tiers", "T9"}}, scores), "--tiers: tiers: 'T9' is not a value of Tier");
  EXPECT_NE(BuildRequest({{"json", "{"}}, scores), "");
}

TEST(Output, TablesListMessagesAndFormatMoney) {
  pv1::ListClientsResponse response;
  pv1::Client& client = *response.add_clients();
  client.set_client_id("c-1");
  client.set_version(3);
  response.mutable_page()->set_next_page_token("c-1");
  const std::string table = ToTable(response);
  EXPECT_NE(table.find("page.next_page_token: c-1"), std::string::npos) << table;
  EXPECT_NE(table.find("client_id"), std::string::npos) << table;
  EXPECT_NE(table.find("c-1        3"), std::string::npos) << table;

  sv1::Score score;
  score.mutable_lifetime_spend()->set_units(-5);
  score.mutable_lifetime_spend()->set_currency("CNY");
  score.mutable_value_12m()->set_units(123456);
  score.mutable_value_12m()->set_currency("JPY");
  const std::string lines = ToTable(score);
  EXPECT_NE(lines.find("lifetime_spend: -0.05 CNY"), std::string::npos) << lines;
  EXPECT_NE(lines.find("value_12m: 123456 JPY"), std::string::npos) << lines;
  EXPECT_EQ(ToJson(score, true).find('\n'), std::string::npos);
}

TEST(Output, ProgressBarShowsTheShareDone) {
  EXPECT_EQ(ProgressBar(50, 100, 10), "[#####     ] 50%  50/100");
  EXPECT_EQ(ProgressBar(0, 0, 4), "[####] 100%  0/0");
}

}  // namespace
}  // namespace clienttier::tierctl
