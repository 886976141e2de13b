#include "services/client-profile/storage/mysql/client_rows.h"

#include <algorithm>
#include <functional>
#include <map>

#include "common/db/load_data.h"
#include "common/db/sql_helpers.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace {

constexpr char kClientColumns[] =
    "client_id, version, display_name, email, phone, region, city_tier, age_band, gender,"
    " occupation, income_band, acquisition_channel, acquisition_cost_units,"
    " acquisition_cost_currency, erased, created_at, updated_at, erased_at, acquired_at";

std::string NullableString(sql::ResultSet& row, int column) {
  return row.isNull(column) ? std::string() : std::string(row.getString(column));
}

// An empty text is stored as NULL.
void NullableStr(RowValues& row, const std::string& value) {
  if (value.empty()) {
    row.Null();
  } else {
    row.Str(value);
  }
}

void NullableTime(RowValues& row, bool present, const google::protobuf::Timestamp& time) {
  if (present) {
    row.Str(FormatSqlDatetime(FromProtoTimestamp(time)));
  } else {
    row.Null();
  }
}

v1::Client ReadClientRow(sql::ResultSet& row) {
  v1::Client client;
  client.set_client_id(row.getString(1));
  client.set_version(row.getInt64(2));
  client.set_display_name(NullableString(row, 3));
  client.set_email(NullableString(row, 4));
  client.set_phone(NullableString(row, 5));
  auto* demographics = client.mutable_demographics();
  demographics->set_region(NullableString(row, 6));
  demographics->set_city_tier(static_cast<v1::CityTier>(row.getInt(7)));
  demographics->set_age_band(static_cast<v1::AgeBand>(row.getInt(8)));
  demographics->set_gender(static_cast<v1::Gender>(row.getInt(9)));
  demographics->set_occupation(NullableString(row, 10));
  demographics->set_income_band(static_cast<v1::IncomeBand>(row.getInt(11)));
  auto* acquisition = client.mutable_acquisition();
  acquisition->set_channel(row.getString(12));
  if (!std::string(row.getString(14)).empty()) {
    acquisition->mutable_cost()->set_units(row.getInt64(13));
    acquisition->mutable_cost()->set_currency(row.getString(14));
  }
  client.set_erased(row.getBoolean(15));
  *client.mutable_created_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(16)));
  *client.mutable_updated_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(17)));
  if (!row.isNull(18)) {
    *client.mutable_erased_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(18)));
  }
  if (!row.isNull(19)) {
    *acquisition->mutable_acquired_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(19)));
  }
  return client;
}

// The kClientColumns values of a client, in their order.
void AddClientValues(RowValues& row, const v1::Client& client) {
  row.Str(client.client_id()).Int(client.version());
  NullableStr(row, client.display_name());
  NullableStr(row, client.email());
  NullableStr(row, client.phone());
  NullableStr(row, client.demographics().region());
  row.Int(client.demographics().city_tier())
      .Int(client.demographics().age_band())
      .Int(client.demographics().gender());
  NullableStr(row, client.demographics().occupation());
  row.Int(client.demographics().income_band())
      .Str(client.acquisition().channel())
      .Int(client.acquisition().cost().units())
      .Str(client.acquisition().cost().currency())
      .Int(client.erased() ? 1 : 0)
      .Str(FormatSqlDatetime(FromProtoTimestamp(client.created_at())))
      .Str(FormatSqlDatetime(FromProtoTimestamp(client.updated_at())));
  NullableTime(row, client.has_erased_at(), client.erased_at());
  NullableTime(row, client.acquisition().has_acquired_at(), client.acquisition().acquired_at());
}

