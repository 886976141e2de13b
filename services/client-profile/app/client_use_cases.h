#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"
#include "services/client-profile/app/commit_listener.h"
#include "services/client-profile/storage/client_repository.h"

namespace clienttier::profile {

// One page of ListClients.
struct ClientPage {
  std::vector<v1::Client> clients;
  std::string next_page_token;  // empty on the last page
};

// One page of ListConsentHistory.
struct ConsentHistoryPage {
  std::vector<v1::ConsentChange> changes;
  std::string next_page_token;  // empty on the last page
};

// The next record of an import stream; false at its end.
using ImportSource = std::function<bool(v1::Client& client)>;

// The use cases of a tenant's clients: create, get, update, list, erase, import. Inputs are
// validated by the caller (the gRPC handler) unless a method says otherwise. Each write is one
// repository call, and so one MySQL transaction; the listener hears of it after it commits.
// `key_id` (the caller's API key id) is recorded as the author of consent changes.
class ClientUseCases {
 public:
  static constexpr int kDefaultPageSize = 100;
  static constexpr int kMaxPageSize = 1000;
  // Clients created per repository call (and MySQL transaction) while importing.
  static constexpr size_t kImportChunk = 500;
  static constexpr int kMaxReportedImportErrors = 100;

  ClientUseCases(ClientRepository& clients, const Clock& clock, CommitListener on_commit)
      : clients_(clients), clock_(clock), on_commit_(std::move(on_commit)) {}

  // `input` passed ValidateClient. AlreadyExists when its client_id is taken.
  v1::Client Create(const std::string& tenant_id, const v1::Client& input,
                    const std::string& key_id);

  // The client if an in-process cache has it; nullopt means "call Get" (which may block).
  std::optional<v1::Client> GetWithoutIo(const std::string& tenant_id,
                                         const std::string& client_id);
  // NotFound when the tenant has no such client.
  v1::Client Get(const std::string& tenant_id, const std::string& client_id);

  // `request` passed ValidateUpdate. Conflict when expected_version is not the stored version.
  v1::Client Update(const std::string& tenant_id, const v1::UpdateClientRequest& request,
                    const std::string& key_id);

  // `page_size` 0 means kDefaultPageSize. InvalidArgument("page.page_token") for a token that
  // is malformed or was issued for other filters.
  ClientPage List(const std::string& tenant_id, const ClientFilter& filter,
                  const std::string& page_token, int page_size);

  // Removes the client's personal data (consent history included, but for the fact of the
  // erasure) and leaves a tombstone; erasing twice returns the same tombstone. `key_id` names
  // the caller in the audit log line; `reason` is free text, checked by the caller and then
  // neither stored nor logged (only its length).
  v1::Client Erase(const std::string& tenant_id, const std::string& client_id,
                   const std::string& reason, const std::string& key_id);

  // MergeClients (`request` passed ValidateMerge): the repository's Merge, then the audit log
  // line (tenant, both ids, key id). A retry returns the stored pair with already_merged.
  v1::MergeClientsResponse Merge(const std::string& tenant_id,
                                 const v1::MergeClientsRequest& request, const std::string& key_id);

  // Reads `next` to its end, validating each record itself (an invalid record is reported and
  // skipped, not fatal) and creating the valid ones in chunks; existing ids are skipped. Each
  // committed chunk stays committed if a later one fails.
  v1::ImportClientsResponse Import(const std::string& tenant_id, const ImportSource& next,
                                   const std::string& key_id);

  // The client's consent changes, oldest first. NotFound for an unknown client;
  // InvalidArgument("page.page_token") for a token issued for another client or malformed.
  ConsentHistoryPage ListConsentHistory(const std::string& tenant_id, const std::string& client_id,
                                        const std::string& page_token, int page_size);

 private:
  ClientRepository& clients_;
  const Clock& clock_;
  CommitListener on_commit_;
};

}  // namespace clienttier::profile
