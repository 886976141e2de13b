#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/time/utc_time.h"
#include "services/client-profile/domain/consent_history.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

struct ClientFilter {
  std::string acquisition_channel;
  std::string tag;
  std::string region;
  bool include_erased = false;
};

// One stored consent history entry; `seq` orders a client's entries and is the page cursor.
struct ConsentHistoryRow {
  int64_t seq = 0;
  v1::ConsentChange change;
};

// What MergeClients wrote (or found written, on a retry).
struct MergeOutcome {
  v1::Client survivor;
  v1::Client duplicate;  // the tombstone, merged_into = survivor
  bool already_merged = false;
};

struct ImportCounts {
  int64_t created = 0;
  int64_t existing = 0;
};

// Clients of one tenant. Every write also writes its event to the outbox and its consent
// changes (ConsentChanges, with `key_id` as the author) to the consent history in the same
// transaction. Throws DomainError (NotFound, AlreadyExists, Conflict, FailedPrecondition,
// Unavailable).
class ClientRepository {
 public:
  virtual ~ClientRepository() = default;

  // `client` is final (NewClient applied). AlreadyExists if the id is taken.
  virtual v1::Client Create(const std::string& tenant_id, const v1::Client& client,
                            const std::string& key_id) = 0;
  virtual std::optional<v1::Client> Get(const std::string& tenant_id,
                                        const std::string& client_id) = 0;
  // The client if it can be had without I/O (an in-process cache); nullopt means "ask Get".
  virtual std::optional<v1::Client> GetWithoutIo(const std::string& /*tenant_id*/,
                                                 const std::string& /*client_id*/) {
    return std::nullopt;
  }
  // Applies the (validated) request under optimistic concurrency.
  virtual v1::Client Update(const std::string& tenant_id, const v1::UpdateClientRequest& request,
                            UnixMicros now, const std::string& key_id) = 0;
  // Clients with client_id > after_client_id, ordered, at most `limit`.
  virtual std::vector<v1::Client> List(const std::string& tenant_id, const ClientFilter& filter,
                                       const std::string& after_client_id, int limit) = 0;
  // Also replaces the client's consent history with its ErasureEntry.
  virtual v1::Client Erase(const std::string& tenant_id, const std::string& client_id,
                           UnixMicros now, const std::string& key_id) = 0;
  // Merges `duplicate_id` into `survivor_id` (ids validated and different) in one transaction:
  // CheckMerge and MergeClientRecords decide, the duplicate's transactions, interactions and
  // consent history move to the survivor, the survivor's consent changes are recorded (source
  // MERGE_CLIENTS) and the duplicate keeps MergedAwayEntry; one ClientsMerged event. A retry
  // (kAlreadyMerged) writes nothing and returns the pair as stored.
  virtual MergeOutcome Merge(const std::string& tenant_id, const std::string& survivor_id,
                             const std::string& duplicate_id, UnixMicros now,
                             const std::string& key_id) = 0;
  // Creates the clients not yet present (each already NewClient-ed); skips existing ids.
  virtual ImportCounts Import(const std::string& tenant_id, const std::vector<v1::Client>& clients,
                              const std::string& key_id) = 0;
  // The client's consent history entries with seq > after_seq, oldest first, at most `limit`.
  virtual std::vector<ConsentHistoryRow> ListConsentHistory(const std::string& tenant_id,
                                                            const std::string& client_id,
                                                            int64_t after_seq, int limit) = 0;
};

}  // namespace clienttier::profile
