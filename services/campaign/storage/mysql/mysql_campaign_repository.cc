#include "services/campaign/storage/mysql/mysql_campaign_repository.h"

#include <algorithm>
#include <map>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"

namespace clienttier::campaign {

namespace {

constexpr size_t kRowsPerStatement = 1000;

constexpr char kColumns[] =
    "campaign_id, name, segment_id, channel, offer_text, offer_minor, offer_currency, start_at,"
    " end_at, holdout_bp, trigger_kind, state, launched_rule, candidates, treatment, holdout,"
    " excluded_no_consent, excluded_frequency_cap, excluded_erased, version, created_at,"
    " launched_at, updated_at";

google::protobuf::Timestamp Timestamp(sql::ResultSet& row, const char* column) {
  return ToProtoTimestamp(ParseSqlDatetime(row.getString(column)));
}

v1::Campaign ReadCampaign(sql::ResultSet& row) {
  v1::Campaign campaign;
  campaign.set_campaign_id(row.getString("campaign_id"));
  campaign.set_name(row.getString("name"));
  campaign.set_segment_id(row.getString("segment_id"));
  campaign.set_channel(static_cast<common::v1::ContactChannel>(row.getInt("channel")));
  campaign.mutable_offer()->set_text(row.getString("offer_text"));
  if (!row.isNull("offer_minor")) {
    campaign.mutable_offer()->mutable_value()->set_units(row.getInt64("offer_minor"));
    campaign.mutable_offer()->mutable_value()->set_currency(row.getString("offer_currency"));
  }
  *campaign.mutable_schedule()->mutable_start_at() = Timestamp(row, "start_at");
  *campaign.mutable_schedule()->mutable_end_at() = Timestamp(row, "end_at");
  campaign.set_holdout_bp(row.getInt("holdout_bp"));
  campaign.set_trigger(static_cast<v1::CampaignTrigger>(row.getInt("trigger_kind")));
  campaign.set_state(static_cast<v1::CampaignState>(row.getInt("state")));
  if (!row.isNull("launched_rule")) {
    campaign.set_launched_rule(row.getString("launched_rule"));
  }
  v1::AudienceSummary& audience = *campaign.mutable_audience();
  audience.set_candidates(row.getInt64("candidates"));
  audience.set_treatment(row.getInt64("treatment"));
  audience.set_holdout(row.getInt64("holdout"));
  audience.set_excluded_no_consent(row.getInt64("excluded_no_consent"));
  audience.set_excluded_frequency_cap(row.getInt64("excluded_frequency_cap"));
  audience.set_excluded_erased(row.getInt64("excluded_erased"));
  campaign.set_version(row.getInt64("version"));
  *campaign.mutable_created_at() = Timestamp(row, "created_at");
  if (!row.isNull("launched_at")) {
    *campaign.mutable_launched_at() = Timestamp(row, "launched_at");
  }
  *campaign.mutable_updated_at() = Timestamp(row, "updated_at");
  return campaign;
}

}  // namespace

void MySqlCampaignRepository::Insert(Transaction& transaction, const std::string& tenant_id,
                                     const v1::Campaign& campaign, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto insert = Prepare(connection,
                        "INSERT INTO campaigns (tenant_id, campaign_id, name, segment_id, channel,"
                        " offer_text, offer_minor, offer_currency, start_at, end_at, holdout_bp,"
                        " trigger_kind, state, version, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, campaign.campaign_id());
  insert->setString(3, campaign.name());
  insert->setString(4, campaign.segment_id());
  insert->setInt(5, campaign.channel());
  insert->setString(6, campaign.offer().text());
  if (campaign.offer().has_value()) {
    insert->setInt64(7, campaign.offer().value().units());
    insert->setString(8, campaign.offer().value().currency());
  } else {
    insert->setNull(7, 0);
    insert->setNull(8, 0);
  }
  insert->setString(9, FormatSqlDatetime(FromProtoTimestamp(campaign.schedule().start_at())));
  insert->setString(10, FormatSqlDatetime(FromProtoTimestamp(campaign.schedule().end_at())));
  insert->setInt(11, campaign.holdout_bp());
  insert->setInt(12, campaign.trigger());
  insert->setInt(13, v1::CAMPAIGN_STATE_DRAFT);
  insert->setString(14, FormatSqlDatetime(now));
  insert->setString(15, FormatSqlDatetime(now));
  insert->executeUpdate();
}

std::optional<v1::Campaign> MySqlCampaignRepository::Find(Transaction& transaction,
                                                          const std::string& tenant_id,
                                                          const std::string& campaign_id,
                                                          bool for_update) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT ") + kColumns +
                                        " FROM campaigns WHERE tenant_id = ? AND campaign_id = ?" +
                                        (for_update ? " FOR UPDATE" : ""));
  select->setString(1, tenant_id);
  select->setString(2, campaign_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  return ReadCampaign(*rows);
}

std::vector<v1::Campaign> MySqlCampaignRepository::List(Transaction& transaction,
                                                        const std::string& tenant_id,
                                                        const std::string& after_id,
                                                        v1::CampaignState state, int limit) {
  sql::Connection& connection = ConnectionOf(transaction);
  const bool filter = state != v1::CAMPAIGN_STATE_UNSPECIFIED;
  auto select =
      Prepare(connection, std::string("SELECT ") + kColumns +
                              " FROM campaigns WHERE tenant_id = ? AND campaign_id > ?" +
                              (filter ? " AND state = ?" : "") + " ORDER BY campaign_id LIMIT ?");
  int index = 1;
  select->setString(index++, tenant_id);
  select->setString(index++, after_id);
  if (filter) {
    select->setInt(index++, state);
  }
  select->setInt(index, limit);
  auto rows = Query(*select);
  std::vector<v1::Campaign> campaigns;
  while (rows->next()) {
    campaigns.push_back(ReadCampaign(*rows));
  }
  return campaigns;
}

int64_t MySqlCampaignRepository::CountOpenForSegment(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const std::string& segment_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT COUNT(*) FROM campaigns WHERE tenant_id = ? AND segment_id = ?"
                        " AND state IN (?, ?, ?)");
  select->setString(1, tenant_id);
  select->setString(2, segment_id);
  select->setInt(3, v1::CAMPAIGN_STATE_DRAFT);
  select->setInt(4, v1::CAMPAIGN_STATE_LAUNCHED);
  select->setInt(5, v1::CAMPAIGN_STATE_PAUSED);
  auto rows = Query(*select);
  rows->next();
  return rows->getInt64(1);
}

