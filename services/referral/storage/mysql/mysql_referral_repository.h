#pragma once

#include "services/referral/storage/referral_repository.h"

namespace clienttier::referral {

class MySqlReferralRepository final : public ReferralRepository {
 public:
  void LockClients(Transaction& transaction, const std::string& tenant_id,
                   std::vector<std::string> client_ids) override;
  std::optional<v1::Referral> FindByReferee(Transaction& transaction, const std::string& tenant_id,
                                            const std::string& referee_id) override;
  std::map<std::string, v1::Referral> FindByReferees(Transaction& transaction,
                                                     const std::string& tenant_id,
                                                     const std::vector<std::string>& ids,
                                                     bool for_update) override;
  std::map<std::string, std::string> ReferrersOf(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids) override;
  // A locking read of the rows that exist costs less than an upsert of every row followed by
  // a second read; only the missing rows are upserted.
  std::map<std::string, RegistrationCounts> LockForRegistration(
      Transaction& transaction, const std::string& tenant_id,
      const std::vector<std::string>& client_ids, int64_t day) override;
  void InsertReferrals(Transaction& transaction, const std::string& tenant_id,
                       const std::vector<v1::Referral>& referrals, int64_t registered_day) override;
  void SaveConversions(Transaction& transaction, const std::string& tenant_id,
                       const std::vector<v1::Referral>& referrals) override;
  void AddRegistrations(Transaction& transaction, const std::string& tenant_id,
                        const std::map<std::string, int64_t>& registered, int64_t day) override;
  void AddReferrerCounts(Transaction& transaction, const std::string& tenant_id,
                         const std::map<std::string, CountsDelta>& deltas) override;
  void MarkPaid(Transaction& transaction, const std::string& tenant_id,
                const std::map<std::string, UnixMicros>& first_paid_at,
                const std::vector<std::string>& also_lock) override;
  std::optional<ClientRow> FindClient(Transaction& transaction, const std::string& tenant_id,
                                      const std::string& client_id) override;
  std::vector<ClientRow> FindClients(Transaction& transaction, const std::string& tenant_id,
                                     const std::vector<std::string>& client_ids) override;
  std::vector<ClientRow> ReferrersInRange(Transaction& transaction, const std::string& tenant_id,
                                          const ClientIdRange& range, int limit) override;
  int64_t AddInvitations(Transaction& transaction, const std::string& tenant_id,
                         const std::string& client_id, int64_t count) override;
  TenantTotals Totals(Transaction& transaction, const std::string& tenant_id) override;
  std::vector<ClientRow> TopReferrers(Transaction& transaction, const std::string& tenant_id,
                                      int limit) override;
};

}  // namespace clienttier::referral
