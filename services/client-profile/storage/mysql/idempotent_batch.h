#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <cppconn/connection.h>
#include <google/protobuf/repeated_field.h>

#include "clienttier/profile/v1/profile_service.pb.h"
#include "common/db/mysql_pool.h"
#include "common/db/row_values.h"
#include "common/outbox/outbox.h"

namespace clienttier::profile {

namespace v1 = ::clienttier::profile::v1;

// One client's new records of a batch, each with its new id, in the order of the request.
template <typename Input>
using RecordsOf = std::vector<std::pair<std::string, const Input*>>;

// How one kind of record (transaction, interaction) is stored; the batch algorithm is shared.
template <typename Input>
struct RecordTable {
  std::string table;      // "transactions"
  std::string id_column;  // "transaction_id"
  std::string field;      // "transactions", for error messages
  // Columns after (tenant_id, id, idempotency_key, client_id), whose values `append` adds to
  // the row being written.
  std::vector<std::string> columns;
  std::function<void(RowValues& row, const Input&)> append;
  // Reads a stored row (columns as above, starting at column 3) back into an Input.
  std::function<Input(sql::ResultSet&)> read;
  std::function<bool(const Input&, const Input&)> same;
  // The one event of one client's new records in a batch (TransactionsRecorded,
  // InteractionsRecorded).
  std::function<OutboxEvent(const std::string& tenant, const std::string& client_id,
                            const RecordsOf<Input>& records)>
      client_event;
  // Optional: checks the batch's new records against stored rows before they are inserted, in
  // the same transaction, after their clients are checked (and before `client_event` is called for
  // them). `fresh`: their indexes in the batch, in order; `ids`: their new ids by key.
  std::function<void(sql::Connection& connection, const std::string& tenant,
                     const google::protobuf::RepeatedPtrField<Input>& batch,
                     const std::vector<int>& fresh, const std::map<std::string, std::string>& ids)>
      check_fresh;
};

// Records a validated batch in one transaction: checks every client exists and is not erased,
// inserts the new records with one statement (LOAD DATA from kLoadDataMinRows on) and one event
// per client into the outbox. Keys already stored are DUPLICATE; a key reused with other content
// is InvalidArgument.
// The first attempt takes every key as new and does not look them up: a history import's
// batches are new, and the unique key finds a taken one anyway. If one is taken (a retry, a
// concurrent twin), that attempt is rolled back and the next reads the stored keys first. A
// concurrent retry of the same batch that wins the race between that read and the insert
// causes one more attempt, which sees every key as DUPLICATE.
template <typename Input>
std::vector<v1::RecordResult> RecordIdempotentBatch(
    MySqlPool& pool, const std::string& tenant_id, const RecordTable<Input>& spec,
    const google::protobuf::RepeatedPtrField<Input>& batch);

}  // namespace clienttier::profile

#include "services/client-profile/storage/mysql/idempotent_batch_impl.h"
