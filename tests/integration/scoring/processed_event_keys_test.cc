// scoring's processed-events log (migration 009): version 7 event ids recorded as 16-byte keys,
// other ids in processed_events, against the real MariaDB.
#include "services/scoring/storage/mysql/mysql_processed_event_keys.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/db/migrations.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_helpers.h"
#include "common/outbox/outbox.h"
#include "tests/support/test_env.h"

namespace clienttier {
std::vector<Migration> ScoringMigrations();  // generated from migrations/*.sql
}

namespace clienttier::scoring {
namespace {

using Ids = std::vector<std::pair<std::string, std::string>>;

// A version 7 id made at `unix_ms` (random bits fixed by `tail`).
std::string IdAt(uint64_t unix_ms, int tail) {
  char text[37];
  std::snprintf(text, sizeof text, "%08llx-%04llx-7abc-8def-%012x",
                static_cast<unsigned long long>((unix_ms >> 16) & 0xffffffffULL),
                static_cast<unsigned long long>(unix_ms & 0xffff), tail);
  return text;
}

class ProcessedEventKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::MySqlFromEnv(testing::UniqueDatabaseName("event_keys"));
    EnsureDatabase(config_);
    pool_ = std::make_unique<MySqlPool>(config_, nullptr);
    ApplyMigrations(*pool_, "scoring", ScoringMigrations());
    pool_->WithConnection([](sql::Connection& connection) {
      Prepare(connection, "CREATE TABLE effects (id INT NOT NULL PRIMARY KEY)")->execute();
    });
  }

  // Marks the batch in a transaction that first writes an effect of its own.
  std::vector<bool> Mark(const Ids& ids, int effect_id) {
    std::vector<bool> fresh;
    pool_->InTransaction([&](sql::Connection& connection) {
      auto effect = Prepare(connection, "INSERT INTO effects (id) VALUES (?)");
      effect->setInt(1, effect_id);
      effect->executeUpdate();
      MySqlTransaction transaction(connection);
      fresh = log_.MarkProcessed(transaction, ids, 1'000'000);
    });
    return fresh;
  }

  int64_t Count(const std::string& sql) {
    int64_t count = 0;
    pool_->WithConnection([&](sql::Connection& connection) {
      auto rows = Query(*Prepare(connection, sql));
      rows->next();
      count = rows->getInt64(1);
    });
    return count;
  }

  MySqlConfig config_;
  std::unique_ptr<MySqlPool> pool_;
  MySqlProfileEventLog log_;
};

TEST(EventKeyTest, OnlyLowercaseVersion7IdsHaveAKey) {
  const std::string id = "01890a5d-ac96-774b-bcce-b302099a8057";
  const std::optional<std::string> key = EventKeyOf(id);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->size(), 16u);
  EXPECT_EQ(static_cast<unsigned char>((*key)[0]), 0x01);
  EXPECT_EQ(static_cast<unsigned char>((*key)[15]), 0x57);
  EXPECT_FALSE(EventKeyOf("01890A5D-AC96-774B-BCCE-B302099A8057"));  // another spelling
  EXPECT_FALSE(EventKeyOf("01890a5d-ac96-474b-bcce-b302099a8057"));  // version 4
  EXPECT_FALSE(EventKeyOf("01890a5d-ac96-774b-7cce-b302099a8057"));  // not RFC 9562's variant
  EXPECT_FALSE(EventKeyOf("01890a5d-ac96-774b-bcce-b302099a805"));   // short
  EXPECT_FALSE(EventKeyOf("e1"));
  // Keys sort as their ids' times: the cutoff of a time lies between ids made before and after.
  EXPECT_LT(*EventKeyOf(IdAt(1'700'000'000'000, 0xffffff)), EventKeyCutoff(1'700'000'000'001'000));
  EXPECT_GE(*EventKeyOf(IdAt(1'700'000'000'001, 0)), EventKeyCutoff(1'700'000'000'001'000));
}

TEST_F(ProcessedEventKeysTest, NewIdsAreFreshOnceAndKeptAsSixteenBytes) {
  const std::string a = NewEventId(), b = NewEventId(), c = NewEventId();
  EXPECT_EQ(Mark({{a, "t"}, {b, "u"}}, 1), (std::vector<bool>{true, true}));
  // A redelivery among new ones: only it is stale, and the transaction's own work stays.
  EXPECT_EQ(Mark({{c, "t"}, {a, "t"}}, 2), (std::vector<bool>{true, false}));
  EXPECT_EQ(Mark({{a, "t"}, {b, "u"}, {c, "t"}}, 3), (std::vector<bool>{false, false, false}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM effects"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_event_keys"), 3);
  // Every row names its tenant (both the first insert's and the redelivery path's).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_event_keys WHERE tenant_id = 't'"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_event_keys WHERE tenant_id = 'u'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_events"), 0);
}

TEST_F(ProcessedEventKeysTest, RepeatsAndOtherIdsInOneReadCountOnce) {
  const std::string a = NewEventId();
  // The same id twice in a read, and ids of another form (kept in processed_events).
  EXPECT_EQ(Mark({{a, "t"}, {"legacy-1", "t"}, {a, "t"}, {"legacy-1", "t"}}, 1),
            (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(Mark({{"legacy-1", "t"}, {a, "t"}, {"legacy-2", "t"}}, 2),
            (std::vector<bool>{false, false, true}));
  // An uppercase spelling is another id, as it was in processed_events.
  std::string upper = a;
  for (char& c : upper) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(Mark({{upper, "t"}}, 3), (std::vector<bool>{true}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_event_keys"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM processed_events"), 3);
}

TEST_F(ProcessedEventKeysTest, PurgeDeletesOnlyIdsMadeBeforeTheCutoff) {
  const uint64_t day_ms = 86'400'000;
  const uint64_t now_ms = 1'800'000'000'000;
  const std::string old_a = IdAt(now_ms - 9 * day_ms, 1), old_b = IdAt(now_ms - 8 * day_ms - 1, 2);
  const std::string recent = IdAt(now_ms - 8 * day_ms + 1, 3), today = IdAt(now_ms, 4);
  Mark({{old_a, "t"}, {old_b, "t"}, {recent, "t"}, {today, "t"}}, 1);
  int purged = 0;
  pool_->WithConnection([&](sql::Connection& connection) {
    purged =
        PurgeProcessedEventKeys(connection, static_cast<UnixMicros>(now_ms - 8 * day_ms) * 1000);
  });
  EXPECT_EQ(purged, 2);
  // The kept ones are still recognised; a purged one would count as new again.
  EXPECT_EQ(Mark({{recent, "t"}, {today, "t"}, {old_a, "t"}}, 2),
            (std::vector<bool>{false, false, true}));
}

}  // namespace
}  // namespace clienttier::scoring