void MySqlCampaignRepository::SaveState(Transaction& transaction, const std::string& tenant_id,
                                        const v1::Campaign& campaign, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto update = Prepare(connection,
                        "UPDATE campaigns SET state = ?, launched_rule = ?, launched_at = ?,"
                        " version = version + 1, updated_at = ?"
                        " WHERE tenant_id = ? AND campaign_id = ?");
  update->setInt(1, campaign.state());
  if (campaign.launched_rule().empty()) {
    update->setNull(2, 0);
  } else {
    update->setString(2, campaign.launched_rule());
  }
  if (campaign.has_launched_at()) {
    update->setString(3, FormatSqlDatetime(FromProtoTimestamp(campaign.launched_at())));
  } else {
    update->setNull(3, 0);
  }
  update->setString(4, FormatSqlDatetime(now));
  update->setString(5, tenant_id);
  update->setString(6, campaign.campaign_id());
  update->executeUpdate();
}

void MySqlCampaignRepository::AddAudienceTotals(Transaction& transaction,
                                                const std::string& tenant_id,
                                                const std::string& campaign_id,
                                                const v1::AudienceSummary& added) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto update = Prepare(connection,
                        "UPDATE campaigns SET candidates = candidates + ?,"
                        " treatment = treatment + ?, holdout = holdout + ?,"
                        " excluded_no_consent = excluded_no_consent + ?,"
                        " excluded_frequency_cap = excluded_frequency_cap + ?,"
                        " excluded_erased = excluded_erased + ?"
                        " WHERE tenant_id = ? AND campaign_id = ?");
  update->setInt64(1, added.candidates());
  update->setInt64(2, added.treatment());
  update->setInt64(3, added.holdout());
  update->setInt64(4, added.excluded_no_consent());
  update->setInt64(5, added.excluded_frequency_cap());
  update->setInt64(6, added.excluded_erased());
  update->setString(7, tenant_id);
  update->setString(8, campaign_id);
  update->executeUpdate();
}

