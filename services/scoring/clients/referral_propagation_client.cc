#include "services/scoring/clients/referral_propagation_client.h"

#include <algorithm>

#include "common/observability/logger.h"
#include "services/scoring/domain/propagation.h"

namespace clienttier::scoring {

namespace rv1 = ::clienttier::referral::v1;

namespace {

constexpr size_t kIdsPerRequest = 1000;
constexpr int kReferrersPerPage = 10000;

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void AddCounts(const google::protobuf::RepeatedPtrField<rv1::Propagation>& clients,
               ReferralCountsById* counts) {
  for (const rv1::Propagation& client : clients) {
    // The one mapping from referral's counts to propagation signals (domain/propagation.h).
    const PropagationSignals signals = SignalsFromReferralCounts(
        client.invitations_sent(), client.registered(), client.converted());
    (*counts)[client.client_id()] =
        ReferralCounts{signals.referrals_sent, signals.referrals_converted};
  }
}

}  // namespace

ReferralPropagationClient::ReferralPropagationClient(ReferralClientOptions options,
                                                     MetricsRegistry& metrics)
    : options_(std::move(options)),
      fallbacks_(metrics.GetCounter(
          "ct_scoring_propagation_fallback_total",
          "Rescores that kept the stored referral counts because referral was unavailable")) {
  stub_ = rv1::ReferralService::NewStub(MakeServiceChannel(options_.target, options_.tls));
}

bool ReferralPropagationClient::Paused() {
  if (SteadyNowNs() < paused_until_ns_.load(std::memory_order_relaxed)) {
    fallbacks_.Increment();
    return true;
  }
  return false;
}

void ReferralPropagationClient::Failed(const char* rpc, const grpc::Status& status) {
  paused_until_ns_.store(SteadyNowNs() + int64_t{options_.pause_after_failure_ms} * 1'000'000,
                         std::memory_order_relaxed);
  fallbacks_.Increment();
  Logger::LogRateLimited("scoring-referral-down", std::chrono::seconds(10), Severity::kWarning,
                         "referral unavailable; using stored referral counts",
                         {{"rpc", rpc},
                          {"grpc_code", static_cast<int>(status.error_code())},
                          {"detail", status.error_message()}});
}

void ReferralPropagationClient::Prepare(grpc::ClientContext& context,
                                        const std::string& tenant_id) const {
  context.AddMetadata("x-api-key", options_.api_key);
  context.AddMetadata("x-tenant-id", tenant_id);
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(options_.deadline_ms));
}

std::optional<ReferralCountsById> ReferralPropagationClient::Fetch(
    const std::string& tenant_id, const std::vector<std::string>& client_ids) {
  if (Paused()) {
    return std::nullopt;
  }
  ReferralCountsById counts;
  for (size_t begin = 0; begin < client_ids.size(); begin += kIdsPerRequest) {
    const size_t end = std::min(client_ids.size(), begin + kIdsPerRequest);
    rv1::GetPropagationRequest request;
    for (size_t i = begin; i < end; ++i) {
      request.add_client_ids(client_ids[i]);
    }
    grpc::ClientContext context;
    Prepare(context, tenant_id);
    rv1::GetPropagationResponse response;
    const grpc::Status status = stub_->GetPropagation(&context, request, &response);
    if (!status.ok()) {
      Failed("GetPropagation", status);
      return std::nullopt;
    }
    AddCounts(response.clients(), &counts);
  }
  return counts;
}

std::optional<ReferralCountsById> ReferralPropagationClient::FetchRange(
    const std::string& tenant_id, const std::string& after_client_id,
    const std::optional<std::string>& last_client_id) {
  if (Paused()) {
    return std::nullopt;
  }
  ReferralCountsById counts;
  rv1::ListPropagationRequest request;
  request.set_after_client_id(after_client_id);
  request.set_last_client_id(last_client_id.value_or(""));
  request.set_page_size(kReferrersPerPage);
  do {
    grpc::ClientContext context;
    Prepare(context, tenant_id);
    rv1::ListPropagationResponse response;
    const grpc::Status status = stub_->ListPropagation(&context, request, &response);
    if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
      // A referral of an earlier release (scoring rolled out first): not a failure, so no
      // pause; the caller asks for its clients by id.
      Logger::LogRateLimited("scoring-referral-no-list", std::chrono::seconds(60),
                             Severity::kWarning,
                             "referral has no ListPropagation; asking for counts by client id",
                             {{"detail", status.error_message()}});
      return std::nullopt;
    }
    if (!status.ok()) {
      Failed("ListPropagation", status);
      return std::nullopt;
    }
    AddCounts(response.clients(), &counts);
    request.set_after_client_id(response.next_after_client_id());
  } while (!request.after_client_id().empty());
  return counts;
}

}  // namespace clienttier::scoring
