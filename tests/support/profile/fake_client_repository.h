#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/storage/client_repository.h"

namespace clienttier::testing {

// ClientRepository in memory, with the contract of MySqlClientRepository: AlreadyExists for a
// taken id, NotFound / FailedPrecondition (erased) / Conflict (stale version) on update, an
// idempotent erase, an import that skips existing ids. It records no events (the outbox is
// MySQL's) and does not roll back.
class FakeClientRepository final : public profile::ClientRepository {
 public:
  profile::v1::Client Create(const std::string& tenant_id,
                             const profile::v1::Client& client) override {
    if (!rows[tenant_id].emplace(client.client_id(), client).second) {
      throw AlreadyExists("client.client_id: client '" + client.client_id() + "' already exists");
    }
    return client;
  }

  std::optional<profile::v1::Client> Get(const std::string& tenant_id,
                                         const std::string& client_id) override {
    ++get_calls;
    const profile::v1::Client* client = Find(tenant_id, client_id);
    return client ? std::optional<profile::v1::Client>(*client) : std::nullopt;
  }

  // Plays an in-process cache that holds exactly the ids in `cached_without_io`.
  std::optional<profile::v1::Client> GetWithoutIo(const std::string& tenant_id,
                                                  const std::string& client_id) override {
    const profile::v1::Client* client = Find(tenant_id, client_id);
    if (client == nullptr || cached_without_io.count(client_id) == 0) {
      return std::nullopt;
    }
    return *client;
  }

  profile::v1::Client Update(const std::string& tenant_id,
                             const profile::v1::UpdateClientRequest& request,
                             UnixMicros now) override {
    const std::string& client_id = request.client().client_id();
    profile::v1::Client* current = Find(tenant_id, client_id);
    if (current == nullptr) {
      throw NotFound("client '" + client_id + "' not found");
    }
    if (current->erased()) {
      throw FailedPrecondition("client '" + client_id + "' was erased");
    }
    if (current->version() != request.expected_version()) {
      throw Conflict("client '" + client_id + "' is at version " +
                     std::to_string(current->version()) + ", not " +
                     std::to_string(request.expected_version()) + "; read it again");
    }
    *current = profile::ApplyUpdate(*current, request.client(), request.update_mask(), now);
    return *current;
  }

  std::vector<profile::v1::Client> List(const std::string& tenant_id,
                                        const profile::ClientFilter& filter,
                                        const std::string& after_client_id, int limit) override {
    std::vector<profile::v1::Client> page;
    const auto& tenant = rows[tenant_id];
    for (auto it = tenant.upper_bound(after_client_id);
         it != tenant.end() && static_cast<int>(page.size()) < limit; ++it) {
      if (Matches(it->second, filter)) {
        page.push_back(it->second);
      }
    }
    return page;
  }

  profile::v1::Client Erase(const std::string& tenant_id, const std::string& client_id,
                            const std::string& /*reason*/, UnixMicros now) override {
    profile::v1::Client* current = Find(tenant_id, client_id);
    if (current == nullptr) {
      throw NotFound("client '" + client_id + "' not found");
    }
    if (!current->erased()) {
      *current = profile::ErasedClient(*current, now);
    }
    return *current;
  }

  profile::ImportCounts Import(const std::string& tenant_id,
                               const std::vector<profile::v1::Client>& clients) override {
    import_chunk_sizes.push_back(clients.size());
    profile::ImportCounts counts;
    for (const auto& client : clients) {
      // A repeated id inside one chunk counts once, as existing the second time.
      if (rows[tenant_id].emplace(client.client_id(), client).second) {
        ++counts.created;
      } else {
        ++counts.existing;
      }
    }
    return counts;
  }

  profile::v1::Client* Find(const std::string& tenant_id, const std::string& client_id) {
    auto tenant = rows.find(tenant_id);
    if (tenant == rows.end()) {
      return nullptr;
    }
    auto found = tenant->second.find(client_id);
    return found == tenant->second.end() ? nullptr : &found->second;
  }

  std::map<std::string, std::map<std::string, profile::v1::Client>> rows;  // tenant -> id -> row
  std::set<std::string> cached_without_io;
  std::vector<size_t> import_chunk_sizes;  // one entry per Import call
  int get_calls = 0;

 private:
  static bool Matches(const profile::v1::Client& client, const profile::ClientFilter& filter) {
    if (!filter.include_erased && client.erased()) {
      return false;
    }
    if (!filter.acquisition_channel.empty() &&
        client.acquisition().channel() != filter.acquisition_channel) {
      return false;
    }
    if (!filter.region.empty() && client.demographics().region() != filter.region) {
      return false;
    }
    if (filter.tag.empty()) {
      return true;
    }
    for (const auto& tag : client.tags()) {
      if (tag.value() == filter.tag) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace clienttier::testing
