#pragma once

#include <functional>
#include <string>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Transactions and interactions of one tenant's clients.
class ActivityRepository {
 public:
  virtual ~ActivityRepository() = default;

  // Records a validated batch in one MySQL transaction, all or nothing; keys already recorded
  // come back DUPLICATE. NotFound / FailedPrecondition for unknown or erased clients;
  // InvalidArgument for a key reused with different content.
  virtual std::vector<v1::RecordResult> RecordTransactions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch) = 0;
  virtual std::vector<v1::RecordResult> RecordInteractions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch) = 0;

  // NotFound when the tenant has no such client.
  virtual v1::ActivitySummary Summary(const std::string& tenant_id,
                                      const std::string& client_id) = 0;

  // Streams the tenant's clients in id order; stops early when `sink` returns false.
  virtual void Export(const std::string& tenant_id, const v1::ExportClientsRequest& request,
                      const std::function<bool(const v1::ExportClientsResponse&)>& sink) = 0;
};

}  // namespace clienttier::profile
