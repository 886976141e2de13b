#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/repeated_field.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "services/client-profile/app/commit_listener.h"
#include "services/client-profile/storage/activity_repository.h"

namespace clienttier::profile {

// The outcome of recording a batch: one result per input, in input order, and their tally.
struct RecordedBatch {
  std::vector<v1::RecordResult> results;
  int recorded_count = 0;   // RECORD_OUTCOME_RECORDED
  int duplicate_count = 0;  // RECORD_OUTCOME_DUPLICATE: the key was already recorded
};

// The use cases of clients' activity: recording transactions and interactions (idempotent by
// key), the activity summary and the export. Inputs are validated by the caller (the gRPC
// handler: ValidateTransaction(Batch) and friends). Each record call is one repository call,
// and so one MySQL transaction; the listener hears of it after it commits.
class ActivityUseCases {
 public:
  ActivityUseCases(ActivityRepository& activity, CommitListener on_commit)
      : activity_(activity), on_commit_(std::move(on_commit)) {}

  v1::RecordResult RecordTransaction(const std::string& tenant_id,
                                     const v1::TransactionInput& transaction);
  // All or nothing. NotFound / FailedPrecondition for unknown or erased clients;
  // InvalidArgument for a key already used with different content.
  RecordedBatch RecordTransactions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch);

  v1::RecordResult RecordInteraction(const std::string& tenant_id,
                                     const v1::InteractionInput& interaction);
  RecordedBatch RecordInteractions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch);

  // NotFound when the tenant has no such client.
  v1::ActivitySummary Summary(const std::string& tenant_id, const std::string& client_id);

  // Streams the tenant's clients after request.after_client_id, in id order; stops early when
  // `sink` returns false (the caller went away).
  void Export(const std::string& tenant_id, const v1::ExportClientsRequest& request,
              const std::function<bool(const v1::ExportClientsResponse&)>& sink);

 private:
  ActivityRepository& activity_;
  CommitListener on_commit_;
};

}  // namespace clienttier::profile
