#include "services/client-profile/storage/mysql/mysql_client_repository.h"

#include <set>
#include <utility>
#include <vector>

#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/errors/domain_error.h"
#include "common/outbox/outbox.h"
#include "services/client-profile/domain/client_merge.h"
#include "services/client-profile/domain/client_rules.h"
#include "services/client-profile/domain/profile_events.h"
#include "services/client-profile/storage/mysql/client_rows.h"
#include "services/client-profile/storage/mysql/consent_history_rows.h"
#include "services/client-profile/storage/mysql/merge_rows.h"

namespace clienttier::profile {

namespace {

v1::ProfileEvent CreatedEvent(const v1::Client& client) {
  v1::ProfileEvent event;
  *event.mutable_client_created()->mutable_client() = client;
  return event;
}

// The (client_id, change) entries of a write, for InsertConsentChanges.
void AddConsentChanges(const v1::Client* before, const v1::Client& after, UnixMicros now,
                       const ConsentAuthor& author,
                       std::vector<std::pair<std::string, v1::ConsentChange>>& entries) {
  for (v1::ConsentChange& change : ConsentChanges(before, after, now, author)) {
    entries.emplace_back(after.client_id(), std::move(change));
  }
}

template <typename Message>
bool Differ(const Message& a, const Message& b) {
  return a.SerializeAsString() != b.SerializeAsString();
}

template <typename Message>
bool Differ(const google::protobuf::RepeatedPtrField<Message>& a,
            const google::protobuf::RepeatedPtrField<Message>& b) {
  if (a.size() != b.size()) {
    return true;
  }
  for (int i = 0; i < a.size(); ++i) {
    if (Differ(a.Get(i), b.Get(i))) {
      return true;
    }
  }
  return false;
}

// The ClientUpdated a merge makes of the survivor, naming the fields it changed, so every
// consumer of updates (campaign's member copy) follows it without knowing about merges.
v1::ProfileEvent SurvivorUpdatedEvent(const v1::Client& before, const v1::Client& after) {
  v1::ProfileEvent event;
  auto* updated = event.mutable_client_updated();
  *updated->mutable_client() = after;
  const std::vector<std::pair<const char*, bool>> fields = {
      {"display_name", before.display_name() != after.display_name()},
      {"email", before.email() != after.email()},
      {"phone", before.phone() != after.phone()},
      {"demographics", Differ(before.demographics(), after.demographics())},
      {"consents", Differ(before.consents(), after.consents())},
      {"tags", Differ(before.tags(), after.tags())},
      {"acquisition", Differ(before.acquisition(), after.acquisition())},
  };
  for (const auto& [path, changed] : fields) {
    if (changed) {
      updated->add_changed_fields(path);
    }
  }
  return event;
}

}  // namespace

v1::Client MySqlClientRepository::Create(const std::string& tenant_id, const v1::Client& client,
                                         const std::string& key_id) {
  try {
    pool_.InTransaction([&](sql::Connection& connection) {
      InsertClients(connection, tenant_id, {client});
      std::vector<std::pair<std::string, v1::ConsentChange>> consents;
      AddConsentChanges(nullptr, client, FromProtoTimestamp(client.created_at()),
                        {v1::CONSENT_CHANGE_SOURCE_CREATE_CLIENT, key_id}, consents);
      InsertConsentChanges(connection, tenant_id, consents);
      AppendToOutbox(
          connection,
          {MakeOutboxEvent(tenant_id, FromProtoTimestamp(client.created_at()), CreatedEvent(client),
                           ClientCacheKey(tenant_id, client.client_id()))});
    });
  } catch (const DomainError& error) {
    if (error.kind() == ErrorKind::kAlreadyExists) {
      throw AlreadyExists("client.client_id: client '" + client.client_id() + "' already exists");
    }
    throw;
  }
  return client;
}

std::optional<v1::Client> MySqlClientRepository::Get(const std::string& tenant_id,
                                                     const std::string& client_id) {
  std::vector<v1::Client> found;
  pool_.WithConnection([&](sql::Connection& connection) {
    found = LoadClients(connection, tenant_id, {client_id}, false);
  });
  if (found.empty()) {
    return std::nullopt;
  }
  return found.front();
}

v1::Client MySqlClientRepository::Update(const std::string& tenant_id,
                                         const v1::UpdateClientRequest& request, UnixMicros now,
                                         const std::string& key_id) {
  v1::Client next;
  pool_.InTransaction([&](sql::Connection& connection) {
    const std::string& client_id = request.client().client_id();
    auto current = LoadClients(connection, tenant_id, {client_id}, true);
    if (current.empty()) {
      throw NotFound("client '" + client_id + "' not found");
    }
    if (current.front().erased()) {
      throw FailedPrecondition("client '" + client_id + "' was erased");
    }
    if (current.front().version() != request.expected_version()) {
      throw Conflict("client '" + client_id + "' is at version " +
                     std::to_string(current.front().version()) + ", not " +
                     std::to_string(request.expected_version()) + "; read it again");
    }
    next = ApplyUpdate(current.front(), request.client(), request.update_mask(), now);
    OverwriteClient(connection, tenant_id, next);
    std::vector<std::pair<std::string, v1::ConsentChange>> consents;
    AddConsentChanges(&current.front(), next, now,
                      {v1::CONSENT_CHANGE_SOURCE_UPDATE_CLIENT, key_id}, consents);
    InsertConsentChanges(connection, tenant_id, consents);
    v1::ProfileEvent event;
    *event.mutable_client_updated()->mutable_client() = next;
    for (const auto& path : request.update_mask().paths()) {
      event.mutable_client_updated()->add_changed_fields(path);
    }
    AppendToOutbox(connection, {MakeOutboxEvent(tenant_id, now, std::move(event),
                                                ClientCacheKey(tenant_id, client_id))});
  });
  return next;
}

std::vector<v1::Client> MySqlClientRepository::List(const std::string& tenant_id,
                                                    const ClientFilter& filter,
                                                    const std::string& after_client_id, int limit) {
  std::string sql = "SELECT c.client_id FROM clients c WHERE c.tenant_id = ? AND c.client_id > ?";
  std::vector<std::string> arguments{tenant_id, after_client_id};
  if (!filter.include_erased) {
    sql += " AND c.erased = 0";
  }
  if (!filter.acquisition_channel.empty()) {
    sql += " AND c.acquisition_channel = ?";
    arguments.push_back(filter.acquisition_channel);
  }
  if (!filter.region.empty()) {
    sql += " AND c.region = ?";
    arguments.push_back(filter.region);
  }
  if (!filter.tag.empty()) {
    sql +=
        " AND EXISTS (SELECT 1 FROM client_tags t WHERE t.tenant_id = c.tenant_id AND"
        " t.client_id = c.client_id AND t.tag = ?)";
    arguments.push_back(filter.tag);
  }
  sql += " ORDER BY c.client_id LIMIT ?";
  std::vector<v1::Client> clients;
  pool_.WithConnection([&](sql::Connection& connection) {
    auto select = Prepare(connection, sql);
    unsigned index = 1;
    for (const auto& argument : arguments) {
      select->setString(index++, argument);
    }
    select->setInt(index, limit);
    std::vector<std::string> ids;
    for (auto rows = Query(*select); rows->next();) {
      ids.push_back(rows->getString(1));
    }
    clients = LoadClients(connection, tenant_id, ids, false);
  });
  return clients;
}

v1::Client MySqlClientRepository::Erase(const std::string& tenant_id, const std::string& client_id,
                                        UnixMicros now, const std::string& key_id) {
  v1::Client tombstone;
  pool_.InTransaction([&](sql::Connection& connection) {
    auto current = LoadClients(connection, tenant_id, {client_id}, true);
    if (current.empty()) {
      throw NotFound("client '" + client_id + "' not found");
    }
    if (current.front().erased()) {
      tombstone = current.front();
      return;
    }
    tombstone = ErasedClient(current.front(), now);
    OverwriteClient(connection, tenant_id, tombstone);
    // Interaction details are free text the client may have written: personal data too.
    auto scrub = Prepare(
        connection, "UPDATE interactions SET detail = NULL WHERE tenant_id = ? AND client_id = ?");
    scrub->setString(1, tenant_id);
    scrub->setString(2, client_id);
    scrub->executeUpdate();
    // Who changed which consent when is personal data too; only the erasure itself stays.
    ReplaceConsentHistoryWithErasure(connection, tenant_id, client_id, ErasureEntry(now, key_id));
    v1::ProfileEvent event;
    event.mutable_client_erased()->set_client_id(client_id);
    AppendToOutbox(connection, {MakeOutboxEvent(tenant_id, now, std::move(event),
                                                ClientCacheKey(tenant_id, client_id))});
  });
  return tombstone;
}

MergeOutcome MySqlClientRepository::Merge(const std::string& tenant_id,
                                          const std::string& survivor_id,
                                          const std::string& duplicate_id, UnixMicros now,
                                          const std::string& key_id) {
  MergeOutcome outcome;
  pool_.InTransaction([&](sql::Connection& connection) {
    outcome = {};
    // Both rows locked, in id order (LoadClients orders), so two merges of one pair, or a merge
    // and a record of either client (which takes a shared lock), queue instead of deadlocking.
    auto pair = LoadClients(connection, tenant_id, {survivor_id, duplicate_id}, true);
    const v1::Client* survivor = nullptr;
    const v1::Client* duplicate = nullptr;
    for (const v1::Client& client : pair) {
      (client.client_id() == survivor_id ? survivor : duplicate) = &client;
    }
    if (survivor == nullptr) {
      throw NotFound("survivor_client_id: client '" + survivor_id + "' not found");
    }
    if (duplicate == nullptr) {
      throw NotFound("duplicate_client_id: client '" + duplicate_id + "' not found");
    }
    if (CheckMerge(*survivor, *duplicate) == MergeStep::kAlreadyMerged) {
      outcome = {*survivor, *duplicate, true};
      return;
    }
    MergedClients merged = MergeClientRecords(*survivor, *duplicate, now);
    MoveActivity(connection, tenant_id, duplicate_id, survivor_id);
    // The duplicate's consent history is the person's too: it moves, and the survivor's entries
    // for what the merge changed follow it; the duplicate keeps only the fact of the merge.
    MoveConsentHistory(connection, tenant_id, duplicate_id, survivor_id);
    std::vector<std::pair<std::string, v1::ConsentChange>> consents;
    AddConsentChanges(survivor, merged.survivor, now,
                      {v1::CONSENT_CHANGE_SOURCE_MERGE_CLIENTS, key_id}, consents);
    consents.emplace_back(duplicate_id, MergedAwayEntry(now, key_id));
    InsertConsentChanges(connection, tenant_id, consents);
    OverwriteClient(connection, tenant_id, merged.survivor);
    OverwriteClient(connection, tenant_id, merged.duplicate);
    InsertMerge(connection, tenant_id, duplicate_id, survivor_id, now, key_id);
    v1::ProfileEvent event;
    auto* payload = event.mutable_clients_merged();
    payload->set_survivor_client_id(survivor_id);
    payload->set_duplicate_client_id(duplicate_id);
    *payload->mutable_survivor() = merged.survivor;
    AppendToOutbox(connection, {MakeOutboxEvent(tenant_id, now,
                                                SurvivorUpdatedEvent(*survivor, merged.survivor),
                                                ClientCacheKey(tenant_id, survivor_id)),
                                MakeOutboxEvent(tenant_id, now, std::move(event),
                                                ClientCacheKey(tenant_id, duplicate_id))});
    outcome = {std::move(merged.survivor), std::move(merged.duplicate), false};
  });
  return outcome;
}

ImportCounts MySqlClientRepository::Import(const std::string& tenant_id,
                                           const std::vector<v1::Client>& clients,
                                           const std::string& key_id) {
  ImportCounts counts;
  pool_.InTransaction([&](sql::Connection& connection) {
    counts = {};
    std::vector<std::string> ids;
    for (const auto& client : clients) {
      ids.push_back(client.client_id());
    }
    std::set<std::string> existing;
    if (!ids.empty()) {
      // As text, not a statement prepared for a chunk's 500 placeholders and closed again.
      SqlText select(connection);
      select.Sql("SELECT client_id FROM clients WHERE tenant_id = ")
          .Str(tenant_id)
          .Sql(" AND client_id IN (")
          .StrList(ids)
          .Sql(") FOR UPDATE");
      for (auto rows = select.Query(); rows->next();) {
        existing.insert(rows->getString(1));
      }
    }
    std::vector<v1::Client> fresh;
    std::vector<OutboxEvent> events;
    std::vector<std::pair<std::string, v1::ConsentChange>> consents;
    for (const auto& client : clients) {
      if (existing.count(client.client_id()) > 0) {
        ++counts.existing;
        continue;
      }
      existing.insert(client.client_id());  // a repeated id inside one chunk counts once
      fresh.push_back(client);
      AddConsentChanges(nullptr, client, FromProtoTimestamp(client.created_at()),
                        {v1::CONSENT_CHANGE_SOURCE_IMPORT_CLIENTS, key_id}, consents);
      events.push_back(MakeOutboxEvent(tenant_id, FromProtoTimestamp(client.created_at()),
                                       CreatedEvent(client)));
    }
    InsertClients(connection, tenant_id, fresh);
    InsertConsentChanges(connection, tenant_id, consents);
    AppendToOutbox(connection, events);
    counts.created = static_cast<int64_t>(fresh.size());
  });
  return counts;
}

std::vector<ConsentHistoryRow> MySqlClientRepository::ListConsentHistory(
    const std::string& tenant_id, const std::string& client_id, int64_t after_seq, int limit) {
  std::vector<ConsentHistoryRow> history;
  pool_.WithConnection([&](sql::Connection& connection) {
    history = LoadConsentHistory(connection, tenant_id, client_id, after_seq, limit);
  });
  return history;
}

}  // namespace clienttier::profile
