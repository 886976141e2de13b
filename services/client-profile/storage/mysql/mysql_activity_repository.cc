#include "services/client-profile/storage/mysql/mysql_activity_repository.h"

#include <map>
#include <memory>
#include <set>

#include "common/db/sql_helpers.h"
#include "common/errors/domain_error.h"
#include "services/client-profile/domain/activity_summary.h"
#include "services/client-profile/domain/profile_events.h"
#include "services/client-profile/domain/record_rules.h"
#include "services/client-profile/domain/refund_rules.h"
#include "services/client-profile/storage/mysql/client_rows.h"
#include "services/client-profile/storage/mysql/idempotent_batch.h"

namespace clienttier::profile {

namespace {

v1::Transaction ToTransaction(const std::string& id, const v1::TransactionInput& input,
                              UnixMicros recorded_at, const v1::RefundedTransaction* refunded) {
  v1::Transaction transaction;
  transaction.set_transaction_id(id);
  transaction.set_idempotency_key(input.idempotency_key());
  transaction.set_client_id(input.client_id());
  transaction.set_kind(input.kind());
  *transaction.mutable_amount() = input.amount();
  transaction.set_category(input.category());
  *transaction.mutable_occurred_at() = input.occurred_at();
  *transaction.mutable_recorded_at() = ToProtoTimestamp(recorded_at);
  if (refunded != nullptr) {
    *transaction.mutable_refunded() = *refunded;
  }
  return transaction;
}

// The stored transactions the batch's new refunds name, locked so that refunds of one original
// queue on it, with the sum of the refunds already stored against each.
std::map<std::string, RefundableTransaction> LoadRefundables(
    sql::Connection& connection, const std::string& tenant_id,
    const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
    const std::vector<int>& fresh) {
  std::set<std::string> keys;
  for (const int i : fresh) {
    if (batch[i].kind() == v1::TRANSACTION_KIND_REFUND) {
      keys.insert(batch[i].refunded_idempotency_key());
    }
  }
  std::map<std::string, RefundableTransaction> originals;
  if (keys.empty()) {
    return originals;
  }
  const std::vector<std::string> key_list(keys.begin(), keys.end());
  SqlText select(connection);
  select
      .Sql(
          "SELECT idempotency_key, transaction_id, client_id, kind, amount_units, currency,"
          " occurred_at FROM transactions WHERE tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND idempotency_key IN (")
      .StrList(key_list)
      .Sql(") FOR UPDATE");
  for (auto rows = select.Query(); rows->next();) {
    RefundableTransaction& original = originals[rows->getString(1)];
    original.transaction_id = rows->getString(2);
    original.client_id = rows->getString(3);
    original.kind = static_cast<v1::TransactionKind>(rows->getInt(4));
    original.amount_units = rows->getInt64(5);
    original.currency = rows->getString(6);
    original.occurred_at = ParseSqlDatetime(rows->getString(7));
  }
  // A locking read sees the latest committed refunds (a plain one would read the snapshot
  // taken before this transaction waited for the lock above).
  SqlText sums(connection);
  sums.Sql(
          "SELECT refunded_idempotency_key, SUM(amount_units) FROM transactions WHERE"
          " tenant_id = ")
      .Str(tenant_id)
      .Sql(" AND refunded_idempotency_key IN (")
      .StrList(key_list)
      .Sql(") GROUP BY refunded_idempotency_key LOCK IN SHARE MODE");
  for (auto rows = sums.Query(); rows->next();) {
    const auto found = originals.find(rows->getString(1));
    if (found != originals.end()) {
      found->second.refunded_units = rows->getInt64(2);
    }
  }
  return originals;
}

v1::Interaction ToInteraction(const std::string& id, const v1::InteractionInput& input) {
  v1::Interaction interaction;
  interaction.set_interaction_id(id);
  interaction.set_idempotency_key(input.idempotency_key());
  interaction.set_client_id(input.client_id());
  interaction.set_kind(input.kind());
  *interaction.mutable_occurred_at() = input.occurred_at();
  interaction.set_detail(input.detail());
  return interaction;
}

RecordTable<v1::TransactionInput> TransactionTable(UnixMicros now) {
  RecordTable<v1::TransactionInput> spec;
  spec.table = "transactions";
  spec.id_column = "transaction_id";
  spec.field = "transactions";
  spec.columns = {"kind",
                  "amount_units",
                  "currency",
                  "category",
                  "occurred_at",
                  "recorded_at",
                  "refunded_idempotency_key"};
  const std::string recorded_at = FormatSqlDatetime(now);
  spec.append = [recorded_at](RowValues& row, const v1::TransactionInput& input) {
    row.Int(input.kind())
        .Int(input.amount().units())
        .Str(input.amount().currency())
        .Str(input.category())
        .Str(FormatSqlDatetime(FromProtoTimestamp(input.occurred_at())))
        .Str(recorded_at);
    if (input.refunded_idempotency_key().empty()) {
      row.Null();
    } else {
      row.Str(input.refunded_idempotency_key());
    }
  };
  spec.read = [](sql::ResultSet& row) {
    v1::TransactionInput input;
    input.set_kind(static_cast<v1::TransactionKind>(row.getInt(4)));
    input.mutable_amount()->set_units(row.getInt64(5));
    input.mutable_amount()->set_currency(row.getString(6));
    input.set_category(row.getString(7));
    *input.mutable_occurred_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(8)));
    input.set_refunded_idempotency_key(row.isNull(10) ? std::string()
                                                      : std::string(row.getString(10)));
    return input;
  };
  spec.same = SameTransaction;
  // The originals of this batch's refunds, as check_fresh found them, for their events.
  auto refunded = std::make_shared<std::map<std::string, v1::RefundedTransaction>>();
  spec.check_fresh =
      [refunded](sql::Connection& connection, const std::string& tenant,
                 const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch,
                 const std::vector<int>& fresh, const std::map<std::string, std::string>& ids) {
        *refunded = CheckRefunds(batch, fresh, ids,
                                 LoadRefundables(connection, tenant, batch, fresh), "transactions");
      };
  spec.client_event = [now, refunded](const std::string& tenant, const std::string& client_id,
                                      const RecordsOf<v1::TransactionInput>& records) {
    v1::ProfileEvent event;
    v1::TransactionsRecorded* recorded = event.mutable_transactions_recorded();
    recorded->set_client_id(client_id);
    for (const auto& [id, input] : records) {
      const auto found = refunded->find(input->idempotency_key());
      *recorded->add_transactions() =
          ToTransaction(id, *input, now, found == refunded->end() ? nullptr : &found->second);
    }
    return MakeOutboxEvent(tenant, now, std::move(event));
  };
  return spec;
}

