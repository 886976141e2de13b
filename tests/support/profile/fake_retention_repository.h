#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "services/client-profile/storage/client_repository.h"
#include "services/client-profile/storage/retention_repository.h"

namespace clienttier::testing {

// RetentionRepository in memory: each client's last activity and each interaction's time are
// set by the test; erasure is read from the client repository, as the SQL reads `erased`.
class FakeRetentionRepository final : public profile::RetentionRepository {
 public:
  explicit FakeRetentionRepository(profile::ClientRepository& clients) : clients_(clients) {}

  std::vector<std::string> InactiveClients(const std::string& tenant_id, UnixMicros before,
                                           int limit) override {
    std::vector<std::string> ids;
    for (const auto& [client_id, last] : last_activity[tenant_id]) {
      auto client = clients_.Get(tenant_id, client_id);
      if (client && !client->erased() && last < before && ids.size() < static_cast<size_t>(limit)) {
        ids.push_back(client_id);
      }
    }
    return ids;
  }

  int64_t DeleteInteractionsBefore(const std::string& tenant_id, UnixMicros before,
                                   bool dry_run) override {
    std::vector<UnixMicros>& times = interactions[tenant_id];
    const auto old = std::count_if(times.begin(), times.end(),
                                   [before](UnixMicros time) { return time < before; });
    if (!dry_run) {
      times.erase(std::remove_if(times.begin(), times.end(),
                                 [before](UnixMicros time) { return time < before; }),
                  times.end());
    }
    return old;
  }

  std::map<std::string, std::map<std::string, UnixMicros>> last_activity;  // tenant -> id -> t
  std::map<std::string, std::vector<UnixMicros>> interactions;             // tenant -> times

 private:
  profile::ClientRepository& clients_;
};

}  // namespace clienttier::testing
