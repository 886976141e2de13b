#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/profile/v1/profile_events.pb.h"
#include "common/time/utc_time.h"
#include "services/scoring/domain/client_facts.h"

namespace clienttier::scoring {

// Scoring's per-client aggregates (migrations 001): what it keeps from client-profile's
// events instead of the raw transactions. Every method works on the caller's connection, so
// the event's effects, its dedupe row and the rescore commit together.
class AggregateStore {
 public:
  // Applies one profile event to the aggregates; returns the client it touched (empty for an
  // event scoring does not use).
  static std::string Apply(sql::Connection& connection,
                           const ::clienttier::profile::v1::ProfileEvent& event, UnixMicros now);

  // The facts of one known, not erased client; nullopt otherwise.
  static std::optional<ClientFacts> LoadFacts(sql::Connection& connection,
                                              const std::string& tenant_id,
                                              const std::string& client_id,
                                              const std::string& currency, Day as_of);

  // The facts of those of `client_ids` that are known and not erased, by client id: two reads
  // whatever the number of clients.
  static std::map<std::string, ClientFacts> LoadFactsFor(sql::Connection& connection,
                                                         const std::string& tenant_id,
                                                         const std::vector<std::string>& client_ids,
                                                         const std::string& currency, Day as_of);

  // Every known, not erased client of the tenant (or of one shard by client-id hash), ordered
  // by client id.
  static std::vector<ClientFacts> LoadAllFacts(sql::Connection& connection,
                                               const std::string& tenant_id,
                                               const std::string& currency, Day as_of,
                                               int shard_index, int shard_count);

  // Keeps the referral service's latest counts of these clients (referrals_sent/_converted).
  static void StoreReferralCounts(sql::Connection& connection, const std::string& tenant_id,
                                  const std::vector<ClientFacts>& clients);
};

// Which shard of `shard_count` a client belongs to: a stable hash of its id (FNV-1a), the
// same in every pod and every run.
int ShardOf(const std::string& client_id, int shard_count);

}  // namespace clienttier::scoring