RecordTable<v1::InteractionInput> InteractionTable(UnixMicros now) {
  RecordTable<v1::InteractionInput> spec;
  spec.table = "interactions";
  spec.id_column = "interaction_id";
  spec.field = "interactions";
  spec.columns = {"kind", "occurred_at", "detail", "recorded_at"};
  const std::string recorded_at = FormatSqlDatetime(now);
  spec.append = [recorded_at](RowValues& row, const v1::InteractionInput& input) {
    row.Int(input.kind())
        .Str(FormatSqlDatetime(FromProtoTimestamp(input.occurred_at())))
        .Str(input.detail())
        .Str(recorded_at);
  };
  spec.read = [](sql::ResultSet& row) {
    v1::InteractionInput input;
    input.set_kind(static_cast<v1::InteractionKind>(row.getInt(4)));
    *input.mutable_occurred_at() = ToProtoTimestamp(ParseSqlDatetime(row.getString(5)));
    input.set_detail(row.isNull(6) ? std::string() : std::string(row.getString(6)));
    return input;
  };
  spec.same = SameInteraction;
  spec.client_event = [now](const std::string& tenant, const std::string& client_id,
                            const RecordsOf<v1::InteractionInput>& records) {
    v1::ProfileEvent event;
    v1::InteractionsRecorded* recorded = event.mutable_interactions_recorded();
    recorded->set_client_id(client_id);
    for (const auto& [id, input] : records) {
      *recorded->add_interactions() = ToInteraction(id, *input);
    }
    return MakeOutboxEvent(tenant, now, std::move(event));
  };
  return spec;
}

}  // namespace

