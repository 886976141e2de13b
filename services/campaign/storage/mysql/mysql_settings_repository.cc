#include "services/campaign/storage/mysql/mysql_settings_repository.h"

#include <sstream>

#include "common/db/sql_helpers.h"

namespace clienttier::campaign {

std::string FormatCaps(const std::vector<CapRule>& caps) {
  std::string text;
  for (const CapRule& cap : caps) {
    if (!text.empty()) {
      text += ",";
    }
    text += std::to_string(cap.max_contacts) + "/" + std::to_string(cap.window_days);
  }
  return text;
}

std::vector<CapRule> ParseCaps(const std::string& text) {
  std::vector<CapRule> caps;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    const size_t slash = item.find('/');
    if (slash == std::string::npos) {
      continue;
    }
    caps.push_back({std::stoll(item.substr(0, slash)), std::stoll(item.substr(slash + 1))});
  }
  return caps;
}

namespace {

// Tags in one column, comma-separated (a tag never holds a comma).
std::string FormatTags(const std::vector<std::string>& tags) {
  std::string text;
  for (const std::string& tag : tags) {
    text += (text.empty() ? "" : ",") + tag;
  }
  return text;
}

std::vector<std::string> ParseTags(const std::string& text) {
  std::vector<std::string> tags;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) {
      tags.push_back(item);
    }
  }
  return tags;
}

}  // namespace

std::optional<TenantSettings> MySqlSettingsRepository::Find(Transaction& transaction,
                                                            const std::string& tenant_id,
                                                            bool for_update) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto select = Prepare(connection, std::string("SELECT caps, welcome_campaign_id,"
                                                " retention_campaign_id, currency, version,"
                                                " sensitive_tags, segment_sensitive_consent,"
                                                " advice_sensitive_consent"
                                                " FROM campaign_settings WHERE tenant_id = ?") +
                                        (for_update ? " FOR UPDATE" : ""));
  select->setString(1, tenant_id);
  auto rows = Query(*select);
  if (!rows->next()) {
    return std::nullopt;
  }
  TenantSettings settings;
  settings.caps = ParseCaps(rows->getString(1));
  settings.welcome_campaign_id = rows->getString(2);
  settings.retention_campaign_id = rows->getString(3);
  settings.currency = rows->getString(4);
  settings.version = rows->getInt64(5);
  settings.sensitive.tags = ParseTags(rows->getString(6));
  settings.sensitive.segment_consent = rows->getInt(7);
  settings.sensitive.advice_consent = rows->getInt(8);
  return settings;
}

TenantSettings MySqlSettingsRepository::LockOrCreate(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const TenantSettings& defaults,
                                                     UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto insert = Prepare(connection,
                        "INSERT IGNORE INTO campaign_settings (tenant_id, caps,"
                        " welcome_campaign_id, retention_campaign_id, currency, version,"
                        " updated_at) VALUES (?, ?, ?, ?, ?, 0, ?)");
  insert->setString(1, tenant_id);
  insert->setString(2, FormatCaps(defaults.caps));
  insert->setString(3, defaults.welcome_campaign_id);
  insert->setString(4, defaults.retention_campaign_id);
  insert->setString(5, defaults.currency);
  insert->setString(6, FormatSqlDatetime(now));
  insert->executeUpdate();
  return *Find(transaction, tenant_id, true);
}

void MySqlSettingsRepository::Save(Transaction& transaction, const std::string& tenant_id,
                                   const TenantSettings& settings, UnixMicros now) {
  sql::Connection& connection = ConnectionOf(transaction);
  auto upsert = Prepare(connection,
                        "INSERT INTO campaign_settings (tenant_id, caps, welcome_campaign_id,"
                        " retention_campaign_id, currency, version, updated_at, sensitive_tags,"
                        " segment_sensitive_consent, advice_sensitive_consent)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
                        " caps = VALUES(caps), welcome_campaign_id = VALUES(welcome_campaign_id),"
                        " retention_campaign_id = VALUES(retention_campaign_id),"
                        " currency = VALUES(currency), version = VALUES(version),"
                        " updated_at = VALUES(updated_at),"
                        " sensitive_tags = VALUES(sensitive_tags),"
                        " segment_sensitive_consent = VALUES(segment_sensitive_consent),"
                        " advice_sensitive_consent = VALUES(advice_sensitive_consent)");
  upsert->setString(1, tenant_id);
  upsert->setString(2, FormatCaps(settings.caps));
  upsert->setString(3, settings.welcome_campaign_id);
  upsert->setString(4, settings.retention_campaign_id);
  upsert->setString(5, settings.currency);
  upsert->setInt64(6, settings.version);
  upsert->setString(7, FormatSqlDatetime(now));
  upsert->setString(8, FormatTags(settings.sensitive.tags));
  upsert->setInt(9, settings.sensitive.segment_consent);
  upsert->setInt(10, settings.sensitive.advice_consent);
  upsert->executeUpdate();
}

}  // namespace clienttier::campaign
