#pragma once

#include <string>
#include <vector>

#include <cppconn/connection.h>

#include "clienttier/profile/v1/profile_service.pb.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// Mapping between v1::Client and the clients, client_consents and client_tags tables, shared
// by the repositories of this service. All statements are tenant-scoped.

// Loads the given clients (missing ids are left out), ordered by client_id, a merged
// duplicate's tombstone with `merged_into` (client_merges). With
// `for_update`, the client rows are locked until the transaction ends.
std::vector<v1::Client> LoadClients(sql::Connection& connection, const std::string& tenant_id,
                                    const std::vector<std::string>& client_ids, bool for_update);

// The clients after `after_client_id` in id order, at most `limit`, as LoadClients loads them:
// a page of ExportClients, each table read as one range of its key instead of an IN list.
std::vector<v1::Client> LoadClientPage(sql::Connection& connection, const std::string& tenant_id,
                                       const std::string& after_client_id, int limit);

void InsertClients(sql::Connection& connection, const std::string& tenant_id,
                   const std::vector<v1::Client>& clients);

// Overwrites the stored row, consents and tags with `client`.
void OverwriteClient(sql::Connection& connection, const std::string& tenant_id,
                     const v1::Client& client);

}  // namespace clienttier::profile
