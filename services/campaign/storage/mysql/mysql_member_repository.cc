#include "services/campaign/storage/mysql/mysql_member_repository.h"

#include <algorithm>

#include "common/db/sql_helpers.h"

namespace clienttier::campaign {

namespace {

// Rows per multi-row upsert: large enough to amortise the round trip, small enough for
// max_allowed_packet with ~1 KB blobs.
constexpr size_t kRowsPerStatement = 500;

// Upserts one blob column and its order column (`order_column`): a row keeps its blob when
// it is erased (a tombstone) or holds the same or a newer one (the order is the score's as_of or
// the profile's version, so an equal one is the same content). Such a row is left as it was,
// revision included: a sync of an unchanged tenant (every profile after the profile events
// carried them) rewrites nothing and the snapshots reload nothing. MariaDB applies the
// assignments left to right, so every IF still sees the old order value.
template <typename Message>
void UpsertBlobs(sql::Connection& connection, const std::string& tenant_id,
                 const std::vector<Message>& messages, const std::string& column,
                 const std::string& order_column, int64_t revision, UnixMicros now,
                 const std::function<const std::string&(const Message&)>& id_of,
                 const std::function<int64_t(const Message&)>& order_of) {
  const std::string updated_at = FormatSqlDatetime(now);
  const std::string kept = "erased OR VALUES(" + order_column + ") <= " + order_column;
  for (size_t begin = 0; begin < messages.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(messages.size(), begin + kRowsPerStatement);
    auto upsert = Prepare(
        connection, "INSERT INTO members (tenant_id, client_id, " + column + ", " + order_column +
                        ", revision, updated_at) VALUES " + RowPlaceholders(end - begin, 6) +
                        " ON DUPLICATE KEY UPDATE revision = IF(" + kept +
                        ", revision, VALUES(revision)), updated_at = IF(" + kept +
                        ", updated_at, VALUES(updated_at)), " + column + " = IF(" + kept + ", " +
                        column + ", VALUES(" + column + ")), " + order_column + " = GREATEST(" +
                        order_column + ", VALUES(" + order_column + "))");
    int index = 1;
    for (size_t i = begin; i < end; ++i) {
      upsert->setString(index++, tenant_id);
      upsert->setString(index++, id_of(messages[i]));
      upsert->setString(index++, messages[i].SerializeAsString());
      upsert->setInt64(index++, order_of(messages[i]));
      upsert->setInt64(index++, revision);
      upsert->setString(index++, updated_at);
    }
    upsert->executeUpdate();
  }
}

StoredMember ReadMember(sql::ResultSet& row) {
  StoredMember member;
  member.client_id = row.getString("client_id");
  member.erased = row.getBoolean("erased");
  member.revision = row.getInt64("revision");
  if (!row.isNull("score")) {
    member.score.emplace();
    const std::string bytes = row.getString("score");
    member.score->ParseFromString(bytes);
  }
  if (!row.isNull("profile")) {
    member.profile.emplace();
    const std::string bytes = row.getString("profile");
    member.profile->ParseFromString(bytes);
  }
  return member;
}

constexpr char kColumns[] = "client_id, score, profile, erased, revision";

}  // namespace

int64_t MySqlMemberRepository::NextRevision(Transaction& transaction,
                                            const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto bump = Prepare(connection,
                      "INSERT INTO member_revisions (tenant_id, revision) VALUES (?, 1)"
                      " ON DUPLICATE KEY UPDATE revision = revision + 1");
  bump->setString(1, tenant_id);
  bump->executeUpdate();
  return CurrentRevision(transaction, tenant_id);
}

void MySqlMemberRepository::SaveScores(Transaction& transaction, const std::string& tenant_id,
                                       const std::vector<scoring::v1::Score>& scores,
                                       int64_t revision, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  UpsertBlobs<scoring::v1::Score>(
      connection, tenant_id, scores, "score", "score_as_of", revision, now,
      [](const scoring::v1::Score& score) -> const std::string& { return score.client_id(); },
      [](const scoring::v1::Score& score) { return FromProtoTimestamp(score.as_of()); });
}

void MySqlMemberRepository::SaveProfiles(Transaction& transaction, const std::string& tenant_id,
                                         const std::vector<profile::v1::Client>& clients,
                                         int64_t revision, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  UpsertBlobs<profile::v1::Client>(
      connection, tenant_id, clients, "profile", "profile_version", revision, now,
      [](const profile::v1::Client& client) -> const std::string& { return client.client_id(); },
      [](const profile::v1::Client& client) { return client.version(); });
}

void MySqlMemberRepository::MarkErased(Transaction& transaction, const std::string& tenant_id,
                                       const std::string& client_id, int64_t revision,
                                       UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto erase = Prepare(connection,
                       "INSERT INTO members (tenant_id, client_id, erased, revision, updated_at)"
                       " VALUES (?, ?, 1, ?, ?) ON DUPLICATE KEY UPDATE score = NULL,"
                       " profile = NULL, erased = 1, revision = VALUES(revision),"
                       " updated_at = VALUES(updated_at)");
  erase->setString(1, tenant_id);
  erase->setString(2, client_id);
  erase->setInt64(3, revision);
  erase->setString(4, FormatSqlDatetime(now));
  erase->executeUpdate();
}

int64_t MySqlMemberRepository::CurrentRevision(Transaction& transaction,
                                               const std::string& tenant_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, "SELECT revision FROM member_revisions WHERE tenant_id = ?");
  select->setString(1, tenant_id);
  auto rows = Query(*select);
  return rows->next() ? rows->getInt64(1) : 0;
}

void MySqlMemberRepository::ForEachChangedSince(Transaction& transaction,
                                                const std::string& tenant_id,
                                                int64_t after_revision,
                                                const std::function<void(StoredMember&&)>& visit) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM members WHERE tenant_id = ? AND revision > ?");
  select->setString(1, tenant_id);
  select->setInt64(2, after_revision);
  auto rows = Query(*select);
  while (rows->next()) {
    visit(ReadMember(*rows));
  }
}

std::optional<StoredMember> MySqlMemberRepository::Find(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM members WHERE tenant_id = ? AND client_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  return ReadMember(*rows);
}

}  // namespace clienttier::campaign
