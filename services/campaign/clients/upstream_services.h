#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.grpc.pb.h"
#include "clienttier/scoring/v1/scoring_service.grpc.pb.h"
#include "common/server/tls.h"
#include "services/campaign/clients/upstream_clients.h"

namespace clienttier::campaign {

struct UpstreamOptions {
  // "dns:///scoring:50052" and "dns:///client-profile:50051" in Kubernetes.
  std::string scoring_target;
  std::string profile_target;
  // A service key (tenant `*` in their keys files) with reader rights; the tenant goes in
  // x-tenant-id.
  std::string api_key;
  // For the one-client reads on the request path (GetNextBestAction).
  int deadline_ms = 500;
  // For a whole StreamScorePages or ExportClientPages (a sync of a large tenant).
  int stream_deadline_s = 1800;
  ClientTls tls;
};

// UpstreamClients over gRPC: scoring's StreamScorePages, client-profile's ExportClientPages
// (a page per message; so campaign deploys after scoring and client-profile have them) and a
// client's transactions, with the service key and deadlines.
class UpstreamServices final : public UpstreamClients {
 public:
  explicit UpstreamServices(UpstreamOptions options);

  int64_t StreamScores(const std::string& tenant_id,
                       const std::function<void(std::vector<scoring::v1::Score>&)>& batch) override;
  int64_t ExportClients(
      const std::string& tenant_id,
      const std::function<void(std::vector<profile::v1::Client>&)>& batch) override;
  std::optional<std::vector<std::string>> BoughtCategories(const std::string& tenant_id,
                                                           const std::string& client_id) override;

 private:
  UpstreamOptions options_;
  std::unique_ptr<scoring::v1::ScoringService::Stub> scoring_;
  std::unique_ptr<profile::v1::ClientProfileService::Stub> profile_;
};

}  // namespace clienttier::campaign
