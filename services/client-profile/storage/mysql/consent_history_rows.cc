#include "services/client-profile/storage/mysql/consent_history_rows.h"

#include "common/db/load_data.h"
#include "common/db/sql_helpers.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

void InsertConsentChanges(sql::Connection& connection, const std::string& tenant_id,
                          const std::vector<std::pair<std::string, v1::ConsentChange>>& entries) {
  InsertRows(connection, "consent_history",
             "(tenant_id, client_id, channel, old_state, new_state, changed_at, source, key_id,"
             " purpose)",
             entries.size(), [&](RowValues& row, size_t i) {
               const auto& [client_id, change] = entries[i];
               row.Str(tenant_id)
                   .Str(client_id)
                   .Int(change.channel())
                   .Int(change.old_state())
                   .Int(change.new_state())
                   .Str(FormatSqlDatetime(FromProtoTimestamp(change.changed_at())))
                   .Int(change.source())
                   .Str(change.key_id())
                   .Int(change.purpose());
             });
}

void MoveConsentHistory(sql::Connection& connection, const std::string& tenant_id,
                        const std::string& from_client_id, const std::string& to_client_id) {
  // `seq` stays, so the survivor's history interleaves both records' changes in time order.
  auto move = Prepare(connection,
                      "UPDATE consent_history SET client_id = ? WHERE tenant_id = ? AND"
                      " client_id = ?");
  move->setString(1, to_client_id);
  move->setString(2, tenant_id);
  move->setString(3, from_client_id);
  move->executeUpdate();
}

void ReplaceConsentHistoryWithErasure(sql::Connection& connection, const std::string& tenant_id,
                                      const std::string& client_id,
                                      const v1::ConsentChange& erasure) {
  auto remove =
      Prepare(connection, "DELETE FROM consent_history WHERE tenant_id = ? AND client_id = ?");
  remove->setString(1, tenant_id);
  remove->setString(2, client_id);
  remove->executeUpdate();
  InsertConsentChanges(connection, tenant_id, {{client_id, erasure}});
}

std::vector<ConsentHistoryRow> LoadConsentHistory(sql::Connection& connection,
                                                  const std::string& tenant_id,
                                                  const std::string& client_id, int64_t after_seq,
                                                  int limit) {
  auto select =
      Prepare(connection,
              "SELECT seq, channel, old_state, new_state, changed_at, source, key_id, purpose"
              " FROM consent_history WHERE tenant_id = ? AND client_id = ? AND seq > ?"
              " ORDER BY seq LIMIT ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  select->setInt64(3, after_seq);
  select->setInt(4, limit);
  std::vector<ConsentHistoryRow> history;
  for (auto rows = Query(*select); rows->next();) {
    ConsentHistoryRow& row = history.emplace_back();
    row.seq = rows->getInt64(1);
    row.change.set_channel(static_cast<common::v1::ContactChannel>(rows->getInt(2)));
    row.change.set_old_state(static_cast<v1::ConsentState>(rows->getInt(3)));
    row.change.set_new_state(static_cast<v1::ConsentState>(rows->getInt(4)));
    *row.change.mutable_changed_at() = ToProtoTimestamp(ParseSqlDatetime(rows->getString(5)));
    row.change.set_source(static_cast<v1::ConsentChangeSource>(rows->getInt(6)));
    row.change.set_key_id(rows->getString(7));
    row.change.set_purpose(static_cast<common::v1::SensitiveDataPurpose>(rows->getInt(8)));
  }
  return history;
}

}  // namespace clienttier::profile
