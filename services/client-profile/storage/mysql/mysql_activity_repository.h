#pragma once

#include "common/db/mysql_pool.h"
#include "common/time/utc_time.h"
#include "services/client-profile/storage/activity_repository.h"

namespace clienttier::profile {

class MySqlActivityRepository final : public ActivityRepository {
 public:
  MySqlActivityRepository(MySqlPool& pool, const Clock& clock) : pool_(pool), clock_(clock) {}

  std::vector<v1::RecordResult> RecordTransactions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch) override;
  std::vector<v1::RecordResult> RecordInteractions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch) override;
  v1::ActivitySummary Summary(const std::string& tenant_id, const std::string& client_id) override;
  void Export(const std::string& tenant_id, const v1::ExportClientsRequest& request,
              const std::function<bool(const v1::ExportClientsResponse&)>& sink) override;

 private:
  MySqlPool& pool_;
  const Clock& clock_;
};

}  // namespace clienttier::profile
