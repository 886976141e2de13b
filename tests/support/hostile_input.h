#pragma once

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"

namespace clienttier::testing {

// One case of a hostile-input suite (issue 19 part 5): a call that must be refused with
// INVALID_ARGUMENT whose message names `field`.
struct HostileCase {
  std::string name;
  std::string field;
  std::function<grpc::Status()> call;
};

// Rows per table of the schema `mysql` names (outbox included): a refused request writes none.
inline std::map<std::string, int64_t> SchemaRowCounts(MySqlConfig mysql) {
  mysql.pool_size = 1;
  MySqlPool pool(mysql, nullptr);
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

// Runs every case: each must answer INVALID_ARGUMENT naming its field, and the schema must keep
// its row counts.
inline void ExpectEachRefusedWritingNothing(const MySqlConfig& mysql,
                                            const std::vector<HostileCase>& cases) {
  const std::map<std::string, int64_t> before = SchemaRowCounts(mysql);
  for (const HostileCase& hostile : cases) {
    const grpc::Status status = hostile.call();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << hostile.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(hostile.field), std::string::npos)
        << hostile.name << ": \"" << status.error_message() << "\" does not name " << hostile.field;
  }
  EXPECT_EQ(SchemaRowCounts(mysql), before) << "a refused request wrote rows";
}

// Hostile values the suites share.
inline std::string InjectionText() { return "x'; DROP TABLE clients; --"; }
inline std::string TenMegabytes() { return std::string(10 * 1024 * 1024, 'x'); }
inline std::string InvalidUtf8() { return std::string("Zo") + '\xc3' + '\x28' + "e"; }
constexpr int64_t kYear1Seconds = -62135596800;     // 0001-01-01T00:00:00Z
constexpr int64_t kYear9999Seconds = 253402214400;  // 9999-12-31T00:00:00Z

}  // namespace clienttier::testing
