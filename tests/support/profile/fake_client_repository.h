#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/client_merge.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/consent_history.h"
#include "services/client-profile/storage/client_repository.h"

namespace clienttier::testing {

// ClientRepository in memory, with the contract of MySqlClientRepository: AlreadyExists for a
// taken id, NotFound / FailedPrecondition (erased) / Conflict (stale version) on update, an
// idempotent erase, an import that skips existing ids, a consent history kept like the
// consent_history table. It records no events (the outbox is MySQL's) and does not roll back.
class FakeClientRepository final : public profile::ClientRepository {
 public:
  profile::v1::Client Create(const std::string& tenant_id, const profile::v1::Client& client,
                             const std::string& key_id) override {
    if (!rows[tenant_id].emplace(client.client_id(), client).second) {
      throw AlreadyExists("client.client_id: client '" + client.client_id() + "' already exists");
    }
    Record(tenant_id, nullptr, client, FromProtoTimestamp(client.created_at()),
           {profile::v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT, key_id});
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
                             const profile::v1::UpdateClientRequest& request, UnixMicros now,
                             const std::string& key_id) override {
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
    const profile::v1::Client before = *current;
    *current = profile::ApplyUpdate(*current, request.client(), request.update_mask(), now);
    Record(tenant_id, &before, *current, now,
           {profile::v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT, key_id});
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
                            UnixMicros now, const std::string& key_id) override {
    profile::v1::Client* current = Find(tenant_id, client_id);
    if (current == nullptr) {
      throw NotFound("client '" + client_id + "' not found");
    }
    if (!current->erased()) {
      *current = profile::ErasedClient(*current, now);
      auto& history = consent_history[tenant_id][client_id];
      history.clear();
      history.push_back({++last_seq_, profile::ErasureEntry(now, key_id)});
    }
    return *current;
  }

  // Records move by id in FakeActivityRepository's hands, not here: `moved_records` lists the
  // (duplicate, survivor) pairs a test can apply to its activity fake.
  profile::MergeOutcome Merge(const std::string& tenant_id, const std::string& survivor_id,
                              const std::string& duplicate_id, UnixMicros now,
                              const std::string& key_id) override {
    profile::v1::Client* survivor = Find(tenant_id, survivor_id);
    profile::v1::Client* duplicate = Find(tenant_id, duplicate_id);
    if (survivor == nullptr) {
      throw NotFound("survivor_client_id: client '" + survivor_id + "' not found");
    }
    if (duplicate == nullptr) {
      throw NotFound("duplicate_client_id: client '" + duplicate_id + "' not found");
    }
    if (profile::CheckMerge(*survivor, *duplicate) == profile::MergeStep::kAlreadyMerged) {
      return {*survivor, *duplicate, true};
    }
    profile::MergedClients merged = profile::MergeClientRecords(*survivor, *duplicate, now);
    auto& history = consent_history[tenant_id];
    for (auto& row : history[duplicate_id]) {
      history[survivor_id].push_back(std::move(row));
    }
    std::sort(history[survivor_id].begin(), history[survivor_id].end(),
              [](const auto& a, const auto& b) { return a.seq < b.seq; });
    history[duplicate_id].clear();
    Record(tenant_id, survivor, merged.survivor, now,
           {profile::v1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS, key_id});
    history[duplicate_id].push_back({++last_seq_, profile::MergedAwayEntry(now, key_id)});
    *survivor = merged.survivor;
    *duplicate = merged.duplicate;
    moved_records.emplace_back(duplicate_id, survivor_id);
    return {*survivor, *duplicate, false};
  }

  profile::ImportCounts Import(const std::string& tenant_id,
                               const std::vector<profile::v1::Client>& clients,
                               const std::string& key_id) override {
    import_chunk_sizes.push_back(clients.size());
    profile::ImportCounts counts;
    for (const auto& client : clients) {
      // A repeated id inside one chunk counts once, as existing the second time.
      if (rows[tenant_id].emplace(client.client_id(), client).second) {
        ++counts.created;
        Record(tenant_id, nullptr, client, FromProtoTimestamp(client.created_at()),
               {profile::v1::CONSENT_CHANGE_SOURCE_IMPORT_CLIENTS, key_id});
      } else {
        ++counts.existing;
      }
    }
    return counts;
  }

  // The shapes of Create and Erase before consent history named a key; tests that do not
  // look at the history (activity_use_cases_test) keep calling them.
  profile::v1::Client Create(const std::string& tenant_id, const profile::v1::Client& client) {
    return Create(tenant_id, client, "test-key");
  }
  profile::v1::Client Erase(const std::string& tenant_id, const std::string& client_id,
                            const std::string& /*reason*/, UnixMicros now) {
    return Erase(tenant_id, client_id, now, "test-key");
  }

  std::vector<profile::ConsentHistoryRow> ListConsentHistory(const std::string& tenant_id,
                                                             const std::string& client_id,
                                                             int64_t after_seq,
                                                             int limit) override {
    std::vector<profile::ConsentHistoryRow> page;
    for (const auto& row : consent_history[tenant_id][client_id]) {
      if (row.seq > after_seq && static_cast<int>(page.size()) < limit) {
        page.push_back(row);
      }
    }
    return page;
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
  // tenant -> client id -> entries, oldest first
  std::map<std::string, std::map<std::string, std::vector<profile::ConsentHistoryRow>>>
      consent_history;
  std::set<std::string> cached_without_io;
  std::vector<size_t> import_chunk_sizes;                          // one entry per Import call
  std::vector<std::pair<std::string, std::string>> moved_records;  // (duplicate, survivor)
  int get_calls = 0;

 private:
  void Record(const std::string& tenant_id, const profile::v1::Client* before,
              const profile::v1::Client& after, UnixMicros now,
              const profile::ConsentAuthor& author) {
    for (auto& change : profile::ConsentChanges(before, after, now, author)) {
      consent_history[tenant_id][after.client_id()].push_back({++last_seq_, std::move(change)});
    }
  }

  int64_t last_seq_ = 0;

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