// An import's chunk of clients has a thousand consents and more: InsertRows loads them.
void InsertConsentsAndTags(sql::Connection& connection, const std::string& tenant_id,
                           const std::vector<v1::Client>& clients) {
  std::vector<std::pair<const v1::Client*, const v1::Consent*>> consents;
  std::vector<std::pair<const v1::Client*, const v1::Tag*>> tags;
  for (const auto& client : clients) {
    for (const auto& consent : client.consents()) {
      consents.emplace_back(&client, &consent);
    }
    for (const auto& tag : client.tags()) {
      tags.emplace_back(&client, &tag);
    }
  }
  InsertRows(connection, "client_consents",
             "(tenant_id, client_id, channel, purpose, granted, updated_at)", consents.size(),
             [&](RowValues& row, size_t i) {
               const auto& [client, consent] = consents[i];
               row.Str(tenant_id)
                   .Str(client->client_id())
                   .Int(consent->channel())
                   .Int(consent->purpose())
                   .Int(consent->granted() ? 1 : 0)
                   .Str(FormatSqlDatetime(FromProtoTimestamp(consent->updated_at())));
             });
  InsertRows(connection, "client_tags", "(tenant_id, client_id, kind, tag)", tags.size(),
             [&](RowValues& row, size_t i) {
               const auto& [client, tag] = tags[i];
               row.Str(tenant_id).Str(client->client_id()).Int(tag->kind()).Str(tag->value());
             });
}

// Names the survivor on the tombstones of merged duplicates (client_merges, migration 009). Only
// erased clients can have been merged, so a read of live clients costs no extra query.
void FillMergedInto(sql::Connection& connection, const std::string& tenant_id,
                    std::vector<v1::Client>& clients) {
  std::map<std::string, v1::Client*> tombstones;
  for (v1::Client& client : clients) {
    if (client.erased()) {
      tombstones[client.client_id()] = &client;
    }
  }
  if (tombstones.empty()) {
    return;
  }
  auto select = Prepare(connection,
                        "SELECT duplicate_id, survivor_id FROM client_merges WHERE tenant_id = ?"
                        " AND duplicate_id IN (" +
                            Placeholders(tombstones.size()) + ")");
  select->setString(1, tenant_id);
  unsigned index = 2;
  for (const auto& [client_id, client] : tombstones) {
    select->setString(index++, client_id);
  }
  for (auto rows = Query(*select); rows->next();) {
    auto found = tombstones.find(rows->getString(1));
    if (found != tombstones.end()) {
      found->second->set_merged_into(rows->getString(2));
    }
  }
}

}  // namespace

namespace {

// Which clients a load reads: a predicate on client_id (after "tenant_id = ? AND") and what
// binds its parameters, from the second on.
struct ClientSelection {
  std::string predicate;
  std::function<void(sql::PreparedStatement&)> bind;
};

// The consents and tags of `selection`'s clients, added to `clients` (found by id), then the
// merged tombstones' survivors.
void AddConsentsAndTags(sql::Connection& connection, const std::string& tenant_id,
                        const ClientSelection& selection, std::vector<v1::Client>& clients) {
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < clients.size(); ++i) {
    position[clients[i].client_id()] = i;
  }
  auto consents =
      Prepare(connection,
              "SELECT client_id, channel, granted, updated_at, purpose FROM client_consents"
              " WHERE tenant_id = ? AND " +
                  selection.predicate + " ORDER BY client_id, purpose, channel");
  consents->setString(1, tenant_id);
  selection.bind(*consents);
  for (auto rows = Query(*consents); rows->next();) {
    auto found = position.find(rows->getString(1));
    if (found != position.end()) {
      v1::Consent* consent = clients[found->second].add_consents();
      consent->set_channel(static_cast<common::v1::ContactChannel>(rows->getInt(2)));
      consent->set_granted(rows->getBoolean(3));
      *consent->mutable_updated_at() = ToProtoTimestamp(ParseSqlDatetime(rows->getString(4)));
      consent->set_purpose(static_cast<common::v1::SensitiveDataPurpose>(rows->getInt(5)));
    }
  }

