#include "services/scoring/storage/mysql/mysql_processed_event_keys.h"

#include <memory>
#include <set>

#include <cppconn/statement.h>

#include "common/db/sql_text.h"

namespace clienttier::scoring {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;  // uppercase too: one spelling per key
}

void Execute(sql::Connection& connection, const char* statement) {
  std::unique_ptr<sql::Statement>(connection.createStatement())->execute(statement);
}

// An IN list of the keys.
void AddKeys(SqlText& text, const std::vector<std::string>& keys) {
  for (const std::string& key : keys) {
    text.Bytes(key);
  }
}

// Rows (key, tenant), one per key.
void AddRows(SqlText& text, const std::vector<std::string>& keys,
             const std::vector<std::string>& tenants) {
  for (size_t j = 0; j < keys.size(); ++j) {
    text.Row().Bytes(keys[j]).Str(tenants[j]);
  }
}

}  // namespace

std::optional<std::string> EventKeyOf(const std::string& event_id) {
  // xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx, V in 8..b (RFC 9562's variant)
  if (event_id.size() != 36 || event_id[8] != '-' || event_id[13] != '-' || event_id[18] != '-' ||
      event_id[23] != '-' || event_id[14] != '7') {
    return std::nullopt;
  }
  const int variant = HexDigit(event_id[19]);
  if (variant < 8 || variant > 11) {
    return std::nullopt;
  }
  std::string key;
  key.reserve(16);
  int high = -1;
  for (size_t i = 0; i < event_id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      continue;
    }
    const int digit = HexDigit(event_id[i]);
    if (digit < 0) {
      return std::nullopt;
    }
    if (high < 0) {
      high = digit;
    } else {
      key.push_back(static_cast<char>((high << 4) | digit));
      high = -1;
    }
  }
  return key;
}

std::string EventKeyCutoff(UnixMicros time) {
  const uint64_t unix_ms = time <= 0 ? 0 : static_cast<uint64_t>(time / 1000);
  std::string key(16, '\0');
  for (int i = 0; i < 6; ++i) {
    key[static_cast<size_t>(i)] = static_cast<char>((unix_ms >> (8 * (5 - i))) & 0xff);
  }
  return key;
}

std::vector<bool> MySqlProfileEventLog::MarkProcessed(
    Transaction& transaction,
    const std::vector<std::pair<std::string, std::string>>& event_and_tenant_ids, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::vector<bool> fresh(event_and_tenant_ids.size(), false);
  std::vector<size_t> keyed;  // positions of the ids with a key
  std::vector<std::string> keys;
  std::vector<std::string> tenants;  // the tenant of each key: every row is tenant-scoped
  std::vector<size_t> others;
  std::vector<std::pair<std::string, std::string>> other_ids;
  for (size_t i = 0; i < event_and_tenant_ids.size(); ++i) {
    if (std::optional<std::string> key = EventKeyOf(event_and_tenant_ids[i].first)) {
      keyed.push_back(i);
      keys.push_back(std::move(*key));
      tenants.push_back(event_and_tenant_ids[i].second);
    } else {
      others.push_back(i);
      other_ids.push_back(event_and_tenant_ids[i]);
    }
  }
  if (!other_ids.empty()) {
    const std::vector<bool> other_fresh = MarkEventsProcessed(connection, other_ids, now);
    for (size_t j = 0; j < others.size(); ++j) {
      fresh[others[j]] = other_fresh[j];
    }
  }
  if (keys.empty()) {
    return fresh;
  }
  // The usual read has only new ids: one insert, whose count of rows written proves it.
  if (std::set<std::string>(keys.begin(), keys.end()).size() == keys.size()) {
    Execute(connection, "SAVEPOINT ct_mark_event_keys");
    SqlText insert(connection);
    insert.Sql("INSERT IGNORE INTO processed_event_keys (event_key, tenant_id) VALUES ");
    AddRows(insert, keys, tenants);
    if (insert.Execute() == static_cast<int>(keys.size())) {
      for (const size_t i : keyed) {
        fresh[i] = true;
      }
      return fresh;
    }
    Execute(connection, "ROLLBACK TO SAVEPOINT ct_mark_event_keys");
  }
  // A redelivery (or repeats in the read): read which keys are recorded, insert the rest.
  SqlText select(connection);
  select.Sql("SELECT event_key FROM processed_event_keys WHERE event_key IN (");
  AddKeys(select, keys);
  std::set<std::string> seen;
  for (auto rows = select.Sql(")").Query(); rows->next();) {
    seen.insert(rows->getString(1));
  }
  std::vector<std::string> inserts;
  std::vector<std::string> insert_tenants;
  for (size_t j = 0; j < keys.size(); ++j) {
    if (seen.insert(keys[j]).second) {
      fresh[keyed[j]] = true;
      inserts.push_back(keys[j]);
      insert_tenants.push_back(tenants[j]);
    }
  }
  if (!inserts.empty()) {
    SqlText insert(connection);
    insert.Sql("INSERT INTO processed_event_keys (event_key, tenant_id) VALUES ");
    AddRows(insert, inserts, insert_tenants);
    insert.Execute();
  }
  return fresh;
}

int PurgeProcessedEventKeys(sql::Connection& connection, UnixMicros older_than) {
  SqlText purge(connection);
  purge.Sql("DELETE FROM processed_event_keys WHERE event_key < ")
      .Bytes(EventKeyCutoff(older_than))
      .Sql(" LIMIT 10000");
  return purge.Execute();
}

}  // namespace clienttier::scoring
