#pragma once

// Template body of RecordIdempotentBatch; included by idempotent_batch.h only.

#include "common/db/load_data.h"
#include "common/db/sql_helpers.h"
#include "common/db/sql_text.h"
#include "common/errors/domain_error.h"

namespace clienttier::profile {

namespace detail {

inline std::string PrefixedColumns(const std::vector<std::string>& columns) {
  std::string text;
  for (const auto& column : columns) {
    text += ", " + column;
  }
  return text;
}

// `keys_looked_up`: false on a first attempt, which takes every key as new (see
// RecordIdempotentBatch).
template <typename Input>
std::vector<v1::RecordResult> RecordOnce(sql::Connection& connection, const std::string& tenant_id,
                                         const RecordTable<Input>& spec,
                                         const google::protobuf::RepeatedPtrField<Input>& batch,
                                         bool keys_looked_up) {
  // 1. Keys already stored.
  std::map<std::string, std::pair<std::string, Input>> stored;  // key -> (id, content)
  if (keys_looked_up) {
    std::vector<std::string> keys;
    for (const auto& item : batch) {
      keys.push_back(item.idempotency_key());
    }
    SqlText select(connection);
    select
        .Sql("SELECT idempotency_key, " + spec.id_column + ", client_id" +
             PrefixedColumns(spec.columns) + " FROM " + spec.table + " WHERE tenant_id = ")
        .Str(tenant_id)
        .Sql(" AND idempotency_key IN (")
        .StrList(keys)
        .Sql(")");
    for (auto rows = select.Query(); rows->next();) {
      Input content = spec.read(*rows);
      content.set_client_id(rows->getString(3));
      stored.emplace(rows->getString(1), std::make_pair(std::string(rows->getString(2)), content));
    }
  }

  // 2. Results; collect new items (first occurrence of each key).
  std::vector<v1::RecordResult> results(static_cast<size_t>(batch.size()));
  std::map<std::string, std::string> new_ids;  // key -> id assigned in this batch
  std::vector<const Input*> fresh;
  std::vector<int> fresh_indexes;
  std::set<std::string> client_ids;
  for (int i = 0; i < batch.size(); ++i) {
    const Input& item = batch[i];
    auto& result = results[static_cast<size_t>(i)];
    result.set_idempotency_key(item.idempotency_key());
    if (auto found = stored.find(item.idempotency_key()); found != stored.end()) {
      if (!spec.same(found->second.second, item)) {
        throw InvalidArgument(spec.field + "[" + std::to_string(i) + "].idempotency_key",
                              "already used for a different record");
      }
      result.set_id(found->second.first);
      result.set_outcome(v1::RECORD_OUTCOME_DUPLICATE);
    } else if (auto repeated = new_ids.find(item.idempotency_key()); repeated != new_ids.end()) {
      result.set_id(repeated->second);
      result.set_outcome(v1::RECORD_OUTCOME_DUPLICATE);
    } else {
      const std::string id = NewEventId();
      new_ids.emplace(item.idempotency_key(), id);
      result.set_id(id);
      result.set_outcome(v1::RECORD_OUTCOME_RECORDED);
      fresh.push_back(&item);
      fresh_indexes.push_back(i);
      client_ids.insert(item.client_id());
    }
  }
  if (fresh.empty()) {
    return results;
  }

  // 3. Every client exists and is not erased (shared lock: an erasure waits for us).
  {
    SqlText select(connection);
    select.Sql("SELECT client_id, erased FROM clients WHERE tenant_id = ")
        .Str(tenant_id)
        .Sql(" AND client_id IN (");
    for (const auto& id : client_ids) {
      select.Str(id);
    }
    select.Sql(") LOCK IN SHARE MODE");
    std::map<std::string, bool> erased;
    for (auto rows = select.Query(); rows->next();) {
      erased[rows->getString(1)] = rows->getBoolean(2);
    }
    for (int i = 0; i < batch.size(); ++i) {
      const std::string field = spec.field + "[" + std::to_string(i) + "].client_id";
      auto found = erased.find(batch[i].client_id());
      if (found == erased.end()) {
        throw NotFound(field + ": client '" + batch[i].client_id() + "' not found");
      }
      if (found->second) {
        throw FailedPrecondition(field + ": client '" + batch[i].client_id() + "' was erased");
      }
    }
  }

  if (spec.check_fresh) {
    spec.check_fresh(connection, tenant_id, batch, fresh_indexes, new_ids);
  }

  // 4. Insert the new records and their events: one event per client, in the order of each
  // client's first new record (a client's records keep their order: a refund after the purchase
  // it refunds).
  // A key stored already fails the insert (InsertRows), which rolls the attempt back.
  InsertRows(connection, spec.table,
             "(tenant_id, " + spec.id_column + ", idempotency_key, client_id" +
                 PrefixedColumns(spec.columns) + ")",
             fresh.size(), [&](RowValues& row, size_t i) {
               const Input& item = *fresh[i];
               row.Str(tenant_id)
                   .Str(new_ids.at(item.idempotency_key()))
                   .Str(item.idempotency_key())
                   .Str(item.client_id());
               spec.append(row, item);
             });
  std::vector<std::string> client_order;
  std::map<std::string, RecordsOf<Input>> by_client;
  for (const Input* item : fresh) {
    auto& records = by_client[item->client_id()];
    if (records.empty()) {
      client_order.push_back(item->client_id());
    }
    records.emplace_back(new_ids.at(item->idempotency_key()), item);
  }
  std::vector<OutboxEvent> events;
  events.reserve(client_order.size());
  for (const std::string& client_id : client_order) {
    events.push_back(spec.client_event(tenant_id, client_id, by_client.at(client_id)));
  }
  AppendToOutbox(connection, events);
  return results;
}

}  // namespace detail

template <typename Input>
std::vector<v1::RecordResult> RecordIdempotentBatch(
    MySqlPool& pool, const std::string& tenant_id, const RecordTable<Input>& spec,
    const google::protobuf::RepeatedPtrField<Input>& batch) {
  std::vector<v1::RecordResult> results;
  bool keys_looked_up = false;
  for (int attempt = 1;; ++attempt) {
    try {
      pool.InTransaction([&](sql::Connection& connection) {
        results = detail::RecordOnce(connection, tenant_id, spec, batch, keys_looked_up);
      });
      return results;
    } catch (const DomainError& error) {
      // A key taken for new was stored already (a retry): again, reading the stored keys first.
      // Or another request inserted one of our keys between that read and our insert.
      if (error.kind() != ErrorKind::kAlreadyExists || attempt >= 3) {
        throw;
      }
    }
    keys_looked_up = true;
  }
}

}  // namespace clienttier::profile
