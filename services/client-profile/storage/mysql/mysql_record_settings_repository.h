#pragma once

#include "common/db/mysql_pool.h"
#include "services/client-profile/storage/record_settings_repository.h"

namespace clienttier::profile {

class MySqlRecordSettingsRepository final : public RecordSettingsRepository {
 public:
  explicit MySqlRecordSettingsRepository(MySqlPool& pool) : pool_(pool) {}

  std::optional<v1::RecordSettings> Get(const std::string& tenant_id) override;
  v1::RecordSettings Put(const std::string& tenant_id, const v1::RecordSettings& settings,
                         UnixMicros now) override;

 private:
  MySqlPool& pool_;
};

}  // namespace clienttier::profile
