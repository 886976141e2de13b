#pragma once

#include "common/db/mysql_pool.h"
#include "services/client-profile/storage/retention_repository.h"

namespace clienttier::profile {

class MySqlRetentionRepository final : public RetentionRepository {
 public:
  explicit MySqlRetentionRepository(MySqlPool& pool) : pool_(pool) {}

  std::vector<std::string> InactiveClients(const std::string& tenant_id, UnixMicros before,
                                           int limit) override;
  int64_t DeleteInteractionsBefore(const std::string& tenant_id, UnixMicros before,
                                   bool dry_run) override;

 private:
  MySqlPool& pool_;
};

}  // namespace clienttier::profile
