#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "clienttier/referral/v1/referral_service.grpc.pb.h"
#include "common/observability/metrics.h"
#include "common/server/tls.h"
#include "services/scoring/clients/propagation_source.h"

namespace clienttier::scoring {

struct ReferralClientOptions {
  // "dns:///referral:50054" in Kubernetes (round-robin over the headless Service's pods).
  std::string target;
  // A service key (tenant `*` in referral's keys file); the tenant goes in x-tenant-id.
  std::string api_key;
  int deadline_ms = 300;
  // After a failure, calls are skipped for this long, so a down referral costs one deadline
  // per pause rather than one per rescore.
  int pause_after_failure_ms = 5000;
  ClientTls tls;
};

// GetPropagation (ListPropagation for a range) over gRPC, each request with a deadline.
class ReferralPropagationClient final : public PropagationSource {
 public:
  ReferralPropagationClient(ReferralClientOptions options, MetricsRegistry& metrics);

  std::optional<ReferralCountsById> Fetch(const std::string& tenant_id,
                                          const std::vector<std::string>& client_ids) override;
  // ListPropagation, in pages of up to 10,000 referrers.
  std::optional<ReferralCountsById> FetchRange(
      const std::string& tenant_id, const std::string& after_client_id,
      const std::optional<std::string>& last_client_id) override;

 private:
  ReferralClientOptions options_;
  std::unique_ptr<::clienttier::referral::v1::ReferralService::Stub> stub_;
  // Whether calls are paused after a failure; counts the fallback when they are.
  bool Paused();
  // Pauses calls after a failed one (`rpc`), logging why.
  void Failed(const char* rpc, const grpc::Status& status);
  // The call's key, tenant and deadline.
  void Prepare(grpc::ClientContext& context, const std::string& tenant_id) const;

  Counter& fallbacks_;
  std::atomic<int64_t> paused_until_ns_{0};
};

}  // namespace clienttier::scoring
