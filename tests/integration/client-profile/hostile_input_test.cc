// The hostile-input suite on a real client-profile: ids with injection text, oversized and
// 10 MB strings, invalid UTF-8, money overflow, years 1 and 9999, unknown enum values and
// 100,000-item batches. Each case must answer INVALID_ARGUMENT naming the field, and write
// nothing: every table of the service's schema keeps its row count.
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <thread>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "tests/integration/client-profile/profile_fixture.h"

namespace clienttier::profile {
namespace {

struct HostileCase {
  std::string name;
  std::string field;  // what the error message must name
  std::function<grpc::Status()> call;
};

class HostileInputTest : public ProfileFixture {
 protected:
  // Rows per table of the service's schema (outbox included).
  std::map<std::string, int64_t> RowCounts() {
    MySqlConfig single = config_.mysql;
    single.pool_size = 1;
    MySqlPool pool(single, nullptr);
    std::map<std::string, int64_t> counts;
    pool.InTransaction([&](sql::Connection& connection) {
      auto tables = Prepare(connection,
                            "SELECT table_name FROM information_schema.tables WHERE table_schema "
                            "= DATABASE() AND table_type = 'BASE TABLE'");
      auto names = Query(*tables);
      std::vector<std::string> found;
      while (names->next()) {
        found.push_back(names->getString(1));
      }
      for (const std::string& table : found) {
        auto count = Prepare(connection, "SELECT COUNT(*) FROM `" + table + "`");
        auto rows = Query(*count);
        rows->next();
        counts[table] = rows->getInt64(1);
      }
    });
    return counts;
  }

  int64_t UnpublishedOutboxRows() {
    MySqlConfig single = config_.mysql;
    single.pool_size = 1;
    MySqlPool pool(single, nullptr);
    int64_t unpublished = 0;
    pool.WithConnection([&](sql::Connection& connection) {
      auto count = Prepare(connection, "SELECT COUNT(*) FROM outbox WHERE published_at IS NULL");
      auto rows = Query(*count);
      rows->next();
      unpublished = rows->getInt64(1);
    });
    return unpublished;
  }

  grpc::Status Create(const v1::Client& client) {
    v1::CreateClientRequest request;
    *request.mutable_client() = client;
    v1::Client created;
    return stub_->CreateClient(AsTenantA().get(), request, &created);
  }

  grpc::Status Record(const v1::RecordTransactionsRequest& request) {
    v1::RecordTransactionsResponse response;
    return stub_->RecordTransactions(AsTenantA().get(), request, &response);
  }

  v1::Client Valid(const std::string& client_id) const {
    v1::Client client;
    client.set_client_id(client_id);
    client.set_display_name("Hostile " + client_id);
    return client;
  }

  v1::RecordTransactionsRequest OneTransaction(
      const std::function<void(v1::TransactionInput*)>& spoil) const {
    v1::RecordTransactionsRequest request;
    *request.add_transactions() = Transaction("hostile-1", "c-1", 100);
    spoil(request.mutable_transactions(0));
    return request;
  }
};

TEST_F(HostileInputTest, EachCaseIsRefusedNamingTheFieldAndWritesNothing) {
  CreateClient("c-1", writer_a_);
  const std::string invalid_utf8 = std::string("Zo") + '\xc3' + '\x28' + "e";
  std::vector<HostileCase> cases = {
      {"injection text in an id", "client.client_id",
       [&] { return Create(Valid("x'; DROP TABLE clients; --")); }},
      {"an id over 64 characters", "client.client_id",
       [&] { return Create(Valid(std::string(65, 'a'))); }},
      {"a 10 MB name", "client.display_name",
       [&] {
         v1::Client client = Valid("c-big");
         client.set_display_name(std::string(10 * 1024 * 1024, 'x'));
         return Create(client);
       }},
      {"invalid UTF-8 in a name", "display_name",
       [&] {
         v1::Client client = Valid("c-utf8");
         client.set_display_name(invalid_utf8);
         return Create(client);
       }},
      {"an unknown tag kind", "client.tags[0].kind",
       [&] {
         v1::Client client = Valid("c-enum");
         v1::Tag& tag = *client.add_tags();
         tag.set_kind(static_cast<v1::TagKind>(999));
         tag.set_value("x");
         return Create(client);
       }},
      {"money overflow", "transactions[0].amount.units",
       [&] {
         return Record(OneTransaction([](v1::TransactionInput* input) {
           input->mutable_amount()->set_units(std::numeric_limits<int64_t>::max());
         }));
       }},
      {"year 1", "transactions[0].occurred_at",
       [&] {
         return Record(OneTransaction([](v1::TransactionInput* input) {
           input->mutable_occurred_at()->set_seconds(-62135596800);  // 0001-01-01
         }));
       }},
      {"year 9999", "transactions[0].occurred_at",
       [&] {
         return Record(OneTransaction([](v1::TransactionInput* input) {
           input->mutable_occurred_at()->set_seconds(253402214400);  // 9999-12-31
         }));
       }},
      {"an unknown transaction kind", "transactions[0].kind",
       [&] {
         return Record(OneTransaction([](v1::TransactionInput* input) {
           input->set_kind(static_cast<v1::TransactionKind>(77));
         }));
       }},
      {"injection text in a transaction's client id", "transactions[0].client_id",
       [&] {
         return Record(OneTransaction(
             [](v1::TransactionInput* input) { input->set_client_id("c-1' OR '1'='1"); }));
       }},
      {"a 100,000-item batch", "transactions",
       [&] {
         v1::RecordTransactionsRequest request;
         for (int i = 0; i < 100000; ++i) {
           *request.add_transactions() = Transaction("bulk-" + std::to_string(i), "c-1", 1);
         }
         return Record(request);
       }},
  };
  // The relay's own row (its stream position) appears in the transaction that marks c-1's
  // event published: counted before that, it would look like a write of a refused request.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (UnpublishedOutboxRows() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(UnpublishedOutboxRows(), 0);
  const std::map<std::string, int64_t> before = RowCounts();
  ASSERT_GT(before.at("clients"), 0);
  for (const HostileCase& hostile : cases) {
    const grpc::Status status = hostile.call();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << hostile.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(hostile.field), std::string::npos)
        << hostile.name << ": \"" << status.error_message() << "\" does not name " << hostile.field;
  }
  EXPECT_EQ(RowCounts(), before) << "a refused request wrote rows";
}

}  // namespace
}  // namespace clienttier::profile
