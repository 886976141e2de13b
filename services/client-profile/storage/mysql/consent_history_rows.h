#pragma once

#include <string>
#include <utility>
#include <vector>

#include <cppconn/connection.h>

#include "services/client-profile/storage/client_repository.h"

namespace clienttier::profile {

// The consent_history table, on the caller's connection (inside its transaction).

// Appends (client_id, change) entries in one statement; nothing when `entries` is empty.
void InsertConsentChanges(sql::Connection& connection, const std::string& tenant_id,
                          const std::vector<std::pair<std::string, v1::ConsentChange>>& entries);

// Deletes every entry of the client and appends `erasure` (ErasureEntry) in their place.
void ReplaceConsentHistoryWithErasure(sql::Connection& connection, const std::string& tenant_id,
                                      const std::string& client_id,
                                      const v1::ConsentChange& erasure);

// Moves every entry of `from_client_id` to `to_client_id` (a merge), keeping their order.
void MoveConsentHistory(sql::Connection& connection, const std::string& tenant_id,
                        const std::string& from_client_id, const std::string& to_client_id);

// The client's entries after `after_seq`, oldest first, at most `limit`.
std::vector<ConsentHistoryRow> LoadConsentHistory(sql::Connection& connection,
                                                  const std::string& tenant_id,
                                                  const std::string& client_id, int64_t after_seq,
                                                  int limit);

}  // namespace clienttier::profile