std::vector<v1::RecordResult> MySqlActivityRepository::RecordTransactions(
    const std::string& tenant_id,
    const google::protobuf::RepeatedPtrField<v1::TransactionInput>& batch) {
  return RecordIdempotentBatch(pool_, tenant_id, TransactionTable(clock_.Now()), batch);
}

std::vector<v1::RecordResult> MySqlActivityRepository::RecordInteractions(
    const std::string& tenant_id,
    const google::protobuf::RepeatedPtrField<v1::InteractionInput>& batch) {
  return RecordIdempotentBatch(pool_, tenant_id, InteractionTable(clock_.Now()), batch);
}

v1::ActivitySummary MySqlActivityRepository::Summary(const std::string& tenant_id,
                                                     const std::string& client_id) {
  std::vector<TransactionGroup> transactions;
  std::vector<InteractionGroup> interactions;
  pool_.WithConnection([&](sql::Connection& connection) {
    auto exists =
        Prepare(connection, "SELECT 1 FROM clients WHERE tenant_id = ? AND client_id = ?");
    exists->setString(1, tenant_id);
    exists->setString(2, client_id);
    if (!Query(*exists)->next()) {
      throw NotFound("client '" + client_id + "' not found");
    }
    auto totals = Prepare(connection,
                          "SELECT kind, currency, category, COUNT(*), SUM(amount_units),"
                          " MIN(occurred_at), MAX(occurred_at) FROM transactions"
                          " WHERE tenant_id = ? AND client_id = ? GROUP BY kind, currency, category"
                          " ORDER BY currency, category");
    totals->setString(1, tenant_id);
    totals->setString(2, client_id);
    for (auto rows = Query(*totals); rows->next();) {
      TransactionGroup group;
      group.kind = rows->getInt(1);
      group.currency = rows->getString(2);
      group.category = rows->getString(3);
      group.count = rows->getInt64(4);
      group.spent_units = rows->getInt64(5);
      group.first_at = ParseSqlDatetime(rows->getString(6));
      group.last_at = ParseSqlDatetime(rows->getString(7));
      transactions.push_back(std::move(group));
    }
    auto by_kind = Prepare(connection,
                           "SELECT kind, COUNT(*), MAX(occurred_at) FROM interactions"
                           " WHERE tenant_id = ? AND client_id = ? GROUP BY kind ORDER BY kind");
    by_kind->setString(1, tenant_id);
    by_kind->setString(2, client_id);
    for (auto rows = Query(*by_kind); rows->next();) {
      InteractionGroup group;
      group.kind = static_cast<v1::InteractionKind>(rows->getInt(1));
      group.count = rows->getInt64(2);
      group.last_at = ParseSqlDatetime(rows->getString(3));
      interactions.push_back(group);
    }
  });
  return SummarizeActivity(client_id, transactions, interactions);
}

