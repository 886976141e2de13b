#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "clienttier/scoring/v1/scoring_service.pb.h"

namespace clienttier::campaign {

// What campaign reads from its neighbours' public APIs (the port the use cases take):
// the scores and clients a member sync pulls, and a client's bought categories for the next
// best action. UpstreamServices (upstream_services.h) is the gRPC implementation.
class UpstreamClients {
 public:
  virtual ~UpstreamClients() = default;

  // Every score of the tenant, in batches; returns how many. Throws Unavailable on failure.
  virtual int64_t StreamScores(
      const std::string& tenant_id,
      const std::function<void(std::vector<scoring::v1::Score>&)>& batch) = 0;
  // Every client of the tenant (erased tombstones included), in batches; returns how many.
  virtual int64_t ExportClients(
      const std::string& tenant_id,
      const std::function<void(std::vector<profile::v1::Client>&)>& batch) = 0;
  // The categories the client bought, or nullopt when client-profile did not answer in time.
  virtual std::optional<std::vector<std::string>> BoughtCategories(
      const std::string& tenant_id, const std::string& client_id) = 0;
};

}  // namespace clienttier::campaign