std::unordered_set<std::string> MySqlCampaignRepository::PlacedClients(
    Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select =
      Prepare(connection, "SELECT client_id FROM audience WHERE tenant_id = ? AND campaign_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, campaign_id);
  auto rows = Query(*select);
  std::unordered_set<std::string> placed;
  while (rows->next()) {
    placed.insert(rows->getString(1));
  }
  return placed;
}

std::map<std::string, CampaignRepository::AudienceEntry> MySqlCampaignRepository::FindPlacements(
    Transaction& transaction, const std::string& tenant_id, const std::string& campaign_id,
    const std::vector<std::string>& client_ids) {
  sql::Connection& connection = ConnectionOf(transaction);
  std::map<std::string, AudienceEntry> placed;
  for (size_t begin = 0; begin < client_ids.size(); begin += kKeysPerInList) {
    const size_t end = std::min(client_ids.size(), begin + kKeysPerInList);
    // A join from the ids, for the reason MySqlOutcomeRepository::RecordedKeys gives.
    SqlText select(connection);
    select.Sql("WITH wanted (client_id) AS (VALUES ");
    for (size_t i = begin; i < end; ++i) {
      select.Row().Str(client_ids[i]);
    }
    select
        .Sql(
            ") SELECT STRAIGHT_JOIN a.client_id, a.audience_group, a.placed_at FROM wanted JOIN"
            " audience a ON a.tenant_id = ")
        .Str(tenant_id)
        .Sql(" AND a.campaign_id = ")
        .Str(campaign_id)
        .Sql(" AND a.client_id = wanted.client_id");
    for (auto rows = select.Query(); rows->next();) {
      placed.emplace(rows->getString(1),
                     AudienceEntry{static_cast<v1::AudienceGroup>(rows->getInt(2)),
                                   ParseSqlDatetime(rows->getString(3))});
    }
  }
  return placed;
}

void MySqlCampaignRepository::Place(Transaction& transaction, const std::string& tenant_id,
                                    const std::string& campaign_id, int channel,
                                    const std::vector<Placement>& placements, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  const std::string at = FormatSqlDatetime(now);
  for (size_t begin = 0; begin < placements.size(); begin += kRowsPerStatement) {
    const size_t end = std::min(placements.size(), begin + kRowsPerStatement);
    SqlText place(connection);
    place.Sql(
        "INSERT IGNORE INTO audience (tenant_id, campaign_id, client_id, audience_group,"
        " placed_at) VALUES ");
    size_t contacted = 0;
    for (size_t i = begin; i < end; ++i) {
      place.Row()
          .Str(tenant_id)
          .Str(campaign_id)
          .Str(placements[i].client_id)
          .Int(placements[i].group)
          .Str(at);
      contacted += placements[i].group == v1::AUDIENCE_GROUP_TREATMENT ? 1 : 0;
    }
    place.Execute();
    if (contacted == 0) {
      continue;
    }
    SqlText contact(connection);
    contact.Sql(
        "INSERT IGNORE INTO contacts (tenant_id, client_id, campaign_id, channel, contacted_at)"
        " VALUES ");
    for (size_t i = begin; i < end; ++i) {
      if (placements[i].group == v1::AUDIENCE_GROUP_TREATMENT) {
        contact.Row()
            .Str(tenant_id)
            .Str(placements[i].client_id)
            .Str(campaign_id)
            .Int(channel)
            .Str(at);
      }
    }
    contact.Execute();
  }
}

std::unordered_map<std::string, std::vector<UnixMicros>> MySqlCampaignRepository::ContactsSince(
    Transaction& transaction, const std::string& tenant_id, UnixMicros since) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT client_id, contacted_at FROM contacts"
                        " WHERE tenant_id = ? AND contacted_at >= ?");
  select->setString(1, tenant_id);
  select->setString(2, FormatSqlDatetime(since));
  auto rows = Query(*select);
  std::unordered_map<std::string, std::vector<UnixMicros>> contacts;
  while (rows->next()) {
    contacts[rows->getString(1)].push_back(ParseSqlDatetime(rows->getString(2)));
  }
  return contacts;
}

std::vector<UnixMicros> MySqlCampaignRepository::ClientContactsSince(Transaction& transaction,
                                                                     const std::string& tenant_id,
                                                                     const std::string& client_id,
                                                                     UnixMicros since) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT contacted_at FROM contacts"
                        " WHERE tenant_id = ? AND client_id = ? AND contacted_at >= ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  select->setString(3, FormatSqlDatetime(since));
  auto rows = Query(*select);
  std::vector<UnixMicros> contacts;
  while (rows->next()) {
    contacts.push_back(ParseSqlDatetime(rows->getString(1)));
  }
  return contacts;
}

std::optional<UnixMicros> MySqlCampaignRepository::LastContact(Transaction& transaction,
                                                               const std::string& tenant_id,
                                                               const std::string& client_id) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection,
                        "SELECT MAX(contacted_at) FROM contacts"
                        " WHERE tenant_id = ? AND client_id = ?");
  select->setString(1, tenant_id);
  select->setString(2, client_id);
  auto rows = Query(*select);
  if (!rows->next() || rows->isNull(1)) {
    return std::nullopt;
  }
  return ParseSqlDatetime(rows->getString(1));
}

}  // namespace clienttier::campaign
