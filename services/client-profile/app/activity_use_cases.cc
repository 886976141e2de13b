#include "services/client-profile/app/activity_use_cases.h"

namespace clienttier::profile {

namespace {

RecordedBatch Tally(std::vector<v1::RecordResult> results) {
  RecordedBatch batch;
  for (const auto& result : results) {
    if (result.outcome() == v1::RECORD_OUTCOME_RECORDED) {
      ++batch.recorded_count;
    } else {
      ++batch.duplicate_count;
    }
  }
  batch.results = std::move(results);
  return batch;
}

}  // namespace

v1::RecordResult ActivityUseCases::RecordTransaction(const std::string& tenant_id,
                                                     const v1::TransactionInput& transaction) {
  google::protobuf::RepeatedPtrField<v1::TransactionInput> batch;
  *batch.Add() = transaction;
  v1::RecordResult result = activity_.RecordTransactions(tenant_id, batch).front();
  on_commit_();
  return result;
}

RecordedBatch ActivityUseCases::RecordTransactions(
    const std::string& tenant_id,
    const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch) {
  RecordedBatch recorded = Tally(activity_.RecordTransactions(tenant_id, batch));
  on_commit_();
  return recorded;
}

v1::RecordResult ActivityUseCases::RecordInteraction(const std::string& tenant_id,
                                                     const v1::InteractionInput& interaction) {
  google::protobuf::RepeatedPtrField<v1::InteractionInput> batch;
  *batch.Add() = interaction;
  v1::RecordResult result = activity_.RecordInteractions(tenant_id, batch).front();
  on_commit_();
  return result;
}

RecordedBatch ActivityUseCases::RecordInteractions(
    const std::string& tenant_id,
    const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch) {
  RecordedBatch recorded = Tally(activity_.RecordInteractions(tenant_id, batch));
  on_commit_();
  return recorded;
}

v1::ActivitySummary ActivityUseCases::Summary(const std::string& tenant_id,
                                              const std::string& client_id) {
  return activity_.Summary(tenant_id, client_id);
}

void ActivityUseCases::Export(const std::string& tenant_id, const v1::ExportClientsRequest& request,
                              const std::function<bool(const v1::ExportClientsResponse&)>& sink) {
  activity_.Export(tenant_id, request, sink);
}

}  // namespace clienttier::profile
