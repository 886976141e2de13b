// Issue 18 part 4 on the real client-profile: PurgeExpired erases the clients inactive for
// longer than the policy (through the erasure path) and deletes old interactions, reports what
// it did, and finds nothing more when run again.
#include <gtest/gtest.h>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "tests/support/profile_stack_fixture.h"

namespace clienttier::testing {
namespace {

namespace pv1 = ::clienttier::profile::v1;

constexpr int kYear = 365;

class RetentionTest : public ProfileStackFixture {
 protected:
  void RecordInteraction(const std::string& key, const std::string& client_id, int days_ago) {
    pv1::RecordInteractionRequest request;
    pv1::InteractionInput& input = *request.mutable_interaction();
    input.set_idempotency_key(key + "-" + suffix_);
    input.set_client_id(client_id);
    input.set_kind(pv1::INTERACTION_KIND_LOGIN);
    input.mutable_occurred_at()->set_seconds(now_seconds_ - int64_t{days_ago} * 86400);
    pv1::RecordInteractionResponse response;
    const grpc::Status status =
        profile_stub_->RecordInteraction(Context(writer_a_).get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The client rows as if created `days_ago` days ago and never changed since.
  void Backdate(const std::vector<std::string>& client_ids, int days_ago) {
    MySqlPool pool(profile_config_.mysql, nullptr);
    pool.WithConnection([&](sql::Connection& connection) {
      for (const std::string& client_id : client_ids) {
        auto update = Prepare(connection,
                              "UPDATE clients SET created_at = UTC_TIMESTAMP(6) - INTERVAL ? DAY,"
                              " updated_at = UTC_TIMESTAMP(6) - INTERVAL ? DAY"
                              " WHERE tenant_id = ? AND client_id = ?");
        update->setInt(1, days_ago);
        update->setInt(2, days_ago);
        update->setString(3, tenant_a_);
        update->setString(4, client_id);
        ASSERT_EQ(update->executeUpdate(), 1);
      }
    });
  }

  pv1::PurgeExpiredResponse Purge(bool dry_run) {
    pv1::PurgeExpiredRequest request;
    request.set_erase_inactive_after_days(5 * kYear);
    request.set_drop_interactions_after_days(3 * kYear);
    request.set_dry_run(dry_run);
    pv1::PurgeExpiredResponse response;
    const grpc::Status status =
        profile_stub_->PurgeExpired(Context(admin_a_).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  pv1::Client Get(const std::string& client_id) {
    pv1::GetClientRequest request;
    request.set_client_id(client_id);
    pv1::Client client;
    EXPECT_TRUE(profile_stub_->GetClient(Context(reader_a_).get(), request, &client).ok());
    return client;
  }
};

TEST_F(RetentionTest, InactiveClientsAreErasedOldInteractionsDroppedAndARerunPurgesNothing) {
  // idle: bought 8 years ago; silent: nothing in 8 years; active: bought 8 years ago but
  // logged in last month; recent: a client of last week. All created 8 years ago but recent.
  const std::string idle = "ret-idle-" + suffix_;
  const std::string silent = "ret-silent-" + suffix_;
  const std::string active = "ret-active-" + suffix_;
  const std::string recent = "ret-recent-" + suffix_;
  for (const std::string& id : {idle, silent, active, recent}) {
    EnsureClient(id, writer_a_);
  }
  RecordPurchase("ret-p1-" + suffix_, idle, 30000, 8 * kYear, writer_a_);
  RecordPurchase("ret-p2-" + suffix_, active, 30000, 8 * kYear, writer_a_);
  RecordInteraction("ret-i1", active, 4 * kYear);
  RecordInteraction("ret-i2", active, 30);
  Backdate({idle, silent, active}, 8 * kYear);

  const pv1::PurgeExpiredResponse dry = Purge(true);
  EXPECT_EQ(
      std::vector<std::string>(dry.erased_client_ids().begin(), dry.erased_client_ids().end()),
      (std::vector<std::string>{idle, silent}));
  EXPECT_EQ(dry.interactions_deleted(), 1);
  EXPECT_FALSE(Get(idle).erased());

  const pv1::PurgeExpiredResponse purged = Purge(false);
  ASSERT_EQ(purged.erased_client_ids_size(), 2);
  EXPECT_EQ(purged.interactions_deleted(), 1);
  EXPECT_FALSE(purged.more());
  EXPECT_TRUE(purged.has_clients_inactive_since());
  for (const std::string& id : {idle, silent}) {
    const pv1::Client client = Get(id);
    EXPECT_TRUE(client.erased()) << id;
    EXPECT_EQ(client.display_name(), "") << id;
    // The erasure path: only the erasure is left of the consent history.
    pv1::ListConsentHistoryRequest history_request;
    history_request.set_client_id(id);
    pv1::ListConsentHistoryResponse history;
    ASSERT_TRUE(
        profile_stub_->ListConsentHistory(Context(reader_a_).get(), history_request, &history)
            .ok());
    ASSERT_EQ(history.changes_size(), 1);
    EXPECT_EQ(history.changes(0).source(), pv1::CONSENT_CHANGE_SOURCE_ERASE_CLIENT);
  }
  EXPECT_FALSE(Get(active).erased());
  EXPECT_FALSE(Get(recent).erased());
  pv1::GetActivitySummaryRequest summary_request;
  summary_request.set_client_id(active);
  pv1::ActivitySummary summary;
  ASSERT_TRUE(
      profile_stub_->GetActivitySummary(Context(reader_a_).get(), summary_request, &summary).ok());
  ASSERT_EQ(summary.interactions_size(), 1);
  EXPECT_EQ(summary.interactions(0).count(), 1);  // the login of last month is kept

  const pv1::PurgeExpiredResponse again = Purge(false);
  EXPECT_EQ(again.erased_client_ids_size(), 0);
  EXPECT_EQ(again.interactions_deleted(), 0);

  // Only an admin purges; a bad policy names its field.
  pv1::PurgeExpiredRequest request;
  request.set_erase_inactive_after_days(1);
  pv1::PurgeExpiredResponse response;
  EXPECT_EQ(profile_stub_->PurgeExpired(Context(writer_a_).get(), request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  request.set_erase_inactive_after_days(-1);
  const grpc::Status invalid =
      profile_stub_->PurgeExpired(Context(admin_a_).get(), request, &response);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(invalid.error_message().find("erase_inactive_after_days"), std::string::npos);
}

}  // namespace
}  // namespace clienttier::testing