  auto tags =
      Prepare(connection, "SELECT client_id, kind, tag FROM client_tags WHERE tenant_id = ? AND " +
                              selection.predicate + " ORDER BY client_id, kind, tag");
  tags->setString(1, tenant_id);
  selection.bind(*tags);
  for (auto rows = Query(*tags); rows->next();) {
    auto found = position.find(rows->getString(1));
    if (found != position.end()) {
      v1::Tag* tag = clients[found->second].add_tags();
      tag->set_kind(static_cast<v1::TagKind>(rows->getInt(2)));
      tag->set_value(rows->getString(3));
    }
  }
  FillMergedInto(connection, tenant_id, clients);
}

}  // namespace

std::vector<v1::Client> LoadClients(sql::Connection& connection, const std::string& tenant_id,
                                    const std::vector<std::string>& client_ids, bool for_update) {
  std::vector<v1::Client> clients;
  if (client_ids.empty()) {
    return clients;
  }
  const ClientSelection selection{"client_id IN (" + Placeholders(client_ids.size()) + ")",
                                  [&](sql::PreparedStatement& statement) {
                                    for (size_t i = 0; i < client_ids.size(); ++i) {
                                      statement.setString(static_cast<unsigned>(i + 2),
                                                          client_ids[i]);
                                    }
                                  }};
  auto select =
      Prepare(connection, std::string("SELECT ") + kClientColumns +
                              " FROM clients WHERE tenant_id = ? AND " + selection.predicate +
                              " ORDER BY client_id" + (for_update ? " FOR UPDATE" : ""));
  select->setString(1, tenant_id);
  selection.bind(*select);
  for (auto rows = Query(*select); rows->next();) {
    clients.push_back(ReadClientRow(*rows));
  }
  AddConsentsAndTags(connection, tenant_id, selection, clients);
  return clients;
}

std::vector<v1::Client> LoadClientPage(sql::Connection& connection, const std::string& tenant_id,
                                       const std::string& after_client_id, int limit) {
  std::vector<v1::Client> clients;
  auto select = Prepare(connection, std::string("SELECT ") + kClientColumns +
                                        " FROM clients WHERE tenant_id = ? AND client_id > ?"
                                        " ORDER BY client_id LIMIT ?");
  select->setString(1, tenant_id);
  select->setString(2, after_client_id);
  select->setInt(3, limit);
  for (auto rows = Query(*select); rows->next();) {
    clients.push_back(ReadClientRow(*rows));
  }
  if (clients.empty()) {
    return clients;
  }
  // The page's consents and tags as one range of each table's key: a client created in the
  // range meanwhile has no row in `clients` here and is skipped.
  const std::string last = clients.back().client_id();
  const ClientSelection selection{"client_id > ? AND client_id <= ?",
                                  [&](sql::PreparedStatement& statement) {
                                    statement.setString(2, after_client_id);
                                    statement.setString(3, last);
                                  }};
  AddConsentsAndTags(connection, tenant_id, selection, clients);
  return clients;
}

void InsertClients(sql::Connection& connection, const std::string& tenant_id,
                   const std::vector<v1::Client>& clients) {
  InsertRows(connection, "clients", std::string("(tenant_id, ") + kClientColumns + ")",
             clients.size(), [&](RowValues& row, size_t i) {
               row.Str(tenant_id);
               AddClientValues(row, clients[i]);
             });
  InsertConsentsAndTags(connection, tenant_id, clients);
}

void OverwriteClient(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Client& client) {
  for (const char* table : {"client_consents", "client_tags", "clients"}) {
    auto erase = Prepare(
        connection, std::string("DELETE FROM ") + table + " WHERE tenant_id = ? AND client_id = ?");
    erase->setString(1, tenant_id);
    erase->setString(2, client.client_id());
    erase->executeUpdate();
  }
  InsertClients(connection, tenant_id, {client});
}

}  // namespace clienttier::profile