void MySqlActivityRepository::Export(
    const std::string& tenant_id, const v1::ExportClientsRequest& request,
    const std::function<bool(const v1::ExportClientsResponse&)>& sink) {
  constexpr int kPageSize = 500;
  std::string after = request.after_client_id();
  for (;;) {
    std::vector<v1::ExportClientsResponse> page;
    pool_.WithConnection([&](sql::Connection& connection) {
      std::vector<std::string> ids;
      std::map<std::string, size_t> position;
      for (auto& client : LoadClientPage(connection, tenant_id, after, kPageSize)) {
        ids.push_back(client.client_id());
        position[client.client_id()] = page.size();
        page.emplace_back();
        *page.back().mutable_client() = std::move(client);
      }
      if (ids.empty()) {
        return;
      }
      const std::string in_list = " IN (" + Placeholders(ids.size()) + ")";
      const auto bind = [&](sql::PreparedStatement& statement) {
        statement.setString(1, tenant_id);
        for (size_t i = 0; i < ids.size(); ++i) {
          statement.setString(static_cast<unsigned>(i + 2), ids[i]);
        }
      };
      if (request.include_transactions()) {
        auto transactions = Prepare(connection,
                                    "SELECT t.client_id, t.transaction_id, t.idempotency_key,"
                                    " t.kind, t.amount_units, t.currency, t.category,"
                                    " t.occurred_at, t.recorded_at, o.transaction_id, o.kind,"
                                    " o.occurred_at, t.refunded_idempotency_key"
                                    " FROM transactions t LEFT JOIN transactions o"
                                    " ON o.tenant_id = t.tenant_id"
                                    " AND o.idempotency_key = t.refunded_idempotency_key"
                                    " WHERE t.tenant_id = ? AND t.client_id" +
                                        in_list + " ORDER BY t.client_id, t.occurred_at, t.seq");
        bind(*transactions);
        for (auto rows = Query(*transactions); rows->next();) {
          auto* transaction = page[position.at(rows->getString(1))].add_transactions();
          transaction->set_client_id(rows->getString(1));
          transaction->set_transaction_id(rows->getString(2));
          transaction->set_idempotency_key(rows->getString(3));
          transaction->set_kind(static_cast<v1::TransactionKind>(rows->getInt(4)));
          transaction->mutable_amount()->set_units(rows->getInt64(5));
          transaction->mutable_amount()->set_currency(rows->getString(6));
          transaction->set_category(rows->getString(7));
          *transaction->mutable_occurred_at() =
              ToProtoTimestamp(ParseSqlDatetime(rows->getString(8)));
          *transaction->mutable_recorded_at() =
              ToProtoTimestamp(ParseSqlDatetime(rows->getString(9)));
          if (!rows->isNull(10)) {
            v1::RefundedTransaction* refunded = transaction->mutable_refunded();
            refunded->set_transaction_id(rows->getString(10));
            refunded->set_kind(static_cast<v1::TransactionKind>(rows->getInt(11)));
            *refunded->mutable_occurred_at() =
                ToProtoTimestamp(ParseSqlDatetime(rows->getString(12)));
            refunded->set_idempotency_key(rows->getString(13));
          }
        }
      }
      if (request.include_interactions()) {
        auto interactions = Prepare(connection,
                                    "SELECT client_id, interaction_id, idempotency_key, kind,"
                                    " occurred_at, detail FROM interactions WHERE tenant_id = ?"
                                    " AND client_id" +
                                        in_list + " ORDER BY client_id, occurred_at, seq");
        bind(*interactions);
        for (auto rows = Query(*interactions); rows->next();) {
          auto* interaction = page[position.at(rows->getString(1))].add_interactions();
          interaction->set_client_id(rows->getString(1));
          interaction->set_interaction_id(rows->getString(2));
          interaction->set_idempotency_key(rows->getString(3));
          interaction->set_kind(static_cast<v1::InteractionKind>(rows->getInt(4)));
          *interaction->mutable_occurred_at() =
              ToProtoTimestamp(ParseSqlDatetime(rows->getString(5)));
          interaction->set_detail(rows->isNull(6) ? std::string()
                                                  : std::string(rows->getString(6)));
        }
      }
    });
    for (const auto& item : page) {
      if (!sink(item)) {
        return;
      }
    }
    if (page.size() < static_cast<size_t>(kPageSize)) {
      return;
    }
    after = page.back().client().client_id();
  }
}

}  // namespace clienttier::profile
