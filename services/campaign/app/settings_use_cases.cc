#include "services/campaign/app/settings_use_cases.h"

#include <optional>

#include "common/errors/domain_error.h"

namespace clienttier::campaign {

TenantSettings SettingsUseCases::Get(const std::string& tenant_id) {
  std::optional<TenantSettings> settings;
  transactions_.Read(
      [&](Transaction& transaction) { settings = settings_.Find(transaction, tenant_id, false); });
  return settings ? *settings : runner_.DefaultSettings();
}

TenantSettings SettingsUseCases::Put(const std::string& tenant_id, TenantSettings settings,
                                     int64_t expected_version) {
  const UnixMicros now = clock_.Now();
  transactions_.InTransaction([&](Transaction& transaction) {
    const TenantSettings current =
        settings_.LockOrCreate(transaction, tenant_id, runner_.DefaultSettings(), now);
    if (current.version != expected_version) {
      throw Conflict("campaign settings are at version " + std::to_string(current.version) +
                     ", not " + std::to_string(expected_version));
    }
    if (current.version > 0 && settings.currency != current.currency) {
      throw FailedPrecondition("settings.currency: is " + current.currency +
                               " and cannot change once set (saved rules and outcomes use it)");
    }
    auto check_trigger = [&](const std::string& campaign_id, v1::CampaignTrigger trigger,
                             const char* field) {
      if (campaign_id.empty()) {
        return;
      }
      auto campaign = campaigns_.Find(transaction, tenant_id, campaign_id, false);
      if (!campaign) {
        throw FailedPrecondition(std::string(field) + ": campaign " + campaign_id + " not found");
      }
      if (campaign->trigger() != trigger) {
        throw FailedPrecondition(std::string(field) + ": campaign " + campaign_id +
                                 " does not have trigger " + v1::CampaignTrigger_Name(trigger));
      }
    };
    check_trigger(settings.welcome_campaign_id, v1::CAMPAIGN_TRIGGER_WELCOME_T1,
                  "settings.welcome_campaign_id");
    check_trigger(settings.retention_campaign_id, v1::CAMPAIGN_TRIGGER_CHURN_WARNING,
                  "settings.retention_campaign_id");
    settings.version = current.version + 1;
    settings_.Save(transaction, tenant_id, settings, now);
  });
  return settings;
}

}  // namespace clienttier::campaign
