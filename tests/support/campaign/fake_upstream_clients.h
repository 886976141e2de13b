#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "services/campaign/clients/upstream_clients.h"

namespace clienttier::campaign::testing {

// The neighbours' APIs in memory: what a sync pulls, and the categories each client bought
// (a client without an entry: client-profile did not answer in time).
class FakeUpstreamClients final : public UpstreamClients {
 public:
  int64_t StreamScores(
      const std::string& /*tenant_id*/,
      const std::function<void(std::vector<scoring::v1::Score>&)>& batch) override {
    std::vector<scoring::v1::Score> copy = scores;
    if (!copy.empty()) {
      batch(copy);
    }
    return static_cast<int64_t>(scores.size());
  }
  int64_t ExportClients(
      const std::string& /*tenant_id*/,
      const std::function<void(std::vector<profile::v1::Client>&)>& batch) override {
    std::vector<profile::v1::Client> copy = clients;
    if (!copy.empty()) {
      batch(copy);
    }
    return static_cast<int64_t>(clients.size());
  }
  std::optional<std::vector<std::string>> BoughtCategories(const std::string& /*tenant_id*/,
                                                           const std::string& client_id) override {
    ++bought_calls;
    auto found = bought.find(client_id);
    return found == bought.end() ? std::nullopt
                                 : std::optional<std::vector<std::string>>(found->second);
  }

  std::vector<scoring::v1::Score> scores;
  std::vector<profile::v1::Client> clients;
  std::map<std::string, std::vector<std::string>> bought;
  int bought_calls = 0;
};

}  // namespace clienttier::campaign::testing
