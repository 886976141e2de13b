#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/errors/domain_error.h"
#include "services/client-profile/domain/activity_summary.h"
#include "services/client-profile/domain/record_rules.h"
#include "services/client-profile/storage/activity_repository.h"
#include "tests/support/profile/fake_client_repository.h"

namespace clienttier::testing {

// ActivityRepository in memory, with the contract of MySqlActivityRepository: a batch is all or
// nothing; a key already stored, or repeated inside the batch, comes back DUPLICATE with the
// first record's id; a key reused with other content is InvalidArgument; every client of a batch
// with something new must exist (NotFound) and not be erased (FailedPrecondition). Clients are
// those of the FakeClientRepository given.
class FakeActivityRepository final : public profile::ActivityRepository {
 public:
  explicit FakeActivityRepository(FakeClientRepository& clients) : clients_(clients) {}

  std::vector<profile::v1::RecordResult> RecordTransactions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<profile::v1::TransactionInput>& batch) override {
    return Record(tenant_id, batch, "transactions", "t-", profile::SameTransaction, transactions);
  }

  std::vector<profile::v1::RecordResult> RecordInteractions(
      const std::string& tenant_id,
      const google::protobuf::RepeatedPtrField<profile::v1::InteractionInput>& batch) override {
    return Record(tenant_id, batch, "interactions", "i-", profile::SameInteraction, interactions);
  }

  // Groups the stored records as MySqlActivityRepository's GROUP BY does and sums them with the
  // same domain function.
  profile::v1::ActivitySummary Summary(const std::string& tenant_id,
                                       const std::string& client_id) override {
    if (clients_.Find(tenant_id, client_id) == nullptr) {
      throw NotFound("client '" + client_id + "' not found");
    }
    // (currency, category, kind) -> group: ordered by currency then category.
    std::map<std::tuple<std::string, std::string, int>, profile::TransactionGroup>
        transaction_groups;
    for (const auto& [key, stored] : transactions[tenant_id]) {
      const auto& input = stored.second;
      if (input.client_id() != client_id) {
        continue;
      }
      const UnixMicros at = FromProtoTimestamp(input.occurred_at());
      auto& group = transaction_groups[{input.amount().currency(), input.category(), input.kind()}];
      group.first_at = group.count == 0 ? at : std::min(group.first_at, at);
      group.last_at = group.count == 0 ? at : std::max(group.last_at, at);
      group.kind = input.kind();
      group.currency = input.amount().currency();
      group.category = input.category();
      ++group.count;
      group.spent_units += input.amount().units();
    }
    std::map<int, profile::InteractionGroup> interaction_groups;  // ordered by kind
    for (const auto& [key, stored] : interactions[tenant_id]) {
      const auto& input = stored.second;
      if (input.client_id() != client_id) {
        continue;
      }
      auto& group = interaction_groups[input.kind()];
      group.kind = input.kind();
      ++group.count;
      group.last_at = std::max(group.last_at, FromProtoTimestamp(input.occurred_at()));
    }
    std::vector<profile::TransactionGroup> by_category;
    for (auto& [key, group] : transaction_groups) {
      by_category.push_back(group);
    }
    std::vector<profile::InteractionGroup> by_kind;
    for (auto& [kind, group] : interaction_groups) {
      by_kind.push_back(group);
    }
    return profile::SummarizeActivity(client_id, by_category, by_kind);
  }

  void Export(const std::string& tenant_id, const profile::v1::ExportClientsRequest& request,
              const std::function<bool(const profile::v1::ExportClientsResponse&)>& sink) override {
    const auto& tenant = clients_.rows[tenant_id];
    for (auto it = tenant.upper_bound(request.after_client_id()); it != tenant.end(); ++it) {
      profile::v1::ExportClientsResponse item;
      *item.mutable_client() = it->second;
      for (const auto& [key, stored] : transactions[tenant_id]) {
        if (request.include_transactions() && stored.second.client_id() == it->first) {
          auto* transaction = item.add_transactions();
          transaction->set_transaction_id(stored.first);
          transaction->set_idempotency_key(key);
          transaction->set_client_id(it->first);
        }
      }
      for (const auto& [key, stored] : interactions[tenant_id]) {
        if (request.include_interactions() && stored.second.client_id() == it->first) {
          auto* interaction = item.add_interactions();
          interaction->set_interaction_id(stored.first);
          interaction->set_idempotency_key(key);
          interaction->set_client_id(it->first);
        }
      }
      if (!sink(item)) {
        return;
      }
    }
  }

  // tenant -> idempotency key -> (id, content)
  template <typename Input>
  using Stored = std::map<std::string, std::map<std::string, std::pair<std::string, Input>>>;
  Stored<profile::v1::TransactionInput> transactions;
  Stored<profile::v1::InteractionInput> interactions;

 private:
  template <typename Input>
  std::vector<profile::v1::RecordResult> Record(
      const std::string& tenant_id, const google::protobuf::RepeatedPtrField<Input>& batch,
      const std::string& field, const std::string& id_prefix,
      bool (*same)(const Input&, const Input&), Stored<Input>& table) {
    auto& stored = table[tenant_id];
    std::map<std::string, std::pair<std::string, Input>> fresh;
    std::vector<profile::v1::RecordResult> results(static_cast<size_t>(batch.size()));
    for (int i = 0; i < batch.size(); ++i) {
      const Input& item = batch[i];
      auto& result = results[static_cast<size_t>(i)];
      result.set_idempotency_key(item.idempotency_key());
      if (auto found = stored.find(item.idempotency_key()); found != stored.end()) {
        if (!same(found->second.second, item)) {
          throw InvalidArgument(field + "[" + std::to_string(i) + "].idempotency_key",
                                "already used for a different record");
        }
        result.set_id(found->second.first);
        result.set_outcome(profile::v1::RECORD_OUTCOME_DUPLICATE);
      } else if (auto repeated = fresh.find(item.idempotency_key()); repeated != fresh.end()) {
        result.set_id(repeated->second.first);
        result.set_outcome(profile::v1::RECORD_OUTCOME_DUPLICATE);
      } else {
        const std::string id = id_prefix + std::to_string(++next_id_);
        fresh.emplace(item.idempotency_key(), std::make_pair(id, item));
        result.set_id(id);
        result.set_outcome(profile::v1::RECORD_OUTCOME_RECORDED);
      }
    }
    if (fresh.empty()) {
      return results;
    }
    for (int i = 0; i < batch.size(); ++i) {
      const std::string client_field = field + "[" + std::to_string(i) + "].client_id";
      const profile::v1::Client* client = clients_.Find(tenant_id, batch[i].client_id());
      if (client == nullptr) {
        throw NotFound(client_field + ": client '" + batch[i].client_id() + "' not found");
      }
      if (client->erased()) {
        throw FailedPrecondition(client_field + ": client '" + batch[i].client_id() +
                                 "' was erased");
      }
    }
    stored.insert(fresh.begin(), fresh.end());  // all checks passed: the whole batch commits
    return results;
  }

  FakeClientRepository& clients_;
  int next_id_ = 0;
};

}  // namespace clienttier::testing
