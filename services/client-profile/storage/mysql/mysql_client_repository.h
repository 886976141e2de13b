#pragma once

#include "common/db/mysql_pool.h"
#include "common/time/utc_time.h"
#include "services/client-profile/storage/client_repository.h"

namespace clienttier::profile {

class MySqlClientRepository final : public ClientRepository {
 public:
  explicit MySqlClientRepository(MySqlPool& pool) : pool_(pool) {}

  v1::Client Create(const std::string& tenant_id, const v1::Client& client,
                    const std::string& key_id) override;
  std::optional<v1::Client> Get(const std::string& tenant_id,
                                const std::string& client_id) override;
  v1::Client Update(const std::string& tenant_id, const v1::UpdateClientRequest& request,
                    UnixMicros now, const std::string& key_id) override;
  std::vector<v1::Client> List(const std::string& tenant_id, const ClientFilter& filter,
                               const std::string& after_client_id, int limit) override;
  v1::Client Erase(const std::string& tenant_id, const std::string& client_id, UnixMicros now,
                   const std::string& key_id) override;
  MergeOutcome Merge(const std::string& tenant_id, const std::string& survivor_id,
                     const std::string& duplicate_id, UnixMicros now,
                     const std::string& key_id) override;
  ImportCounts Import(const std::string& tenant_id, const std::vector<v1::Client>& clients,
                      const std::string& key_id) override;
  std::vector<ConsentHistoryRow> ListConsentHistory(const std::string& tenant_id,
                                                    const std::string& client_id, int64_t after_seq,
                                                    int limit) override;

 private:
  MySqlPool& pool_;
};

}  // namespace clienttier::profile
