#include "services/client-profile/app/retention_use_cases.h"

#include "common/observability/logger.h"

namespace clienttier::profile {

RetentionReport RetentionUseCases::Purge(const std::string& tenant_id,
                                         const RetentionPolicy& policy, const std::string& key_id) {
  const UnixMicros now = clock_.Now();
  RetentionReport report;
  if (policy.erase_inactive_after_days > 0) {
    report.clients_inactive_since =
        now - static_cast<UnixMicros>(policy.erase_inactive_after_days) * kMicrosPerDay;
    report.erased_client_ids = retention_.InactiveClients(tenant_id, report.clients_inactive_since,
                                                          policy.max_clients + 1);
    if (report.erased_client_ids.size() > static_cast<size_t>(policy.max_clients)) {
      report.erased_client_ids.resize(static_cast<size_t>(policy.max_clients));
      report.more = true;
    }
    if (!policy.dry_run) {
      for (const std::string& client_id : report.erased_client_ids) {
        clients_.Erase(tenant_id, client_id, "retention purge", key_id);
      }
    }
  }
  if (policy.drop_interactions_after_days > 0) {
    report.interactions_before =
        now - static_cast<UnixMicros>(policy.drop_interactions_after_days) * kMicrosPerDay;
    report.interactions_deleted =
        retention_.DeleteInteractionsBefore(tenant_id, report.interactions_before, policy.dry_run);
  }
  LogInfo("retention purge", {{"tenant", tenant_id},
                              {"key_id", key_id},
                              {"dry_run", policy.dry_run},
                              {"clients_erased", report.erased_client_ids.size()},
                              {"interactions_deleted", report.interactions_deleted},
                              {"more", report.more}});
  return report;
}

}  // namespace clienttier::profile
